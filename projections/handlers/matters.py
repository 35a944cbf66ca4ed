"""Matters under 四议两公开 in full (ledger/domain/matters.py) as read tables:
``view_matters`` (each matter's latest state, from the domain's record in the effect)
and ``view_matter_steps`` (its timeline: one row per step taken, with the step's
business date and document as the domain says them, and the role that signed).
The steps ``resolved`` and ``published`` are a ``resolution.recorded`` and a
``resolution.disclosed`` naming the matter: their own rows are written as before."""

from __future__ import annotations

from ledger.domain.effects import MatterProposed, MatterStepped
from projections.handlers import At, writes
from projections.handlers.common import detail_json
from projections.handlers.governance_common import public_body


def _step(at: At, matter: int, step: str, date: str, document: str) -> None:
    entry = at.entry
    at.tx.run("INSERT INTO view_matter_steps (ledger, matter, step, seq, type, date, sha256, "
              "signer_role, recorded_at, detail) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
              (at.ledger, matter, step, entry.seq, entry.statement.type, date, document,
               at.role, entry.recorded_at, detail_json(public_body(entry.statement.body))))


@writes(MatterProposed)
def matter_proposed(at: At, proposed: MatterProposed) -> None:
    matter = proposed.matter
    at.tx.run("INSERT INTO view_matters (ledger, seq, proposed_by, subject_kind, subject_ref, "
              "title, status, proposed_on, resolution, recorded_at, last_seq) VALUES "
              "(?, ?, ?, ?, ?, ?, ?, ?, NULL, ?, ?)",
              (at.ledger, matter.seq, matter.proposed_by, matter.subject_kind,
               matter.subject_ref, matter.title, matter.status, matter.proposed_on,
               at.entry.recorded_at, matter.seq))
    _step(at, matter.seq, "proposed", proposed.date, proposed.document)


@writes(MatterStepped)
def matter_stepped(at: At, stepped: MatterStepped) -> None:
    matter = stepped.matter
    at.tx.run("UPDATE view_matters SET status = ?, resolution = ?, last_seq = ? "
              "WHERE ledger = ? AND seq = ?",
              (matter.status, matter.resolution, stepped.seq, at.ledger, matter.seq))
    _step(at, matter.seq, stepped.step, stepped.date, stepped.document)
