"""The financial statements as a printable page for the notice board (公开栏):
/ledgers/{ledger}/reports shows the balance sheet at ``date`` and the income statement
``from`` .. ``to``, for one ``fund`` or all, in the ledger's standard layout. Figures
come from ``projections.reports`` only; a bad date or fund is an HTML 400/404."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from api.routers.web import PAGE, View, _blank_is_none, error_page, ledger_info, render
from ledger.errors import LedgerError
from projections import queries, reports

router = APIRouter(tags=["web"], include_in_schema=False)
FORM_FIELDS = ("date", "from", "to", "fund")


@router.get("/ledgers/{ledger}/reports", **PAGE)
def statements(request: Request, ledger: str, view: View) -> HTMLResponse:
    form = {name: _blank_is_none(request.query_params.get(name)) for name in FORM_FIELDS}
    try:
        info = ledger_info(view, ledger)
        funds = queries.chart(view, ledger)["funds"]
        sheet = reports.balance_sheet(view, ledger, form["date"], form["fund"])
        statement = reports.income_statement(view, ledger, form["from"], form["to"],
                                             form["fund"])
    except LedgerError as error:
        return error_page(request, error)
    fund_name = next((f for f in funds if f["code"] == form["fund"]), None)
    return render(request, "reports.html", info=info, funds=funds, form=form, sheet=sheet,
                  statement=statement, fund=fund_name)
