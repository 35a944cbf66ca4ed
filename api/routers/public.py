"""GET one ledger (who keeps it, how big it is) and how current its read models are.

Like every resident endpoint: no sign-in, rate-limited per client, answered
from the read models (the projections) plus, for sizes, one indexed lookup in
the log and the checkpoint index.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import JSONResponse

from api.contract import PUBLIC_READ
from api.deps import Checkpoints, Reader, View, ViewLedger, answer
from api.limits import public_rate
from api.read_routing import read_status
from ledger.errors import LedgerNotFound, LogBehind
from ledger.log.kept_checkpoint import check_extends_kept
from ledger.log.store import LogReader
from ledger.settings import Settings
from projections import queries
from projections.paging import require_ledger

router = APIRouter(prefix="/v1/ledgers/{ledger}", tags=["residents"],
                   dependencies=[Depends(public_rate)], responses=PUBLIC_READ)


def latest_checkpoint(checkpoints: Checkpoints, ledger: str) -> dict[str, Any] | None:
    count, kept = checkpoints.store.latest(ledger)
    return None if kept is None else {"size": kept.size, "count": count}


@router.get("")
def ledger_summary(ledger: ViewLedger, view: View, reader: Reader,
                   checkpoints: Checkpoints) -> JSONResponse:
    """Name, origin, currency, entries in the log and in the read models, latest checkpoint."""
    with view.reading() as tx:
        row = require_ledger(tx, ledger)
    return answer({"ledger": ledger, "name": row["name"], "origin": row["origin"],
                   "currency": row["currency"], "size": reader.size(ledger),
                   "projected_size": row["size"], "last_recorded_at": row["last_recorded_at"],
                   "checkpoint": latest_checkpoint(checkpoints, ledger)})


@router.get("/status")
def ledger_status(ledger: ViewLedger, view: View, reader: Reader,
                  checkpoints: Checkpoints, request: Request) -> JSONResponse:
    """The log's size, the latest checkpoint, whether writes are taken (``writes``), and
    how far each projection has come."""
    size = reader.size(ledger)
    status = queries.status(view, ledger, log_size=size)
    if size == 0:
        raise LedgerNotFound(f"ledger {ledger!r} does not exist", ledger=ledger)
    return answer({"ledger": ledger, "log_size": size,
                   "checkpoint": latest_checkpoint(checkpoints, ledger),
                   "writes": writes_status(request.app.state.settings,
                                           request.app.state.ledger.reader, ledger),
                   "read": read_status(request.scope, getattr(request.app.state, "replicas", None)),
                   "projections": status["projections"]})


@router.get("/log-keys")
def log_keys(ledger: ViewLedger, view: View) -> JSONResponse:
    """Where the log key changed: the seq of each ``ledger.log_key_rotated`` entry (as far
    as the views have come). A hint for the browser check, which trusts a rotation only
    after checking the entry itself: in the checkpoint's tree, signed by an admin."""
    return answer({"ledger": ledger, "rotations": [
        {"seq": seq} for seq in queries.log_key_rotations(view, ledger)]})


def writes_status(settings: Settings, reader: LogReader, ledger: str) -> dict[str, Any]:
    """Whether this server takes writes for the ledger: not while its database is behind
    a checkpoint the server signed (a restored backup; ``ledger.log.kept_checkpoint``).
    Asked of the primary, where writes go (a replica may trail it)."""
    size = reader.size(ledger)
    try:
        check_extends_kept(settings, reader, ledger, size)
    except LogBehind as behind:
        return {"accepted": False, "code": behind.code, "reason": str(behind)}
    return {"accepted": True}
