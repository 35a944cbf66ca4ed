"""Governance read side: what the demo's governance, red flags and the
governance views cost, each beside a baseline measured in the same run.

- demo: ``build_demo`` of N entries; ``governance_s`` is the part spent in the
  governance script, ``ratio`` it over the rest (setup and the year);
- red flags: the answer from the read model (``projections/flags`` keeps the
  findings as entries arrive; mean over ``--repeat`` calls) against the
  reference ``ledger.domain.redflags.red_flags`` replaying the whole log
  (``ratio``); bench/red_flags.py measures it over HTTP at 10k and 100k;
- views: the resident governance queries (assets, trades, one trade, questions)
  against the public balances query, mean milliseconds over ``--repeat`` calls.

    python bench/governance.py                # N = 3,000 on SQLite
    python bench/governance.py --large        # N = 30,000
    python bench/governance.py --postgres     # on a fresh PostgreSQL database
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import ledger.demo.build as demo  # noqa: E402
from ledger.domain import replay  # noqa: E402
from ledger.log.application import LedgerApplication  # noqa: E402
from ledger.settings import Settings  # noqa: E402
from ledger.domain.state import LedgerState  # noqa: E402
from projections import governance, queries  # noqa: E402
from ledger.domain.redflags import red_flags as reference_flags  # noqa: E402
from projections.view import open_view  # noqa: E402
from projections.worker import catch_up  # noqa: E402

ADMIN_URL = "postgresql://postgres@127.0.0.1:5432/postgres"


def timed(function, *args):
    start = time.perf_counter()
    result = function(*args)
    return result, time.perf_counter() - start


def mean_ms(function, repeat: int) -> float:
    start = time.perf_counter()
    for _ in range(repeat):
        function()
    return round((time.perf_counter() - start) / repeat * 1000, 3)


def run(settings: Settings, entries: int, repeat: int) -> dict:
    app = LedgerApplication(settings)
    slug = f"bench-{uuid.uuid4().hex[:8]}"
    spent = {}
    script = demo.run_governance

    def measured(*args, **kwargs):
        result, spent["governance"] = timed(lambda: script(*args, **kwargs))
        return result

    demo.run_governance = measured
    try:
        _, build = timed(lambda: demo.build_demo(app, slug, entries=entries))
    finally:
        demo.run_governance = script
    rest = build - spent["governance"]
    catch_up(app)
    view = open_view(app)
    flags = governance.red_flags(app, view, slug)
    served_ms = mean_ms(lambda: governance.red_flags(app, view, slug), repeat)
    log, read = timed(lambda: app.entries(slug, 0, app.reader.size(slug)))
    _, replayed = timed(reference_flags, log)
    state = LedgerState(slug)
    _, bare = timed(lambda: [replay(state, entry) for entry in log])
    trade = governance.trades(view, slug)["items"][0]["seq"]
    views = {name: mean_ms(call, repeat) for name, call in {
        "balances_baseline": lambda: queries.balances(view, slug),
        "assets": lambda: governance.assets(view, slug),
        "trades": lambda: governance.trades(view, slug),
        "trade": lambda: governance.trade(view, slug, trade),
        "questions": lambda: governance.questions(view, slug)}.items()}
    app.close()
    return {"entries": entries, "store": "postgres" if settings.is_postgres else "sqlite",
            "demo": {"build_s": round(build, 3), "governance_s": round(spent["governance"], 3),
                     "setup_and_year_s": round(rest, 3),
                     "ratio": round(spent["governance"] / rest, 4)},
            "red_flags": {"served_mean_ms": served_ms,
                          "reference_replay_ms": round((read + replayed) * 1000, 3),
                          "ratio": round(served_ms / ((read + replayed) * 1000), 4),
                          "bare_replay_ms": round((read + bare) * 1000, 3),
                          "counts": flags["counts"]},
            "views_mean_ms": views}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--large", action="store_true", help="30,000 entries")
    parser.add_argument("--postgres", action="store_true")
    parser.add_argument("--repeat", type=int, default=50)
    options = parser.parse_args()
    entries = 30_000 if options.large else 3_000
    with tempfile.TemporaryDirectory() as tmp:
        if not options.postgres:
            settings = Settings(database_url=f"sqlite:///{tmp}/bench.sqlite3",
                                data_dir=Path(tmp) / "data")
            print(json.dumps(run(settings, entries, options.repeat), ensure_ascii=False))
            return
        import psycopg

        name = f"bench_governance_{uuid.uuid4().hex[:8]}"
        with psycopg.connect(ADMIN_URL, autocommit=True) as admin:
            admin.execute(f'CREATE DATABASE "{name}"')
            try:
                settings = Settings(database_url=f"{ADMIN_URL.rsplit('/', 1)[0]}/{name}",
                                    data_dir=Path(tmp) / "data")
                print(json.dumps(run(settings, entries, options.repeat), ensure_ascii=False))
            finally:
                admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


if __name__ == "__main__":
    main()
