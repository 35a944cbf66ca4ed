"""Read latency over HTTP at two history sizes: does the cost grow with history?

For each size, a PostgreSQL database made for the run holds ONE ledger of N
journal entries (grants and payments over three funds): the newest ~11k, 30 a
day, fill last year from 1 January, and any older ones the years before it back
to the ledger's earliest date (bench/history_days.py), so last year's volume is
the same at every size and only the history grows. The read models are projected from the log (timed: the
catch-up rate, beside the append rate measured while the log was written with
``submit_many``) and ANALYZEd, as autovacuum would soon after. Then a real uvicorn server (its own process, read models
only) answers a load generator (another process, ``--connections``
keep-alive connections on loopback) and we take p50/p99 of:

- balances      GET /v1/ledgers/L/funds
- usage         GET /v1/ledgers/L/usage?year=Y   (Y: the last full year)
- page_first    GET /v1/ledgers/L/transactions?limit=100
- page_deep     GET /v1/ledgers/L/transactions?limit=100&cursor=<middle of history>

and, outside the target, ``usage_all_years`` (GET .../usage: every year summed,
so it reads the whole history by design).

Targets: p99 <= 20 ms for each endpoint at the large size, and p99(large) /
p99(small) <= 1.5.

    python bench/query.py              # 2,000 and 20,000 entries (about two minutes)
    python bench/query.py --large      # 10,000 and 1,000,000 entries (long: ~1M signatures)
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

# bench/ must not shadow the packages (bench/projections.py is a script): it goes last.
HERE = Path(__file__).resolve().parent
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != HERE]
sys.path[:0] = [str(HERE.parent)]
sys.path.append(str(HERE))

import history_days  # noqa: E402
from serving import (fresh_database, generate_load, open_books, percentiles,  # noqa: E402
                     request_bytes, server)

from ledger.log.application import LedgerApplication  # noqa: E402
from ledger.client import posting  # noqa: E402
from ledger.settings import Settings  # noqa: E402

P99_TARGET_MS = 20.0
RATIO_TARGET = 1.5
ENTRIES_PER_DAY = 30
YEAR_VOLUME = ENTRIES_PER_DAY * 365
BATCH = 1000
SLUG = "bench"
FUNDS = ("general", "activity", "renovation")
CATEGORIES = ("activity", "works", "office", "stipend", "rent")
PAYEES = ({"kind": "organisation", "name": "阳光文体用品店"},
          {"kind": "organisation", "name": "晨光文具"},
          {"kind": "person", "name": "张三丰"}, {"kind": "person", "name": "Li Wei"})
STREET_OFFICE = {"kind": "organisation", "name": "街道办事处 Street office"}


def last_full_year() -> int:
    return date.today().year - 1


def day_of(i: int, entries: int) -> date:
    """Entry i of ``entries``: the newest YEAR_VOLUME in last year, older ones before it."""
    older = max(0, entries - YEAR_VOLUME)
    if i >= older:
        return date(last_full_year(), 1, 1) + timedelta(days=(i - older) // ENTRIES_PER_DAY)
    span = (date(last_full_year(), 1, 1) - history_days.first_day()).days
    return history_days.first_day() + timedelta(days=i // -(-older // span))


def statement(agent, i: int, entries: int):
    """Entry i: every third one a grant into a fund, the two after it payments out of it."""
    fund, when = FUNDS[(i // 3) % 3], day_of(i, entries).isoformat()
    if i % 3 == 0:
        lines = [posting("1002", fund, "debit", 3_000), posting("4001", fund, "credit", 3_000)]
        return agent.post(when, "grant", STREET_OFFICE, lines, memo=f"拨款 no. {i}")
    expense = "5002" if i % 7 == 0 else "5001"
    lines = [posting(expense, fund, "debit", 1_000 + i % 400),
             posting("1002", fund, "credit", 1_000 + i % 400)]
    return agent.post(when, CATEGORIES[i % len(CATEGORIES)], PAYEES[i % len(PAYEES)], lines,
                      memo=f"支出 payment no. {i}")


def write_history(settings: Settings, entries: int) -> dict:
    """The ledger and its N entries, signed and appended in batches; returns rates."""
    app = LedgerApplication(settings)
    try:
        agent = open_books(app, settings, SLUG)
        signing = appending = 0.0
        for start in range(0, entries, BATCH):
            began = time.perf_counter()
            batch = [statement(agent, i, entries) for i in range(start, min(entries, start + BATCH))]
            signed = time.perf_counter()
            app.submit_many(batch, all_or_nothing=True)
            signing += signed - began
            appending += time.perf_counter() - signed
            if start and start % 100_000 == 0:
                print(f"  {start} entries appended", file=sys.stderr)
        began = time.perf_counter()
        from projections.worker import catch_up

        projected = catch_up(app)
        projecting = time.perf_counter() - began
        size = app.reader.size(SLUG)
        analyse(settings)
    finally:
        app.close()
    return {"log_size": size, "signing_per_s": round(entries / signing),
            "append_per_s": round(entries / appending),
            "projected_entries": projected, "catch_up_per_s": round(projected / projecting),
            "catch_up_vs_append": round((projected / projecting) / (entries / appending), 2)}


def analyse(settings: Settings) -> None:
    """Fresh statistics, as autovacuum gives a table within a minute of a bulk load:
    without them PostgreSQL may sort the whole ledger to find one page."""
    import psycopg

    with psycopg.connect(settings.database_url, autocommit=True) as connection:
        connection.execute("ANALYZE")


def endpoints(entries: int) -> dict[str, str]:
    year = last_full_year()
    middle = 9 + entries // 2  # seqs: 9 setup entries, then the journal
    base = f"/v1/ledgers/{SLUG}"
    return {"balances": f"{base}/funds", "usage": f"{base}/usage?year={year}",
            "page_first": f"{base}/transactions?limit=100",
            "page_deep": f"{base}/transactions?limit=100&cursor={middle}"}


def measure(port: int, path: str, requests: int, connections: int, warmup: int) -> dict:
    load = [[request_bytes("GET", path)] * (warmup // connections) for _ in range(connections)]
    generate_load(port, load)
    load = [[request_bytes("GET", path)] * (requests // connections)
            for _ in range(connections)]
    result = generate_load(port, load)
    answers = [r for conn in result["results"] for r in conn]
    statuses = sorted({status for _, _, status in answers})
    assert statuses == [200], f"{path} answered {statuses}"
    return {**percentiles([seconds for _, seconds, _ in answers]), "requests": len(answers),
            "per_s": round(len(answers) / result["wall_seconds"])}


def run_size(entries: int, args: argparse.Namespace) -> dict:
    print(f"{entries} entries: writing and projecting", file=sys.stderr)
    with fresh_database() as url, tempfile.TemporaryDirectory() as tmp:
        settings = Settings.from_env(url, Path(tmp))
        history = write_history(settings, entries)
        latency = {}
        with server(url, Path(tmp)) as port:
            for name, path in endpoints(entries).items():
                latency[name] = measure(port, path, args.requests, args.connections,
                                        args.warmup)
            all_years = f"/v1/ledgers/{SLUG}/usage"
            latency["usage_all_years"] = measure(port, all_years, 2 * args.connections,
                                                 args.connections, 0)
    return {"entries": entries, **history, "latency": latency}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--large", action="store_true", help="10,000 and 1,000,000 entries")
    parser.add_argument("--sizes", type=int, nargs=2, metavar=("SMALL", "BIG"))
    parser.add_argument("--requests", type=int, default=1000, help="per endpoint and size")
    parser.add_argument("--warmup", type=int, default=100)
    parser.add_argument("--connections", type=int, default=1,
                        help="concurrent keep-alive connections (1: pure service latency)")
    args = parser.parse_args()
    small, big = args.sizes or ((10_000, 1_000_000) if args.large else (2_000, 20_000))
    runs = [run_size(small, args), run_size(big, args)]
    ratios, met = {}, True
    for name in endpoints(small):
        p99_small, p99_big = (run["latency"][name]["p99_ms"] for run in runs)
        ratios[name] = round(p99_big / max(p99_small, 1e-9), 2)
        met = met and p99_big <= P99_TARGET_MS and ratios[name] <= RATIO_TARGET
    print(json.dumps({"benchmark": "query", "store": "postgresql",
                      "connections": args.connections, "small": runs[0], "big": runs[1],
                      "p99_ratio_big_over_small": ratios, "p99_target_ms": P99_TARGET_MS,
                      "ratio_target": RATIO_TARGET, "targets_met": met}, indent=2))


if __name__ == "__main__":
    main()
