"""Append throughput on PostgreSQL: Sunledger against a bare eventsourcing application.

Three runs in one process, on one fresh database:
- sunledger: N pre-signed journal entries, ``LedgerApplication.submit`` one by one
  (verify, decide, hash chain, Merkle nodes, nonce claim, one transaction each);
- bare: N events of the same stored size through a plain eventsourcing
  Application (one Aggregate kept in memory, ``app.save`` after each trigger):
  the fair baseline for "one durable event per call";
- batch: N entries through ``submit_many`` in batches of ``--batch``, and, for
  scale, the bare application saving 2N events (an entry is two rows: the entry
  and its nonce claim) 2x``--batch`` per save (``bare_batch_entries_per_s``).

The first two alternate in ``--rounds`` chunks so both see the same load on a
shared host. Signing is the client's cost and is done before timing. Prints
one JSON object.

    python bench/append.py                # N = 2,000
    python bench/append.py --large        # N = 20,000
    python bench/append.py --profile      # cProfile a Sunledger chunk and the batches (stderr)
"""

from __future__ import annotations

import argparse
import cProfile
import json
import pstats
import sys
import tempfile
import time
import uuid
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from eventsourcing.application import Application  # noqa: E402
from eventsourcing.domain import Aggregate, event  # noqa: E402

from ledger.log.application import LedgerApplication  # noqa: E402
from ledger.client import Signer, posting  # noqa: E402
from ledger.format.keys import SigningKey  # noqa: E402
from ledger.format.notes import Signer as NoteSigner  # noqa: E402
from ledger.settings import Settings  # noqa: E402
from ledger.format.statements import SignedStatement  # noqa: E402
from ledger.log.store import ledger_stream  # noqa: E402
from serving import fresh_database  # noqa: E402

TARGET_RATIO = 0.5
BATCH_TARGET_PER_S = 5000
STREET_OFFICE = {"kind": "organisation", "name": "街道办事处 Street office"}


# --- the database -------------------------------------------------------------------------


@contextmanager
def database(url: str | None) -> Iterator[str]:
    """``url`` as given, or a database made for this run and dropped afterwards."""
    if url:
        yield url
        return
    with fresh_database() as made:
        yield made


# --- a ledger ready for journal entries ----------------------------------------------------


def open_books(app: LedgerApplication, slug: str) -> Signer:
    """Genesis, an agent key, one fund and two accounts; returns the agent."""
    admin = Signer(SigningKey.generate("admin"), slug)
    agent = Signer(SigningKey.generate("agent"), slug)
    origin = f"sunledger.example/{slug}"
    log_vkey = NoteSigner.from_seed(origin, SigningKey.generate().seed).verifier().vkey
    app.submit(admin.open_ledger("基准社区", origin, log_vkey))
    app.submit(admin.register_key(agent.key, ["agent"], "agent"))
    app.submit(agent.create_fund("general", "一般资金", "General fund"))
    app.submit(agent.open_account("1002", "银行存款", "Bank deposits", "asset", "bank"))
    app.submit(agent.open_account("4001", "财政补助收入", "Government grants", "income"))
    return agent


def signed_entries(agent: Signer, n: int) -> list[SignedStatement]:
    """N typical journal entries (a grant with a memo), signed up front."""
    statements = []
    for i in range(n):
        amount = 10_000 + i
        lines = [posting("1002", "general", "debit", amount),
                 posting("4001", "general", "credit", amount)]
        statements.append(agent.post("2026-03-01", "grant", STREET_OFFICE, lines,
                                     memo=f"财政拨款 grant no. {i}"))
    return statements


def stored_event_bytes(app: Application, stream) -> int:
    """Size of the stored state of the stream's last event (what the baseline matches)."""
    rows = app.recorder.select_events(stream, desc=True, limit=1)
    return len(rows[0].state)


# --- the baseline --------------------------------------------------------------------------


class Blob(Aggregate):
    """An aggregate whose events carry an opaque payload of a chosen size."""

    @event("Appended")
    def append(self, payload: str) -> None:
        pass  # the payload lives in the stored event only; memory stays flat


class BareApplication(Application):
    name = "barebench"


class Bare:
    """A plain eventsourcing application appending events of ``event_bytes`` each."""

    def __init__(self, settings: Settings, event_bytes: int) -> None:
        self.app = BareApplication(env=settings.eventsourcing_env())
        self.blob = Blob()
        self.blob.append("")
        self.app.save(self.blob)
        overhead = stored_event_bytes(self.app, self.blob.id)  # timestamp, topic wrapping
        self.payload = "x" * max(1, event_bytes - overhead)
        self.blob.append(self.payload)
        self.app.save(self.blob)
        self.event_bytes = stored_event_bytes(self.app, self.blob.id)

    def append(self, n: int) -> None:
        for _ in range(n):
            self.blob.append(self.payload)
            self.app.save(self.blob)

    def append_batches(self, n: int, size: int) -> None:
        """``size`` events per save: what one batched transaction costs eventsourcing."""
        for start in range(0, n, size):
            for _ in range(min(size, n - start)):
                self.blob.append(self.payload)
            self.app.save(self.blob)


# --- the runs ------------------------------------------------------------------------------


@contextmanager
def profiled(title: str, enabled: bool) -> Iterator[None]:
    """cProfile the block and print where the time went to stderr."""
    if not enabled:
        yield
        return
    profiler = cProfile.Profile()
    profiler.enable()
    try:
        yield
    finally:
        profiler.disable()
        print(f"===== {title} =====", file=sys.stderr)
        stats = pstats.Stats(profiler, stream=sys.stderr).sort_stats("cumulative")
        stats.print_stats(40)
        stats.sort_stats("tottime").print_stats(25)


def timed(work) -> float:
    started = time.perf_counter()
    work()
    return time.perf_counter() - started


def interleaved(app: LedgerApplication, bare: Bare, statements: list[SignedStatement],
                rounds: int, profile: bool) -> tuple[float, float]:
    """Alternate chunks of Sunledger and bare appends so both see the same machine load
    (the benchmark host is shared); returns (sunledger seconds, bare seconds)."""
    chunk = -(-len(statements) // rounds)
    ours = theirs = 0.0
    for start in range(0, len(statements), chunk):
        part = statements[start:start + chunk]
        with profiled(f"sunledger submit, one by one (chunk at {start})", profile and not start):
            ours += timed(lambda: [app.submit(signed) for signed in part])
        theirs += timed(lambda: bare.append(len(part)))
    return ours, theirs


def batch_run(app: LedgerApplication, statements: list[SignedStatement], size: int,
              profile: bool) -> float:
    def work() -> None:
        for start in range(0, len(statements), size):
            app.submit_many(statements[start:start + size])

    with profiled(f"sunledger submit_many, batches of {size}", profile):
        return len(statements) / timed(work)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", help="PostgreSQL URL (default: a fresh database, dropped after)")
    parser.add_argument("--n", type=int, default=2_000)
    parser.add_argument("--large", action="store_true", help="N = 20,000")
    parser.add_argument("--batch", type=int, default=500, help="statements per submit_many")
    parser.add_argument("--rounds", type=int, default=5, help="interleaved chunks per run")
    parser.add_argument("--profile", action="store_true",
                        help="cProfile the first Sunledger chunk and the batch run (stderr)")
    args = parser.parse_args()
    n = 20_000 if args.large else args.n

    with database(args.db) as url, tempfile.TemporaryDirectory() as data_dir:
        settings = Settings(database_url=url, data_dir=Path(data_dir))
        app = LedgerApplication(settings)
        bare = None
        try:
            single_slug, batch_slug = (f"bench-{uuid.uuid4().hex[:8]}" for _ in range(2))
            single = signed_entries(open_books(app, single_slug), n)
            batched = signed_entries(open_books(app, batch_slug), n)
            app.submit(single[0])  # one entry first, to size the baseline's events
            event_bytes = stored_event_bytes(app, ledger_stream(single_slug))
            bare = Bare(settings, event_bytes)
            ours, theirs = interleaved(app, bare, single[1:], args.rounds, args.profile)
            batch_per_s = batch_run(app, batched, args.batch, args.profile)
            # Sunledger stores two rows per entry (entry + nonce claim): 2N events, 2x batch.
            bare_batch_per_s = n / timed(lambda: bare.append_batches(2 * n, 2 * args.batch))
            assert app.state(single_slug).size == n + 5 == app.state(batch_slug).size
        finally:
            app.close()
            if bare:
                bare.app.close()

    sunledger_per_s, bare_per_s = (n - 1) / ours, (n - 1) / theirs
    ratio = sunledger_per_s / bare_per_s
    print(json.dumps({
        "n": n, "store": "postgresql", "event_bytes": event_bytes,
        "bare_event_bytes": bare.event_bytes,
        "sunledger_per_s": round(sunledger_per_s, 1), "bare_per_s": round(bare_per_s, 1),
        "ratio": round(ratio, 3), "target_ratio": TARGET_RATIO,
        "batch_size": args.batch, "batch_per_s": round(batch_per_s, 1),
        "batch_target": BATCH_TARGET_PER_S,
        "bare_batch_entries_per_s": round(bare_batch_per_s, 1),
        "ratio_met": ratio >= TARGET_RATIO, "batch_met": batch_per_s >= BATCH_TARGET_PER_S,
    }))


if __name__ == "__main__":
    main()
