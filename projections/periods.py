"""Closed months and bank reconciliation sheets, as the views keep them.

``periods`` lists each month from the first one closed (or the first with an
entry) to the latest month with an entry or a close: closed ones with who
closed and co-signed them and when, the rest open. ``reconciliations`` pages
through the sheets, one per bank statement (projections/flags/books.py
writes them from the domain's ``reconcile``).
"""

from __future__ import annotations

import json
from typing import Any

from projections.paging import (PAGE_SIZE_DEFAULT, check_cursor, check_limit, page,
                                require_ledger)
from projections.view import FinanceView

SHEET_COLUMNS = ("seq, account, fund, date, statement_sha256, recorded_by, bank_balance, "
                 "book_balance, in_transit, unexplained, items")


def _months(first: str, last: str) -> list[str]:
    months, month = [], first
    while month <= last:
        months.append(month)
        year, number = int(month[:4]), int(month[5:])
        month = f"{year + number // 12:04d}-{number % 12 + 1:02d}"
    return months


def periods(view: FinanceView, ledger: str) -> dict[str, Any]:
    with view.reading() as tx:
        info = require_ledger(tx, ledger)
        closed = {row["month"]: row for row in tx.all(
            "SELECT month, status, closed_seq, closed_by, closed_at, cosigned_seq, "
            "cosigned_by, cosigned_at FROM view_periods WHERE ledger = ? ORDER BY month",
            (ledger,))}
        span = tx.one("SELECT MIN(date) AS first, MAX(date) AS last FROM view_entries "
                      "WHERE ledger = ?", (ledger,))
    ends = [month for month in (span["first"] and span["first"][:7],
                                span["last"] and span["last"][:7], *closed) if month]
    months = _months(min(ends), max(ends)) if ends else []
    # The first close closes every month before it: they are shown closed with it.
    first_close = min(closed) if closed else None
    items = []
    for month in months:
        row = closed.get(month) or (closed[first_close] if first_close and month < first_close
                                    else None)
        items.append({"month": month, "status": row["status"] if row else "open",
                      "closed_by": _signature(row, "closed"),
                      "cosigned_by": _signature(row, "cosigned")})
    latest = max(closed) if closed else None
    return {"ledger": ledger, "size": info["size"], "closed_through": latest,
            "items": items}


def _signature(row: dict[str, Any] | None, step: str) -> dict[str, Any] | None:
    if row is None or row[f"{step}_seq"] is None:
        return None
    return {"seq": row[f"{step}_seq"], "key_id": row[f"{step}_by"], "at": row[f"{step}_at"]}


def reconciliations(view: FinanceView, ledger: str, cursor: int | None = None,
                    limit: int = PAGE_SIZE_DEFAULT) -> dict[str, Any]:
    """The sheets in the order the statements were recorded, a page at a time."""
    limit, cursor = check_limit(limit), check_cursor(cursor)
    with view.reading() as tx:
        info = require_ledger(tx, ledger)
        rows = tx.all(f"SELECT {SHEET_COLUMNS} FROM view_reconciliations WHERE ledger = ? "
                      "AND seq > ? ORDER BY seq LIMIT ?",
                      (ledger, -1 if cursor is None else cursor, limit + 1))
    items, next_cursor = page(rows, limit)
    return {"ledger": ledger, "currency": info["currency"], "size": info["size"],
            "items": [_sheet(row) for row in items], "next_cursor": next_cursor}


def _sheet(row: dict[str, Any]) -> dict[str, Any]:
    return {"seq": row["seq"], "account": row["account"], "fund": row["fund"],
            "date": row["date"], "statement_sha256": row["statement_sha256"],
            "recorded_by": row["recorded_by"], "bank_balance": row["bank_balance"],
            "book_balance": row["book_balance"], "in_transit": json.loads(row["items"]),
            "explained": row["in_transit"], "unexplained": row["unexplained"],
            "reconciled": row["unexplained"] == 0}
