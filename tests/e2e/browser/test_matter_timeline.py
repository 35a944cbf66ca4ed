"""四议两公开 in a real browser, at desktop and phone (375 px) widths: a matter's page
shows its six steps as a timeline (done ones with their date, log entry, signing role
and document hash; the next one; those to come), the page never scrolls sideways and
axe-core finds no serious problem; a kept document is checked against the log in the
browser; the matters list and the payment's story link to it."""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass

import pytest

from api.app import ApiOptions, create_app
from ledger.log.application import LedgerApplication
from ledger.settings import Settings
from projections.worker import catch_up
from tests.builders.axe import axe_unavailable, blocking_violations
from tests.builders.community import Clock, Community
from tests.builders.matters import DATES, DOCUMENTS, discussion, review, six_steps
from tests.builders.server import keep_log_key, running

pytestmark = pytest.mark.browser
WIDTHS = {"desktop": {"width": 1280, "height": 800}, "phone": {"width": 375, "height": 812}}
PROPOSAL = "社区花园改造提议\n党支部提议，居委会附议\n".encode()


def sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


@dataclass
class MatterSite:
    base_url: str
    slug: str
    payment: int
    done: int          # the matter through all six steps
    done_steps: dict[str, int]
    waiting: int       # a matter reviewed, waiting for its resolution

    def url(self, path: str = "") -> str:
        return f"{self.base_url}/ledgers/{self.slug}{path}"


@pytest.fixture(scope="module")
def matter_site(browser, tmp_path_factory):
    where = tmp_path_factory.mktemp("matters")
    settings = Settings(database_url=f"sqlite:///{where / 'ledger.sqlite3'}",
                        data_dir=where / "data", checkpoint_every_seconds=0)
    app = LedgerApplication(settings, clock=Clock())
    town = Community.open(app, governance=True)
    keep_log_key(settings, town)
    api = create_app(settings, application=app, options=ApiOptions(public_rate_per_minute=0))
    story = six_steps(town)
    # A second matter, reviewed and waiting for its resolution; its proposal is kept by
    # the document store (its hash is on the log), so the page offers to check it.
    waiting = town.submit(town.committee.propose_matter(
        "other", None, "社区花园改造 Community garden", DATES["proposed"], sha(PROPOSAL),
        proposed_by="committee"))
    town.submit(discussion(town, waiting))
    town.submit(review(town, waiting))
    api.state.documents.put(town.slug, town.committee.key_id, sha(PROPOSAL), PROPOSAL)
    catch_up(app)
    try:
        with running(api) as base_url:
            yield MatterSite(base_url, town.slug, story.payment, story.matter, story.steps,
                             waiting)
    finally:
        app.close()


@pytest.fixture(params=sorted(WIDTHS))
def tab(browser, request):
    context = browser.new_context(locale="zh-CN", viewport=WIDTHS[request.param])
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page, WIDTHS[request.param]["width"]
    context.close()


def sideways(page, width: int) -> list[str]:
    if page.evaluate("document.documentElement.scrollWidth") <= width:
        return []
    return page.evaluate("""w => [...document.querySelectorAll('body *')]
        .filter(e => e.getBoundingClientRect().right > w + 1)
        .slice(0, 5).map(e => e.tagName + '.' + e.className)""", width)


def test_a_matter_shows_its_six_steps_done_with_dates_roles_and_hashes(matter_site, tab):
    page, width = tab
    page.goto(matter_site.url(f"/matters/{matter_site.done}"))
    steps = page.locator("#timeline > li")
    assert steps.count() == 6
    assert [steps.nth(i).get_attribute("data-state") for i in range(6)] == ["done"] * 6
    names = [t.strip() for t in page.locator("#timeline .step-name").all_inner_texts()]
    for name, zh in zip(names, ("提议", "商议", "审议", "决议", "决议公开", "实施结果公开")):
        assert zh in name and "已完成" in name
    for step, seq in matter_site.done_steps.items():
        item = page.locator(f"#timeline li[data-step={step}]")
        assert item.get_attribute("data-seq") == str(seq)
        assert item.locator("[data-col=date]").inner_text() == DATES[step]
        assert item.locator("[data-col=sha256] code.hash").inner_text() == DOCUMENTS[step]
        assert item.locator("[data-col=role]").inner_text() == "居委会"
    assert "党支部" in page.locator("#proposed-by").inner_text()
    assert "通过" in page.locator("#resolution").inner_text()
    assert "实施结果已公开" in page.locator("#status").inner_text()
    assert sideways(page, width) == []
    # Every hash fits the screen: it breaks instead of pushing the page sideways.
    for box in page.locator("#timeline code.hash").evaluate_all(
            "cells => cells.map(c => c.getBoundingClientRect().toJSON())"):
        assert 0 <= box["left"] and box["right"] <= width


def test_a_matter_in_progress_shows_the_next_step_and_those_to_come(matter_site, tab):
    page, width = tab
    page.goto(matter_site.url(f"/matters/{matter_site.waiting}?lang=en"))
    states = [page.locator(f"#timeline li[data-step={step}]").get_attribute("data-state")
              for step in ("proposed", "discussed", "reviewed", "resolved", "published",
                           "implemented")]
    assert states == ["done", "done", "done", "next", "pending", "pending"]
    assert "Next" in page.locator("#timeline li[data-step=resolved]").inner_text()
    assert page.locator("#timeline li[data-step=resolved] dl").count() == 0
    assert sideways(page, width) == []


def test_a_kept_document_of_a_step_is_checked_against_the_log(matter_site, tab):
    page, _ = tab
    page.goto(matter_site.url(f"/matters/{matter_site.waiting}"))
    page.locator("button.sheet-check[data-output='doc-proposed']").click()
    result = page.locator("#doc-proposed")
    result.locator("xpath=self::*[contains(@class, 'pass') or contains(@class, 'fail')]"
                   ).wait_for()
    assert "哈希已核验" in result.inner_text()


def test_the_list_and_the_payment_story_lead_to_the_timeline(matter_site, tab):
    page, width = tab
    page.goto(matter_site.url("/matters"))
    assert sideways(page, width) == []
    row = page.locator(f"table.matters tr[data-seq='{matter_site.done}']")
    assert "6 / 6" in row.locator("[data-col=progress]").inner_text()
    assert "已审议" in page.locator(
        f"table.matters tr[data-seq='{matter_site.waiting}'] [data-col=status]").inner_text()
    page.goto(matter_site.url(f"/transactions/{matter_site.payment}"))
    page.locator("#story a.matter-link").click()
    page.wait_for_url(matter_site.url(f"/matters/{matter_site.done}"))
    assert page.locator("#timeline > li").count() == 6


def test_the_matter_pages_have_no_serious_accessibility_problems(matter_site, tab):
    reason = axe_unavailable()
    if reason:
        if os.environ.get("CI") == "true":
            pytest.fail(f"accessibility tests cannot run in CI: {reason}")
        pytest.skip(reason)
    page, _ = tab
    for path in ("/matters", f"/matters/{matter_site.done}", f"/matters/{matter_site.waiting}"):
        for lang in ("zh", "en"):
            page.goto(matter_site.url(f"{path}?lang={lang}"))
            assert blocking_violations(page) == [], (path, lang)
