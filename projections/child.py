"""The projection in a process of its own, started and stopped by ``sunledger serve``.

Why a process and not the server's thread: a thread shares the server's one GIL with
the request path, and gets only the moments the requests leave. At 100 signed writes a
second the in-process projection fell 1,800-3,750 entries behind the log and caught
up only when the writes paused (``bench/red_flag_soak.py``, docs/SCALING.md). A child
process has an interpreter of its own, so on a machine with two cores it keeps pace.

Only on PostgreSQL: SQLite has one writer per file, and a second process writing the
views would queue behind the log's writes (the embedded default keeps its thread).

The child follows the log by polling (no append in another process can wake it) every
``POLL_SECONDS``: one indexed query, cheap next to the lag it bounds. It stops when the
server tells it, and also when the server is gone without telling it (killed): it
watches its parent's pid, so no orphan keeps writing views after its server.
"""

from __future__ import annotations

import multiprocessing
import os
import signal
import threading
from typing import Any

from ledger.settings import Settings

POLL_SECONDS = 0.2        # the most a quiet child waits before it looks at the log again
PARENT_CHECK_SECONDS = 1.0
STOP_WAIT_SECONDS = 10.0  # then the child is terminated


class ProjectionProcess:
    """``sunledger project`` as a child of the server: ``start()``, later ``stop()``."""

    def __init__(self, settings: Settings) -> None:
        # spawn: a fresh interpreter, none of the server's threads or open connections.
        context = multiprocessing.get_context("spawn")
        self._stop = context.Event()
        self._process = context.Process(target=follow, args=(settings, self._stop, os.getpid()),
                                        name="sunledger-project", daemon=True)

    def start(self) -> ProjectionProcess:
        self._process.start()
        return self

    @property
    def pid(self) -> int | None:
        return self._process.pid

    def is_alive(self) -> bool:
        return self._process.is_alive()

    def stop(self, timeout: float = STOP_WAIT_SECONDS) -> None:
        """Ask the child to finish its page and go; terminate it if it does not."""
        self._stop.set()
        self._process.join(timeout)
        if self._process.is_alive():
            self._process.terminate()
            self._process.join(timeout)


def follow(settings: Settings, stop: Any, parent_pid: int) -> None:
    """The child's body: keep the views current until ``stop`` or the parent is gone."""
    from projections.worker import run

    # Ctrl+C in a terminal reaches the whole process group; the server stops the child
    # itself, after its own requests are done, so the child does not act on it.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    threading.Thread(target=_stop_when_orphaned, args=(stop, parent_pid),
                     name="parent-watch", daemon=True).start()
    run(settings, stop, interval_seconds=POLL_SECONDS)


def _stop_when_orphaned(stop: Any, parent_pid: int) -> None:
    while not stop.wait(PARENT_CHECK_SECONDS):
        if os.getppid() != parent_pid:
            stop.set()
