"""Every residents' page on a phone (390 × 844) and a desktop (1280 × 800), in both
languages: the page itself never scrolls sideways, controls are touch-sized,
large text is remembered, and axe-core finds no serious or critical problem."""

from __future__ import annotations

import os

import httpx
import pytest

from api.routers.web import current_year
from projections.worker import catch_up
from tests.builders.axe import axe_unavailable, blocking_violations
from tests.builders.server import running
from tests.builders.site import a_town_to_serve

pytestmark = pytest.mark.browser
VIEWPORTS = {"phone": (390, 844), "desktop": (1280, 800)}
LANGS = ("zh", "en")
touch_min_px = 44


@pytest.fixture(scope="module")
def axe_ready() -> None:
    reason = axe_unavailable()
    if reason:
        if os.environ.get("CI") == "true":
            pytest.fail(f"accessibility tests cannot run in CI: {reason}")
        print(f"\n*** SKIPPING the accessibility checks: {reason} ***")
        pytest.skip(reason)


def finance_pages(site) -> list[str]:
    seqs = site.seqs
    return [site.base_url + "/", site.url(), site.url(f"?year={site.year - 1}"),
            site.url("/transactions"), site.url("/transactions?category=文体活动"),
            site.url(f"/transactions/{seqs['subsidy']}"),
            site.url(f"/transactions/{seqs['withdrawal']}"), site.url("/transactions/999999"),
            site.url("/reports"), site.url("/reports?fund=activity&from=2026-01-01")]


def governance_pages(site) -> list[str]:
    [trade] = httpx.get(site.api_url("/trades"), timeout=30).json()["items"]
    major = major_payment(site)
    return [site.url("/trades"), site.url(f"/trades/{trade['seq']}"), site.url("/disclosures"),
            site.url("/questions"), site.url("/contracts"), site.url("/matters"),
            site.url(f"/transactions/{major}"), site.url("/books"), site.url("/confidential"),
            site.url()]


def major_payment(site) -> int:
    """The ¥120,000 facade payment (a major matter: held, resolved, approved)."""
    items = httpx.get(site.api_url("/transactions?limit=100"), timeout=30).json()["items"]
    [seq] = [i["seq"] for i in items if i["amount"] == 120_000 * 100]
    return seq


def in_language(url: str, lang: str) -> str:
    return url + ("&" if "?" in url else "?") + f"lang={lang}"


@pytest.fixture(params=sorted(VIEWPORTS))
def screen(request, browser):
    width, height = VIEWPORTS[request.param]
    context = browser.new_context(viewport={"width": width, "height": height})
    tab = context.new_page()
    tab.set_default_timeout(15_000)
    yield tab, width
    context.close()


def sideways(tab, width: int) -> list[str]:
    """What sticks out past the right edge (empty when the page fits)."""
    if tab.evaluate("document.documentElement.scrollWidth") <= width:
        return []
    return tab.evaluate("""w => [...document.querySelectorAll('body *')]
        .filter(e => e.getBoundingClientRect().right > w + 1)
        .slice(0, 5).map(e => e.tagName + '.' + e.className)""", width)


@pytest.mark.parametrize("lang", LANGS)
def test_no_finance_page_scrolls_sideways(site, screen, lang):
    tab, width = screen
    for url in finance_pages(site):
        tab.goto(in_language(url, lang))
        assert sideways(tab, width) == [], url


@pytest.mark.parametrize("lang", LANGS)
def test_no_governance_page_scrolls_sideways(governance_site, screen, lang):
    tab, width = screen
    for url in governance_pages(governance_site):
        tab.goto(in_language(url, lang))
        assert sideways(tab, width) == [], url


def test_every_amount_and_the_balance_held_are_on_screen(site, screen):
    tab, width = screen
    tab.goto(site.url("/transactions"))
    for box in tab.locator("table.entries [data-col=amount]").evaluate_all(
            "cells => cells.map(c => c.getBoundingClientRect().toJSON())"):
        assert 0 <= box["left"] and box["right"] <= width
    tab.goto(site.url())
    held = tab.locator("#card-held .card-figure").bounding_box()
    assert held["x"] >= 0 and held["x"] + held["width"] <= width


@pytest.fixture(scope="module")
def rich_town(tmp_path_factory):
    """A community holding ¥12,345,678.90: the longest figure a community page shows."""
    with a_town_to_serve(tmp_path_factory.mktemp("rich")) as (_, town, api):
        town.grant("general", 1_234_567_890, f"{current_year()}-01-05")
        catch_up(town.app)
        with running(api) as base_url:
            yield f"{base_url}/ledgers/{town.slug}"


@pytest.mark.parametrize("text", ["normal", "large"])
def test_a_key_figure_never_breaks_between_its_digits_on_a_phone(rich_town, browser, text):
    """The first thing a resident sees: "余额合计" and its figure, on one line."""
    context = browser.new_context(viewport={"width": 390, "height": 844})
    tab = context.new_page()
    try:
        tab.goto(f"{rich_town}?text={text}")
        assert "12,345,678.90" in tab.locator("#card-held").inner_text()
        figures = tab.locator("li.card .card-figure").evaluate_all("""es => es.map(e => ({
            text: e.textContent, height: e.getBoundingClientRect().height,
            right: e.getBoundingClientRect().right,
            line: parseFloat(getComputedStyle(e).fontSize) * 1.6}))""")
        assert len(figures) == 3
        for figure in figures:
            assert figure["height"] <= figure["line"], figure  # one line, not two
            assert figure["right"] <= 390, figure
    finally:
        context.close()


def test_controls_are_touch_sized_on_a_phone(site, browser):
    context = browser.new_context(viewport={"width": 390, "height": 844})
    tab = context.new_page()
    try:
        for url in (site.url(), site.url("/transactions")):
            tab.goto(url)
            for control in ("button:visible", "select:visible", "input:visible",
                            "nav a:visible", "a.proof:visible", "table.entries td a:visible"):
                for box in tab.locator(control).evaluate_all(
                        "es => es.map(e => e.getBoundingClientRect().toJSON())"):
                    assert box["height"] >= touch_min_px, (url, control, box)
    finally:
        context.close()


def test_large_text_is_a_plain_link_the_page_remembers(site, page_without_js):
    tab = page_without_js
    tab.goto(site.url())
    normal = tab.locator("h1").evaluate("e => parseFloat(getComputedStyle(e).fontSize)")
    tab.locator("#text-switch").click()
    assert tab.locator("html").get_attribute("class") == "large-text"
    tab.goto(site.url("/transactions"))  # another page, no query: the cookie remembers
    assert tab.locator("html").get_attribute("class") == "large-text"
    tab.goto(site.url())
    large = tab.locator("h1").evaluate("e => parseFloat(getComputedStyle(e).fontSize)")
    assert large >= normal * 1.2
    tab.locator("#text-switch").click()
    assert tab.locator("html").get_attribute("class") is None


@pytest.mark.parametrize("lang", LANGS)
def test_finance_pages_have_no_serious_accessibility_problems(site, screen, lang, axe_ready):
    tab, _ = screen
    for url in finance_pages(site):
        tab.goto(in_language(url, lang))
        assert blocking_violations(tab) == [], url


@pytest.mark.parametrize("lang", LANGS)
def test_governance_pages_have_no_serious_accessibility_problems(governance_site, screen, lang,
                                                                 axe_ready):
    tab, _ = screen
    for url in governance_pages(governance_site):
        tab.goto(in_language(url, lang))
        assert blocking_violations(tab) == [], url
