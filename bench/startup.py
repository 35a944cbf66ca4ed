"""The first write after a restart, and the server's memory, as the log grows.

For each size, a PostgreSQL database made for the run holds ONE ledger of N
journal entries (grants and payments over three funds, every one moving bank
money), appended in batches through ``LedgerApplication.submit_many`` by a
server that snapshots every ``--every`` entries (the shipped default, 10,000).
Before each round the snapshots table is put back as the history left it, so
every round meets the same worst case (``entries_replayed``). Then a NEW process (a
restarted server) builds its ``LedgerApplication``, signs
one statement before the clock starts, and times ``submit`` to the first
accepted statement; it reads its own RSS (VmRSS after ``gc.collect()``) before
and after. Two modes, alternating, ``--rounds`` times each:

- snapshots: as shipped: the newest snapshot is loaded, the tail replayed;
- replay: ``SUNLEDGER_SNAPSHOT_EVERY_ENTRIES=0``, the whole log replayed under
  the ledger's lock (the baseline, what every restart did before).

Targets: first write <= 1 s at 1,000,000 entries (snapshots), and RSS growth
<= 20 MB from the smallest to the largest size. Prints one JSON object;
progress goes to stderr.

    python bench/startup.py              # 10,000 and 100,000 entries
    python bench/startup.py --large      # 10,000, 100,000 and 1,000,000 (long: ~1M signatures)
    python bench/startup.py --sizes 10000 50000 --rounds 5
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != HERE]
sys.path[:0] = [str(HERE.parent)]
sys.path.append(str(HERE))

import history_days  # noqa: E402
from serving import fresh_database, open_books  # noqa: E402

from ledger.client import Signer, posting  # noqa: E402
from ledger.format.keys import SigningKey  # noqa: E402
from ledger.log.application import LedgerApplication  # noqa: E402
from ledger.log.store import ledger_stream  # noqa: E402
from ledger.settings import Settings  # noqa: E402

FIRST_WRITE_TARGET_S = 1.0
RSS_GROWTH_TARGET_MB = 20.0
ENTRIES_PER_DAY = 1000  # a million entries take 1,000 days from ten years back: in range
BATCH = 1000
SLUG = "bench"
FUNDS = ("general", "activity", "renovation")
STREET_OFFICE = {"kind": "organisation", "name": "街道办事处 Street office"}
SUPPLIER = {"kind": "organisation", "name": "阳光文体用品店"}


def statement(agent: Signer, i: int):
    """Entry i: every third one a grant into a fund, the two after it payments out of it."""
    fund = FUNDS[(i // 3) % 3]
    when = history_days.day_of(i, ENTRIES_PER_DAY).isoformat()
    if i % 3 == 0:
        lines = [posting("1002", fund, "debit", 3_000), posting("4001", fund, "credit", 3_000)]
        return agent.post(when, "grant", STREET_OFFICE, lines, memo=f"拨款 no. {i}")
    lines = [posting("5001", fund, "debit", 1_000 + i % 400),
             posting("1002", fund, "credit", 1_000 + i % 400)]
    return agent.post(when, "activity", SUPPLIER, lines, memo=f"支出 payment no. {i}")


def write_history(settings: Settings, entries: int) -> tuple[str, dict]:
    """The ledger and its N entries, the last ``every - 1`` of them written with
    snapshots off: a restart replays the longest tail it can meet (the worst case).
    Returns the agent's seed (hex) and what was built."""
    every = settings.snapshot_every_entries
    app = LedgerApplication(settings)
    try:
        agent = open_books(app, settings, SLUG)
        began = time.perf_counter()
        append(app, agent, 0, entries - every + 1)
        seconds = time.perf_counter() - began
        app.snapshots_kept.take(app.state(SLUG))  # the newest: every - 1 entries from the end
    finally:
        app.close()
    app = LedgerApplication(replace(settings, snapshot_every_entries=0))
    try:
        append(app, agent, entries - every + 1, entries)
        size = app.reader.size(SLUG)
    finally:
        app.close()
    app = LedgerApplication(settings)
    try:
        snapshot = app.snapshots_kept.load(SLUG)
        assert snapshot is not None, "the history was written with snapshots on"
    finally:
        app.close()
    return agent.key.seed.hex(), {"log_size": size, "snapshot_size": snapshot.size,
                                  "build_s": round(seconds, 1),
                                  "build_entries_per_s": round(entries / seconds)}


class SnapshotRewinder:
    """Puts the snapshots table back as the history left it before every round: a
    restarted server takes snapshots (once its tail reaches ``every`` entries, and
    one more to time it) and prunes older ones, so without this only the first
    round would meet the worst case (``entries_replayed`` says what each met)."""

    def __init__(self, url: str) -> None:
        import psycopg

        self.url, self.psycopg = url, psycopg
        with psycopg.connect(url) as db:
            self.rows = db.execute("SELECT originator_id, originator_version, topic, state "
                                   "FROM sunledger_snapshots").fetchall()

    def rewind(self) -> None:
        with self.psycopg.connect(self.url) as db:  # one transaction: commit on exit
            db.execute("DELETE FROM sunledger_snapshots")
            for row in self.rows:
                db.execute("INSERT INTO sunledger_snapshots (originator_id, originator_version, "
                           "topic, state) VALUES (%s, %s, %s, %s)", row)


def append(app: LedgerApplication, agent: Signer, start: int, stop: int) -> None:
    for first in range(start, stop, BATCH):
        app.submit_many([statement(agent, i) for i in range(first, min(stop, first + BATCH))])
        if first and first % 50_000 == 0:
            print(f"  {first} entries appended", file=sys.stderr, flush=True)


def vm_rss_mb() -> float:
    gc.collect()
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError("no VmRSS in /proc/self/status")


def restarted(job: dict) -> dict:
    """In a new process: a server restarted on the database; its first write."""
    settings = replace(Settings.from_env(job["url"], Path(job["data_dir"])),
                       snapshot_every_entries=job["every"])
    app = LedgerApplication(settings)
    try:
        agent = Signer(SigningKey(bytes.fromhex(job["seed"]), "agent"), SLUG)
        first, second = statement(agent, job["index"]), statement(agent, job["index"] + 1)
        newest = app.snapshots.recorder.select_events(ledger_stream(SLUG), desc=True, limit=1)
        size = app.reader.size(SLUG)
        replayed = size - (newest[0].originator_version if newest and job["every"] else 0)
        at_rest = vm_rss_mb()
        began = time.perf_counter()
        app.submit(first)
        first_write = time.perf_counter() - began
        began = time.perf_counter()
        app.submit(second)
        second_write = time.perf_counter() - began
        rss = vm_rss_mb()
        # What a snapshot costs the writer (every N entries, holding the ledger's lock).
        began = time.perf_counter()
        app.snapshots_kept.take(app.state(SLUG))
        take = time.perf_counter() - began
        return {"entries_replayed": replayed, "first_write_s": round(first_write, 4), "second_write_s": round(second_write, 4),
                "rss_at_rest_mb": round(at_rest, 1), "rss_after_first_write_mb": round(rss, 1),
                "snapshot_take_s": round(take, 4)}
    finally:
        app.close()


def measure(url: str, data_dir: str, seed: str, index: int, every: int,
            rewinder: SnapshotRewinder) -> dict:
    """``index``: of the two statements the restarted server writes (a date, a memo)."""
    rewinder.rewind()
    job = {"url": url, "data_dir": data_dir, "seed": seed, "index": index, "every": every}
    out = subprocess.run([sys.executable, __file__, "--restarted", json.dumps(job)],
                         check=True, capture_output=True, text=True)
    return json.loads(out.stdout)


def spread(runs: list[dict], key: str) -> dict:
    values = [run[key] for run in runs]
    return {"min": min(values), "median": round(statistics.median(values), 4),
            "max": max(values)}


def run_size(entries: int, args: argparse.Namespace) -> dict:
    print(f"{entries} entries", file=sys.stderr, flush=True)
    with fresh_database() as url, tempfile.TemporaryDirectory() as data_dir:
        settings = replace(Settings.from_env(url, Path(data_dir)), snapshot_every_entries=args.every)
        seed, built = write_history(settings, entries)
        runs: dict[str, list[dict]] = {"snapshots": [], "replay": []}
        rewinder = SnapshotRewinder(url)
        replay_rounds = args.rounds if entries <= args.replay_rounds_up_to else 1
        for round_ in range(args.rounds):  # alternating: both modes see the same load
            index = entries + 4 * round_
            runs["snapshots"].append(measure(url, data_dir, seed, index, args.every, rewinder))
            if round_ < replay_rounds:
                runs["replay"].append(measure(url, data_dir, seed, index + 2, 0, rewinder))
    return {"entries": entries, **built, **{
        mode: {key: spread(results, key) for key in results[0]} for mode, results in runs.items()}}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--large", action="store_true", help="10,000, 100,000 and 1,000,000")
    parser.add_argument("--sizes", type=int, nargs="+")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--every", type=int, default=Settings().snapshot_every_entries,
                        help="entries between snapshots while the history is written")
    parser.add_argument("--replay-rounds-up-to", type=int, default=100_000,
                        help="above this size the (slow) replay baseline runs once")
    parser.add_argument("--restarted", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.restarted:
        print(json.dumps(restarted(json.loads(args.restarted))))
        return
    sizes = args.sizes or ([10_000, 100_000, 1_000_000] if args.large else [10_000, 100_000])
    load_before = os.getloadavg()
    runs = [run_size(entries, args) for entries in sizes]
    small, big = runs[0], runs[-1]
    growth = {mode: round(big[mode]["rss_after_first_write_mb"]["median"]
                          - small[mode]["rss_after_first_write_mb"]["median"], 1)
              for mode in ("snapshots", "replay")}
    ratio = {run["entries"]: round(run["snapshots"]["first_write_s"]["median"]
                                   / run["replay"]["first_write_s"]["median"], 4) for run in runs}
    print(json.dumps({
        "benchmark": "startup", "store": "postgresql", "snapshot_every_entries": args.every,
        "load_average_before": [round(x, 2) for x in load_before],
        "load_average_after": [round(x, 2) for x in os.getloadavg()],
        "sizes": runs, "first_write_ratio_snapshots_over_replay": ratio,
        "rss_growth_mb_smallest_to_largest": growth,
        "first_write_target_s": FIRST_WRITE_TARGET_S, "rss_growth_target_mb": RSS_GROWTH_TARGET_MB,
        "targets_met": big["snapshots"]["first_write_s"]["max"] <= FIRST_WRITE_TARGET_S
        and growth["snapshots"] <= RSS_GROWTH_TARGET_MB}, indent=2))


if __name__ == "__main__":
    main()
