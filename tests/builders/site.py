"""新竹社区's books this year, served by a real uvicorn, for the browser tests.

``python -m tests.builders.site /tmp/sunledger-community.png`` builds the same
site in a temporary directory and screenshots the community page.
"""

from __future__ import annotations

import hashlib
import os
import sys
import tempfile
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from datetime import datetime, timedelta, timezone
from typing import Any, Callable, Iterator

from api.app import ApiOptions, create_app
from api.routers.web import current_year
from ledger.log.application import LedgerApplication
from ledger.client import posting
from ledger.settings import Settings
from projections.worker import catch_up
from tests.builders.server import keep_log_key, running
from tests.builders.community import Community

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic",
                 "--no-first-run", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync"]

# What the books hold, in fen (the tests assert the yuan the pages show).
GENERAL_GRANT = 1_234_567
ACTIVITY_GRANT = 500_000
ACTIVITY_BUDGET = 400_000
RENOVATION_BUDGET = 1_000_000
SUPPLIES = 123_456
SMALL_SPENDS = [1_000] * 6
SUBSIDY = 8_800          # to a person, from the general fund, with a receipt
CASH_WITHDRAWAL = 50_000  # bank -> cash within the general fund
LATE_SPEND = 1_000       # recorded after the checkpoint was signed
RESIDENT = {"kind": "person", "name": "张三丰"}
RECEIPT_SHA256 = hashlib.sha256(b"receipt no. 2026-0042").hexdigest()


@dataclass
class Site:
    base_url: str
    api: Any  # the FastAPI app
    town: Community
    year: int
    seqs: dict[str, int] = field(default_factory=dict)  # named journal entries
    journal: list[int] = field(default_factory=list)    # every journal entry's seq

    def url(self, path: str = "") -> str:
        return f"{self.base_url}/ledgers/{self.town.slug}{path}"


def _date(year: int, month_day: str) -> str:
    return f"{year}-{month_day}"


def record_books(site: Site) -> None:
    """The year's entries; a checkpoint is signed before the last one."""
    town, year, seqs = site.town, site.year, site.seqs
    town.app.submit(town.committee.budget("activity", year, ACTIVITY_BUDGET))
    town.app.submit(town.committee.budget("renovation", year, RENOVATION_BUDGET))
    seqs["general_grant"] = town.grant("general", GENERAL_GRANT, _date(year, "01-05")).entry.seq
    seqs["activity_grant"] = town.grant("activity", ACTIVITY_GRANT, _date(year, "01-06")).entry.seq
    seqs["supplies"] = town.spend("activity", SUPPLIES, _date(year, "02-01")).entry.seq
    subsidy = town.agent.post(
        _date(year, "02-10"), "subsidy", RESIDENT,
        [posting("5001", "general", "debit", SUBSIDY),
         posting("1002", "general", "credit", SUBSIDY)],
        memo="高龄老人慰问 visit to an elderly resident",
        documents=[{"kind": "receipt", "sha256": RECEIPT_SHA256}])
    seqs["subsidy"] = town.app.submit(subsidy).entry.seq
    withdrawal = town.agent.post(
        _date(year, "02-15"), "cash", {"kind": "organisation", "name": "工商银行 ICBC"},
        [posting("1001", "general", "debit", CASH_WITHDRAWAL),
         posting("1002", "general", "credit", CASH_WITHDRAWAL)], memo="提取备用金 petty cash")
    seqs["withdrawal"] = town.app.submit(withdrawal).entry.seq
    for day, amount in enumerate(SMALL_SPENDS, start=1):
        town.spend("activity", amount, _date(year, f"03-{day:02d}"))
    site.api.state.checkpoints.issue(town.slug)
    seqs["checkpoint_size"] = town.log_size()
    seqs["late"] = town.spend("activity", LATE_SPEND, _date(year, "04-01")).entry.seq
    catch_up(town.app)


def journal_seqs(app: LedgerApplication, slug: str) -> list[int]:
    return [e.seq for e in app.entries(slug, 0, app.state(slug).size)
            if e.statement.type == "entry.posted"]


def books_clock() -> Callable[[], datetime]:
    """The clock the books are signed and recorded by: now, or, before mid-April, now moved
    to mid-April. The books are dated January to April of this year and a business date
    may not be after its signing day: in January the real clock would refuse them."""
    now = datetime.now(timezone.utc)
    ahead = max(timedelta(0), datetime(now.year, 4, 15, tzinfo=timezone.utc) - now)
    return lambda: datetime.now(timezone.utc) + ahead


@contextmanager
def a_town_to_serve(directory: Path) -> Iterator[tuple[Settings, Community, Any]]:
    """新竹社区 opened on a SQLite file in ``directory``, its log key where the server
    looks, and the API app for it (not yet running): the test writes its books first."""
    settings = Settings(database_url=f"sqlite:///{directory / 'ledger.sqlite3'}",
                        data_dir=directory / "data", checkpoint_every_seconds=0)
    clock = books_clock()
    app = LedgerApplication(settings, clock=clock)
    try:
        town = Community.open(app)
        for signer in (town.admin, town.agent, town.cashier, town.committee):
            signer.clock = clock
        keep_log_key(settings, town)
        # No rate limit: one test client makes more page loads a minute than a resident.
        yield settings, town, create_app(settings, application=app,
                                         options=ApiOptions(public_rate_per_minute=0))
    finally:
        app.close()


@contextmanager
def serve_site(directory: Path) -> Iterator[Site]:
    """Build the books on a SQLite file in ``directory`` and serve them; yield the Site."""
    with a_town_to_serve(directory) as (_, town, api), running(api) as base_url:
        site = Site(base_url, api, town, current_year())
        record_books(site)
        site.journal = journal_seqs(town.app, town.slug)
        yield site


def press_verify(page: Any, url: str) -> tuple[str, str]:
    """Open the item, press 核验, wait for the verdict; (verdict, whole result)."""
    from playwright.sync_api import expect  # imported late: no playwright means skip, not error

    page.goto(url)
    page.get_by_role("button", name="核验").click()
    verdict = page.locator("#verify-result .verdict.ok, #verify-result .verdict.fail")
    expect(verdict).to_be_visible()
    return verdict.inner_text(), page.locator("#verify-result").inner_text()


def browser_unavailable() -> str | None:
    """Why the browser tests cannot run here, or None."""
    if not CHROMIUM.exists():
        return f"{CHROMIUM} is missing (apt-get install chromium)"
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "the playwright package is missing (pip install -e '.[test]')"
    return None


def launch_chromium(playwright: Any) -> Any:
    # Debian's Chromium, never a downloaded one: `playwright install` is not used.
    return playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)


def screenshot(path: str) -> None:
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory() as tmp, serve_site(Path(tmp)) as site, \
            sync_playwright() as p:
        browser = launch_chromium(p)
        page = browser.new_page(viewport={"width": 1100, "height": 900}, locale="zh-CN")
        page.goto(site.url())
        page.screenshot(path=path, full_page=True)
        browser.close()
    print(path)


if __name__ == "__main__":
    screenshot(sys.argv[1] if len(sys.argv) > 1 else
               os.path.join(tempfile.gettempdir(), "sunledger-community.png"))
