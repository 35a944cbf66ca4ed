"""One language at a time: Chinese by default, English by a plain link the page
remembers (a cookie, so it works without JavaScript); codes shown by their labels;
the category filter takes a label or a code; times in the ledger's time zone."""

from __future__ import annotations

import re
from datetime import datetime
from zoneinfo import ZoneInfo

import httpx
import pytest

pytestmark = pytest.mark.browser
CJK = re.compile(r"[\u4e00-\u9fff]")
SHANGHAI = ZoneInfo("Asia/Shanghai")


def shown_in_shanghai(utc: str) -> str:
    """The test's own conversion of a log time to what the page should show."""
    moment = datetime.fromisoformat(utc.replace("Z", "+00:00"))
    return moment.astimezone(SHANGHAI).strftime("%Y-%m-%d %H:%M")


def listed_seqs(page) -> list[int]:
    return [int(s) for s in page.locator("table.entries tbody tr[data-seq]").evaluate_all(
        "rows => rows.map(r => r.dataset.seq)")]


def test_pages_are_chinese_only_by_default(site, page_without_js):
    tab = page_without_js
    tab.goto(site.url())
    assert tab.locator("html").get_attribute("lang") == "zh-CN"
    headings = tab.get_by_role("heading", level=2).all_inner_texts()
    assert headings[:2] == ["各项资金余额", f"预算执行 {site.year}"]
    assert tab.locator("table.funds thead th").all_inner_texts()[3] == "余额合计"
    main = tab.locator("main").inner_text()
    assert "Balance held" not in main and "Fund balances" not in main
    assert tab.locator('main [lang="en"]').count() == 0


def test_the_english_link_switches_every_page_and_is_remembered(site, page_without_js):
    tab = page_without_js
    tab.goto(site.url())
    tab.locator("#lang-switch").click()
    assert tab.locator("html").get_attribute("lang") == "en"
    assert tab.get_by_role("heading", level=2).first.inner_text() == "Fund balances"
    assert tab.locator("table.funds thead th").all_inner_texts()[3] == "Balance held"
    tab.goto(site.url("/transactions"))  # no ?lang: the cookie carries the choice
    assert tab.get_by_role("heading", level=1).inner_text() == "Transactions"
    headers = tab.locator("table.entries thead th").all_inner_texts()
    assert headers[:3] == ["Seq", "Date", "Memo"] and not any(CJK.search(h) for h in headers)
    tab.locator("#lang-switch").click()  # and back
    assert tab.get_by_role("heading", level=1).inner_text() == "收支明细"
    tab.goto(site.url())
    assert tab.locator("html").get_attribute("lang") == "zh-CN"


def test_an_unknown_language_is_refused_quietly_and_the_page_stays_chinese(site, page):
    page.goto(site.url("?lang=fr"))
    assert page.locator("html").get_attribute("lang") == "zh-CN"
    cookies = {c["name"]: c["value"] for c in page.context.cookies()}
    assert "lang" not in cookies


def test_category_codes_are_shown_by_their_label_in_each_language(site, page):
    subsidy = site.seqs["subsidy"]
    page.goto(site.url("/transactions"))
    row = page.locator(f'table.entries tr[data-seq="{subsidy}"] [data-col=category]')
    assert row.inner_text() == "补助" and row.get_attribute("data-code") == "subsidy"
    page.goto(site.url(f"/transactions/{site.seqs['withdrawal']}?lang=en"))
    assert page.locator("#category").inner_text() == "Cash"
    page.goto(site.url("?lang=en"))
    categories = page.locator("table.categories tbody th").all_inner_texts()
    assert categories == ["Activities", "Subsidy"]


@pytest.mark.parametrize("typed", ["补助", "Subsidy", "subsidy", " SUBSIDY "])
def test_the_category_filter_takes_a_label_in_either_language_or_the_code(site, page, typed):
    page.goto(site.url("/transactions"))
    page.locator("#f-category").fill(typed)
    page.locator("form.filters button[type=submit]").click()
    assert listed_seqs(page) == [site.seqs["subsidy"]]


def test_an_unknown_category_finds_nothing_and_changes_nothing(site, page):
    before = httpx.get(site.url().replace("/ledgers/", "/v1/ledgers/") + "/transactions",
                       timeout=30).json()
    page.goto(site.url("/transactions?category=不存在的类别"))
    assert listed_seqs(page) == []
    after = httpx.get(site.url().replace("/ledgers/", "/v1/ledgers/") + "/transactions",
                      timeout=30).json()
    assert after == before


def test_times_are_shown_in_the_ledgers_time_zone_and_the_api_stays_utc(site, page):
    seq = site.seqs["subsidy"]
    entry = httpx.get(site.url(f"/transactions/{seq}").replace("/ledgers/", "/v1/ledgers/"),
                      timeout=30).json()
    assert entry["recorded_at"].endswith("Z")  # the JSON API: UTC, as before
    page.goto(site.url(f"/transactions/{seq}"))
    assert page.locator("#recorded-at").inner_text() == shown_in_shanghai(entry["recorded_at"])
    assert "Z" not in page.locator("#recorded-at").inner_text()


def test_the_verify_result_names_the_statement_type_in_the_pages_language(site, page):
    from playwright.sync_api import expect

    page.set_viewport_size({"width": 390, "height": 844})  # and the result fits a phone
    for lang, button, kind in (("zh", "核验", "收支记账"), ("en", "Verify this item", "Journal entry")):
        page.goto(site.url(f"/transactions/{site.seqs['subsidy']}?lang={lang}"))
        page.get_by_role("button", name=button).click()
        signed = page.locator("#verify-result .signed-content")
        expect(signed).to_be_visible()
        assert kind in signed.inner_text() and "entry.posted" not in signed.inner_text()
        assert page.evaluate("document.documentElement.scrollWidth") <= 390


def test_the_choice_is_a_cookie_and_pages_say_they_vary_by_it(site):
    answer = httpx.get(site.url("?lang=en"), timeout=30)
    assert answer.status_code == 200 and answer.headers["vary"] == "Cookie"
    assert answer.cookies["lang"] == "en" and '<html lang="en"' in answer.text
    again = httpx.get(site.url(), cookies={"lang": "en"}, timeout=30)
    assert '<html lang="en"' in again.text and "set-cookie" not in again.headers
    odd = httpx.get(site.url(), cookies={"lang": "<script>"}, timeout=30)
    assert '<html lang="zh-CN"' in odd.text
