"""GET /v1/ledgers: the ledgers this server keeps, from the read model.

Names, origins, currencies and sizes come from ``view_ledgers`` (one query,
no log is replayed), so the list can trail the log by what the projection has
not taken in yet. The read model has no log key; each ledger's comes from the
server's log-key store (the key its checkpoints are signed with, which the
log refuses to use unless the ledger names it), or, for a ledger whose key
this server does not hold, from the ``log_key`` of its genesis entry (one
indexed read; a later ``ledger.log_key_rotated`` is then not reflected).
"""

from __future__ import annotations

from fastapi import APIRouter
from pydantic import BaseModel

from api.deps import LedgerApp, View
from ledger.errors import LedgerError
from ledger.keystore.log_keys import load_log_key, log_key_path
from ledger.log.application import LedgerApplication
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


@router.get("", response_model=LedgerList)
def list_ledgers(app: LedgerApp, view: View) -> LedgerList:
    listed = [LedgerPublic(ledger=row["ledger"], name=row["name"] or "",
                           origin=row["origin"] or "", currency=row["currency"] or "",
                           size=row["size"], log_key=log_key_of(app, row["ledger"]))
              for row in queries.ledgers(view)]
    return LedgerList(ledgers=listed)


def log_key_of(app: LedgerApplication, slug: str) -> str:
    """The verifier key of ``slug``'s checkpoints, without replaying its log."""
    if log_key_path(app.settings, slug).exists():
        try:
            return load_log_key(app.settings, slug).verifier().vkey
        except LedgerError:
            pass  # an unreadable key file: the ledger's own word below
    body = app.reader.entry(slug, 0).statement.body
    return str(body.get("log_key", "")) if isinstance(body, dict) else ""
