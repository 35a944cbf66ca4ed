"""GET .../disclosures/schedule and the community page judge "overdue" by the server's
clock: a month's accounts not on the notice board ten days after it ends show, in
the answer and on the page, with the disclosure rate."""

from __future__ import annotations

import re
from zoneinfo import ZoneInfo

from projections.worker import catch_up


def test_a_month_left_undisclosed_is_overdue_in_the_schedule_and_on_the_page(
        http, town, app, clock):
    town.catalogue()
    catch_up(app)
    answer = http.get(f"/v1/ledgers/{town.slug}/disclosures/schedule")
    assert answer.status_code == 200, answer.text
    assert answer.json()["counts"]["overdue"] == 0
    assert 'id="overdue-disclosures"' not in http.get(f"/ledgers/{town.slug}").text

    clock.advance(days=45)  # the month of the listing ended more than ten days ago
    body = http.get(f"/v1/ledgers/{town.slug}/disclosures/schedule").json()
    overdue = [row for row in body["items"] if row["status"] == "overdue"]
    assert {row["item"] for row in overdue} >= {"fund_flows"}
    assert body["today"] == clock().astimezone(ZoneInfo("Asia/Shanghai")).date().isoformat()
    assert body["rates"]["overall"]["rate"] == 0.0

    page = http.get(f"/ledgers/{town.slug}").text
    notice = page[page.index('id="overdue-disclosures"'):]
    notice = re.sub(r"<[^>]+>", " ", notice[:notice.index("</div>")])
    fund_flows = next(row for row in overdue if row["item"] == "fund_flows")
    assert "资金收支" in notice and fund_flows["period"] in notice
    assert f"应于 {fund_flows['due_on']} 前公开" in notice
    assert 'id="disclosure-rate"' in page and "0%" in page


def test_the_schedule_of_an_unknown_ledger_is_a_404_problem(http):
    answer = http.get("/v1/ledgers/no-such-town/disclosures/schedule")
    assert answer.status_code == 404
    assert answer.headers["content-type"] == "application/problem+json"
