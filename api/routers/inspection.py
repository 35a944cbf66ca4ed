"""GET inspection findings (巡察, docs/governance.md): a public summary for residents and
the full list for auditors.

``/v1/ledgers/{ledger}/inspection-findings`` (no sign-in): what each finding is about,
who raised it, where it stands, its deadline and whether it is overdue by the server's
today, and its evidence document's hash; never a title, detail, owner or note.
``/v1/ledgers/{ledger}/audit/inspection-findings`` (signed in, ``AUDIT_ROLES``): the
same with those, each finding's entries and its steps. Not to be confused with
``/audit/findings`` (what the read model saw that it should not) or ``/audit/red-flags``.
Findings are raised and worked by signed statements (``inspection.finding_*``).
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends

from api.auth import signed_in
from api.contract import PUBLIC_READ, SIGNED_IN_READ, LedgerSlug
from api.deps import Cursor, LedgerApp, Limit, View, answer
from api.limits import public_rate
from api.web_lang import server_today
from projections import inspection
from projections.paging import PAGE_SIZE_DEFAULT

residents = APIRouter(prefix="/v1/ledgers/{ledger}", tags=["residents: governance"],
                      dependencies=[Depends(public_rate)], responses=PUBLIC_READ)
auditors = APIRouter(prefix="/v1/ledgers/{ledger}/audit", tags=["audit (signed in)"],
                     responses=SIGNED_IN_READ)


@residents.get("/inspection-findings")
def public_findings(ledger: LedgerSlug, view: View, app: LedgerApp, cursor: Cursor = None,
                    limit: Limit = PAGE_SIZE_DEFAULT) -> Any:
    """Inspection findings, oldest first, a page at a time (``next_cursor``): about what,
    raised by which role, status, deadline, ``overdue`` (assigned or reopened, deadline
    passed; the server's today in the ledger's time zone), evidence hash; ``counts``
    counts them all by status and overdue. No names or free text."""
    return answer(inspection.findings(view, ledger, server_today(app), after=cursor,
                                      limit=limit))


@auditors.get("/inspection-findings",
              dependencies=[Depends(signed_in("inspection-findings"))])
def audit_findings(ledger: LedgerSlug, view: View, app: LedgerApp, cursor: Cursor = None,
                   limit: Limit = PAGE_SIZE_DEFAULT) -> Any:
    """The public summary plus each finding's title, detail, owner, the entries it rests
    on and its steps (with their notes)."""
    return answer(inspection.findings(view, ledger, server_today(app), full=True,
                                      after=cursor, limit=limit))


router = APIRouter()
for _part in (residents, auditors):
    router.include_router(_part)
