"""GET .../inspection-findings (public) and .../audit/inspection-findings (signed in)
through a real server: the public summary says where each finding stands and whether it
is overdue by the server's today, and never shows its title, detail or owner; the
audit view does, with the finding's steps."""

from __future__ import annotations

from datetime import timedelta
from zoneinfo import ZoneInfo

from ledger.log.tokens import issue_token
from projections.worker import catch_up
from tests.builders.community import YUAN, sha

TITLE, DETAIL, OWNER = "付款无验收单", "工程款支付前未见验收记录", "王主任 chair Wang"


def today(clock):
    return clock().astimezone(ZoneInfo("Asia/Shanghai")).date()


def a_finding_due_in_ten_days(town, clock) -> int:
    town.grant("renovation", 100_000 * YUAN)
    payment = town.pay("renovation", 4_900 * YUAN)
    finding = town.submit(town.supervisor.raise_finding("entry", payment, TITLE, detail=DETAIL))
    deadline = (today(clock) + timedelta(days=10)).isoformat()
    town.submit(town.supervisor.assign_finding(finding, OWNER, deadline))
    return finding


def test_the_public_summary_flags_a_finding_overdue_once_its_deadline_passes(
        http, town, app, clock):
    finding = a_finding_due_in_ten_days(town, clock)
    catch_up(app)
    url = f"/v1/ledgers/{town.slug}/inspection-findings"
    before = http.get(url)
    assert before.status_code == 200, before.text
    item = before.json()["items"][0]
    assert item["seq"] == finding and item["status"] == "assigned" and not item["overdue"]
    assert item["raised_by"] == "supervisor" and item["about"]["kind"] == "entry"
    for private in (TITLE, DETAIL, OWNER, "王主任"):
        assert private not in before.text

    clock.advance(days=11)
    after = http.get(url).json()
    assert after["items"][0]["overdue"] is True and after["counts"]["overdue"] == 1
    assert after["today"] == today(clock).isoformat()

    town.submit(town.committee.rectify_finding(finding, sha("验收单")))
    catch_up(app)
    rectified = http.get(url).json()
    assert rectified["items"][0]["status"] == "rectified"
    assert rectified["items"][0]["overdue"] is False and rectified["counts"]["overdue"] == 0
    assert rectified["items"][0]["evidence_sha256"] == sha("验收单")


def test_the_community_page_shows_overdue_rectifications_without_names(http, town, app, clock):
    finding = a_finding_due_in_ten_days(town, clock)
    catch_up(app)
    page = http.get(f"/ledgers/{town.slug}").text
    assert 'id="findings-summary"' in page and 'id="overdue-findings"' not in page
    clock.advance(days=11)
    page = http.get(f"/ledgers/{town.slug}").text
    overdue = page[page.index('id="overdue-findings"'):]
    overdue = overdue[:overdue.index("</div>")]
    assert f"发现 #{finding}" in overdue and "应于" in overdue
    for private in (TITLE, DETAIL, OWNER):
        assert private not in page


def test_the_audit_view_shows_title_detail_owner_and_steps_to_a_signed_in_reader(
        http, town, app, clock):
    finding = a_finding_due_in_ten_days(town, clock)
    catch_up(app)
    url = f"/v1/ledgers/{town.slug}/audit/inspection-findings"
    assert http.get(url).status_code == 401
    token = issue_token(town.supervisor.key, town.slug)
    full = http.get(url, headers={"Authorization": f"Bearer {token}"})
    assert full.status_code == 200, full.text
    assert full.headers["cache-control"] == "private, no-store"
    item = full.json()["items"][0]
    assert (item["seq"], item["title"], item["detail"], item["owner"]) == (
        finding, TITLE, DETAIL, OWNER)
    assert [step["type"] for step in item["steps"]] == [
        "inspection.finding_raised", "inspection.finding_assigned"]


def test_the_findings_of_an_unknown_ledger_are_a_404_problem(http):
    answer = http.get("/v1/ledgers/no-such-town/inspection-findings")
    assert answer.status_code == 404
    assert answer.headers["content-type"] == "application/problem+json"
