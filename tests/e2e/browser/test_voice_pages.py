"""Residents' voice in a real browser on a phone-sized screen: the receipt code shown
once after asking, rating the closed answer with it, and a confidential report whose
text the page never shows again."""

from __future__ import annotations

import re
import time

import httpx
import pytest

from ledger.client import Signer
from ledger.keystore import keyring

pytestmark = pytest.mark.browser
CODE_RE = re.compile(r"[A-Z2-7]{4}(-[A-Z2-7]{4}){3}")
REPORT = "物业费收据与实收金额不符 the service-fee receipts do not match what was paid"


@pytest.fixture
def phone(browser):
    context = browser.new_context(locale="zh-CN", viewport={"width": 375, "height": 740})
    tab = context.new_page()
    tab.set_default_timeout(15_000)
    yield tab
    context.close()


def fits(tab) -> bool:
    return tab.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")


def committee(site) -> Signer:
    path = keyring.key_path(site.app.settings, site.slug, "committee")
    key, _ = keyring.load_or_create(path, "committee")
    return Signer(key, site.slug)


def question(site, seq: int) -> dict:
    """The question's public row once the projection has it (it runs in the server)."""
    deadline = time.monotonic() + 15
    while True:
        items = httpx.get(site.api_url(f"/questions?cursor={seq - 1}&limit=1"),
                          timeout=30).json()["items"]
        if items and items[0]["seq"] == seq and items[0]["status"] == "closed" or \
                time.monotonic() > deadline:
            return items[0]
        time.sleep(0.1)


def test_the_receipt_code_shows_once_and_rates_the_closed_answer_on_a_phone(governance_site,
                                                                           phone):
    site, tab = governance_site, phone
    tab.goto(site.url("/questions"))
    tab.locator("#q-kind").select_option("ledger")
    tab.locator("#q-text").fill("今年的账谁来审? Who audits this year's books?")
    tab.get_by_role("button", name="提交问题").click()
    code = tab.locator(".receipt-code").inner_text().strip()
    assert CODE_RE.fullmatch(code) and code not in tab.url
    assert fits(tab)
    seq = int(re.search(r"asked=(\d+)", tab.url)[1])
    tab.reload()
    assert tab.locator(".receipt-code").count() == 0  # shown once

    signer = committee(site)
    site.app.submit(signer.answer(seq, "第三方审计公司，见公开栏 the external auditor"))
    site.app.submit(signer.close_question(seq))
    assert question(site, seq)["status"] == "closed"
    tab.goto(site.url(f"/questions?cursor={seq - 1}"))
    form = tab.locator(f"#q-{seq} form.rate")
    form.locator('input[value="satisfied"]').check()
    form.locator("input[name=receipt_code]").fill(code)
    assert fits(tab)
    form.get_by_role("button").click()
    assert tab.locator("#rated").is_visible()
    assert tab.locator(f"#q-{seq} form.rate").count() == 0
    assert question(site, seq)["rating"] == "satisfied"
    assert fits(tab)


def test_a_confidential_report_is_sent_from_a_phone_and_its_text_is_not_shown(
        governance_site, phone):
    site, tab = governance_site, phone
    tab.goto(site.url("/confidential"))
    assert fits(tab)
    tab.locator("#r-text").fill(REPORT)
    tab.get_by_role("button", name="加密提交").click()
    assert tab.locator("#filed").is_visible()
    seq = int(re.search(r"filed=(\d+)", tab.url)[1])
    assert tab.locator(f"#r-{seq}").is_visible()
    assert "物业费收据" not in tab.content() and "service-fee receipts" not in tab.content()
    assert fits(tab)
