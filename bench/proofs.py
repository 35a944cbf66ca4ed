"""Merkle append and proof cost: ledger.format.merkle against pymerkle, in one run.

1. In memory, N leaves: ``CompactRange`` + a dict of perfect nodes
   (``merkle.MemoryNodes``) against ``pymerkle.InmemoryTree`` (sha256, RFC 9162
   hashing): append cost per leaf, then inclusion and consistency proofs at
   size N for ``--proofs`` random indexes (median and p99), every proof of
   ours checked once against pymerkle's root before timing. Ratios are
   ours / pymerkle (below 1 is faster).
2. Memory while serving: RSS and tracemalloc before/after serving the proofs
   again, to show serving keeps nothing (ours) or fills caches (pymerkle).
3. Through a real ledger store (``--store-size`` signed entries; SQLite, or
   PostgreSQL with ``--postgres``):
   ``ledger.log.proofs`` answers with one batched node query per proof; the
   in-memory proof time at the same size is the baseline.

    python bench/proofs.py                # N = 100,000, store 2,000 entries
    python bench/proofs.py --large        # N = 1,000,000, store 20,000 entries
    python bench/proofs.py --size 0 --store-size 1000000 --postgres   # the issue's store size
    python bench/proofs.py --database-url postgresql://... --ledger L  # a ledger already stored
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import random
import statistics
import sys
import tempfile
import time
import tracemalloc
from contextlib import contextmanager
from pathlib import Path
from typing import Callable, Iterator

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import pymerkle  # noqa: E402

from ledger.format import merkle  # noqa: E402

from ledger.log import proofs
from ledger.log.application import LedgerApplication  # noqa: E402
from ledger.client import posting  # noqa: E402
from ledger.settings import Settings  # noqa: E402

from append import open_books  # noqa: E402  (bench/append.py: the same small ledger)

LEAF_BYTES = 128  # hashing cost barely depends on it; keeps 1M leaves' data in ~200 MB
STREET_OFFICE = {"kind": "organisation", "name": "街道办事处 Street office"}


def rss_bytes() -> int:
    with open("/proc/self/statm", encoding="ascii") as statm:
        return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")


def timed(call: Callable[[int], object], args: list[int]) -> dict[str, float]:
    """Median and p99 of ``call(arg)`` over ``args``, in microseconds.

    The collector is off while timing, as in ``timeit``: a full collection of the
    million-node heap would otherwise land in the p99 of whichever side runs then.
    """
    times = []
    gc.collect()
    gc.disable()
    try:
        for arg in args:
            start = time.perf_counter()
            call(arg)
            times.append(time.perf_counter() - start)
    finally:
        gc.enable()
    times.sort()
    return {"median_us": round(statistics.median(times) * 1e6, 1),
            "p99_us": round(times[min(len(times) - 1, int(len(times) * 0.99))] * 1e6, 1)}


def ratio(ours: dict[str, float], theirs: dict[str, float]) -> dict[str, float]:
    return {k: round(ours[k] / theirs[k], 3) for k in ours}


def build(size: int, seed: int) -> tuple[merkle.MemoryNodes, pymerkle.InmemoryTree, dict]:
    rng = random.Random(seed)
    data = [rng.randbytes(LEAF_BYTES) for _ in range(size)]
    gc.collect()
    gc.freeze()  # the input data is not part of either tree's cost
    rss, start = rss_bytes(), time.perf_counter()
    nodes = merkle.MemoryNodes()
    for d in data:
        nodes.append(merkle.leaf_hash(d))
    ours = (time.perf_counter() - start) / size
    ours_rss = rss_bytes() - rss
    gc.collect()
    rss, start = rss_bytes(), time.perf_counter()
    tree = pymerkle.InmemoryTree(algorithm="sha256")
    for d in data:
        tree.append_entry(d)
    theirs = (time.perf_counter() - start) / size
    theirs_rss = rss_bytes() - rss
    assert tree.get_root(size) == nodes.frontier.root(), "pymerkle and ledger.format.merkle disagree"
    append = {"ours_us_per_leaf": round(ours * 1e6, 2), "pymerkle_us_per_leaf":
              round(theirs * 1e6, 2), "ratio": round(ours / theirs, 3),
              "tree_rss_mib": {"ours": round(ours_rss / 2**20, 1),
                               "pymerkle": round(theirs_rss / 2**20, 1)}}
    return nodes, tree, append


def memory_proofs(size: int, count: int, seed: int) -> dict:
    nodes, tree, append = build(size, seed)
    rng = random.Random(seed + 1)
    seqs = [rng.randrange(size) for _ in range(count)]
    olds = [rng.randrange(1, size) for _ in range(count)]
    root = nodes.frontier.root()
    for i in seqs[:20]:  # the proofs are right, not just fast
        leaf = tree.get_leaf(i + 1)  # pymerkle keeps leaf hashes
        assert merkle.verify_inclusion(leaf, i, size, merkle.inclusion_proof(i, size, nodes), root)
    rss_before = rss_bytes()
    ours_inc = timed(lambda i: merkle.inclusion_proof(i, size, nodes), seqs)
    ours_con = timed(lambda m: merkle.consistency_proof(m, size, nodes), olds)
    rss_after_ours = rss_bytes()
    theirs_inc = timed(lambda i: tree.prove_inclusion(i + 1, size), seqs)
    theirs_con = timed(lambda m: tree.prove_consistency(m, size), olds)
    rss_after_theirs = rss_bytes()
    return {
        "size": size, "proofs": count, "append": append,
        "inclusion": {"ours": ours_inc, "pymerkle": theirs_inc,
                      "ratio": ratio(ours_inc, theirs_inc)},
        "consistency": {"ours": ours_con, "pymerkle": theirs_con,
                        "ratio": ratio(ours_con, theirs_con)},
        "rss_mib": {"after_build": round(rss_before / 2**20, 1),
                    "after_our_proofs": round(rss_after_ours / 2**20, 1),
                    "after_pymerkle_proofs": round(rss_after_theirs / 2**20, 1)},
        "retained_by_serving": {"ours_bytes": retained(nodes, tree, seqs, olds, size, True),
                                "pymerkle_bytes": retained(nodes, tree, seqs, olds, size,
                                                           False)},
    }


def retained(nodes, tree, seqs, olds, size, ours: bool) -> int:
    """Bytes still allocated after serving fresh proofs (tracemalloc; not timed)."""
    rng = random.Random(7)
    fresh = [rng.randrange(size) for _ in seqs]
    gc.collect()
    tracemalloc.start()
    before = tracemalloc.get_traced_memory()[0]
    for i, m in zip(fresh, olds):
        if ours:
            merkle.inclusion_proof(i, size, nodes)
            merkle.consistency_proof(max(1, i), size, nodes)
        else:
            tree.prove_inclusion(i + 1, size)
            tree.prove_consistency(max(1, i), size)
    gc.collect()
    after = tracemalloc.get_traced_memory()[0]
    tracemalloc.stop()
    return after - before


# --- a real SQLite ledger -----------------------------------------------------------------


def store_proofs(size: int, count: int, seed: int, postgres: bool = False) -> dict:
    """Proofs served from a real ledger store of ``size`` entries: a SQLite file, or
    with ``postgres`` a PostgreSQL database made for the run (the shipped store)."""
    with tempfile.TemporaryDirectory() as tmp, store_url(tmp, postgres) as url:
        app = LedgerApplication(Settings(database_url=url, data_dir=Path(tmp)))
        try:
            agent = open_books(app, "bench")
            lines = [posting("1002", "general", "debit", 100),
                     posting("4001", "general", "credit", 100)]
            start = time.perf_counter()
            for at in range(0, size - 5, 1000):  # signed a thousand at a time: flat memory
                app.submit_many([agent.post("2026-01-05", "grant", STREET_OFFICE, lines,
                                            memo=f"#{i}")
                                 for i in range(at, min(at + 1000, size - 5))])
            append = (time.perf_counter() - start) / (size - 5)
            report = measure_store(app, size, count, seed, append)
            return {"store": "postgresql" if postgres else "sqlite", **report}
        finally:
            app.close()


@contextmanager
def store_url(tmp: str, postgres: bool) -> Iterator[str]:
    if not postgres:
        yield f"sqlite:///{tmp}/bench.sqlite3"
        return
    from serving import fresh_database  # bench/serving.py: made for the run, then dropped

    with fresh_database() as url:
        yield url


def existing_store_proofs(url: str, slug: str, count: int, seed: int) -> dict:
    """Proofs served from a ledger already in a store (read only): e.g. the million-entry
    PostgreSQL ledger another bench (bench/red_flags.py) has just written."""
    with tempfile.TemporaryDirectory() as tmp:
        app = LedgerApplication(Settings(database_url=url, data_dir=Path(tmp)))
        try:
            size = app.reader.size(slug)
            return {"store": url.split(":", 1)[0], "ledger": slug,
                    **measure_store(app, size, count, seed, None, slug)}
        finally:
            app.close()


def measure_store(app: LedgerApplication, size: int, count: int, seed: int,
                  append: float | None, slug: str = "bench") -> dict:
    reader = app.reader
    memory = merkle.MemoryNodes(merkle.leaf_hash(s.leaf) for s in reader.stored(slug, 0, size))
    assert proofs.root_at(reader, slug, size) == memory.frontier.root()
    rng = random.Random(seed)
    seqs = [rng.randrange(size) for _ in range(count)]
    olds = [rng.randrange(1, size) for _ in range(count)]
    inc = timed(lambda i: proofs.inclusion(reader, slug, i, size), seqs)
    con = timed(lambda m: proofs.consistency(reader, slug, m, size), olds)
    base_inc = timed(lambda i: merkle.inclusion_proof(i, size, memory), seqs)
    base_con = timed(lambda m: merkle.consistency_proof(m, size, memory), olds)
    return {"size": size, "proofs": count, "load_avg_1m": round(os.getloadavg()[0], 2),
            "append_us_per_entry_batched": None if append is None else round(append * 1e6, 1),
            "inclusion": {"store": inc, "memory": base_inc, "ratio": ratio(inc, base_inc)},
            "consistency": {"store": con, "memory": base_con, "ratio": ratio(con, base_con)}}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--large", action="store_true", help="1,000,000 leaves, 20,000 stored")
    parser.add_argument("--size", type=int, help="leaves in memory (default 100,000)")
    parser.add_argument("--store-size", type=int, help="entries in the store (default 2,000)")
    parser.add_argument("--postgres", action="store_true",
                        help="the store part on PostgreSQL (a database made for the run)")
    parser.add_argument("--database-url", metavar="URL",
                        help="only the store part, on a ledger already in this store")
    parser.add_argument("--ledger", default="bench", help="that ledger (default: bench)")
    parser.add_argument("--proofs", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=9162)
    args = parser.parse_args()
    size = args.size or (1_000_000 if args.large else 100_000)
    store_size = (args.store_size if args.store_size is not None
                  else 20_000 if args.large else 2_000)  # 0 skips the store part
    report = {"bench": "proofs", "python": sys.version.split()[0],
              "pymerkle": pymerkle.__version__}
    if args.database_url:
        report["store"] = existing_store_proofs(args.database_url, args.ledger, args.proofs,
                                                args.seed)
        print(json.dumps(report, indent=2))
        return
    if size:  # 0 skips the in-memory part
        report["memory"] = memory_proofs(size, args.proofs, args.seed)
    gc.collect()
    if store_size:
        report["store"] = store_proofs(store_size, args.proofs, args.seed, args.postgres)
    print(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
