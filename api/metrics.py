"""Prometheus metrics at GET /metrics, in a registry of the app's own (no globals).

- ``sunledger_http_requests_total{method,route,status}`` and
  ``sunledger_http_request_seconds{method,route}``: labelled by the route's
  path template (``/v1/ledgers/{ledger}/funds``), never the raw path, so the
  number of series stays bounded whatever clients send.
- ``sunledger_log_size{ledger}``: entries in each ledger's log, read at scrape time.
- ``sunledger_projection_position``: the last notification the finance view applied.
- ``sunledger_group_commit_statements`` / ``_seconds``: statements per group commit
  and how long each commit took.
"""

from __future__ import annotations

import time
from typing import Any, Iterator

from fastapi import APIRouter, Request
from fastapi.responses import Response
from prometheus_client import CollectorRegistry, Counter, Histogram, generate_latest
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.exposition import CONTENT_TYPE_LATEST
from prometheus_client.registry import Collector
from starlette.types import ASGIApp, Message, Receive, Scope, Send

LATENCY_BUCKETS_SECONDS = (0.001, 0.0025, 0.005, 0.01, 0.02, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5,
                           5.0, 10.0)
BATCH_BUCKETS = (1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1000)
UNMATCHED = "unmatched"


class LedgerCollector(Collector):
    """Log sizes and the projection position, read when Prometheus scrapes."""

    def __init__(self, ledger_app: Any, view: Any) -> None:
        self.ledger_app, self.view = ledger_app, view

    def collect(self) -> Iterator[GaugeMetricFamily]:
        sizes = GaugeMetricFamily("sunledger_log_size", "Entries in the ledger's log",
                                  labels=["ledger"])
        reader = self.ledger_app.reader
        for slug in self.ledger_app.ledgers():
            sizes.add_metric([slug], reader.size(slug))
        yield sizes
        yield GaugeMetricFamily("sunledger_projection_position",
                                "Last notification id the finance view has applied",
                                value=self.view.position())


class Metrics:
    def __init__(self, ledger_app: Any, view: Any) -> None:
        self.registry = CollectorRegistry(auto_describe=True)
        self.requests = Counter("sunledger_http_requests", "HTTP requests answered",
                                ["method", "route", "status"], registry=self.registry)
        self.latency = Histogram("sunledger_http_request_seconds",
                                 "Time from request to the last byte of the answer",
                                 ["method", "route"], buckets=LATENCY_BUCKETS_SECONDS,
                                 registry=self.registry)
        self.batch_size = Histogram("sunledger_group_commit_statements",
                                    "Statements appended per group commit",
                                    buckets=BATCH_BUCKETS, registry=self.registry)
        self.batch_seconds = Histogram("sunledger_group_commit_seconds",
                                       "Time one group commit took",
                                       buckets=LATENCY_BUCKETS_SECONDS, registry=self.registry)
        self.registry.register(LedgerCollector(ledger_app, view))

    def observe_batch(self, statements: int, seconds: float) -> None:
        self.batch_size.observe(statements)
        self.batch_seconds.observe(seconds)

    def observe(self, method: str, route: str, status: int, seconds: float) -> None:
        self.requests.labels(method, route, str(status)).inc()
        self.latency.labels(method, route).observe(seconds)


class MetricsMiddleware:
    """Plain ASGI (no BaseHTTPMiddleware): counts and times every HTTP request."""

    def __init__(self, app: ASGIApp, metrics: Metrics) -> None:
        self.app, self.metrics = app, metrics

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        status = 500

        async def sending(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, sending)
        finally:
            route = scope.get("route")
            template = getattr(route, "path", None) or UNMATCHED
            self.metrics.observe(scope["method"], template, status,
                                 time.perf_counter() - started)


router = APIRouter(tags=["operations"])


@router.get("/metrics", response_class=Response,
            responses={200: {"content": {CONTENT_TYPE_LATEST: {}}}})
def metrics(request: Request) -> Response:
    """Prometheus text exposition."""
    return Response(generate_latest(request.app.state.metrics.registry),
                    media_type=CONTENT_TYPE_LATEST)
