"""Projection throughput and read-model query latency, SQLite and PostgreSQL.

One ledger of N journal entries (grants, payments to shops and to people,
across twelve months) is built with ``submit_many``, then, per store:

- read: page through the notification log and parse every leaf
  (``Entry.from_leaf``): the least any projection must do; the baseline;
- rebuild: ``projections.worker.rebuild`` (pages of 500 notifications, one
  transaction each): entries/s and the ratio rebuild / read;
- per_event: the same with one transaction per notification (what a
  per-event runner such as eventsourcing's ProjectionRunner commits), on the
  first ``--per-event`` notifications: the ratio per_event / batched rate;
- queries: median and p99 milliseconds of the public and audit read models.

    python bench/projections.py                 # N = 2,000 entries
    python bench/projections.py --large         # N = 20,000 entries
    python bench/projections.py --store sqlite  # one store only
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from contextlib import nullcontext
from pathlib import Path
from typing import Callable

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from append import fresh_database  # noqa: E402

from ledger.log.application import LedgerApplication  # noqa: E402
from ledger.client import posting  # noqa: E402
from ledger.settings import Settings  # noqa: E402
from ledger.format.statements import Entry  # noqa: E402
from ledger.log.store import decode_stored  # noqa: E402
from projections import queries  # noqa: E402
from projections.apply import ENTRY_TOPICS  # noqa: E402
from projections.paging import TransactionFilters  # noqa: E402
from projections.view import open_view  # noqa: E402
from projections.worker import ProjectionPoller, rebuild  # noqa: E402
from tests.builders.community import STREET_OFFICE, Community  # noqa: E402

PEOPLE = ["张三", "李四", "王五", "Li Wei"]


def build(app: LedgerApplication, n: int) -> Community:
    town = Community.open(app, slug="bench")
    statements = []
    for i in range(n):
        month = 1 + i % 12
        date = f"2026-{month:02d}-{1 + i % 28:02d}"
        if i % 3 == 0:
            lines = [posting("1002", "activity", "debit", 50_000),
                     posting("4001", "activity", "credit", 50_000)]
            statements.append(town.agent.post(date, "grant", STREET_OFFICE, lines))
        else:
            who = {"kind": "person", "name": PEOPLE[i % 4]} if i % 2 else \
                {"kind": "organisation", "name": f"供应商 {i % 17}"}
            lines = [posting("5001", "activity", "debit", 1_000 + i % 500),
                     posting("1002", "activity", "credit", 1_000 + i % 500)]
            statements.append(town.agent.post(date, ["supplies", "stipend"][i % 2], who, lines))
    for start in range(0, n, 500):
        app.submit_many(statements[start:start + 500])
    return town


def read_log(app: LedgerApplication) -> int:
    count, start = 0, 1
    while page := app.recorder.select_notifications(start, 500, topics=ENTRY_TOPICS):
        for notification in page:
            Entry.from_leaf(decode_stored(notification).leaf)
            count += 1
        start = page[-1].id + 1
    return count


def timed(call: Callable[[], object], runs: int = 30) -> dict[str, float]:
    samples = []
    for _ in range(runs):
        started = time.perf_counter()
        call()
        samples.append((time.perf_counter() - started) * 1000)
    samples.sort()
    return {"median_ms": round(statistics.median(samples), 3),
            "p99_ms": round(samples[min(len(samples) - 1, int(len(samples) * 0.99))], 3)}


def run_store(settings: Settings, n: int, per_event: int) -> dict:
    app = LedgerApplication(settings)
    try:
        town = build(app, n)
        entries = town.log_size()
        started = time.perf_counter()
        assert read_log(app) == entries
        read_s = time.perf_counter() - started
        started = time.perf_counter()
        assert rebuild(app) == entries
        rebuild_s = time.perf_counter() - started
        view = open_view(app)
        view.reset()
        first = app.recorder.select_notifications(1, per_event, topics=ENTRY_TOPICS)
        started = time.perf_counter()
        for notification in first:
            view.process([notification])
        per_event_s = time.perf_counter() - started
        ProjectionPoller(app).catch_up()
        slug = town.slug
        filters = TransactionFilters(counterparty="供应商", amount_min=1_200)
        return {
            "entries": entries, "read_per_s": round(entries / read_s),
            "rebuild_per_s": round(entries / rebuild_s),
            "rebuild_over_read": round(rebuild_s / read_s, 2),
            "per_event_per_s": round(len(first) / per_event_s),
            "batched_over_per_event_speed": round((entries / rebuild_s) /
                                                  (len(first) / per_event_s), 2),
            "queries": {
                "balances_today": timed(lambda: queries.balances(view, slug)),
                "balances_as_of": timed(lambda: queries.balances(view, slug, "2026-06-30")),
                "fund_usage_year": timed(lambda: queries.fund_usage(view, slug, 2026)),
                "budget_vs_actual": timed(lambda: queries.budget_vs_actual(view, slug, 2026)),
                "transactions_page": timed(lambda: queries.transactions(view, slug)),
                "transactions_filtered": timed(
                    lambda: queries.transactions(view, slug, filters)),
                "trial_balance": timed(lambda: queries.trial_balance(view, slug)),
                "journal_page": timed(lambda: queries.journal(view, slug)),
            },
        }
    finally:
        app.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--large", action="store_true", help="20,000 entries instead of 2,000")
    parser.add_argument("--store", choices=["sqlite", "postgres", "both"], default="both")
    parser.add_argument("--per-event", type=int, default=300)
    parser.add_argument("--postgres-url", default="")
    args = parser.parse_args()
    n = 20_000 if args.large else 2_000
    result: dict = {"bench": "projections", "n": n}
    with tempfile.TemporaryDirectory() as tmp:
        if args.store in ("sqlite", "both"):
            settings = Settings(database_url=f"sqlite:///{tmp}/bench.sqlite3",
                                data_dir=Path(tmp) / "data")
            result["sqlite"] = run_store(settings, n, args.per_event)
        if args.store in ("postgres", "both"):
            given = nullcontext(args.postgres_url) if args.postgres_url else None
            with given or fresh_database() as url:
                result["postgres"] = run_store(Settings(database_url=url,
                                                        data_dir=Path(tmp) / "data"),
                                               n, args.per_event)
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
