"""Inspection findings (巡察) as residents and auditors read them, from the read tables.

The public summary says what each finding is about, who raised it (the role), where it
stands, its deadline, whether it is overdue and its evidence document's hash; never
the title, detail, owner or notes, which may name people (the audit view shows them,
with each finding's steps). Whether a finding is overdue is the domain's rule
(``ledger.domain.inspection_deadlines``), judged on the ``today`` the caller gives.
"""

from __future__ import annotations

import json
from collections import Counter
from datetime import date
from typing import Any

from ledger.domain.inspection_deadlines import AWAITING_RECTIFICATION, STATUSES, is_overdue
from projections.paging import check_limit, require_ledger
from projections.view import FinanceView, Tx

PUBLIC_COLUMNS = ("seq, about_kind, about_ref, raised_role, raised_at, status, deadline, "
                  "evidence_sha256, rectified_at, closed_at, last_seq")
AUDIT_COLUMNS = PUBLIC_COLUMNS + ", title, detail, owner, entries"


def findings(view: FinanceView, ledger: str, today: date, *, full: bool = False,
             after: int | None = None, limit: int = 100) -> dict[str, Any]:
    """A page of ``ledger``'s inspection findings, oldest first, and counts of all of
    them by status (and overdue); ``full``: the auditors' view."""
    limit = check_limit(limit)
    with view.reading() as tx:
        require_ledger(tx, ledger)
        counts = _counts(tx, ledger, today)
        rows = tx.all(f"SELECT {AUDIT_COLUMNS if full else PUBLIC_COLUMNS} FROM "
                      "view_inspection_findings WHERE ledger = ? AND seq > ? ORDER BY seq "
                      "LIMIT ?", (ledger, -1 if after is None else after, limit + 1))
        more, rows = len(rows) > limit, rows[:limit]
        steps = _steps(tx, ledger, [row["seq"] for row in rows]) if full else {}
    items = [_item(row, today, steps.get(row["seq"]) if full else None) for row in rows]
    return {"ledger": ledger, "today": today.isoformat(), "counts": counts, "items": items,
            "next_cursor": rows[-1]["seq"] if more else None}


def summary(view: FinanceView, ledger: str, today: date) -> dict[str, Any]:
    """What the community page shows: the counts, and every overdue finding (public
    columns only), however many findings there are."""
    with view.reading() as tx:
        require_ledger(tx, ledger)
        counts = _counts(tx, ledger, today)
        marks = ", ".join("?" for _ in AWAITING_RECTIFICATION)
        waiting = tx.all(f"SELECT {PUBLIC_COLUMNS} FROM view_inspection_findings WHERE "
                         f"ledger = ? AND status IN ({marks}) ORDER BY seq",
                         (ledger, *sorted(AWAITING_RECTIFICATION)))
    overdue = [_item(row, today, None) for row in waiting
               if is_overdue(row["status"], row["deadline"], today)]
    return {"ledger": ledger, "today": today.isoformat(), "counts": counts,
            "total": sum(counts[status] for status in STATUSES), "overdue": overdue}


def open_and_overdue(tx: Tx, today: date) -> dict[str, tuple[int, int]]:
    """Per ledger, for the street office's overview: findings not closed (未销号), and
    those overdue (the domain's rule, asked of the few awaiting rectification)."""
    found = {row["ledger"]: [row["n"], 0] for row in tx.all(
        "SELECT ledger, COUNT(*) AS n FROM view_inspection_findings WHERE status <> 'closed' "
        "GROUP BY ledger")}
    marks = ", ".join("?" for _ in AWAITING_RECTIFICATION)
    for row in tx.all(f"SELECT ledger, status, deadline FROM view_inspection_findings "
                      f"WHERE status IN ({marks})", sorted(AWAITING_RECTIFICATION)):
        found[row["ledger"]][1] += is_overdue(row["status"], row["deadline"], today)
    return {ledger: (counts[0], counts[1]) for ledger, counts in found.items()}


def _counts(tx: Tx, ledger: str, today: date) -> dict[str, int]:
    rows = tx.all("SELECT status, deadline FROM view_inspection_findings WHERE ledger = ?",
                  (ledger,))
    counts = Counter(row["status"] for row in rows)
    shown = {status: counts.get(status, 0) for status in STATUSES}
    shown["overdue"] = sum(is_overdue(row["status"], row["deadline"], today) for row in rows)
    return shown


def _steps(tx: Tx, ledger: str, seqs: list[int]) -> dict[int, list[dict[str, Any]]]:
    found: dict[int, list[dict[str, Any]]] = {seq: [] for seq in seqs}
    if not seqs:
        return found
    rows = tx.all("SELECT finding, seq, type, signer_role, recorded_at, note FROM "
                  "view_inspection_steps WHERE ledger = ? AND finding >= ? AND finding <= ? "
                  "ORDER BY finding, seq", (ledger, min(seqs), max(seqs)))
    for row in rows:
        if row["finding"] in found:
            found[row["finding"]].append({key: row[key] for key in
                                          ("seq", "type", "signer_role", "recorded_at", "note")})
    return found


def _item(row: dict[str, Any], today: date, steps: list | None) -> dict[str, Any]:
    item = {"seq": row["seq"], "about": {"kind": row["about_kind"], "ref": row["about_ref"]},
            "raised_by": row["raised_role"], "raised_at": row["raised_at"],
            "status": row["status"], "deadline": row["deadline"],
            "overdue": is_overdue(row["status"], row["deadline"], today),
            "evidence_sha256": row["evidence_sha256"], "rectified_at": row["rectified_at"],
            "closed_at": row["closed_at"], "last_seq": row["last_seq"]}
    if steps is not None:
        item.update(title=row["title"], detail=row["detail"], owner=row["owner"],
                    entries=json.loads(row["entries"]), steps=steps)
    return item
