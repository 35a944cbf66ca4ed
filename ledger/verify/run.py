"""The auditor's verifier: trusts nothing but the leaf bytes, a pinned genesis
hash or log key, and checkpoints (FORMAT.md sections 4, 5, 7 and 9).

Every entry is checked and every problem is kept, with its seq (beancount's
validations, not the first exception). Work is split in two:

- parallel (``ledger.verify.worker``, a process pool over chunks of
  ``CHUNK_ENTRIES``): strict parsing and Ed25519 signatures, the costly part;
- sequential (``ledger.verify.sequential``, in the main process, as chunks
  come back in order): seq numbering, the ``prev`` chain, ledger slug,
  ``recorded_at`` order, the key registry as of each seq, the role table,
  nonce uniqueness, the Merkle tree (``CompactRange``), stored nodes, the
  roots checkpoints are held to, and the balances figures notes are held to
  (recomputed from money facts the workers read out of each leaf).

How a changed byte is localised: every field an entry's own checks cover
(canonical form, seq, ledger, signer, signature, statement) names that seq
directly. A change the entry's own checks cannot see (say ``recorded_at``
moved within bounds) only changes its hash, so the NEXT entry's ``prev``
breaks. A single broken link between k and k+1 means entry k changed
(editing k+1's ``prev`` would also break the link after k+1); two broken
links in a row around k mean k's own ``prev`` was edited. For the LAST entry
there is no next link: without the stored nodes (``nodes[0]`` = the leaf hash
written beside each entry) such a change is caught only as a root mismatch
against a checkpoint, which does not name a seq. An entry replaced with the
whole chain after it recomputed (and fresh stored nodes) is self-consistent:
only the root held by an older checkpoint catches it.
"""

from __future__ import annotations

import multiprocessing
import os
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Sized
from concurrent.futures import Future, ProcessPoolExecutor
from typing import Any

from ledger.verify.limits import FINDINGS_MAX
from ledger.verify.report import Code, Finding, Report
from ledger.verify.sequential import Options, SequentialCheck
from ledger.verify.worker import ChunkResult, analyse_chunk, verify_triples

__all__ = ["Code", "Finding", "Report", "Options", "verify_entries", "verify_ledger", "run",
           "CHUNK_ENTRIES"]

CHUNK_ENTRIES = 1000
IN_FLIGHT_PER_WORKER = 2      # chunks queued per worker: keeps them busy, bounds memory
IN_PROCESS_BELOW = 3000       # smaller logs are verified without a pool (start-up costs more)

Progress = Callable[[int, int | None], None]
Figures = Iterable[tuple[str, dict | None]]


def verify_entries(leaves: Iterable[bytes], *, ledger: str | None = None,
                   genesis_hash: str | None = None, log_vkey: str | None = None,
                   checkpoint_note: str | None = None, old_checkpoint_note: str | None = None,
                   stored_nodes: list[list[str]] | None = None, workers: int | None = None,
                   progress: Progress | None = None, figures: Figures = ()) -> Report:
    """Verify a log given as leaf bytes in seq order; see the module docstring.
    ``figures``: (figures note, published document or None) pairs to hold to the entries."""
    total = len(leaves) if isinstance(leaves, Sized) else None
    options = Options(ledger, genesis_hash, log_vkey, checkpoint_note, old_checkpoint_note,
                      check_nodes=stored_nodes is not None, figures=tuple(figures))
    nodes = stored_nodes if stored_nodes is not None else []
    pairs = ((leaf, nodes[i] if i < len(nodes) else None) for i, leaf in enumerate(leaves))
    return run(pairs, options, total=total, workers=workers, progress=progress)


def verify_ledger(app: Any, slug: str, *, checkpoint_note: str | None = None,
                  old_checkpoint_note: str | None = None, log_vkey: str | None = None,
                  genesis_hash: str | None = None, workers: int | None = None,
                  progress: Progress | None = None, figures: Figures = ()) -> Report:
    """Verify a ledger as stored in ``app``'s database, including the stored Merkle nodes."""
    options = Options(slug, genesis_hash, log_vkey, checkpoint_note, old_checkpoint_note,
                      check_nodes=True, figures=tuple(figures))
    pairs = ((stored.leaf, stored.nodes) for stored in app.reader.stored(slug))
    return run(pairs, options, total=app.reader.size(slug), workers=workers, progress=progress)


def run(pairs: Iterable[tuple[bytes, list[str] | None]], options: Options, *,
        total: int | None = None, workers: int | None = None,
        progress: Progress | None = None, findings_max: int = FINDINGS_MAX) -> Report:
    """Verify (leaf, stored nodes or None) pairs; the engine behind every entry point.
    Stops reading entries once ``findings_max`` findings are kept (a hostile or broken
    log could otherwise fill memory with findings): a ``too-many-findings`` finding says so."""
    check = SequentialCheck(options)
    workers = _worker_count(workers, total)
    chunks = _chunks(pairs)
    if workers == 1:
        for start, leaves, nodes in chunks:
            check.take(analyse_chunk(start, leaves, check.hints(leaves)), nodes)
            check.report_progress(progress, total)
            if len(check.findings) >= findings_max:
                break
        check.bad_signatures(verify_triples(check.pop_triples()))
    else:
        _run_pool(check, chunks, workers, progress, total, findings_max)
    stopped_at = check.size if len(check.findings) >= findings_max else None
    report = check.finish()
    if stopped_at is not None:
        report.findings.append(Finding(None, Code.TOO_MANY_FINDINGS, (
            f"verification stopped after {stopped_at} entries: {findings_max} findings or more; "
            "the entries after them were not checked")))
    return report


def _worker_count(workers: int | None, total: int | None) -> int:
    if workers is not None:
        return max(1, workers)
    if total is not None and total < IN_PROCESS_BELOW:
        return 1
    return max(1, os.cpu_count() or 1)


def _chunks(pairs: Iterable[tuple[bytes, Any]]) -> Iterator[tuple[int, list[bytes], list]]:
    leaves: list[bytes] = []
    nodes: list = []
    start = 0
    for leaf, stored in pairs:
        leaves.append(leaf)
        nodes.append(stored)
        if len(leaves) == CHUNK_ENTRIES:
            yield start, leaves, nodes
            start += len(leaves)
            leaves, nodes = [], []
    if leaves:
        yield start, leaves, nodes


def _pool(workers: int) -> ProcessPoolExecutor:
    # forkserver, not fork: the caller may have threads (a web server, a DB pool)
    # whose locks a forked child would inherit held.
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(["ledger.verify.worker"])
    return ProcessPoolExecutor(max_workers=workers, mp_context=context)


def _run_pool(check: SequentialCheck, chunks: Iterator, workers: int,
              progress: Progress | None, total: int | None, findings_max: int) -> None:
    in_flight: deque[tuple[Future[ChunkResult], list]] = deque()
    signature_jobs: list[Future[list[int]]] = []

    def take_oldest() -> None:
        future, nodes = in_flight.popleft()
        check.take(future.result(), nodes)
        check.report_progress(progress, total)
        if len(check.triples) >= CHUNK_ENTRIES:
            signature_jobs.append(pool.submit(verify_triples, check.pop_triples()))

    with _pool(workers) as pool:
        for start, leaves, nodes in chunks:
            job = pool.submit(analyse_chunk, start, leaves, check.hints(leaves))
            in_flight.append((job, nodes))
            if len(in_flight) >= workers * IN_FLIGHT_PER_WORKER:
                take_oldest()
            if len(check.findings) >= findings_max:
                break
        while in_flight:
            take_oldest()
        signature_jobs.append(pool.submit(verify_triples, check.pop_triples()))
        for job in signature_jobs:
            check.bad_signatures(job.result())
