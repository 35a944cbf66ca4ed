"""GET funds with their balances, and each fund's budget beside what it spent."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends

from api.csv import CSV_RESPONSES, csv_response
from api.deps import DateText, Format, View, ViewLedger, Year, answer
from api.limits import public_rate
from projections import queries

router = APIRouter(prefix="/v1/ledgers/{ledger}", tags=["residents"],
                   dependencies=[Depends(public_rate)])

SIZE_HEADER = "Sunledger-Size"
SIZE_HEADER_DOC = {SIZE_HEADER: {
    "schema": {"type": "integer"},
    "description": "the log size (entries 0..N-1) these balances reflect, as the JSON's "
                   "``size``; where a checkpoint was signed at N they equal GET "
                   "/figures?size=N (FORMAT.md section 10)"}}
FUNDS_RESPONSES = {200: {**CSV_RESPONSES[200], "headers": SIZE_HEADER_DOC}}


@router.get("/funds", responses=FUNDS_RESPONSES)
def funds(ledger: ViewLedger, view: View, as_of: DateText = None,
          format: Format = "json") -> Any:
    """Each fund's money (cash and bank) and totals per account class, and every
    account's balance per fund; ``as_of`` counts entries dated up to that day.
    ``size`` (and the ``Sunledger-Size`` header, which the CSV needs: a CSV has
    no place for it) is the log size the balances reflect. CSV: one row per fund."""
    balances = queries.balances(view, ledger, as_of=as_of)
    size = {SIZE_HEADER: str(balances["size"])}
    if format == "csv":
        return csv_response(balances["funds"], f"{ledger}-funds.csv", headers=size)
    response = answer(balances)
    response.headers.update(size)
    return response


@router.get("/budget", responses=CSV_RESPONSES)
def budget(ledger: ViewLedger, view: View, year: Year, format: Format = "json") -> Any:
    """Each fund's budget for ``year`` beside what it spent and received that year."""
    result = queries.budget_vs_actual(view, ledger, year)
    if format == "csv":
        return csv_response(result["funds"], f"{ledger}-budget-{year}.csv")
    return answer(result)


