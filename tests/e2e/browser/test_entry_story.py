"""A payment's whole story on its entry page (the demo's ¥120,000 facade payment):
held as a major matter, the residents' resolution, approved by whom, confirmed by
the cashier, the resident's question and its answer; and a proof badge on every
row of the lists."""

from __future__ import annotations

import httpx
import pytest

pytestmark = pytest.mark.browser


def api(site, path: str) -> dict:
    response = httpx.get(site.api_url(path), timeout=30)
    assert response.status_code == 200, response.text
    return response.json()


def major_payment(site) -> dict:
    items = api(site, "/transactions?limit=100")["items"]
    [payment] = [i for i in items if i["amount"] == 120_000 * 100]
    return payment


def steps(page) -> dict[str, list]:
    found: dict[str, list] = {}
    for step in page.locator("ol.story > li").evaluate_all(
            "ls => ls.map(l => [l.dataset.step, l.dataset.seq || null, l.innerText])"):
        found.setdefault(step[0], []).append(step[1:])
    return found


def test_the_major_payment_shows_its_resolution_approval_confirmation_and_question(
        governance_site, page):
    payment = major_payment(governance_site)
    [resolution] = [r for r in api(governance_site, "/resolutions")["items"]
                    if r["matter"] == {"kind": "entry", "ref": payment["seq"]}]
    [question] = [q for q in api(governance_site, "/questions")["items"]
                  if q["about"] == {"kind": "entry", "ref": payment["seq"]}]
    page.goto(governance_site.url(f"/transactions/{payment['seq']}"))
    story = steps(page)
    assert "重大事项" in story["held"][0][1] and "已审批" in story["held"][0][1]
    assert story["resolution"][0][0] == str(resolution["seq"])
    assert resolution["title"] in story["resolution"][0][1] and "通过" in story["resolution"][0][1]
    assert story["decided"][0][0] == str(payment["approval_decided_by"])
    assert page.locator("#approved-by").inner_text() == "居委会"
    assert f"依据决议 #{resolution['seq']}" in story["decided"][0][1]
    assert story["confirmed"][0][0] == str(payment["confirmed_by"])
    assert "出纳" in story["confirmed"][0][1]
    assert story["question"][0][0] == str(question["seq"])
    assert question["text"] in story["question"][0][1]
    assert question["answers"][0]["text"] in story["question"][0][1]
    assert "居务监督委员会" in story["question"][0][1]  # who answered


def test_the_story_reads_in_english_too(governance_site, page):
    payment = major_payment(governance_site)
    page.goto(governance_site.url(f"/transactions/{payment['seq']}?lang=en"))
    assert page.locator("#story-title").inner_text() == "What happened to this entry"
    assert page.locator("#approved-by").inner_text() == "Residents' committee"
    assert "major payment" in page.locator("ol.story li[data-step=held]").inner_text()


def test_an_ordinary_entry_tells_only_what_happened_to_it(site, page):
    page.goto(site.url(f"/transactions/{site.seqs['subsidy']}"))
    assert list(steps(page)) == ["recorded", "unconfirmed"]


def test_every_list_row_carries_a_proof_badge_to_its_verify_section(site, page):
    page.goto(site.url("/transactions"))
    rows = page.locator("table.entries tbody tr[data-seq]")
    assert rows.count() > 0
    for seq in rows.evaluate_all("rs => rs.map(r => r.dataset.seq)"):
        badge = page.locator(f'table.entries tr[data-seq="{seq}"] a.proof')
        assert badge.inner_text() == "✓ 可核验"
        assert badge.get_attribute("href").endswith(f"/transactions/{seq}#verify-title")
    page.locator("table.entries a.proof").first.click()
    assert page.locator("#verify-title").is_visible()
