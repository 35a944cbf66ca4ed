"""A deliberately hostile log server for the tests: a tiny Starlette app on a real
port (uvicorn, via tests/builders/server.running) whose routes the test writes, to
serve forked checkpoints, endless pages, huge or deeply nested answers."""

from __future__ import annotations

import base64
import os
from contextlib import contextmanager
from typing import Awaitable, Callable, Iterator

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from ledger.format.checkpoints import Checkpoint, sign_checkpoint
from ledger.format.notes import Signer
from tests.builders.server import running

Handler = Callable[[Request], Awaitable[Response]]


@contextmanager
def hostile_server(routes: dict[str, Handler], methods: dict[str, list[str]] | None = None
                   ) -> Iterator[str]:
    """Serve ``routes`` (path -> async handler) on 127.0.0.1; yield the base URL."""
    methods = methods or {}
    app = Starlette(routes=[Route(path, handler, methods=methods.get(path, ["GET"]))
                            for path, handler in routes.items()])
    with running(app) as url:
        yield url


def text(body: str | bytes, status: int = 200) -> Response:
    return Response(body, status_code=status, media_type="text/plain; charset=utf-8")


def json_text(body: str | bytes, status: int = 200) -> Response:
    return Response(body, status_code=status, media_type="application/json")


def forged_checkpoint(log_signer: Signer, size: int, root: bytes | None = None) -> str:
    """A checkpoint signed by the real log key for a tree that the log never had."""
    return sign_checkpoint(Checkpoint(log_signer.name, size, root or os.urandom(32)), log_signer)


def random_hashes(count: int) -> list[str]:
    return [base64.b64encode(os.urandom(32)).decode() for _ in range(count)]
