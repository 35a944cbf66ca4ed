"""When a ledger's view stops at an entry it cannot take, the community page says so:
it names the entry the figures stop at and why, instead of showing them as complete."""

from __future__ import annotations

from ledger.client import posting
from projections.worker import catch_up
from tests.builders.community import STREET_OFFICE
from tests.builders.site import serve_site
from tests.builders.tamper import append_raw


def test_the_community_page_says_where_and_why_its_figures_stop(browser, tmp_path):
    with serve_site(tmp_path) as site:
        town = site.town
        bad = append_raw(town, town.agent, "entry.posted",
                         {"date": "2026-03-01", "category": "x", "counterparty": STREET_OFFICE,
                          "memo": "", "postings": [posting("5001", "general", "debit", 100),
                                                   posting("1002", "general", "credit", 100)],
                          "documents": "not a list"})
        catch_up(town.app)
        context = browser.new_context(locale="zh-CN")
        try:
            page = context.new_page()
            page.goto(site.url())
            banner = page.locator("#view-stopped")
            assert banner.is_visible()
            text = banner.inner_text()
            assert f"第 {bad.seq} 条" in text
            page.goto(site.url("?lang=en"))  # the same banner, in English
            assert f"entry {bad.seq}" in banner.inner_text()
            assert f"behind at seq {bad.seq}: unprojectable entry" in text
            assert page.locator("#balances-size").get_attribute("data-size") == str(bad.seq)
        finally:
            context.close()


def test_a_page_whose_view_follows_the_log_shows_no_stop(site, page):
    page.goto(site.url())
    assert page.locator("#view-stopped").count() == 0
