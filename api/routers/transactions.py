"""GET the transaction list (filters, cursor pages) and one transaction with its proof.

One transaction comes with the entry's leaf bytes from the log and an RFC 9162
inclusion proof against the latest signed checkpoint (hashes in standard
base64), and that checkpoint's note: with the ledger's log key a resident can
check, offline, that this very entry is in the history the log signed.
"""

from __future__ import annotations

import base64
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Path, Query
from fastapi.responses import JSONResponse

from api.contract import PUBLIC_READ, TEXT_CHARS_MAX, merged
from api.csv import CSV_RESPONSES, csv_pages
from api.deps import (PRINTABLE_PATTERN, SEQ_MAX, Checkpoints, Cursor, DateText, Format, Limit,
                      Reader, Text, View, ViewLedger, answer)
from api.limits import public_rate
from ledger.log import proofs
from ledger.format.cjson import INT_MAX
from projections import queries
from projections.paging import PAGE_SIZE_DEFAULT, PAGE_SIZE_MAX, TransactionFilters

router = APIRouter(prefix="/v1/ledgers/{ledger}/transactions", tags=["residents"],
                   dependencies=[Depends(public_rate)], responses=PUBLIC_READ)

Amount = Annotated[int | None, Query(ge=0, le=INT_MAX, description="minor units (fen)")]


@router.get("", responses=merged(CSV_RESPONSES, PUBLIC_READ))
def list_transactions(
        ledger: ViewLedger, view: View, date_from: DateText = None, date_to: DateText = None,
        fund: Text = None, category: Text = None,
        counterparty: Annotated[str | None, Query(
            max_length=TEXT_CHARS_MAX, pattern=PRINTABLE_PATTERN, description="part of the (masked) name, any case")] = None,
        amount_min: Amount = None, amount_max: Amount = None,
        type: Literal["posted", "reversal"] | None = None,
        order: Literal["desc", "asc"] = "desc", cursor: Cursor = None,
        limit: Limit = PAGE_SIZE_DEFAULT, format: Format = "json") -> Any:
    """Journal entries, newest first (``order=asc`` for oldest first); pass
    ``next_cursor`` back as ``cursor`` for the next page. CSV: the whole
    filtered list from ``cursor`` on."""
    filters = TransactionFilters(date_from=date_from, date_to=date_to, fund=fund,
                                 category=category, counterparty=counterparty,
                                 amount_min=amount_min, amount_max=amount_max, type=type)
    if format == "csv":
        def read_page(after: int | None) -> tuple[list[dict[str, Any]], int | None]:
            page = queries.transactions(view, ledger, filters, after, PAGE_SIZE_MAX, order)
            return page["items"], page["next_cursor"]

        return csv_pages(read_page, cursor, f"{ledger}-transactions.csv")
    return answer(queries.transactions(view, ledger, filters, cursor, limit, order))


def _b64(digest: bytes) -> str:
    return base64.b64encode(digest).decode("ascii")


@router.get("/{seq}")
def one_transaction(ledger: ViewLedger, view: View, reader: Reader, checkpoints: Checkpoints,
                    seq: Annotated[int, Path(ge=0, le=SEQ_MAX)]) -> JSONResponse:
    """The entry with its posting lines, its leaf, and its inclusion proof against the
    latest checkpoint (``proof`` is null until a checkpoint covers the entry)."""
    shown = queries.transaction(view, ledger, seq)
    entry = reader.entry(ledger, seq)
    _, kept = checkpoints.store.latest(ledger)
    proof = None
    if kept is not None and seq < kept.size:
        proof = {"size": kept.size,
                 "hashes": [_b64(h) for h in proofs.inclusion(reader, ledger, seq, kept.size)],
                 "checkpoint": kept.with_cosignatures()}
    return answer({**shown, "leaf": entry.leaf.decode("utf-8"),
                   "leaf_hash": _b64(bytes.fromhex(entry.hash)), "proof": proof})
