"""Read replicas: PostgreSQL hot standbys of the primary that answer reads.

PostgreSQL's own streaming replication copies everything (the log, the
checkpoints, the read models): a replica is opened read-only (no table is made,
nothing is written) and read exactly as the primary is. What Sunledger adds is
knowing how far behind each replica is, so that a lagging or stopped replica is
never passed off as current.

How far behind: ``ReplicaLag`` samples the primary's WAL position every
``every`` seconds and each replica's replay position. A replica that has not yet
replayed what the primary had written at time ``t`` is at least ``now - t``
behind; one that has replayed the newest sample is caught up (0). This stays
true when a replica is cut off from the primary (its own replay timestamp would
then look fine); a replica that does not answer is down.
"""

from __future__ import annotations

import logging
import threading
import time
from collections import deque
from dataclasses import dataclass
from typing import Any, Callable

import psycopg
from eventsourcing.application import Application

from ledger.log.checkpoint_store import CheckpointStore, KeptFigures
from ledger.log.figures import no_figures
from ledger.log.store import LogReader
from ledger.settings import Settings

log = logging.getLogger(__name__)

SAMPLES_KEPT = 2_000  # primary positions remembered: minutes at the default period


class ReplicaStore(Application):
    """The log's tables on a replica, opened read-only (the same table names)."""

    name = "sunledger"

    def __init__(self, url: str, settings: Settings) -> None:
        env = Settings(database_url=url).eventsourcing_env()
        env["CREATE_TABLE"] = "no"  # a hot standby refuses DDL; the primary made them
        super().__init__(env=env)
        self.url = url
        self.settings = settings  # the primary's (data directory: log keys, kept checkpoints)
        self.reader = LogReader(self)


class ReplicaCheckpoints:
    """The kept checkpoints and figures as a replica has them (reads only: signing,
    cosigning and filling in figures happen on the primary)."""

    def __init__(self, store: ReplicaStore) -> None:
        self.store = CheckpointStore(store)  # type: ignore[arg-type] - reads use .recorder

    def latest(self, slug: str) -> str | None:
        kept = self.store.latest(slug)[1]
        return kept.with_cosignatures() if kept else None

    def at_size(self, slug: str, size: int) -> str | None:
        kept = self.store.at_size(slug, size)
        return kept.with_cosignatures() if kept else None

    def sizes(self, slug: str) -> list[int]:
        return self.store.sizes(slug)

    def figures(self, slug: str, size: int | None = None) -> KeptFigures:
        if size is None:
            latest = self.store.latest(slug)[1]
            size = 0 if latest is None else latest.size
        kept = self.store.figures_at(slug, size) if size else None
        if kept is None:
            raise no_figures(self.store, slug, size)
        return kept


@dataclass(frozen=True)
class ReplicaHealth:
    """One replica as last probed: ``lag_seconds`` is None while it does not answer."""

    url: str
    up: bool
    lag_seconds: float | None
    problem: str = ""

    def usable(self, lag_max_seconds: float) -> bool:
        return self.up and self.lag_seconds is not None and self.lag_seconds <= lag_max_seconds


def _lsn(connection: psycopg.Connection, query: str) -> int | None:
    value = connection.execute(query).fetchone()[0]  # type: ignore[index]
    return None if value is None else int(value)


PRIMARY_LSN = "SELECT pg_current_wal_lsn() - '0/0'::pg_lsn"
REPLAY_LSN = "SELECT pg_last_wal_replay_lsn() - '0/0'::pg_lsn"


class ReplicaLag:
    """Probes the primary and every replica on a thread; ``health()`` is the last word."""

    def __init__(self, primary_url: str, replica_urls: tuple[str, ...], *,
                 every: float = 0.25, clock: Callable[[], float] = time.monotonic) -> None:
        self.primary_url, self.replica_urls = primary_url, replica_urls
        self.every, self.clock = every, clock
        self._samples: deque[tuple[float, int]] = deque(maxlen=SAMPLES_KEPT)
        self._connections: dict[str, Any] = {}
        self._health = {url: ReplicaHealth(url, False, None, "not probed yet")
                        for url in replica_urls}
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def health(self) -> list[ReplicaHealth]:
        return [self._health[url] for url in self.replica_urls]

    def mark_down(self, url: str, problem: str) -> None:
        """A read found the replica gone: out of turn until a probe finds it again."""
        self._health[url] = ReplicaHealth(url, False, None, problem.strip().splitlines()[0]
                                          if problem.strip() else "connection lost")

    def probe(self) -> None:
        """One round: the primary's position, then each replica's."""
        position = self._ask(self.primary_url, PRIMARY_LSN)
        if isinstance(position, int):
            self._samples.append((self.clock(), position))
        for url in self.replica_urls:
            self._health[url] = self._probe_replica(url)

    def _probe_replica(self, url: str) -> ReplicaHealth:
        replayed = self._ask(url, REPLAY_LSN)
        if isinstance(replayed, str):
            return ReplicaHealth(url, False, None, replayed)
        if replayed is None:
            return ReplicaHealth(url, False, None, "not a standby (no replay position)")
        return ReplicaHealth(url, True, self._behind(replayed))

    def _behind(self, replayed: int) -> float:
        """Seconds since the primary first held WAL this replica has not replayed."""
        for moment, position in self._samples:
            if position > replayed:
                return round(max(0.0, self.clock() - moment), 3)
        return 0.0

    def _ask(self, url: str, query: str) -> int | None | str:
        """The LSN asked for, or the problem as text (the connection is dropped)."""
        try:
            connection = self._connections.get(url)
            if connection is None or connection.closed:
                connection = psycopg.connect(url, autocommit=True, connect_timeout=2)
                self._connections[url] = connection
            return _lsn(connection, query)
        except psycopg.Error as exc:
            self._drop(url)
            return f"{type(exc).__name__}: {str(exc).strip().splitlines()[0] if str(exc) else ''}"

    def _drop(self, url: str) -> None:
        connection = self._connections.pop(url, None)
        if connection is not None:
            try:
                connection.close()
            except psycopg.Error:
                pass

    def start(self) -> ReplicaLag:
        self.probe()  # the first answers are known before the first request
        self._thread = threading.Thread(target=self._run, name="sunledger-replica-lag",
                                        daemon=True)
        self._thread.start()
        return self

    def _run(self) -> None:
        while not self._stop.wait(self.every):
            try:
                self.probe()
            except Exception:  # noqa: BLE001 - a probe must never end the thread
                log.exception("probing the replicas failed")

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=5)
        for url in list(self._connections):
            self._drop(url)
