"""HTTP caching of read answers, so any ordinary cache in front absorbs bursts.

Every ``GET``/``HEAD`` answer of ``200`` whose body the app built in one piece
gets a strong ``ETag`` (a hash of its bytes); a request whose ``If-None-Match``
names it gets ``304 Not Modified`` with no body. ``Cache-Control`` says how long
a cache may reuse it without asking:

- answers that cannot change (a proof between fixed sizes, a full page of
  entries, figures at a kept size) are marked by their route with
  ``IMMUTABLE``: a year, ``immutable``;
- a kept checkpoint at a fixed size: its log signature is fixed, but witnesses
  may still add cosignatures, so ``SETTLING`` (a minute, then revalidate);
- every other public read: ``SHORT`` (a few seconds: the log grows, and a
  resident expects to see a payment soon after it is recorded);
- answers that set a cookie, or that need a sign-in (the audit views), are
  never kept by a shared cache: ``private, no-store``.
"""

from __future__ import annotations

import base64
import hashlib

from starlette.datastructures import Headers, MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

IMMUTABLE = "public, max-age=31536000, immutable"
SETTLING = "public, max-age=60"
SHORT = "public, max-age=5"
PRIVATE = "private, no-store"


def etag_of(body: bytes) -> str:
    digest = hashlib.sha256(body).digest()[:18]
    return '"' + base64.urlsafe_b64encode(digest).decode("ascii") + '"'


def _matches(if_none_match: str, etag: str) -> bool:
    """RFC 9110 weak comparison: ``*``, or any listed tag equal once ``W/`` is dropped."""
    if if_none_match.strip() == "*":
        return True
    wanted = etag.removeprefix("W/")
    return any(tag.strip().removeprefix("W/") == wanted for tag in if_none_match.split(","))


def _default_policy(scope: Scope, headers: MutableHeaders) -> str:
    request_headers = Headers(scope=scope)
    if "set-cookie" in headers or "authorization" in request_headers \
            or "/audit/" in scope["path"] or scope["path"].endswith("/audit"):
        return PRIVATE
    return SHORT


class CachingMiddleware:
    """ETag, ``304`` and a ``Cache-Control`` default on successful reads (see the module)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] not in ("GET", "HEAD"):
            await self.app(scope, receive, send)
            return
        start: Message | None = None

        async def send_with_validators(message: Message) -> None:
            nonlocal start
            if message["type"] == "http.response.start":
                start = message  # held until the body says whether it came in one piece
                return
            if start is None or message["type"] != "http.response.body":
                await send(message)
                return
            held, start = start, None
            if held["status"] != 200 or message.get("more_body", False):
                await send(held)  # streamed (CSV) or not a success: passed as it is
                await send(message)
                return
            headers = MutableHeaders(raw=held["headers"])
            if "cache-control" not in headers:
                headers["Cache-Control"] = _default_policy(scope, headers)
            if headers["cache-control"] == PRIVATE:
                await send(held)
                await send(message)
                return
            etag = headers.setdefault("ETag", etag_of(message.get("body", b"")))
            if _matches(Headers(scope=scope).get("if-none-match", ""), etag):
                kept = {name: headers[name] for name in ("etag", "cache-control", "vary")
                        if name in headers}
                await send({"type": "http.response.start", "status": 304,
                            "headers": [(k.encode("latin-1"), v.encode("latin-1"))
                                        for k, v in kept.items()]})
                await send({"type": "http.response.body", "body": b""})
                return
            await send(held)
            await send(message)

        await self.app(scope, receive, send_with_validators)
