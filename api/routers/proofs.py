"""GET proofs: RFC 9162 inclusion and consistency proofs, hashes in standard base64.

Each answer is one query (ledger.log.proofs), which also finds an unknown ledger: the
routes take the path's slug as it is (its pattern is checked) without looking it up."""

from __future__ import annotations

import base64
from typing import Annotated

from fastapi import APIRouter, Query, Response
from pydantic import BaseModel, Field

from api.caching import IMMUTABLE
from api.contract import problems
from api.deps import SEQ_MAX, Reader, SlugPath
from ledger.log import proofs

router = APIRouter(prefix="/v1/ledgers/{ledger}/proofs", tags=["proofs"],
                   responses=problems(400, 404, 422, s400="the sizes do not fit: seq < size, "
                                      "from <= to, and no size past the log's"))


class InclusionProof(BaseModel):
    seq: int
    size: int
    hashes: list[str]


class ConsistencyProof(BaseModel):
    model_config = {"populate_by_name": True}
    from_: int = Field(alias="from")
    to: int
    hashes: list[str]


def _b64(hashes: list[bytes]) -> list[str]:
    return [base64.b64encode(h).decode("ascii") for h in hashes]


@router.get("/inclusion", response_model=InclusionProof)
def inclusion(ledger: SlugPath, reader: Reader, seq: Annotated[int, Query(ge=0, le=SEQ_MAX)],
              size: Annotated[int, Query(ge=1, le=SEQ_MAX)], response: Response) -> InclusionProof:
    response.headers["Cache-Control"] = IMMUTABLE  # a tree of fixed size never changes
    return InclusionProof(seq=seq, size=size, hashes=_b64(proofs.inclusion(reader, ledger,
                                                                              seq, size)))


@router.get("/consistency", response_model=ConsistencyProof, response_model_by_alias=True)
def consistency(ledger: SlugPath, reader: Reader, from_: Annotated[int, Query(alias="from", ge=1, le=SEQ_MAX)],
                to: Annotated[int, Query(ge=1, le=SEQ_MAX)], response: Response) -> ConsistencyProof:
    response.headers["Cache-Control"] = IMMUTABLE
    hashes = _b64(proofs.consistency(reader, ledger, from_, to))
    return ConsistencyProof(from_=from_, to=to, hashes=hashes)
