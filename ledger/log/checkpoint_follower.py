"""Checkpoints follow the log on their own thread.

An append only tells the follower "ledger L has n entries now" (an
``after_append`` listener, called after the commit and outside the append
lock); the follower's thread then asks the CheckpointLog to sign whichever
ledgers grew by ``every_entries`` since their latest checkpoint. Signing thus
never lengthens an append, and a slow or failing signature never holds up or
fails one. The thread starts on the first append it hears of and leaves
after ``idle_seconds`` of silence, so an idle log holds no thread.
"""

from __future__ import annotations

import logging
import threading
from typing import Callable

from ledger.log.application import Appended, LedgerApplication

log = logging.getLogger(__name__)

IDLE_SECONDS = 10.0

# Called on the follower's thread with (slug, size heard): signs if enough is new.
SignIfDue = Callable[[str, int], None]


class CheckpointFollower:
    """Wakes on appends and signs, off the append path."""

    def __init__(self, app: LedgerApplication, sign_if_due: SignIfDue, *,
                 idle_seconds: float = IDLE_SECONDS) -> None:
        self.app = app
        self.sign_if_due = sign_if_due
        self.idle_seconds = idle_seconds
        self._heard: dict[str, int] = {}  # slug -> largest size heard, not yet looked at
        self._wake = threading.Condition()
        self._thread: threading.Thread | None = None
        self._busy = False  # the thread is looking at what it took
        self._stopped = False

    def listen(self) -> CheckpointFollower:
        if self._hear not in self.app.after_append:
            self.app.after_append.append(self._hear)
        return self

    def _hear(self, appended: Appended) -> None:
        with self._wake:
            if self._stopped:
                return
            self._heard[appended.slug] = max(appended.size, self._heard.get(appended.slug, 0))
            if self._thread is None:
                self._thread = threading.Thread(target=self._follow, daemon=True,
                                                name="sunledger-checkpoint-follower")
                self._thread.start()
            self._wake.notify()

    def _follow(self) -> None:
        while True:
            heard = self._next_heard()
            if heard is None:
                return
            for slug, size in heard.items():
                try:
                    self.sign_if_due(slug, size)
                except Exception:  # noqa: BLE001 - keep following; the store may come back
                    log.exception("checkpoint follower failed for %s", slug)
            with self._wake:
                self._busy = False

    def _next_heard(self) -> dict[str, int] | None:
        """What was heard since last time, or None once idle or stopped (thread leaves)."""
        with self._wake:
            if not self._heard and not self._stopped:
                self._wake.wait(self.idle_seconds)
            if not self._heard or self._stopped:
                self._thread = None
                return None
            heard, self._heard = self._heard, {}
            self._busy = True
            return heard

    def idle(self) -> bool:
        """Nothing heard is waiting to be looked at, and no signing is under way."""
        with self._wake:
            return not self._heard and not self._busy

    def stop(self, timeout: float = 30.0) -> None:
        with self._wake:
            self._stopped = True
            thread = self._thread
            self._wake.notify_all()
        if thread is not None:
            thread.join(timeout)

    def resume(self) -> None:
        with self._wake:
            self._stopped = False
