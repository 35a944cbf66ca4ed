"""GET the audit views (signed in): journal, general ledger, trial balance,
activity by signer, unconfirmed entries, approvals waiting, reversals, findings.

Each route names its view in ``signed_in(...)``; who may read which is the
table ``api.auth.AUDIT_ROLES``. These views show key ids and counterparties'
full names, which the resident views mask.
"""

from __future__ import annotations

from typing import Annotated, Any, Callable

from fastapi import APIRouter, Depends, Path

from api.auth import signed_in
from api.contract import SIGNED_IN_READ, TEXT_CHARS_MAX, merged
from api.csv import CSV_RESPONSES, csv_pages, csv_response, explode
from api.deps import (PRINTABLE_PATTERN, Cursor, DateText, Format, Limit, Text, View,
                      ViewLedger, answer)
from projections import audit
from projections.paging import PAGE_SIZE_DEFAULT, PAGE_SIZE_MAX

router = APIRouter(prefix="/v1/ledgers/{ledger}/audit", tags=["audit (signed in)"])
RESPONSES = merged(CSV_RESPONSES, SIGNED_IN_READ)
Account = Annotated[str, Path(max_length=TEXT_CHARS_MAX, pattern=PRINTABLE_PATTERN,
                              description="the account code, e.g. 1002")]


def _guard(view: str) -> list:
    return [Depends(signed_in(view))]


def _paged(read: Callable[..., dict[str, Any]], cursor: int | None, limit: int, fmt: str,
           filename: str, lines: bool = False) -> Any:
    """JSON: one page. CSV: the whole list from ``cursor`` on (with ``lines``: one
    row per posting line)."""
    if fmt == "csv":
        def read_page(after: int | None) -> tuple[list[dict[str, Any]], int | None]:
            page = read(after, PAGE_SIZE_MAX)
            return page["items"], page["next_cursor"]

        shape = (lambda rows: explode(rows, "postings")) if lines else iter
        return csv_pages(read_page, cursor, filename, shape=shape)
    return answer(read(cursor, limit))


@router.get("/journal", responses=RESPONSES, dependencies=_guard("journal"))
def journal(ledger: ViewLedger, view: View, date_from: DateText = None,
            date_to: DateText = None, cursor: Cursor = None, limit: Limit = PAGE_SIZE_DEFAULT,
            format: Format = "json") -> Any:
    """Every journal entry in seq order with its posting lines, signer and full names.
    CSV: one row per posting line."""
    return _paged(lambda after, size: audit.journal(view, ledger, after, size, date_from,
                                                    date_to),
                  cursor, limit, format, f"{ledger}-journal.csv", lines=True)


@router.get("/general-ledger/{account}", responses=RESPONSES,
            dependencies=_guard("general-ledger"))
def general_ledger(ledger: ViewLedger, account: Account, view: View, fund: Text = None,
                   cursor: Cursor = None, limit: Limit = PAGE_SIZE_DEFAULT,
                   format: Format = "json") -> Any:
    """One account's postings with a running balance (``opening``: before the page)."""
    return _paged(lambda after, size: audit.general_ledger(view, ledger, account, fund, after,
                                                           size),
                  cursor, limit, format, f"{ledger}-general-ledger-{account}.csv")


@router.get("/trial-balance", responses=RESPONSES, dependencies=_guard("trial-balance"))
def trial_balance(ledger: ViewLedger, view: View, as_of: DateText = None,
                  format: Format = "json") -> Any:
    """Debit and credit balances per account, and whether everything balances."""
    result = audit.trial_balance(view, ledger, as_of)
    if format == "csv":
        return csv_response(result["accounts"], f"{ledger}-trial-balance.csv")
    return answer(result)


@router.get("/activity", responses=RESPONSES, dependencies=_guard("activity"))
def activity(ledger: ViewLedger, view: View, date_from: DateText = None,
             date_to: DateText = None, format: Format = "json") -> Any:
    """What each key signed, by statement type, and the total it posted."""
    result = audit.activity_by_signer(view, ledger, date_from, date_to)
    if format == "csv":
        return csv_response(result["signers"], f"{ledger}-activity.csv")
    return answer(result)


@router.get("/unconfirmed", responses=RESPONSES, dependencies=_guard("unconfirmed"))
def unconfirmed(ledger: ViewLedger, view: View, cursor: Cursor = None,
                limit: Limit = PAGE_SIZE_DEFAULT, format: Format = "json") -> Any:
    """Entries that moved cash or bank money and the cashier has not confirmed."""
    return _paged(lambda after, size: audit.unconfirmed(view, ledger, after, size),
                  cursor, limit, format, f"{ledger}-unconfirmed.csv")


@router.get("/pending-approvals", responses=RESPONSES,
            dependencies=_guard("pending-approvals"))
def pending_approvals(ledger: ViewLedger, view: View, cursor: Cursor = None,
                      limit: Limit = PAGE_SIZE_DEFAULT, format: Format = "json") -> Any:
    """Payments held for approval that nobody has approved or rejected yet."""
    return _paged(lambda after, size: audit.pending_approvals(view, ledger, after, size),
                  cursor, limit, format, f"{ledger}-pending-approvals.csv")


@router.get("/reversals", responses=RESPONSES, dependencies=_guard("reversals"))
def reversals(ledger: ViewLedger, view: View, cursor: Cursor = None,
              limit: Limit = PAGE_SIZE_DEFAULT, format: Format = "json") -> Any:
    """Reversal entries, each beside the entry it reverses (``original``)."""
    return _paged(lambda after, size: _with_original(audit.reversals(view, ledger, after,
                                                                     size)),
                  cursor, limit, format, f"{ledger}-reversals.csv")


def _with_original(page: dict[str, Any]) -> dict[str, Any]:
    # Same columns on every CSV row, even where the original is not a journal entry.
    empty = {"seq": None, "date": None, "memo": None, "recorded_at": None}
    for item in page["items"]:
        item["original"] = item.get("original") or empty
    return page


@router.get("/findings", responses=RESPONSES, dependencies=_guard("findings"))
def findings(ledger: ViewLedger, view: View, kind: Text = None,
             format: Format = "json") -> Any:
    """What the projection saw that should not be, oldest first."""
    result = audit.findings(view, ledger, kind)
    if format == "csv":
        return csv_response(result["items"], f"{ledger}-findings.csv")
    return answer(result)
