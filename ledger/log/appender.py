"""The log's front door for writes: HTTP, the CLI, the demo and imports all append here.

Group commit: PostgreSQL serialises inserts on a table lock, so one
transaction per statement caps a ledger at a few hundred statements a second.
Here each ledger has a queue and one worker thread: ``append`` puts a
statement in the queue and hands back a Future; the worker takes everything
queued (up to ``batch_max``) and appends it in one transaction
(``append_many(batch, all_or_nothing=False)``), then answers each Future with its
own Receipt or error (TigerBeetle batches the same way). The worker never
waits for a batch to fill: an idle queue is drained as soon as one statement
arrives, so a lone statement pays only a thread hand-off.

Each statement is decided exactly as a single append would decide it:
``append_many`` decides them in queue order on one fork of the ledger state,
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

``append_batch`` is the other door, for imports: its statements are stored
all together or not at all, in one transaction of their own.

The log's listeners (checkpoints, read models) are told of each commit after
its waiters have their answers, outside the ledger's lock. They must be quick
(the log's own only wake a thread): a worker telling them is not appending.
"""

from __future__ import annotations

import asyncio
import logging
import threading
import time
from collections import deque
from concurrent.futures import Future
from typing import Callable, Sequence

from ledger.domain import policy
from ledger.errors import LedgerError
from ledger.format.statements import SignedStatement
from ledger.log.application import LedgerApplication, Receipt

log = logging.getLogger(__name__)

IDLE_SECONDS = 10.0
QUEUES_MAX = 64

# Called after each transaction with (statements in it, seconds it took): for metrics.
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


class Appender:
    """Queues statements per ledger and appends each queue in batches."""

    def __init__(self, app: LedgerApplication, *, batch_max: int = policy.batch_statements_max,
                 idle_seconds: float = IDLE_SECONDS, queues_max: int = QUEUES_MAX,
                 on_batch: BatchListener | None = None) -> None:
        if not 1 <= batch_max <= policy.batch_statements_max:
            raise ValueError(f"batch_max must be 1 to {policy.batch_statements_max}")
        self.app = app
        self.batch_max = batch_max
        self.idle_seconds = idle_seconds
        self.queues_max = queues_max
        self.on_batch = on_batch
        self._queues: dict[str, _LedgerQueue] = {}
        self._guard = threading.Lock()  # taken before any queue's own lock
        self._closed = False

    # --- appending -----------------------------------------------------------

    def append(self, signed: SignedStatement) -> Future[Receipt]:
        """Queue ``signed`` for its ledger; the Future answers its Receipt or its refusal."""
        waiting = _Waiting(signed)
        slug = signed.statement.ledger
        with self._guard:
            queue = self._queues.get(slug)
            if queue is None and not self._closed and len(self._queues) < self.queues_max:
                queue = self._queues[slug] = self._start_queue(slug)
            if queue is not None:
                with queue.ready:
                    queue.items.append(waiting)
                    queue.ready.notify()
                return waiting.future
        self._append_alone(waiting)  # too many ledgers at once, or shutting down
        return waiting.future

    def append_and_wait(self, signed: SignedStatement) -> Receipt:
        """As ``append``, blocking until the statement is decided (raises its refusal)."""
        return self.append(signed).result()

    async def append_async(self, signed: SignedStatement) -> Receipt:
        """As ``append``, for an event loop: awaits without holding a thread."""
        return await asyncio.wrap_future(self.append(signed))

    def append_batch(self, statements: Sequence[SignedStatement]) -> list[Receipt]:
        """Store all of ``statements`` (one ledger) in one transaction, or none: the
        first refusal is raised and nothing is stored. For imports."""
        started = time.perf_counter()
        results, appended = self.app.append_many(statements, all_or_nothing=True)
        receipts = [result for result in results if isinstance(result, Receipt)]
        assert len(receipts) == len(results), "all_or_nothing raises instead"
        self._observe(len(receipts), started)
        if appended is not None:
            self.app.notify_listeners(appended)
        return receipts

    def _append_alone(self, waiting: _Waiting) -> None:
        try:
            waiting.future.set_result(self.app.submit(waiting.signed))
        except BaseException as error:  # noqa: BLE001 - the waiter gets whatever happened
            waiting.future.set_exception(error)

    def _observe(self, size: int, started: float) -> None:
        if self.on_batch is not None and size:
            self.on_batch(size, time.perf_counter() - started)

    # --- the workers ---------------------------------------------------------

    def _start_queue(self, slug: str) -> _LedgerQueue:
        queue = _LedgerQueue(slug)
        queue.thread = threading.Thread(target=self._work, args=(queue,), daemon=True,
                                        name=f"appender-{slug}")
        queue.thread.start()
        return queue

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
                if not queue.items:  # still nothing: leave (append starts a new worker)
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
            results, appended = self.app.append_many([w.signed for w in batch],
                                                     all_or_nothing=False)
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
        self._observe(len(batch), started)
        if appended is not None:  # the waiters have their answers: listeners never delay them
            self.app.notify_listeners(appended)

    # --- stopping ------------------------------------------------------------

    def close(self, timeout: float = 10.0) -> None:
        """Finish what is queued, then stop the workers; later appends go alone."""
        with self._guard:
            self._closed = True
            queues = list(self._queues.values())
        for queue in queues:
            with queue.ready:
                queue.ready.notify_all()
        for queue in queues:
            if queue.thread is not None:
                queue.thread.join(timeout)

    def idle(self) -> bool:
        """No worker is running (every queue has drained and its worker left)."""
        with self._guard:
            return not self._queues
