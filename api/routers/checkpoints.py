"""The ledger's checkpoints: the latest (or a kept one) as text, and witness cosignatures."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query
from fastapi.responses import PlainTextResponse

from api.caching import SETTLING, SHORT
from api.contract import COSIGNATURE_SCHEMA, READ, WRITE, json_request, merged, problems
from api.deps import SEQ_MAX, Checkpoints, CosignatureBody, Ledger
from ledger.errors import FormatError, NotFound

router = APIRouter(prefix="/v1/ledgers/{ledger}/checkpoint", tags=["checkpoints"])
TEXT = "text/plain; charset=utf-8"
TEXT_ANSWER = {200: {"content": {"text/plain": {"schema": {"type": "string"}}},
                     "description": "the signed checkpoint note (C2SP signed note)"}}


@router.get("", response_class=PlainTextResponse, responses=merged(TEXT_ANSWER, READ))
def get_checkpoint(ledger: Ledger, checkpoints: Checkpoints,
                   size: Annotated[int | None, Query(ge=1, le=SEQ_MAX)] = None) -> PlainTextResponse:
    """The latest signed checkpoint with its cosignatures; ``?size=N`` for a kept one."""
    if size is None:
        note = checkpoints.latest(ledger)
        missing = f"no checkpoint of {ledger} has been signed yet"
    else:
        note = checkpoints.at_size(ledger, size)
        missing = f"no checkpoint of {ledger} was signed at size {size}"
    if note is None:
        raise NotFound(missing, size=size)
    # A kept checkpoint's signed body is fixed, but witnesses may still add cosignatures.
    return PlainTextResponse(note, media_type=TEXT,
                             headers={"Cache-Control": SHORT if size is None else SETTLING})


@router.post("/cosignatures", response_class=PlainTextResponse,
             responses=merged(TEXT_ANSWER, WRITE, problems(403)),
             openapi_extra=json_request(COSIGNATURE_SCHEMA, "a witness's cosignature"))
def add_cosignature(ledger: Ledger, body: CosignatureBody,
                    checkpoints: Checkpoints) -> PlainTextResponse:
    """``{"size": N, "cosignature": "— name base64", "witness_key": "<vkey>"}``.

    ``witness_key`` is needed only by a log with no configured witnesses.
    Answers the checkpoint at that size with every cosignature it now holds.
    """
    if not isinstance(body, dict) or not {"size", "cosignature"} <= set(body) <= {
            "size", "cosignature", "witness_key"}:
        raise FormatError('send {"size", "cosignature"} and, if asked, "witness_key"')
    size, line, key = body["size"], body["cosignature"], body.get("witness_key")
    if not isinstance(size, int) or isinstance(size, bool) or not isinstance(line, str) or not (
            key is None or isinstance(key, str)):
        raise FormatError("size is an integer; cosignature and witness_key are strings")
    note = checkpoints.add_cosignature(ledger, size, line, key)
    return PlainTextResponse(note, media_type=TEXT)
