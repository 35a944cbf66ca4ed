"""The ledger's figures (FORMAT.md section 10): the balances its log implies at a
checkpoint's size, with the log-signed note that binds them to that checkpoint."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field

from api.caching import IMMUTABLE, SHORT
from api.contract import problems
from api.deps import SEQ_MAX, Checkpoints, Ledger

router = APIRouter(prefix="/v1/ledgers/{ledger}/figures", tags=["checkpoints"])

RESPONSES = problems(
    404, 422, s404="no such ledger, or no checkpoint (with figures) was signed at that size; "
                   "``sizes`` lists the checkpoint sizes that exist",
    s422="size is not an integer from 1 to 2^53-1")


class FiguresDocument(BaseModel):
    balances: list[tuple[str, str, str, int]] = Field(
        description="[account, fund, currency, balance] on the account's normal side, "
                    "sorted by account, fund, currency (UTF-8 byte order)")
    ledger: str
    root: str = Field(description="standard base64 of the tree root at ``size``")
    size: int


class FiguresAnswer(BaseModel):
    figures: FiguresDocument
    note: str = Field(description="the figures note signed by the log key (a C2SP signed "
                                  "note over five lines); it signs SHA-256(CJSON(figures))")


@router.get("", response_model=FiguresAnswer, responses=RESPONSES)
def get_figures(ledger: Ledger, checkpoints: Checkpoints,
                size: Annotated[int | None, Query(ge=1, le=SEQ_MAX)] = None) -> JSONResponse:
    """The figures at the latest checkpoint's size; ``?size=N`` at a kept checkpoint's."""
    kept = checkpoints.figures(ledger, size)
    # Sent as stored: a client hashes CJSON of this object, so nothing may be re-shaped.
    # At a named size they never change; the latest moves on with the log.
    return JSONResponse({"figures": kept.document(), "note": kept.note},
                        headers={"Cache-Control": IMMUTABLE if size is not None else SHORT})
