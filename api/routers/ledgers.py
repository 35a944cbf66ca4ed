"""GET /v1/ledgers: the ledgers this server keeps."""

from __future__ import annotations

from fastapi import APIRouter
from pydantic import BaseModel

from api.deps import LedgerApp

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


@router.get("", response_model=LedgerList)
def list_ledgers(app: LedgerApp) -> LedgerList:
    listed = []
    for slug in app.ledgers():
        state = app.state(slug)
        listed.append(LedgerPublic(ledger=slug, name=state.name, origin=state.origin,
                                   currency=state.currency, size=state.size,
                                   log_key=state.log_key))
    return LedgerList(ledgers=listed)
