"""Browser fixtures: Debian's Chromium driven by Playwright, and the served site.

Without Chromium the tests skip with the reason, except in CI (CI=true),
where a missing browser is a failure: .ci/run installs it.
"""

from __future__ import annotations

import os

import pytest

from tests.builders.governance_site import GovernanceSite, serve_governance_site
from tests.builders.site import Site, browser_unavailable, launch_chromium, serve_site


@pytest.fixture(scope="session")
def browser():
    reason = browser_unavailable()
    if reason:
        if os.environ.get("CI") == "true":
            pytest.fail(f"browser tests cannot run in CI: {reason}")
        pytest.skip(reason)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = launch_chromium(playwright)
        yield chromium
        chromium.close()


@pytest.fixture(scope="module")
def site(browser, tmp_path_factory) -> Site:
    """新竹社区 with this year's books on a SQLite file, served by uvicorn (one per module)."""
    with serve_site(tmp_path_factory.mktemp("site")) as served:
        yield served


@pytest.fixture
def page(browser):
    context = browser.new_context(locale="zh-CN")
    tab = context.new_page()
    tab.set_default_timeout(15_000)
    yield tab
    context.close()


@pytest.fixture
def page_without_js(browser):
    context = browser.new_context(locale="zh-CN", java_script_enabled=False)
    tab = context.new_page()
    tab.set_default_timeout(15_000)
    yield tab
    context.close()


@pytest.fixture(scope="module")
def governance_site(browser, tmp_path_factory) -> GovernanceSite:
    """The demo ledger with its shop lease, disclosures and questions (one per module)."""
    with serve_governance_site(tmp_path_factory.mktemp("governance")) as served:
        yield served


def pytest_terminal_summary(terminalreporter, exitstatus, config):
    """A skipped browser test is not a pass: say so loudly, once, at the end."""
    skipped = [report for report in terminalreporter.stats.get("skipped", [])
               if "tests/e2e/browser/" in report.nodeid.replace("\\", "/")]
    if skipped:
        terminalreporter.section("BROWSER TESTS DID NOT RUN", sep="!", red=True, bold=True)
        terminalreporter.write_line(
            f"{len(skipped)} browser tests were skipped: {browser_unavailable() or 'see -ra'}. "
            "Install Chromium (sudo apt-get install chromium) and run the tests again; "
            "CI (CI=true) fails instead of skipping.", red=True, bold=True)
