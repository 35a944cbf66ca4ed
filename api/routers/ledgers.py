"""GET /v1/ledgers: the ledgers this server keeps, from the read model.

Names, origins, currencies, sizes and log keys come from ``view_ledgers`` (one
query, no log is replayed), so the list can trail the log by what the
projection has not taken in yet. The log key is the one that signs the next
checkpoints: the genesis entry's, or the latest ``ledger.log_key_rotated``'s.
"""

from __future__ import annotations

from fastapi import APIRouter, Request
from pydantic import BaseModel

from api.contract import problems
from api.deps import View
from projections import queries

router = APIRouter(prefix="/v1/ledgers", tags=["ledgers"])


class LedgerPublic(BaseModel):
    ledger: str
    name: str
    origin: str
    currency: str
    size: int
    log_key: str


class LedgerList(BaseModel):
    ledgers: list[LedgerPublic]


@router.get("", response_model=LedgerList, responses=problems(422))
def list_ledgers(view: View, request: Request) -> LedgerList:
    """The ledgers of this database (with a directory: those it places here)."""
    served = getattr(request.app.state, "served", None)
    listed = [LedgerPublic(ledger=row["ledger"], name=row["name"] or "",
                           origin=row["origin"] or "", currency=row["currency"] or "",
                           size=row["size"], log_key=row["log_key"] or "")
              for row in queries.ledgers(view)
              if served is None or served.serves(row["ledger"])]
    return LedgerList(ledgers=listed)
