"""Confidential reports (举报) as the public sees them: that a report was filed and
when it was handled. The text is sealed off the log; no view holds a word of it."""

from __future__ import annotations

from typing import Any

from projections.paging import (PAGE_SIZE_DEFAULT, check_cursor, check_limit, check_seq, page,
                                require_ledger)
from projections.view import FinanceView


def confidential_reports(view: FinanceView, ledger: str, cursor: int | None = None,
                         limit: int = PAGE_SIZE_DEFAULT) -> dict[str, Any]:
    """Reports oldest first, a page at a time, each "filed at T, handled on D" (or not yet);
    ``counts`` over all of them."""
    limit, cursor = check_limit(limit), check_cursor(cursor)
    window, params = (" AND seq > ?", [cursor]) if cursor is not None else ("", [])
    with view.reading() as tx:
        info = require_ledger(tx, ledger)
        rows = tx.all("SELECT seq, filed_at, handled_on FROM view_confidential WHERE "
                      f"ledger = ?{window} ORDER BY seq LIMIT ?", [ledger, *params, limit + 1])
        counts = tx.one("SELECT COUNT(*) AS filed, COUNT(handled_on) AS handled FROM "
                        "view_confidential WHERE ledger = ?", (ledger,))
    items, next_cursor = page(rows, limit)
    return {"ledger": ledger, "size": info["size"], "items": items, "next_cursor": next_cursor,
            "counts": {"filed": counts["filed"], "handled": counts["handled"]}}


def confidential_report(view: FinanceView, ledger: str, seq: int) -> dict[str, Any] | None:
    """One report's public row, or None."""
    seq = check_seq(seq)
    with view.reading() as tx:
        return tx.one("SELECT seq, filed_at, handled_on FROM view_confidential WHERE "
                      "ledger = ? AND seq = ?", (ledger, seq))
