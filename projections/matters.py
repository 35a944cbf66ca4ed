"""Matters under 四议两公开 in full, as residents read them (docs/governance.md,
"Matters"): the list, a page at a time, and one matter with its six-step timeline.

Read from ``view_matters`` and ``view_matter_steps`` (projections/handlers/matters.py);
the resolution a matter rests on comes from ``view_resolutions`` as on the other pages.
Which steps exist and in which order is the domain's (``MATTER_STEPS``, in its
effects); their names, in Chinese and English, are said here once for the API and
the pages.
"""

from __future__ import annotations

import json
from typing import Any

from ledger.domain.effects import MATTER_STEPS
from ledger.errors import NotFound
from projections.governance import _resolution_rows
from projections.paging import (PAGE_SIZE_DEFAULT, check_cursor, check_limit, check_seq,
                                check_text, page, require_ledger)
from projections.view import FinanceView

# (中文, English) of each step, in MATTER_STEPS order.
STEP_NAMES: dict[str, tuple[str, str]] = {
    "proposed": ("提议", "Proposed"),
    "discussed": ("商议", "Discussed (joint meeting)"),
    "reviewed": ("审议", "Reviewed (party members' meeting)"),
    "resolved": ("决议", "Resolved (residents' representatives)"),
    "published": ("决议公开", "Resolution published"),
    "implemented": ("实施结果公开", "Implementation result published"),
}
COLUMNS = ("seq, proposed_by, subject_kind, subject_ref, title, status, proposed_on, resolution, "
           "recorded_at, last_seq")
ENDED = frozenset({"rejected", "implemented"})  # no step follows


def _shown(row: dict[str, Any]) -> dict[str, Any]:
    kind, ref = row.pop("subject_kind"), row.pop("subject_ref")
    return {**row, "subject": {"kind": kind} if ref is None else {"kind": kind, "ref": ref}}


def matters(view: FinanceView, ledger: str, status: str | None = None,
            cursor: int | None = None, limit: int = PAGE_SIZE_DEFAULT) -> dict[str, Any]:
    """Matters oldest first, a page of at most ``limit`` after ``cursor`` (``next_cursor``
    continues; None on the last page), each with how many of its six steps are done;
    ``status`` keeps those whose latest step is that one."""
    limit, cursor = check_limit(limit), check_cursor(cursor)
    check_text(status, "status")
    where, params = "", []
    for sql, value in (("m.status = ?", status), ("m.seq > ?", cursor)):
        if value is not None:
            where, params = f"{where} AND {sql}", [*params, value]
    with view.reading() as tx:
        info = require_ledger(tx, ledger)
        rows = tx.all(f"SELECT m.{COLUMNS.replace(', ', ', m.')}, (SELECT COUNT(*) FROM "
                      "view_matter_steps s WHERE s.ledger = m.ledger AND s.matter = m.seq) "
                      f"AS steps_done FROM view_matters m WHERE m.ledger = ?{where} "
                      "ORDER BY m.seq LIMIT ?", [ledger, *params, limit + 1])
    items, next_cursor = page([_shown(row) for row in rows], limit)
    return {"ledger": ledger, "size": info["size"], "status": status, "items": items,
            "next_cursor": next_cursor, "steps": len(MATTER_STEPS)}


def timeline(status: str, taken: dict[str, dict[str, Any]]) -> list[dict[str, Any]]:
    """The six steps in order: each one ``done`` (with its entry, date, document and the
    role that signed), ``next``, ``pending`` or ``never`` (after a rejection)."""
    steps, waiting = [], True
    for step in MATTER_STEPS:
        row = taken.get(step)
        zh, en = STEP_NAMES[step]
        shown: dict[str, Any] = {"step": step, "name_zh": zh, "name_en": en}
        if row is not None:
            shown.update(state="done", seq=row["seq"], type=row["type"], date=row["date"],
                         sha256=row["sha256"], signer_role=row["signer_role"],
                         recorded_at=row["recorded_at"], detail=json.loads(row["detail"]))
        else:
            state = "never" if status in ENDED else ("next" if waiting else "pending")
            waiting = False
            shown.update(state=state, seq=None, type=None, date=None, sha256=None,
                         signer_role=None, recorded_at=None, detail=None)
        steps.append(shown)
    return steps


def matter(view: FinanceView, ledger: str, seq: int) -> dict[str, Any]:
    """One matter: what it is about, its status, the resolution it rests on and its
    timeline of six steps (done ones with their seq, date, document hash and signer
    role; the next one; those still to come)."""
    seq = check_seq(seq)
    with view.reading() as tx:
        info = require_ledger(tx, ledger)
        row = tx.one(f"SELECT {COLUMNS} FROM view_matters WHERE ledger = ? AND seq = ?",
                     (ledger, seq))
        if row is None:
            raise NotFound(f"entry {seq} of {ledger} is not a proposed matter (or not in the "
                           "views yet)", matter=seq)
        steps = tx.all("SELECT step, seq, type, date, sha256, signer_role, recorded_at, detail "
                       "FROM view_matter_steps WHERE ledger = ? AND matter = ?", (ledger, seq))
        found = (_resolution_rows(tx, ledger, " AND seq = ?", [row["resolution"]])
                 if row["resolution"] is not None else [])
    shown = _shown(row)
    shown["timeline"] = timeline(shown["status"], {step["step"]: step for step in steps})
    shown["steps_done"] = len(steps)
    shown["resolution"] = found[0] if found else None
    shown["ledger"], shown["size"] = ledger, info["size"]
    return shown


__all__ = ["matters", "matter", "timeline", "STEP_NAMES"]
