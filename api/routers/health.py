"""GET /healthz: the process answers and its store answers a query."""

from __future__ import annotations

from fastapi import APIRouter

from api.contract import problems
from api.deps import Reader

router = APIRouter(tags=["health"])


@router.get("/healthz", responses=problems(503, s503="the store does not answer"))
def healthz(reader: Reader) -> dict[str, str]:
    reader.size("healthz")  # one indexed read: fails if the database is gone
    return {"status": "ok"}
