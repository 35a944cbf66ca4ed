"""Which database answers a read: a replica when one is current enough, else the primary.

Every ``GET``/``HEAD`` is a read (the public, audit and web pages); each one
goes to the next usable replica in turn (``ledger.log.replicas``: up, and no
more than ``replica_lag_max_seconds`` behind), unless the client asks for the
primary with ``Sunledger-Read: primary`` (read-your-writes: the CLI after a
post). When no replica is usable, the primary answers: a lagging or stopped
replica is never passed off as current. Every routed answer says where it
came from:

- ``Sunledger-Read-From: replica`` with ``Sunledger-Replica-Lag: <seconds>``
  (how far behind the primary that replica was at its last probe);
- ``Sunledger-Read-From: primary`` (asked for, or no replica usable: then
  ``Sunledger-Replicas: unavailable`` too).

``Vary: Sunledger-Read`` keeps a cache in front from handing a replica's
answer to a client that asked for the primary. Writes never come here.
"""

from __future__ import annotations

import itertools
import threading
from dataclasses import dataclass
from typing import Any

import psycopg
from eventsourcing.persistence import InterfaceError, OperationalError
from starlette.datastructures import Headers, MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from ledger.log.replicas import (ReplicaCheckpoints, ReplicaHealth, ReplicaLag,
                                 ReplicaStore)
from ledger.log.store import LogReader
from ledger.settings import Settings
from projections.view import FinanceView, open_read_only_view

READ_SIDE = "sunledger.read_side"  # the scope key the dependencies look at
READ_LAG = "sunledger.read_lag"  # that replica's lag, for /status
READ_HEADER = "sunledger-read"
# What a read on a replica that stopped answering raises (eventsourcing wraps psycopg's).
CONNECTION_LOST = (OperationalError, InterfaceError, psycopg.OperationalError,
                   psycopg.InterfaceError)


@dataclass(frozen=True)
class ReadSide:
    """What the read routes use on one replica: the log, the views, the checkpoints."""

    store: ReplicaStore
    reader: LogReader
    view: FinanceView
    checkpoints: ReplicaCheckpoints

    @classmethod
    def open(cls, url: str, settings: Settings) -> ReadSide:
        store = ReplicaStore(url, settings)
        return cls(store, store.reader, open_read_only_view(store), ReplicaCheckpoints(store))


class Replicas:
    """The replicas of this process's primary, their probes, and the turn among them."""

    def __init__(self, settings: Settings) -> None:
        self.lag_max_seconds = settings.replica_lag_max_seconds
        self.sides = {url: ReadSide.open(url, settings) for url in settings.read_database_urls}
        self.lag = ReplicaLag(settings.database_url, settings.read_database_urls)
        self._turn = itertools.count()
        self._guard = threading.Lock()

    def start(self) -> Replicas:
        self.lag.start()
        return self

    def close(self) -> None:
        self.lag.stop()
        for side in self.sides.values():
            side.store.close()

    def pick(self) -> tuple[ReadSide, ReplicaHealth] | None:
        """The next usable replica in turn, or None (the primary answers)."""
        usable = [health for health in self.lag.health() if health.usable(self.lag_max_seconds)]
        if not usable:
            return None
        with self._guard:
            chosen = usable[next(self._turn) % len(usable)]
        return self.sides[chosen.url], chosen

    def status(self) -> dict[str, Any]:
        """For ``/status``: each replica (by position, not URL: URLs may hold secrets)."""
        return {"lag_max_seconds": self.lag_max_seconds, "replicas": [
            {"replica": index, "up": health.up, "lag_seconds": health.lag_seconds,
             "served": health.usable(self.lag_max_seconds),
             **({"problem": health.problem} if health.problem else {})}
            for index, health in enumerate(self.lag.health())]}


def read_side(scope: Scope) -> ReadSide | None:
    """The replica chosen for this request, or None: the primary answers."""
    return scope.get(READ_SIDE)


def read_status(scope: Scope, replicas: Replicas | None) -> dict[str, Any]:
    """Where this answer was read and how far behind that is (the ``read`` of /status)."""
    if replicas is None:
        return {"from": "primary"}
    where = {"from": "replica", "lag_seconds": scope[READ_LAG]} if READ_SIDE in scope \
        else {"from": "primary"}
    return {**where, **replicas.status()}


class ReadRouting:
    """Plain ASGI: picks the database for each read and labels the answer (see module)."""

    def __init__(self, app: ASGIApp, replicas: Replicas) -> None:
        self.app, self.replicas = app, replicas

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] not in ("GET", "HEAD"):
            await self.app(scope, receive, send)
            return
        labels = {"Vary": "Sunledger-Read"}
        if Headers(scope=scope).get(READ_HEADER, "").strip().lower() == "primary":
            labels["Sunledger-Read-From"] = "primary"
        elif (chosen := self.replicas.pick()) is not None:
            side, health = chosen
            scope[READ_SIDE], scope[READ_LAG] = side, health.lag_seconds
            labels["Sunledger-Read-From"] = "replica"
            labels["Sunledger-Replica-Lag"] = f"{health.lag_seconds:.3f}"
        else:
            labels["Sunledger-Read-From"] = "primary"
            labels["Sunledger-Replicas"] = "unavailable"

        started = False

        async def labelled(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
                headers = MutableHeaders(scope=message)
                for name, value in labels.items():
                    if name == "Vary" and "vary" in headers:
                        headers["Vary"] = headers["vary"] + ", " + value
                    else:
                        headers[name] = value
            await send(message)

        try:
            await self.app(scope, receive, labelled)
        except CONNECTION_LOST as lost:
            side = scope.pop(READ_SIDE, None)
            if side is None or started:
                raise
            # The replica went away since its last probe: out of turn now, and this
            # read (a GET: no body to read again) is answered by the primary.
            self.replicas.lag.mark_down(side.store.url, str(lost))
            labels.pop("Sunledger-Replica-Lag", None)
            labels.update({"Sunledger-Read-From": "primary", "Sunledger-Replicas": "unavailable"})
            await self.app(scope, receive, labelled)
