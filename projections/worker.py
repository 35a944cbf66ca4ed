"""Driving the projection: a poller over the application's notification log.

One poller serves both stores. It reads ``select_notifications`` after the
view's tracked position (only the entry topics) and hands each page to the
view, which applies it and records the tracking in one transaction. Why not
eventsourcing's ``ProjectionRunner`` on PostgreSQL: it builds the upstream
application from an environment (``LedgerApplication`` takes ``Settings``),
commits one transaction per event where a page per transaction is several
times faster, and would give the two stores two code paths to test. Several
pollers at once are safe: the view serialises them and skips what another
one already applied.
"""

from __future__ import annotations

import logging
import threading
import time

from eventsourcing.application import Application

from ledger.settings import Settings
from projections.apply import ENTRY_TOPICS
from projections.view import FinanceView, open_view

log = logging.getLogger(__name__)

BATCH_NOTIFICATIONS = 500
POLL_INTERVAL_SECONDS = 1.0
ERROR_BACKOFF_SECONDS_MAX = 30.0
STOP_CHECK_SECONDS = 0.2  # how soon a worker notices its stop event


class ProjectionPoller:
    """Keeps one view caught up with one application's notification log."""

    def __init__(self, app: Application, view: FinanceView | None = None, *,
                 batch_size: int = BATCH_NOTIFICATIONS,
                 interval_seconds: float = POLL_INTERVAL_SECONDS) -> None:
        assert 1 <= batch_size <= 10_000
        self.app = app
        self.view = view or open_view(app)
        self.batch_size = batch_size
        self.interval_seconds = interval_seconds
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self.last_error: BaseException | None = None

    def catch_up(self) -> int:
        """Apply everything recorded so far; returns how many entries were new."""
        applied = 0
        while True:
            position = self.view.position()
            page = self.app.recorder.select_notifications(position + 1, self.batch_size,
                                                          topics=ENTRY_TOPICS)
            if not page:
                return applied
            applied += self.view.process(page, after=position)
            if len(page) < self.batch_size:
                return applied

    def wake(self) -> None:
        """Poll now rather than at the next interval (e.g. right after an append)."""
        self._wake.set()

    def run(self, stop: threading.Event) -> None:
        """Poll until ``stop`` is set; errors are logged and retried with backoff."""
        backoff = self.interval_seconds
        while not stop.is_set():
            try:
                self.catch_up()
                self.last_error, backoff = None, self.interval_seconds
            except Exception as error:  # noqa: BLE001 - a poller must outlive a bad moment
                self.last_error = error
                log.exception("projection %s failed; retrying", self.view.name)
                backoff = min(backoff * 2, ERROR_BACKOFF_SECONDS_MAX)
            self._sleep(backoff, stop)

    def _sleep(self, seconds: float, stop: threading.Event) -> None:
        """Until the interval passes, an append wakes us, or we are told to stop."""
        deadline = time.monotonic() + seconds
        while not (stop.is_set() or self._wake.is_set()):
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                break
            self._wake.wait(min(remaining, STOP_CHECK_SECONDS))
        self._wake.clear()

    def start(self) -> ProjectionPoller:
        """Run in a daemon thread of this process (``sunledger serve``, SQLite)."""
        assert self._thread is None, "already started"
        self._thread = threading.Thread(target=self.run, args=(self._stop,),
                                        name=f"projection-{self.view.name}", daemon=True)
        self._thread.start()
        return self

    def stop(self, timeout: float = 10.0) -> None:
        self._stop.set()
        self._wake.set()
        if self._thread is not None:
            self._thread.join(timeout)
            self._thread = None


def catch_up(app: Application) -> int:
    """Bring the views of ``app``'s database up to date now; returns entries applied."""
    return ProjectionPoller(app).catch_up()


def start_in_process(app: Application, **options) -> ProjectionPoller:
    """A background poller woken by every append of ``app`` (for ``sunledger serve``)."""
    poller = ProjectionPoller(app, **options).start()
    listeners = getattr(app, "after_append", None)
    if listeners is not None:
        listeners.append(lambda state: poller.wake())
    return poller


def rebuild(app: Application) -> int:
    """Empty the views and replay the whole log into them; returns entries applied.

    Readers see empty, then growing, views until it finishes; ``status`` shows
    how far it has come.
    """
    poller = ProjectionPoller(app)
    poller.view.reset()
    return poller.catch_up()


def run(settings: Settings, stop: threading.Event, *,
        interval_seconds: float = POLL_INTERVAL_SECONDS) -> None:
    """``sunledger project``: a worker process that keeps the views current."""
    from ledger.log.application import LedgerApplication

    app = LedgerApplication(settings)
    try:
        ProjectionPoller(app, interval_seconds=interval_seconds).run(stop)
    finally:
        app.close()
