"""A disclosure's sheet in a real browser: the disclosures page and the community page
link each kept sheet, and "核验哈希 Check the hash" re-hashes the download with
WebCrypto and says "哈希已核验 hash checked", at desktop and phone widths; a sheet
whose stored bytes were changed behind the server's back shows the mismatch. The
community page also shows an inspection finding past its deadline, without its title."""

from __future__ import annotations

import hashlib
import sqlite3
from dataclasses import dataclass

import pytest

from api.app import ApiOptions, create_app
from ledger.log.application import LedgerApplication
from ledger.settings import Settings
from projections.worker import catch_up
from datetime import timedelta

from tests.builders.community import YUAN, Clock, Community
from tests.builders.server import keep_log_key, running

pytestmark = pytest.mark.browser
WIDTHS = {"desktop": {"width": 1280, "height": 800}, "phone": {"width": 390, "height": 844}}
GOOD = "决议公开表 2026-02-11\n门面招租决议 同意 20 反对 1 弃权 1\n".encode()
TAMPERED = "决议公开表 2026-02-12\n门前绿化决议 同意 19 反对 2 弃权 1\n".encode()
FINDING_TITLE = "工程款无验收单"


def sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


@dataclass
class SheetSite:
    base_url: str
    slug: str
    database: str
    seqs: dict[bytes, int]
    finding: int

    def url(self, path: str = "") -> str:
        return f"{self.base_url}/ledgers/{self.slug}{path}"


@pytest.fixture(scope="module")
def sheet_site(browser, tmp_path_factory):
    """Two resolutions disclosed with their sheets uploaded; the second one's stored bytes
    are then changed in the database itself (what an intruder with the database could do)."""
    where = tmp_path_factory.mktemp("sheets")
    settings = Settings(database_url=f"sqlite:///{where / 'ledger.sqlite3'}",
                        data_dir=where / "data", checkpoint_every_seconds=0)
    clock = Clock()
    app = LedgerApplication(settings, clock=clock)
    town = Community.open(app, governance=True)
    keep_log_key(settings, town)
    api = create_app(settings, application=app, options=ApiOptions(public_rate_per_minute=0))
    seqs = {}
    for sheet in (GOOD, TAMPERED):
        resolution = town.resolve("other", None)
        seqs[sheet] = town.submit(town.committee.disclose_resolution(resolution, "2026-02-11",
                                                                     sha(sheet)))
        api.state.documents.put(town.slug, town.committee.key_id, sha(sheet), sheet)
    with sqlite3.connect(settings.sqlite_file()) as db:
        db.execute("UPDATE sunledger_documents SET content = ? WHERE sha256 = ?",
                   (TAMPERED.replace(b"19", b"29"), sha(TAMPERED)))
    finding = an_overdue_finding(town, clock)
    catch_up(app)
    try:
        with running(api) as base_url:
            yield SheetSite(base_url, town.slug, str(settings.sqlite_file()), seqs, finding)
    finally:
        app.close()


def an_overdue_finding(town, clock) -> int:
    """Raised and given a deadline tomorrow, then the server's clock moves three days on."""
    town.grant("renovation", 100_000 * YUAN)
    payment = town.pay("renovation", 4_900 * YUAN)
    finding = town.submit(town.supervisor.raise_finding("entry", payment, FINDING_TITLE))
    tomorrow = (clock().date() + timedelta(days=1)).isoformat()
    town.submit(town.supervisor.assign_finding(finding, "居委会主任", tomorrow))
    clock.advance(days=3)
    return finding


@pytest.fixture(params=sorted(WIDTHS))
def tab(browser, request):
    context = browser.new_context(locale="zh-CN", viewport=WIDTHS[request.param])
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()


def check(tab, output_id: str) -> str:
    tab.locator(f"button.sheet-check[data-output='{output_id}']").click()
    result = tab.locator(f"#{output_id}")
    result.locator("xpath=self::*[contains(@class, 'pass') or contains(@class, 'fail')]"
                   ).wait_for()
    return result.inner_text()


def test_the_disclosures_page_checks_a_downloaded_sheet_against_the_log(sheet_site, tab):
    tab.goto(sheet_site.url("/disclosures"))
    seq = sheet_site.seqs[GOOD]
    link = tab.locator(f"#d-{seq} a.sheet-link")
    assert link.get_attribute("href").endswith(f"/documents/{sha(GOOD)}")
    assert "哈希已核验" in check(tab, f"sheet-{seq}")


def test_a_sheet_changed_in_the_store_shows_that_its_hash_does_not_match(sheet_site, tab):
    tab.goto(sheet_site.url("/disclosures"))
    seq = sheet_site.seqs[TAMPERED]
    shown = check(tab, f"sheet-{seq}")
    assert "哈希不符" in shown and "哈希已核验" not in shown
    assert sha(TAMPERED.replace(b"19", b"29")) in shown
    assert "fail" in tab.locator(f"#sheet-{seq}").get_attribute("class")


def test_the_community_page_lists_the_latest_sheets_with_the_same_check(sheet_site, tab):
    tab.goto(sheet_site.url())
    seq = sheet_site.seqs[GOOD]
    assert "哈希已核验" in check(tab, f"community-sheet-{seq}")
    assert tab.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")


def test_the_check_speaks_english_on_the_english_page(sheet_site, tab):
    tab.goto(sheet_site.url("/disclosures?lang=en"))
    assert "hash checked" in check(tab, f"sheet-{sheet_site.seqs[GOOD]}")


def test_the_community_page_shows_an_overdue_rectification_without_its_title(sheet_site, tab):
    tab.goto(sheet_site.url())
    overdue = tab.locator("#overdue-findings")
    assert overdue.is_visible()
    assert f"发现 #{sheet_site.finding}" in overdue.inner_text()
    assert FINDING_TITLE not in tab.content()
    assert tab.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
