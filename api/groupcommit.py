"""Group commit: concurrent statements for one ledger share one transaction.

PostgreSQL serialises inserts on a table lock, so one transaction per
statement caps a ledger at a few hundred statements a second. Here each
ledger has a queue and one worker thread: a request puts its statement in the
queue and waits; the worker takes everything queued (up to
``policy.batch_statements_max``) and appends it with
``submit_many(batch, all_or_nothing=False)``, then answers each waiter with
its own Receipt or error (TigerBeetle batches the same way). The worker never
waits for a batch to fill: an idle queue is drained as soon as one statement
arrives, so a lone request pays only a thread hand-off.

Each statement is decided exactly as a single append would decide it:
``submit_many`` decides them in queue order on one fork of the ledger state,
a refused statement leaves no trace and does not stop the others, and the
chain, Merkle nodes and nonce claims are written in the one transaction. Two
statements with the same signer and nonce never share a batch: the later one
waits for the next, where the stored nonce claim answers it (the same entry
again for a retry, ``ReplayedNonce`` for a different statement) exactly as if
it had come after the first.

Workers are started on demand, exit after ``idle_seconds`` without work, and
at most ``queues_max`` run at once; past that a statement is appended on its
own (correct, only not batched), so statements for many ledgers cannot make
threads without bound.
"""

from __future__ import annotations

import asyncio
import logging
import threading
import time
from collections import deque
from concurrent.futures import Future
from typing import Callable

from ledger.domain import policy
from ledger.log.application import LedgerApplication, Receipt
from ledger.errors import LedgerError
from ledger.format.statements import SignedStatement

log = logging.getLogger(__name__)

IDLE_SECONDS = 10.0
QUEUES_MAX = 64

# Called after each batch with (statements in it, seconds it took): for metrics.
BatchListener = Callable[[int, float], None]


class _Waiting:
    __slots__ = ("signed", "future")

    def __init__(self, signed: SignedStatement) -> None:
        self.signed = signed
        self.future: Future[Receipt] = Future()

    @property
    def claim(self) -> tuple[str, str]:
        return self.signed.signer, self.signed.statement.nonce


class _LedgerQueue:
    def __init__(self, slug: str) -> None:
        self.slug = slug
        self.items: deque[_Waiting] = deque()
        self.ready = threading.Condition()
        self.thread: threading.Thread | None = None


class GroupCommitter:
    """Queues statements per ledger and appends each queue in batches."""

    def __init__(self, app: LedgerApplication, *, batch_max: int = policy.batch_statements_max,
                 idle_seconds: float = IDLE_SECONDS, queues_max: int = QUEUES_MAX,
                 on_batch: BatchListener | None = None) -> None:
        assert 1 <= batch_max <= policy.batch_statements_max
        self.app = app
        self.batch_max = batch_max
        self.idle_seconds = idle_seconds
        self.queues_max = queues_max
        self.on_batch = on_batch
        self._queues: dict[str, _LedgerQueue] = {}
        self._guard = threading.Lock()  # taken before any queue's own lock
        self._closed = False

    # --- submitting ----------------------------------------------------------

    def submit(self, signed: SignedStatement) -> Receipt:
        """Append ``signed`` (batched with its neighbours); blocks until it is decided."""
        return self.enqueue(signed).result()

    async def submit_async(self, signed: SignedStatement) -> Receipt:
        """As ``submit``, for an event loop: awaits without holding a thread."""
        return await asyncio.wrap_future(self.enqueue(signed))

    def enqueue(self, signed: SignedStatement) -> Future[Receipt]:
        waiting = _Waiting(signed)
        slug = signed.statement.ledger
        with self._guard:
            queue = self._queues.get(slug)
            if queue is None and not self._closed and len(self._queues) < self.queues_max:
                queue = self._queues[slug] = _LedgerQueue(slug)
                queue.thread = threading.Thread(target=self._work, args=(queue,), daemon=True,
                                                name=f"group-commit-{slug}")
                queue.thread.start()
            if queue is not None:
                with queue.ready:
                    queue.items.append(waiting)
                    queue.ready.notify()
                return waiting.future
        self._append_alone(waiting)  # too many ledgers at once, or shutting down
        return waiting.future

    def _append_alone(self, waiting: _Waiting) -> None:
        try:
            waiting.future.set_result(self.app.submit(waiting.signed))
        except BaseException as error:  # noqa: BLE001 - the waiter gets whatever happened
            waiting.future.set_exception(error)

    # --- the worker ----------------------------------------------------------

    def _work(self, queue: _LedgerQueue) -> None:
        while True:
            batch = self._next_batch(queue)
            if batch is None:
                return
            self._append(batch)

    def _next_batch(self, queue: _LedgerQueue) -> list[_Waiting] | None:
        """Everything queued (no two with one nonce), or None once idle or closed."""
        with queue.ready:
            if not queue.items and not self._closed:
                queue.ready.wait(self.idle_seconds)
        if not queue.items:
            with self._guard, queue.ready:
                if not queue.items:  # still nothing: leave (enqueue starts a new worker)
                    del self._queues[queue.slug]
                    return None
        with queue.ready:
            return self._take(queue.items)

    def _take(self, items: deque[_Waiting]) -> list[_Waiting]:
        batch: list[_Waiting] = []
        claims: set[tuple[str, str]] = set()
        later: list[_Waiting] = []
        while items and len(batch) < self.batch_max:
            waiting = items.popleft()
            if waiting.claim in claims:
                later.append(waiting)  # same nonce as one in this batch: decide it after
                continue
            claims.add(waiting.claim)
            batch.append(waiting)
        items.extendleft(reversed(later))
        return batch

    def _append(self, batch: list[_Waiting]) -> None:
        started = time.perf_counter()
        try:
            results = self.app.submit_many([w.signed for w in batch], all_or_nothing=False)
        except BaseException as error:  # noqa: BLE001 - a failed transaction fails every waiter
            if not isinstance(error, LedgerError):
                log.exception("group commit of %d statements failed", len(batch))
            for waiting in batch:
                waiting.future.set_exception(error)
            return
        for waiting, result in zip(batch, results):
            if isinstance(result, Receipt):
                waiting.future.set_result(result)
            else:
                waiting.future.set_exception(result)
        if self.on_batch is not None:
            self.on_batch(len(batch), time.perf_counter() - started)

    # --- stopping ------------------------------------------------------------

    def close(self, timeout: float = 10.0) -> None:
        """Finish what is queued, then stop the workers."""
        with self._guard:
            self._closed = True
            queues = list(self._queues.values())
        for queue in queues:
            with queue.ready:
                queue.ready.notify_all()
        for queue in queues:
            if queue.thread is not None:
                queue.thread.join(timeout)
