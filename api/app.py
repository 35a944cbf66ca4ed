"""The one wiring function: settings in, FastAPI app out (no module-level state).

Each app gets its own LedgerApplication (or the one passed in, which the
caller keeps and closes), its own CheckpointLog, installed so that every
``checkpoint_every_entries`` appends sign a checkpoint (on its own thread,
woken after each commit), the finance read
model (``projections.view``), the log's front door for every write
(``ledger.log.appender``: group commit) and the question intake behind it, a
sign-in token checker, per-client rate limits and a metrics registry. While
the server runs (the ASGI lifespan) a timer signs pending entries every
``checkpoint_every_seconds`` and, if ``options.serve_projections``, a thread
(woken by every append) or a child process (``options.projections_in_child``,
``projections.child``) keeps the read models caught up.

To add a router: append it to ``ROUTERS`` below (one line).
"""

from __future__ import annotations

import os
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING, AsyncIterator, Iterable

from fastapi import FastAPI, Request
from fastapi.middleware.cors import CORSMiddleware
from fastapi.responses import JSONResponse
from fastapi_offline import FastAPIOffline
from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from api import metrics as metrics_module
from api.caching import CachingMiddleware
from api.errors import install_problem_handlers, problem_response
from api.directory_gate import DirectoryGate, ServedLedgers
from api.read_routing import ReadRouting, Replicas
from api.limits import (PUBLIC_RATE_PER_MINUTE_DEFAULT, RateLimited, TokenBuckets,
                        rate_limited_response)
from api.routers import ROUTERS as LOG_ROUTERS
from api.routers import (audit, confidential, contracts, documents, funds, governance,
                         inspection, overview, periods, public, reports, transactions, usage,
                         web_contracts, web_governance, web_overview, web_voice)
from api.routers.web import router as web_router
from api.routers.web_reports import router as web_reports_router
from ledger.directory import DirectoryFile
from ledger.domain import policy
from ledger.errors import FormatError
from ledger.log.operators import GuardedAppender, load_operator_keys, operator_key_ids
from ledger.log.application import LedgerApplication
from ledger.log.checkpointing import CheckpointLog
from ledger.log.documents import DocumentStore
from ledger.log.intake import QuestionIntake
from ledger.settings import Settings
from ledger.log.tokens import TokenChecker, TokenError
from projections.risk_grade import load_rule
from projections.view import open_view

if TYPE_CHECKING:
    import uvicorn

ROUTERS = [*LOG_ROUTERS, public.router, funds.router, usage.router, transactions.router,
           audit.router, metrics_module.router, web_router, governance.router,
           confidential.router, web_governance.router, documents.router, inspection.router,
           periods.router, reports.router, web_reports_router, contracts.router,
           web_contracts.router, web_voice.router, overview.router, web_overview.router]


@dataclass(frozen=True)
class ApiOptions:
    """What the environment may change about the HTTP side (docs/api.md lists them)."""

    cors_origins: tuple[str, ...] = ()
    public_rate_per_minute: int = PUBLIC_RATE_PER_MINUTE_DEFAULT
    serve_projections: bool = False  # tests catch up themselves; `serve` turns it on
    projections_in_child: bool = False  # in a child process rather than a thread (PostgreSQL)
    group_commit_batch_max: int = policy.batch_statements_max  # 1: a transaction each

    @classmethod
    def from_env(cls, *, serve_projections: bool = True,
                 settings: Settings | None = None) -> ApiOptions:
        """SUNLEDGER_CORS_ORIGINS (comma-separated, or *), SUNLEDGER_PUBLIC_RATE_PER_MINUTE
        (0: no limit), SUNLEDGER_SERVE_PROJECTIONS (where the projections run: see
        ``projections_mode``), SUNLEDGER_GROUP_COMMIT_BATCH_MAX (statements per group
        commit; 1 turns it off)."""
        origins = os.environ.get("SUNLEDGER_CORS_ORIGINS", "")
        rate = os.environ.get("SUNLEDGER_PUBLIC_RATE_PER_MINUTE", "").strip()
        mode = projections_mode(os.environ.get("SUNLEDGER_SERVE_PROJECTIONS", ""),
                                serve_projections=serve_projections,
                                postgres=settings is not None and settings.is_postgres)
        return cls(cors_origins=tuple(o.strip() for o in origins.split(",") if o.strip()),
                   public_rate_per_minute=int(rate) if rate else PUBLIC_RATE_PER_MINUTE_DEFAULT,
                   serve_projections=mode != "0", projections_in_child=mode == "process",
                   group_commit_batch_max=int(os.environ.get(
                       "SUNLEDGER_GROUP_COMMIT_BATCH_MAX", policy.batch_statements_max)))


PROJECTIONS_MODES = ("0", "1", "thread", "process")  # "1" is "thread", as it was before


def projections_mode(value: str, *, serve_projections: bool = True, postgres: bool) -> str:
    """Where ``serve`` keeps the read models current: "0", "thread" or "process".
    Unset: a child process on PostgreSQL (its own interpreter: a thread shares the
    request path's GIL and falls behind under load), a thread on SQLite (one writer
    per file). An unknown value stops the start with the values it takes."""
    value = value.strip()
    if not value:
        return ("process" if postgres else "thread") if serve_projections else "0"
    if value not in PROJECTIONS_MODES:
        raise FormatError(f"SUNLEDGER_SERVE_PROJECTIONS={value!r}: use 0, thread or process")
    if value == "process" and not postgres:
        raise FormatError("SUNLEDGER_SERVE_PROJECTIONS=process needs PostgreSQL; SQLite keeps "
                          "its projections in a thread (thread) or elsewhere (0)")
    return "thread" if value == "1" else value


def create_app(settings: Settings, *, application: LedgerApplication | None = None,
               witnesses: Iterable[str] | None = None,
               operators: Iterable[str] | None = None,
               options: ApiOptions | None = None) -> FastAPI:
    """``witnesses``: cosignature verifier keys to accept (default: ``<data_dir>/witnesses``
    if that file exists, else any witness whose line verifies under the key it sends).
    ``operators``: public keys that may open a ledger over HTTP (default:
    ``<data_dir>/operators``; none without it)."""
    options = options or ApiOptions()
    # The street office's risk rule, read once: a bad file stops the start, before
    # anything is opened (projections/risk_grade.py).
    rule = load_rule(settings.risk_rule)
    owned = application is None
    ledger_app = application or LedgerApplication(settings)
    checkpoints = CheckpointLog(ledger_app, witnesses=witnesses).install()
    view = open_view(ledger_app)
    metrics = metrics_module.Metrics(ledger_app, view)
    # Reads go to the replicas when some are named and current (api.read_routing).
    replicas = Replicas(settings) if settings.read_database_urls else None
    if replicas is not None:
        replicas.lag.probe()  # known before the first request; refreshed while serving
    appender = GuardedAppender(ledger_app, batch_max=options.group_commit_batch_max,
                               on_batch=metrics.observe_batch,
                               operators=load_operator_keys(settings) if operators is None
                               else operator_key_ids(operators))

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        from projections.child import ProjectionProcess
        from projections.worker import start_in_process

        poller = None
        if options.projections_in_child:
            poller = ProjectionProcess(settings).start()
        elif options.serve_projections:
            poller = start_in_process(ledger_app)
        # Entries no checkpoint covers yet (an import, a crash before the timer) are
        # signed before the first request: /checkpoint never answers 404 for them.
        checkpoints.sign_waiting()
        if settings.checkpoint_every_seconds > 0:
            checkpoints.start()
        if replicas is not None:
            replicas.start()
        try:
            yield
        finally:
            appender.close()
            checkpoints.stop()
            if poller is not None:
                poller.stop()
            if replicas is not None:
                replicas.close()
            if owned:
                ledger_app.close()

    # /docs and /redoc load Swagger UI and ReDoc from the app itself (packaged by
    # fastapi-offline), so the API reference works on a machine with no internet.
    api = FastAPIOffline(title="Sunledger", version="1", lifespan=lifespan,
                         static_url="/docs-assets",
                         summary="Signed, hash-chained, Merkle-tree ledgers for community finance")
    api.add_middleware(CachingMiddleware)
    api.add_middleware(ReferencePagesStayOffline)
    api.state.settings = settings
    api.state.options = options
    api.state.ledger = ledger_app
    api.state.checkpoints = checkpoints
    api.state.view = view
    api.state.appender = appender
    api.state.intake = QuestionIntake(appender)
    api.state.documents = DocumentStore(ledger_app)
    api.state.tokens = TokenChecker()
    api.state.limiter = TokenBuckets(options.public_rate_per_minute)
    api.state.metrics = metrics
    api.state.replicas = replicas
    api.state.risk_rule = rule
    install_problem_handlers(api)
    api.add_exception_handler(RateLimited, rate_limited_response)
    api.add_exception_handler(TokenError, _sign_in_refused)
    for router in ROUTERS:
        api.include_router(router)
    if options.cors_origins:
        api.add_middleware(CORSMiddleware, allow_origins=list(options.cors_origins),
                           allow_methods=["GET", "POST"],
                           allow_headers=["Authorization", "Content-Type"],
                           expose_headers=["Retry-After", "Content-Disposition", "Location",
                                           "Sunledger-Size", "Sunledger-Read-From",
                                           "Sunledger-Replica-Lag", "Sunledger-Replicas"],
                           max_age=600)
    if replicas is not None:  # outside the cache: a 304 is labelled too
        api.add_middleware(ReadRouting, replicas=replicas)
    api.state.served = None
    if settings.directory is not None:  # only the ledgers placed on this database
        directory = DirectoryFile(settings.directory)
        api.state.served = ServedLedgers(directory, directory.current().own(settings).name)
        api.add_middleware(DirectoryGate, served=api.state.served)
    api.add_middleware(metrics_module.MetricsMiddleware, metrics=metrics)
    return api


# ReDoc's sidebar shows a logo from cdn.redoc.ly: the policy keeps the reference pages
# from contacting any other host (the logo then hides itself).
_REFERENCE_PAGES_POLICY = ("default-src 'self'; script-src 'self' 'unsafe-inline'; "
                           "style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
                           "worker-src 'self' blob:; connect-src 'self'")


class ReferencePagesStayOffline:
    """Plain ASGI (BaseHTTPMiddleware would cost every request, writes included): the
    policy header on /docs and /redoc only."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"] not in ("/docs", "/redoc"):
            await self.app(scope, receive, send)
            return

        async def with_policy(message: Message) -> None:
            if message["type"] == "http.response.start":
                MutableHeaders(scope=message)["Content-Security-Policy"] = \
                    _REFERENCE_PAGES_POLICY
            await send(message)

        await self.app(scope, receive, with_policy)


async def _sign_in_refused(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, TokenError)
    response = problem_response(exc, request)
    response.headers["WWW-Authenticate"] = 'Bearer realm="sunledger"'
    return response


def server_config(api: FastAPI, *, host: str = "127.0.0.1", port: int = 8000,
                  forwarded_allow_ips: str = "", log_level: str = "info",
                  access_log: bool = False) -> "uvicorn.Config":
    """uvicorn's settings for ``api``. X-Forwarded-For is believed only from the proxies
    named in ``forwarded_allow_ips`` (comma-separated addresses or networks): uvicorn's
    own default believes 127.0.0.1, so any local process could pick the client address
    the rate limits key on. With none named, the socket's peer is the client."""
    import uvicorn

    trusted = ",".join(part.strip() for part in forwarded_allow_ips.split(",") if part.strip())
    return uvicorn.Config(api, host=host, port=port, log_level=log_level, lifespan="on",
                          proxy_headers=bool(trusted), forwarded_allow_ips=trusted or "",
                          access_log=access_log)


def serve(settings: Settings, *, host: str = "127.0.0.1", port: int = 8000,
          log_level: str = "info", forwarded_allow_ips: str = "",
          access_log: bool = False) -> None:
    """Run the API with uvicorn until interrupted (what ``sunledger serve`` calls); the
    read models are kept current by a child process (PostgreSQL) or a thread (SQLite),
    unless SUNLEDGER_SERVE_PROJECTIONS says otherwise (``projections_mode``)."""
    import uvicorn

    api = create_app(settings, options=ApiOptions.from_env(settings=settings))
    uvicorn.Server(server_config(api, host=host, port=port, log_level=log_level,
                                 forwarded_allow_ips=forwarded_allow_ips,
                                 access_log=access_log)).run()
