"""The residents' contract page (合同台账): leases and works contracts, what each has
due, settled and still owed today, rent in arrears first, and the contracts whose
term ends soon. Like the other pages it translates the read model
(``projections.contracts``: people already masked) and decides nothing; "today"
is the server's day in the ledger's time zone."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from api.routers.web import PAGE, View, error_page, ledger_info, render
from api.web_lang import server_today
from ledger.errors import LedgerError
from projections import contracts

router = APIRouter(tags=["web"], include_in_schema=False)
contracts_shown = 100      # per direction on the page; the API pages through the rest
expiring_days_shown = 90   # "ends soon" on the page


@router.get("/ledgers/{ledger}/contracts", **PAGE)
def contracts_page(request: Request, ledger: str, view: View) -> HTMLResponse:
    today = server_today(request.app.state.ledger)
    try:
        info = ledger_info(view, ledger)
        owed = contracts.receivables(view, ledger, today, limit=contracts_shown)
        owing = contracts.receivables(view, ledger, today, direction="payable",
                                      limit=contracts_shown)
        ending = contracts.contracts(view, ledger, today, expiring_within=expiring_days_shown,
                                     limit=contracts_shown)
    except LedgerError as error:
        return error_page(request, error)
    return render(request, "contracts.html", info=info, today=today.isoformat(),
                  receivable=owed, payable=owing, ending=ending["items"],
                  expiring_days=expiring_days_shown)
