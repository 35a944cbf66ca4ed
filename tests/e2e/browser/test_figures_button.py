"""The community page's "核验余额 Verify the balances": the browser holds every balance
the page shows to the figures the log signed (FORMAT.md section 10).

The demo is served the way `sunledger demo && sunledger serve` leaves it: a
checkpoint (and its figures) signed at its final size, the view caught up to it.
Tampering is done where a dishonest server would do it (the stored figures event)
or in transit (Playwright route interception).
"""

from __future__ import annotations

import base64
import re
import sqlite3
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

import pytest

from api.app import ApiOptions, create_app
from ledger.demo.build import ENTRIES_MIN, build_demo
from ledger.log.application import LedgerApplication
from ledger.settings import Settings
from projections.worker import catch_up
from tests.builders.server import running

pytestmark = pytest.mark.browser
SLUG = "xinzhu"
BUTTON = "核验余额"
VERIFIED = "余额已核验 ✓"
FAILED = "余额核验失败 ✗"
NOT_COMPARED = "签名余额已核验 ✓，本页余额未比对"
HAS_ED25519 = """() => crypto.subtle.generateKey({name: "Ed25519"}, false, ["sign", "verify"])
                       .then(() => true, () => false)"""
NO_ED25519 = """(() => {
  const importKey = crypto.subtle.importKey.bind(crypto.subtle);
  crypto.subtle.importKey = (format, key, algorithm, ...rest) =>
    (algorithm && algorithm.name === "Ed25519")
      ? Promise.reject(new DOMException("Unrecognized name", "NotSupportedError"))
      : importKey(format, key, algorithm, ...rest);
})();"""


@dataclass
class DemoSite:
    base_url: str
    database: Path
    size: int

    def url(self) -> str:
        return f"{self.base_url}/ledgers/{SLUG}"


@contextmanager
def serve_signed_demo(directory: Path) -> Iterator[DemoSite]:
    database = directory / "ledger.sqlite3"
    settings = Settings(database_url=f"sqlite:///{database}", data_dir=directory / "data",
                        checkpoint_every_seconds=0)
    app = LedgerApplication(settings)
    try:
        demo = build_demo(app, SLUG, entries=ENTRIES_MIN)
        catch_up(app)
        api = create_app(settings, application=app,
                         options=ApiOptions(public_rate_per_minute=0))
        api.state.checkpoints.issue(SLUG)  # what `sunledger demo` does last
        with running(api) as base_url:
            yield DemoSite(base_url, database, demo.size)
    finally:
        app.close()


@pytest.fixture(scope="module")
def demo_site(browser, tmp_path_factory) -> DemoSite:
    with serve_signed_demo(tmp_path_factory.mktemp("signed-demo")) as served:
        yield served


def check_balances(page, url: str) -> tuple[str, str]:
    """Open the page, press the button, wait for the verdict; (verdict, whole result)."""
    from playwright.sync_api import expect  # imported late: no playwright means skip, not error

    page.goto(url)
    page.get_by_role("button", name=BUTTON).click()
    verdict = page.locator("#figures-result .verdict.ok, #figures-result .verdict.fail")
    expect(verdict).to_be_visible()
    return verdict.inner_text(), page.locator("#figures-result").inner_text()


@contextmanager
def stored_figures_altered(database: Path) -> Iterator[None]:
    """A dishonest operator adds one fen to the first non-zero balance of the stored
    figures; put back afterwards (the site serves the whole module)."""
    db = sqlite3.connect(database)
    rowid, state = db.execute("SELECT rowid, state FROM stored_events WHERE topic LIKE "
                              "'%FiguresSigned'").fetchone()
    forged = re.sub(rb'("CNY",)([1-9][0-9]*)\]',
                    lambda m: m.group(1) + str(int(m.group(2)) + 1).encode() + b"]", state, 1)
    assert forged != state
    db.execute("UPDATE stored_events SET state = ? WHERE rowid = ?", (forged, rowid))
    db.commit()
    try:
        yield
    finally:
        db.execute("UPDATE stored_events SET state = ? WHERE rowid = ?", (state, rowid))
        db.commit()
        db.close()


def test_the_page_states_its_size_and_that_it_is_signed(demo_site, page):
    page.goto(demo_site.url())
    stated = page.locator("#balances-size").inner_text()
    assert f"截至第 {demo_site.size} 条" in stated
    assert f"已签名：即第 {demo_site.size} 条处检查点的签名余额" in stated


def test_verify_the_balances_passes_on_the_demo(demo_site, page):
    verdict, result = check_balances(page, demo_site.url())
    assert verdict == VERIFIED, result
    assert "签名余额文件的 SHA-256 与签名一致" in result
    assert "余额签名的根哈希与检查点一致（检查点签名有效）" in result
    assert "余额签名有效" in result
    compared = int(re.search(r"本页 (\d+) 个余额均与签名余额一致", result).group(1))
    shown = page.locator("tr[data-triple]").count()
    assert shown >= 10 and compared > shown  # every account row, then the fund totals


def test_a_figures_document_altered_in_the_store_fails(demo_site, page):
    with stored_figures_altered(demo_site.database):
        verdict, result = check_balances(page, demo_site.url())
    assert verdict == FAILED
    assert "签名余额文件的哈希与签名不符：余额被改动过" in result


def test_a_broken_figures_note_signature_fails(demo_site, page):
    page.goto(demo_site.url())
    if not page.evaluate(HAS_ED25519):
        pytest.fail("Debian's Chromium has Ed25519 in WebCrypto; this one has not")

    def break_signature(route):
        response = route.fetch()
        answer = response.json()
        body, signature = answer["note"].split("\n\n")
        dash, name, b64 = signature.strip().split(" ")
        raw = bytearray(base64.b64decode(b64))
        raw[20] ^= 0x01  # past the 4-byte key hash: the signature itself
        answer["note"] = f"{body}\n\n{dash} {name} {base64.b64encode(bytes(raw)).decode()}\n"
        route.fulfill(response=response, json=answer)

    page.route(re.compile(r"/figures\?size="), break_signature)
    verdict, result = check_balances(page, demo_site.url())
    assert verdict == FAILED
    assert "余额签名签名无效" not in result and "余额签名无效" in result


def test_a_balance_the_page_shows_differently_from_the_signed_one_fails(demo_site, page):
    def alter_bank_balance(route):
        response = route.fetch()
        html = re.sub(r'(data-triple="1002\|general\|CNY"[\s\S]*?data-col="balance">)([^<]*)',
                      lambda m: m.group(1) + "1" + m.group(2), response.text(), count=1)
        route.fulfill(response=response, body=html)

    page.route(re.compile(rf"/ledgers/{SLUG}$"), alter_bank_balance)
    verdict, result = check_balances(page, demo_site.url())
    assert verdict == FAILED
    assert "页面上的余额与签名余额不符：(1002, general, CNY)" in result


def test_without_ed25519_the_browser_says_not_verified_gives_the_command_and_checks_the_rest(
        demo_site, page):
    page.add_init_script(NO_ED25519)
    verdict, result = check_balances(page, demo_site.url())
    assert verdict.startswith("未核验 ✗") and VERIFIED not in result and "已核验 ✓" not in result, result
    assert "此浏览器不支持 Ed25519" in result
    assert f"sunledger verify --url {demo_site.base_url} --ledger {SLUG}" in result
    assert "签名余额文件的 SHA-256 与签名一致" in result


def test_a_figures_note_without_the_logs_signature_fails(demo_site, page):
    def strip_signature(route):
        response = route.fetch()
        answer = response.json()
        answer["note"] = answer["note"].split("\n\n")[0] + "\n\n"
        route.fulfill(response=response, json=answer)

    page.route(re.compile(r"/figures\?size="), strip_signature)
    verdict, result = check_balances(page, demo_site.url())
    assert verdict == FAILED
    assert "余额没有日志签名" in result


def test_a_page_newer_than_the_signed_figures_says_it_was_not_compared(site, page):
    size = site.seqs["checkpoint_size"]
    page.goto(site.url())
    stated = page.locator("#balances-size").inner_text()
    assert f"截至第 {size + 1} 条" in stated and f"最新签名余额截至第 {size} 条" in stated
    verdict, result = check_balances(page, site.url())
    assert verdict == NOT_COMPARED, result
    assert f"本页余额截至第 {size + 1} 条，签名余额截至第 {size} 条" in result


def test_the_page_with_its_checks_open_fits_a_phone_screen(demo_site, browser):
    context = browser.new_context(locale="zh-CN", viewport={"width": 390, "height": 844})
    try:
        phone = context.new_page()
        verdict, _ = check_balances(phone, demo_site.url())
        assert verdict == VERIFIED
        phone.evaluate("document.querySelectorAll('details').forEach(d => d.open = true)")
        widths = phone.evaluate("[document.documentElement.scrollWidth, innerWidth]")
        assert widths[0] <= widths[1], widths
    finally:
        context.close()
