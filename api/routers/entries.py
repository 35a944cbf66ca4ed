"""GET entries: the leaf bytes exactly as stored, one per line (auditors check them)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query
from fastapi.responses import Response

from api.caching import IMMUTABLE, SHORT
from api.contract import READ, merged
from api.deps import SEQ_MAX, Ledger, Reader

router = APIRouter(prefix="/v1/ledgers/{ledger}", tags=["entries"])
page_entries_max = 1000


@router.get("/entries", response_class=Response,
            responses=merged({200: {"content": {"application/x-ndjson": {
                "schema": {"type": "string"}}}}}, READ))
def list_entries(ledger: Ledger, reader: Reader,
                 start: Annotated[int, Query(ge=0, le=SEQ_MAX, description="first seq")] = 0,
                 limit: Annotated[int, Query(ge=1, le=page_entries_max)] = 100) -> Response:
    leaves = [stored.leaf for stored in reader.stored(ledger, start, start + limit)]
    body = b"".join(leaf + b"\n" for leaf in leaves)
    # A full page lies wholly inside the log and never changes; a short one reaches the
    # log's end and grows as entries arrive.
    cache = IMMUTABLE if len(leaves) == limit else SHORT
    return Response(body, media_type="application/x-ndjson", headers={"Cache-Control": cache})
