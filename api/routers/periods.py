"""GET closed months (结账) and bank reconciliation sheets (银行存款余额调节表).

Public like the other resident reads (no sign-in, rate-limited per client): a
closed month and a sheet that does not reconcile are what residents and
auditors compare with the notice board. Answered from the read models
(``projections.periods``); what is in transit is the domain's call.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends

from api.contract import PUBLIC_READ
from api.deps import Cursor, Limit, View, ViewLedger, answer
from api.limits import public_rate
from projections import periods as read
from projections.paging import PAGE_SIZE_DEFAULT

router = APIRouter(prefix="/v1/ledgers/{ledger}", tags=["residents: periods"],
                   dependencies=[Depends(public_rate)], responses=PUBLIC_READ)


@router.get("/periods")
def periods(ledger: ViewLedger, view: View) -> Any:
    """Each month from the first closed (or the first with an entry) to the latest:
    ``open``, ``closing`` (closed by the agent, waiting for the supervisors'
    co-signature; nothing may be dated in it any more) or ``closed``, with who signed
    each step (key id, seq) and when it was recorded. ``closed_through`` is the last
    month no entry may be dated in."""
    return answer(read.periods(view, ledger))


@router.get("/reconciliations")
def reconciliations(ledger: ViewLedger, view: View, cursor: Cursor = None,
                    limit: Limit = PAGE_SIZE_DEFAULT) -> Any:
    """One sheet per bank statement the cashier recorded, oldest first, a page at a
    time: the bank's balance, the book balance on the statement's date, the items in
    transit (``booked_not_cleared``: dated by then, not confirmed by then;
    ``cleared_not_booked``: confirmed by then, dated later), what they explain and
    the difference nothing explains (a red flag when not 0). Amounts in minor units."""
    return answer(read.reconciliations(view, ledger, cursor, limit))
