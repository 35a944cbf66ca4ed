"""GET /v1/overview: the street office's view (街道总览) of every community on this server.

One row per ledger this server serves (with a directory of ledgers: those it places
on this server's database, as ``GET /v1/ledgers``), with the indicators of
``projections.overview`` and the risk grade (重点 ``priority`` / 一般 ``ordinary``)
by the rule in force (``projections.risk_grade``; ``SUNLEDGER_RISK_RULE``), each row
naming the conditions that made it ``priority`` (``reasons``). Public, like the
community pages it summarises: counts and rates only, never a finding's or a red
flag's text (docs/governance.md). Read like every public read (a replica when one is
current), from the read models only; "today" is the server's day in the ledger's
time zone. Not paged, like ``/v1/ledgers``: one row per community.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Query, Request

from api.contract import merged, problems
from api.csv import CSV_RESPONSES, csv_response
from api.deps import Format, LedgerApp, View, answer
from api.limits import public_rate
from api.web_lang import LEDGER_TIME_ZONE
from ledger.log.application import LedgerApplication
from projections import overview as read_model
from projections.risk_grade import DEFAULT_RULE, RiskRule
from projections.view import FinanceView

router = APIRouter(prefix="/v1", tags=["street office"], dependencies=[Depends(public_rate)])

SortKey = Literal[read_model.SORT_KEYS]  # type: ignore[valid-type]
UnconfirmedDays = Annotated[int, Query(
    ge=0, le=read_model.DAYS_MAX,
    description="cash and bank entries count as unconfirmed once dated this many days "
                "or more before today")]
UnansweredDays = Annotated[int, Query(
    ge=0, le=read_model.DAYS_MAX,
    description="open questions count as unanswered once asked this many days or more "
                "before today")]
Sort = Annotated[SortKey, Query(description="an indicator, ledger, name or grade")]
Order = Annotated[Literal["asc", "desc"] | None, Query(
    description="default: the communities needing attention first (desc for counts, "
                "amounts and the grade; asc for rates, names and the last entry)")]


def risk_rule(request: Request) -> RiskRule:
    return getattr(request.app.state, "risk_rule", None) or DEFAULT_RULE


def street_overview(request: Request, view: FinanceView, app: LedgerApplication, *,
                    unconfirmed_days: int, unanswered_days: int, sort: str,
                    order: str | None) -> dict[str, Any]:
    """The overview as the API and the web page (api.routers.web_overview) give it."""
    served = getattr(request.app.state, "served", None)
    now = app.clock()
    return read_model.overview(
        view, now.astimezone(LEDGER_TIME_ZONE).date(), now, LEDGER_TIME_ZONE,
        served=None if served is None else served.serves, rule=risk_rule(request),
        unconfirmed_days=unconfirmed_days, unanswered_days=unanswered_days, sort=sort,
        order=order)


@router.get("/overview", responses=merged(CSV_RESPONSES, problems(422, 429)))
def overview(request: Request, view: View, app: LedgerApp,
             unconfirmed_days: UnconfirmedDays = read_model.UNCONFIRMED_DAYS_DEFAULT,
             unanswered_days: UnansweredDays = read_model.UNANSWERED_DAYS_DEFAULT,
             sort: Sort = "grade", order: Order = None, format: Format = "json") -> Any:
    """Every community on this server, one row each: the disclosure rate overall and in
    the last closed month, overdue disclosures, open and overdue inspection findings,
    open red flags (a count), cash and bank entries unconfirmed after
    ``unconfirmed_days`` days, rent in arrears, questions unanswered after
    ``unanswered_days`` days, the satisfaction rate, the last entry; and the risk
    grade (``priority`` 重点 / ``ordinary`` 一般) with the conditions that made it so
    (``reasons``) and the rule in force (``rule``). ``sort`` by any indicator (rows
    without a value last, ties by ledger). CSV: one row per community, ``reasons``
    joined with ``;``."""
    result = street_overview(request, view, app, unconfirmed_days=unconfirmed_days,
                             unanswered_days=unanswered_days, sort=sort, order=order)
    if format == "csv":
        return csv_response(read_model.csv_rows(result["items"]),
                            f"overview-{result['today']}.csv",
                            columns=list(read_model.CSV_COLUMNS))
    return answer(result)
