"""A journal entry's whole story from the read model, for its public page: whether
the policy held it for approval, who decided it and under which residents'
resolution, who reversed and who confirmed it, and residents' questions about it
with their answers. Only rows the projections already wrote (no rule of the
domain is re-decided here)."""

from __future__ import annotations

from typing import Any

from projections.governance import _questions, _resolution_rows
from projections.paging import check_seq, require_ledger
from projections.view import FinanceView


def entry_story(view: FinanceView, ledger: str, seq: int) -> dict[str, Any]:
    seq = check_seq(seq)
    with view.reading() as tx:
        require_ledger(tx, ledger)
        entry = tx.one("SELECT decided_by, confirmed_by, reversed_by FROM view_entries "
                       "WHERE ledger = ? AND seq = ?", (ledger, seq)) or {}
        held = tx.one("SELECT level, amount, status, decided_by FROM view_pending "
                      "WHERE ledger = ? AND seq = ?", (ledger, seq))
        related = [s for s in (entry.get("decided_by"), entry.get("confirmed_by"),
                               entry.get("reversed_by")) if s is not None]
        signers = {row["seq"]: row for row in tx.all(
            "SELECT seq, signer_role, recorded_at FROM view_log WHERE ledger = ? AND seq IN "
            f"({', '.join('?' * len(related)) or 'NULL'})", [ledger, *related])}
        resolutions = _resolution_rows(tx, ledger, " AND matter_kind = 'entry' AND "
                                       "matter_ref = ?", [seq])
        questions = _questions(tx, ledger, " AND about_kind = 'entry' AND about_ref = ?", [seq])
    return {"held": held, "resolutions": resolutions, "questions": questions,
            "signers": signers}


__all__ = ["entry_story"]
