"""GET funds with their balances, and each fund's budget beside what it spent."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends

from api.contract import PUBLIC_READ, merged
from api.csv import SIZED_RESPONSES, csv_response, size_header
from api.deps import DateText, Format, View, ViewLedger, Year, answer
from api.limits import public_rate
from projections import queries

router = APIRouter(prefix="/v1/ledgers/{ledger}", tags=["residents"],
                   dependencies=[Depends(public_rate)])
RESPONSES = merged(SIZED_RESPONSES, PUBLIC_READ)

@router.get("/funds", responses=RESPONSES)
def funds(ledger: ViewLedger, view: View, as_of: DateText = None,
          format: Format = "json") -> Any:
    """Each fund's money (cash and bank) and totals per account class, and every
    account's balance per fund; ``as_of`` counts entries dated up to that day.
    ``size`` (and the ``Sunledger-Size`` header, which the CSV needs: a CSV has
    no place for it) is the log size the balances reflect. CSV: one row per fund."""
    balances = queries.balances(view, ledger, as_of=as_of)
    if format == "csv":
        return csv_response(balances["funds"], f"{ledger}-funds.csv",
                            headers=size_header(balances), currency=balances["currency"])
    return answer(balances, headers=size_header(balances))


@router.get("/budget", responses=RESPONSES)
def budget(ledger: ViewLedger, view: View, year: Year, format: Format = "json") -> Any:
    """Each fund's budget for ``year`` beside what it spent and received that year."""
    result = queries.budget_vs_actual(view, ledger, year)
    if format == "csv":
        return csv_response(result["funds"], f"{ledger}-budget-{year}.csv",
                            headers=size_header(result), currency=result["currency"])
    return answer(result, headers=size_header(result))


