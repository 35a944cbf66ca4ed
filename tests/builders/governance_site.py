"""The demo community's governance (``ledger.demo.governance``: a shop leased through
the whole public procedure, disclosures, questions), served by a real uvicorn for
the browser tests of the trades, disclosures and questions pages.

The e2e ``site`` is recorded on the real clock, so the demo's governance (recorded
on a clock weeks in the past, a notice period must pass) cannot follow it on the
same ledger: this is the demo ledger itself, as `sunledger demo` builds it, small.
The projection runs in the server (as `sunledger serve` does), so a question asked
through the form reaches the pages the way it would in production.
"""

from __future__ import annotations

from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterator

from api.app import ApiOptions, create_app
from api.routers.governance import question_buckets
from ledger.log.application import LedgerApplication
from ledger.demo.build import ENTRIES_MIN, build_demo
from ledger.settings import Settings
from projections.worker import catch_up
from tests.builders.server import running

SLUG = "xinzhu"
RESERVE = 108_000 * 100          # the shop lease's reserve price, in fen
BIDS = [("李*", 100_000 * 100), ("王*", 126_000 * 100), ("惠民超市连锁有限公司", 115_000 * 100)]
WINNER = BIDS[1]
RECEIVED = 31_500 * 100          # the first quarter's rent, the trade's settlement


@dataclass
class GovernanceSite:
    base_url: str
    api: Any  # the FastAPI app
    app: LedgerApplication
    slug: str = SLUG

    def url(self, path: str = "") -> str:
        return f"{self.base_url}/ledgers/{self.slug}{path}"

    def api_url(self, path: str = "") -> str:
        return f"{self.base_url}/v1/ledgers/{self.slug}{path}"


@contextmanager
def serve_governance_site(directory: Path) -> Iterator[GovernanceSite]:
    """Build the demo ledger on a SQLite file in ``directory`` and serve it."""
    settings = Settings(database_url=f"sqlite:///{directory / 'ledger.sqlite3'}",
                        data_dir=directory / "data", checkpoint_every_seconds=0)
    app = LedgerApplication(settings)
    try:
        build_demo(app, SLUG, entries=ENTRIES_MIN)
        catch_up(app)
        api = create_app(settings, application=app,
                         options=ApiOptions(public_rate_per_minute=0, serve_projections=True))
        # One test client asks more often than a resident; the rate test sets its own.
        api.state.question_limiter = question_buckets(0)
        with running(api) as base_url:
            yield GovernanceSite(base_url, api, app)
    finally:
        app.close()
