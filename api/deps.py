"""Typed dependencies: what a route needs, resolved from the app built by create_app.

The ones that only look something up on the app are ``async def``: FastAPI runs a
plain ``def`` dependency in the thread pool, a thread hand-off per dependency per
request for what is an attribute read."""

from __future__ import annotations

from typing import Annotated, Any, Awaitable, Callable, Literal

from fastapi import Depends, Query, Request
from fastapi.responses import JSONResponse

from api.contract import DateText, LedgerSlug, PRINTABLE_PATTERN, Text, require_json
from api.errors import BodyTooLarge
from api.read_routing import read_side
from ledger.format import cjson
from ledger.log.appender import Appender
from ledger.log.application import LedgerApplication
from ledger.log.checkpointing import CheckpointLog
from ledger.log.intake import QuestionIntake
from ledger.errors import FormatError, LedgerNotFound
from ledger.format.statements import SLUG_RE
from ledger.log.store import LogReader
from projections.paging import PAGE_SIZE_MAX
from projections.view import FinanceView

# Limits (unit last).
statement_body_bytes_max = 64 * 1024
batch_body_bytes_max = 4 * 1024 * 1024
cosignature_body_bytes_max = 4 * 1024


async def get_application(request: Request) -> LedgerApplication:
    return request.app.state.ledger


async def get_checkpoints(request: Request) -> CheckpointLog:
    side = read_side(request.scope)  # a replica's only on reads (api.read_routing)
    return request.app.state.checkpoints if side is None else side.checkpoints  # type: ignore[return-value]


LedgerApp = Annotated[LedgerApplication, Depends(get_application)]
Checkpoints = Annotated[CheckpointLog, Depends(get_checkpoints)]


async def get_reader(request: Request, app: LedgerApp) -> LogReader:
    side = read_side(request.scope)
    return app.reader if side is None else side.reader


Reader = Annotated[LogReader, Depends(get_reader)]
SlugPath = LedgerSlug


def existing_ledger(ledger: SlugPath, reader: Reader) -> str:
    """The path's ledger, which must exist (one indexed lookup)."""
    if not SLUG_RE.fullmatch(ledger) or reader.size(ledger) == 0:
        raise LedgerNotFound(f"ledger {ledger!r} does not exist", ledger=ledger)
    return ledger


Ledger = Annotated[str, Depends(existing_ledger)]


async def read_body(request: Request, limit_bytes: int) -> bytes:
    """The request body, refused with 413 as soon as it passes ``limit_bytes``."""
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > limit_bytes:
        raise BodyTooLarge(f"request body of {declared} bytes is over the limit of "
                           f"{limit_bytes} bytes", limit_bytes=limit_bytes)
    chunks, total = [], 0
    async for chunk in request.stream():
        total += len(chunk)
        if total > limit_bytes:
            raise BodyTooLarge(f"request body is over the limit of {limit_bytes} bytes",
                               limit_bytes=limit_bytes)
        chunks.append(chunk)
    return b"".join(chunks)


def json_body(limit_bytes: int) -> Callable[[Request], Awaitable[Any]]:
    """A dependency that parses a strict JSON body (no floats, no duplicate keys)."""

    async def parse(request: Request) -> Any:
        require_json(request)  # 415 before a byte is read
        raw = await read_body(request, limit_bytes)
        if not raw:
            raise FormatError("the request needs a JSON body")
        return cjson.loads(raw)

    return parse


StatementBody = Annotated[Any, Depends(json_body(statement_body_bytes_max))]
BatchBody = Annotated[Any, Depends(json_body(batch_body_bytes_max))]
CosignatureBody = Annotated[Any, Depends(json_body(cosignature_body_bytes_max))]


# --- read models, the log's front door, formats (the resident and audit endpoints) ----------


async def get_view(request: Request) -> FinanceView:
    side = read_side(request.scope)
    return request.app.state.view if side is None else side.view


async def get_appender(request: Request) -> Appender:
    return request.app.state.appender


async def get_intake(request: Request) -> QuestionIntake:
    return request.app.state.intake


View = Annotated[FinanceView, Depends(get_view)]
# Every write goes through the app's one Appender (group commit: ledger/log/appender.py).
LogAppender = Annotated[Appender, Depends(get_appender)]
Intake = Annotated[QuestionIntake, Depends(get_intake)]
# The read models answer "no such ledger" themselves: no extra store query per request.
ViewLedger = LedgerSlug
Format = Annotated[Literal["json", "csv"], Query(
    description="json (default) or csv: a download of the list (UTF-8 with BOM)")]
# The largest seq or size a request may name: the largest integer canonical JSON carries
# (beyond 2**63 neither SQLite nor a BIGINT could even be asked about it).
SEQ_MAX = cjson.INT_MAX
Cursor = Annotated[int | None, Query(ge=0, le=SEQ_MAX, description=(
    "next_cursor of the page before; the list continues after it"))]
Limit = Annotated[int, Query(ge=1, le=PAGE_SIZE_MAX, description="rows per page")]
Year = Annotated[int, Query(ge=2000, le=2100)]


def answer(value: Any, headers: dict[str, str] | None = None) -> JSONResponse:
    """A read model's plain dict/list as JSON, straight through the C encoder: the
    read models already give JSON types, so FastAPI's per-value encoding and
    validation (most of a large page's time) are skipped."""
    return JSONResponse(value, headers=headers)
