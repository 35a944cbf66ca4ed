"""The contract register (合同台账) for residents: contracts, one contract, and
receivables (or payables) with arrears first (docs/api.md, "Contracts").

No sign-in, rate-limited per client like every public read; answered from the
contract views. "Today" is the server's day in the ledger's time zone
(``api.web_lang.server_today``), so arrears and days overdue are as of the day
asked, like the disclosure schedule. People who are parties are masked.
Contracts are written as ordinary signed statements
(``POST /v1/ledgers/{ledger}/statements``).
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Path, Query

from api.auth import signed_in
from api.contract import PUBLIC_READ, SIGNED_IN_READ, LedgerSlug
from api.deps import SEQ_MAX, Cursor, LedgerApp, Limit, View, existing_ledger
from api.limits import public_rate
from api.web_lang import server_today
from projections import contracts
from projections.paging import PAGE_SIZE_DEFAULT

residents = APIRouter(prefix="/v1/ledgers/{ledger}", tags=["residents: contracts"],
                      dependencies=[Depends(public_rate)], responses=PUBLIC_READ)
auditors = APIRouter(prefix="/v1/ledgers/{ledger}/audit", tags=["audit (signed in)"],
                     responses=SIGNED_IN_READ)

Seq = Annotated[int, Path(ge=0, le=SEQ_MAX, description="the seq of its contract.signed")]
Direction = Literal["receivable", "payable"]
ReceivableCursor = Annotated[str | None, Query(
    pattern=contracts.RECEIVABLE_CURSOR_RE.pattern, max_length=27,
    description="next_cursor of the page before; the list continues after it")]


@residents.get("/contracts")
def list_contracts(ledger: LedgerSlug, view: View, app: LedgerApp,
                   status: Annotated[Literal["active", "ended"] | None, Query()] = None,
                   direction: Annotated[Direction | None, Query()] = None,
                   expiring_within: Annotated[int | None, Query(
                       ge=0, le=contracts.EXPIRING_DAYS_MAX,
                       description="only active contracts whose term ends within N days")] = None,
                   cursor: Cursor = None, limit: Limit = PAGE_SIZE_DEFAULT) -> dict[str, Any]:
    """Contracts by seq, a page at a time (``next_cursor``): party (people masked),
    subject, value, term, and as of today what is due, settled, outstanding and in
    arrears (with days overdue)."""
    return contracts.contracts(view, ledger, server_today(app), status=status,
                               direction=direction, expiring_within=expiring_within,
                               cursor=cursor, limit=limit)


@residents.get("/contracts/{seq}")
def one_contract(ledger: LedgerSlug, seq: Seq, view: View, app: LedgerApp) -> dict[str, Any]:
    """One contract: its schedule line by line, the entries that settled it, its steps
    (signed, amended, accepted, ended) and its arrears today."""
    return contracts.contract(view, ledger, seq, server_today(app))


@residents.get("/receivables")
def receivables(ledger: LedgerSlug, view: View, app: LedgerApp,
                direction: Annotated[Direction, Query(
                    description="payable lists what the community owes instead")] = "receivable",
                cursor: ReceivableCursor = None,
                limit: Limit = PAGE_SIZE_DEFAULT) -> dict[str, Any]:
    """What is owed to the community (应收), contracts in arrears first (oldest unpaid
    due date first), then the rest; ``in_arrears`` counts every contract in arrears."""
    return contracts.receivables(view, ledger, server_today(app), direction=direction,
                                 cursor=cursor, limit=limit)


@auditors.get("/contracts", dependencies=[Depends(signed_in("contracts"))])
def audit_contracts(ledger: Annotated[str, Depends(existing_ledger)], view: View,
                    app: LedgerApp,
                    direction: Annotated[Direction, Query()] = "receivable",
                    cursor: ReceivableCursor = None,
                    limit: Limit = PAGE_SIZE_DEFAULT) -> dict[str, Any]:
    """The receivables (or payables) as residents see them, arrears first, with the
    parties' full names: who owes rent and since when (欠缴)."""
    return contracts.receivables(view, ledger, server_today(app), direction=direction,
                                 cursor=cursor, limit=limit, full_names=True)


router = APIRouter()
for _part in (residents, auditors):
    router.include_router(_part)
