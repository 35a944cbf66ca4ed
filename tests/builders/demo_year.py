"""The demo built once per store, projected and served, with its log read back: what
the demo-year tests work their expected figures out from (never the read models)."""

from __future__ import annotations

import uuid
from collections import defaultdict
from dataclasses import dataclass
from typing import Iterator

import httpx
import pytest

from api.app import ApiOptions, create_app
from ledger.demo.build import build_demo
from ledger.log.application import LedgerApplication
from ledger.settings import Settings
from projections.worker import catch_up
from tests.builders.server import running

ENTRIES = 1500  # enough for the whole year (the everyday events thin out, not the schedule)
CREDIT_NORMAL = {"liability", "net_assets", "income"}


@dataclass
class DemoYear:
    settings: Settings
    slug: str
    http: httpx.Client
    statements: list  # (seq, type, body) of every entry on the log
    entries: list     # the entries themselves, to replay

    def get(self, path: str, **params) -> dict:
        response = self.http.get(f"/v1/ledgers/{self.slug}/{path}", params=params)
        assert response.status_code == 200, response.text
        return response.json()

    def of_type(self, *types: str) -> list[tuple[int, dict]]:
        return [(seq, body) for seq, kind, body in self.statements if kind in types]

    def accounts(self) -> dict[str, str]:
        return {body["code"]: body["class"] for _, body in self.of_type("account.opened")}

    def restricted_funds(self) -> set[str]:
        return {body["code"] for _, body in self.of_type("fund.created") if body["restricted"]}

    def balances(self, until: str | None = None) -> dict[tuple[str, str], int]:
        """(account, fund) -> debits less credits of every journal entry dated up to ``until``."""
        sums: dict[tuple[str, str], int] = defaultdict(int)
        for _, body in self.of_type("entry.posted", "entry.reversed"):
            if until is None or body["date"] <= until:
                for line in body["postings"]:
                    sign = 1 if line["side"] == "debit" else -1
                    sums[(line["account"], line["fund"])] += sign * line["amount"]
        return sums


STORES = ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)]


def served_demo_year(request, tmp_path_factory) -> Iterator[DemoYear]:
    """The demo built on ``request.param``'s store, projected and served (for a
    module-scoped fixture parametrized by ``STORES``)."""
    tmp = tmp_path_factory.mktemp("demo-year")
    url = (f"sqlite:///{tmp / 'ledger.sqlite3'}" if request.param == "sqlite"
           else request.getfixturevalue("postgres_url"))
    settings = Settings(database_url=url, data_dir=tmp / "data")
    app = LedgerApplication(settings)
    slug = f"year-{uuid.uuid4().hex[:8]}"
    try:
        demo = build_demo(app, slug, entries=ENTRIES)
        api = create_app(settings, application=app,
                         options=ApiOptions(public_rate_per_minute=0))
        api.state.checkpoints.issue(slug)
        catch_up(app)
        entries = [entry for start in range(0, demo.size, 1000)
                   for entry in app.entries(slug, start, 1000)]
        statements = [(e.seq, e.statement.type, e.statement.body) for e in entries]
        with running(api) as base, httpx.Client(base_url=base, timeout=60) as http:
            yield DemoYear(settings, slug, http, statements, entries)
    finally:
        app.close()
