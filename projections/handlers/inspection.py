"""Inspection findings (巡察) as read tables: ``view_inspection_findings`` (each one's
state, from the domain's record in the effect) and ``view_inspection_steps`` (its
story). The title, detail, owner and notes are copied for the audit view only; the
public summary never selects them (projections/inspection.py)."""

from __future__ import annotations

import json

from ledger.domain.effects import FindingRaised, FindingStepped
from projections.handlers import At, writes


def _step(at: At, finding: int) -> None:
    body = at.body
    note = body.get("detail") or body.get("reason") or body.get("note") or ""
    at.tx.run("INSERT INTO view_inspection_steps (ledger, finding, seq, type, signer_role, "
              "recorded_at, note) VALUES (?, ?, ?, ?, ?, ?, ?)",
              (at.ledger, finding, at.entry.seq, at.entry.statement.type, at.role,
               at.entry.recorded_at, str(note)))


@writes(FindingRaised)
def finding_raised(at: At, raised: FindingRaised) -> None:
    finding, body = raised.finding, at.body
    at.tx.run("INSERT INTO view_inspection_findings (ledger, seq, about_kind, about_ref, "
              "entries, title, detail, raised_role, raised_at, status, owner, deadline, "
              "evidence_sha256, rectified_at, closed_at, last_seq) VALUES (?, ?, ?, ?, ?, ?, ?, "
              "?, ?, ?, '', NULL, NULL, NULL, NULL, ?)",
              (at.ledger, finding.seq, finding.about_kind, finding.about_ref,
               json.dumps([int(seq) for seq in body.get("entries", [])]), str(body["title"]),
               str(body.get("detail", "")), ",".join(sorted(finding.raised_roles)),
               finding.raised_at, finding.status, finding.seq))
    _step(at, finding.seq)


@writes(FindingStepped)
def finding_stepped(at: At, stepped: FindingStepped) -> None:
    finding = stepped.finding
    at.tx.run("UPDATE view_inspection_findings SET status = ?, owner = ?, deadline = ?, "
              "evidence_sha256 = ?, rectified_at = ?, closed_at = ?, last_seq = ? "
              "WHERE ledger = ? AND seq = ?",
              (finding.status, finding.owner, finding.deadline or None,
               finding.evidence_sha256 or None, finding.rectified_at or None,
               finding.closed_at or None, stepped.seq, at.ledger, finding.seq))
    _step(at, finding.seq)
