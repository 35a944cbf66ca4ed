"""Rate limits on the public (no sign-in) read endpoints: a token bucket per client IP.

Each client address gets a bucket of ``per_minute`` tokens that refills at
``per_minute / 60`` a second; a request takes one token, and with none left it
is refused with ``429`` problem+json and ``Retry-After`` (whole seconds). The
buckets live in this process's memory: behind several server processes each
counts on its own (put the limit in the proxy in front for one shared count).
``per_minute = 0`` turns the limit off (benchmarks, a trusted network).
The default is set for a shared address, not a person (see the constant).

At most ``clients_max`` buckets are kept; when full, the ones that have
refilled completely (idle clients) are dropped first, which loses nothing.
"""

from __future__ import annotations

import math
import threading
import time
from typing import Callable

from fastapi import Request
from fastapi.responses import JSONResponse

from api.errors import problem_response
from ledger.errors import LedgerError

# Residents behind one carrier-grade NAT or office proxy share an address: a notice that
# sends 300 of them to the page at once costs about 600 requests (a page and one more),
# which half the bucket absorbs; a client that keeps above 20 a second is a crawler.
PUBLIC_RATE_PER_MINUTE_DEFAULT = 1200
CLIENTS_MAX = 100_000


class RateLimited(LedgerError):
    code = "rate-limited"
    status = 429


class TokenBuckets:
    """One bucket per client; ``take(client)`` is 0.0 when allowed, else seconds to wait."""

    def __init__(self, per_minute: int, *, clients_max: int = CLIENTS_MAX,
                 clock: Callable[[], float] = time.monotonic) -> None:
        assert per_minute >= 0 and clients_max >= 1
        self.capacity = float(per_minute)
        self.refill_per_second = per_minute / 60.0
        self.clients_max = clients_max
        self.clock = clock
        self._buckets: dict[str, tuple[float, float]] = {}  # client -> (tokens, at)
        self._lock = threading.Lock()

    @property
    def enabled(self) -> bool:
        return self.capacity > 0

    def take(self, client: str) -> float:
        if not self.enabled:
            return 0.0
        now = self.clock()
        with self._lock:
            tokens, at = self._buckets.get(client, (self.capacity, now))
            tokens = min(self.capacity, tokens + (now - at) * self.refill_per_second)
            if tokens >= 1.0:
                self._keep(client, tokens - 1.0, now)
                return 0.0
            self._keep(client, tokens, now)
            return (1.0 - tokens) / self.refill_per_second

    def _keep(self, client: str, tokens: float, now: float) -> None:
        if client not in self._buckets and len(self._buckets) >= self.clients_max:
            self._forget_idle(now)
        self._buckets[client] = (tokens, now)

    def _forget_idle(self, now: float) -> None:
        full = [c for c, (tokens, at) in self._buckets.items()
                if tokens + (now - at) * self.refill_per_second >= self.capacity]
        for client in full or list(self._buckets)[: max(1, len(self._buckets) // 10)]:
            del self._buckets[client]


def client_address(request: Request) -> str:
    # uvicorn has already applied X-Forwarded-For from trusted proxies (--forwarded-allow-ips).
    return request.client.host if request.client else "unknown"


async def public_rate(request: Request) -> None:
    """Dependency of every public read router: one token per request."""
    charge(request)


def charge(request: Request) -> None:
    """Take one token for this request's client, or refuse it with 429. The audit views
    call it before looking at the token: a flood of made-up sign-ins is throttled too."""
    wait = request.app.state.limiter.take(client_address(request))
    if wait > 0:
        raise RateLimited(f"too many requests from {client_address(request)}; the public "
                          f"endpoints allow {int(request.app.state.limiter.capacity)} a minute",
                          retry_after=math.ceil(wait))


async def rate_limited_response(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RateLimited)
    response = problem_response(exc, request)
    response.headers["Retry-After"] = str(exc.details["retry_after"])
    return response
