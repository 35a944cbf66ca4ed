"""GET .../contracts, /contracts/{id} and /receivables over a real server on both
stores: what a lease has due, settled and in arrears is measured at the server's
today (a clock the test moves), and receivables list arrears first."""

from __future__ import annotations

from datetime import date, timedelta
from zoneinfo import ZoneInfo

from projections.worker import catch_up
from tests.builders.community import YUAN, bidder
from tests.builders.contracts import contracted_lease, lease_body, settling, sign
from tests.builders.http import bearer

LI = bidder("李四", "110101199001010022")


def _today(clock) -> date:
    return clock().astimezone(ZoneInfo("Asia/Shanghai")).date()


def _two_leases(town, clock) -> tuple[int, int]:
    """王小明's lease from the trade, April's rent paid; 李四's lease starting next month."""
    won = sign(town, lease_body(contracted_lease(town, clock)))
    town.submit(settling(town, won, 10_500 * YUAN, "2026-04-02", line=0))
    starts = _today(clock) + timedelta(days=40)
    ends = starts.replace(year=starts.year + 1) - timedelta(days=1)
    later = sign(town, lease_body(party=LI, monthly=2_000 * YUAN, months=12,
                                  starts=starts.isoformat(), ends=ends.isoformat()))
    return won, later


def test_receivables_list_the_lease_in_arrears_first_with_its_days_overdue(http, town, app,
                                                                           clock):
    won, later = _two_leases(town, clock)
    catch_up(app)
    answer = http.get(f"/v1/ledgers/{town.slug}/receivables")
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert [item["seq"] for item in body["items"]] == [won, later]
    assert body["in_arrears"] == 1 and body["today"] == _today(clock).isoformat()
    first = body["items"][0]
    assert first["party"] == {"kind": "person", "name": "王*"}
    assert first["arrears"][0]["due_on"] == "2026-05-01"
    assert first["days_overdue"] == (_today(clock) - date(2026, 5, 1)).days
    assert first["settled"] == 10_500 * YUAN
    assert first["outstanding"] == first["due_to_date"] - 10_500 * YUAN
    assert body["items"][1]["arrears"] == [] and body["items"][1]["due_to_date"] == 0

    clock.advance(days=3)
    moved = http.get(f"/v1/ledgers/{town.slug}/receivables").json()["items"][0]
    assert moved["days_overdue"] == first["days_overdue"] + 3


def test_receivables_come_a_page_at_a_time(http, town, app, clock):
    won, later = _two_leases(town, clock)
    catch_up(app)
    page = http.get(f"/v1/ledgers/{town.slug}/receivables", params={"limit": 1}).json()
    assert [item["seq"] for item in page["items"]] == [won]
    rest = http.get(f"/v1/ledgers/{town.slug}/receivables",
                    params={"limit": 1, "cursor": page["next_cursor"]}).json()
    assert [item["seq"] for item in rest["items"]] == [later] and rest["next_cursor"] is None


def test_one_contract_shows_its_schedule_the_entries_that_settled_it_and_its_steps(
        http, town, app, clock):
    won, _ = _two_leases(town, clock)
    catch_up(app)
    body = http.get(f"/v1/ledgers/{town.slug}/contracts/{won}").json()
    assert len(body["schedule"]) == 36 and body["schedule"][0]["settled"] == 10_500 * YUAN
    assert [entry["amount"] for entry in body["entries"]] == [10_500 * YUAN]
    assert [step["type"] for step in body["steps"]] == ["contract.signed"]
    assert body["winning_price"] == body["annual_rent"] == 126_000 * YUAN


def test_contracts_expiring_within_n_days_are_the_active_ones_ending_by_then(
        http, town, app, clock):
    won, later = _two_leases(town, clock)
    catch_up(app)
    url = f"/v1/ledgers/{town.slug}/contracts"
    assert [item["seq"] for item in http.get(url).json()["items"]] == [won, later]
    ends = date.fromisoformat(town.state.contracts[later].ends)
    soon = (ends - _today(clock)).days
    assert [item["seq"] for item in http.get(url, params={"expiring_within": soon}).json()[
        "items"]] == [later]
    assert http.get(url, params={"expiring_within": soon - 1}).json()["items"] == []
    both = (date(2029, 3, 31) - _today(clock)).days
    assert [item["seq"] for item in http.get(url, params={"expiring_within": both}).json()[
        "items"]] == [won, later]


def test_an_unknown_contract_is_a_404_problem_and_a_bad_cursor_a_422(http, town, app):
    catch_up(app)
    missing = http.get(f"/v1/ledgers/{town.slug}/contracts/999999")
    assert missing.status_code == 404
    assert missing.headers["content-type"] == "application/problem+json"
    bad = http.get(f"/v1/ledgers/{town.slug}/receivables", params={"cursor": "soon"})
    assert bad.status_code == 422


def test_the_community_page_names_the_lease_in_arrears_and_the_contracts_page_lists_it(
        http, town, app, clock):
    won, later = _two_leases(town, clock)
    catch_up(app)
    page = http.get(f"/ledgers/{town.slug}").text
    notice = page[page.index('id="rent-arrears"'):]
    notice = notice[:notice.index("</div>")]
    assert f'data-seq="{won}"' in notice and f'data-seq="{later}"' not in notice
    assert "王*" in notice and "王小明" not in page
    days = (_today(clock) - date(2026, 5, 1)).days
    assert f"逾期 {days} 天" in notice

    listing = http.get(f"/ledgers/{town.slug}/contracts")
    assert listing.status_code == 200
    assert 'id="contracts-in-arrears"' in listing.text
    rows = listing.text[listing.text.index('id="receivable"'):listing.text.index('id="payable"')]
    assert rows.index(f'data-seq="{won}"') < rows.index(f'data-seq="{later}"')
    assert "王小明" not in listing.text


def test_a_community_without_arrears_shows_no_arrears_notice(http, town, app):
    catch_up(app)
    assert 'id="rent-arrears"' not in http.get(f"/ledgers/{town.slug}").text
    listing = http.get(f"/ledgers/{town.slug}/contracts")
    assert listing.status_code == 200 and 'id="contracts-in-arrears"' not in listing.text


def test_a_signed_in_auditor_sees_who_owes_rent_by_full_name_and_a_resident_is_asked_to_sign_in(
        http, town, app, clock):
    won, _ = _two_leases(town, clock)
    auditor = town.new_key(["auditor"], "第三方审计 auditor")
    catch_up(app)
    url = f"/v1/ledgers/{town.slug}/audit/contracts"
    answer = http.get(url, headers=bearer(auditor))
    assert answer.status_code == 200, answer.text
    first = answer.json()["items"][0]
    assert first["seq"] == won and first["party"]["name"] == "王小明"
    assert http.get(url).status_code == 401
