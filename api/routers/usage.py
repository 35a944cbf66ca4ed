"""GET fund usage: income and spending by fund, category, month and counterparty."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Query

from api.contract import PUBLIC_READ, merged
from api.csv import SIZED_RESPONSES, csv_response, size_header
from api.deps import Format, Text, View, ViewLedger, answer
from api.limits import public_rate
from projections import queries

router = APIRouter(prefix="/v1/ledgers/{ledger}", tags=["residents"],
                   dependencies=[Depends(public_rate)])

Grouping = Literal["fund", "category", "month", "counterparty"]


@router.get("/usage", responses=merged(SIZED_RESPONSES, PUBLIC_READ))
def usage(ledger: ViewLedger, view: View,
          year: Annotated[int | None, Query(ge=2000, le=2100)] = None, fund: Text = None,
          by: Annotated[Grouping, Query(description="the grouping a CSV download lists")] = "fund",
          format: Format = "json") -> Any:
    """Income and spending (reversals netted) in the ledger's currency, for one
    year or all years, one fund or all; people are shown masked. JSON has every
    grouping; CSV lists the one named by ``by``."""
    result = queries.fund_usage(view, ledger, year=year, fund=fund)
    if format == "csv":
        suffix = f"-{year}" if year else ""
        return csv_response(result[f"by_{by}"], f"{ledger}-usage-by-{by}{suffix}.csv",
                            headers=size_header(result), currency=result["currency"])
    return answer(result, headers=size_header(result))
