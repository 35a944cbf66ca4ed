"""The disclosure schedule on both stores: each catalogue item is due once per period
from the period it was listed in, and each resolution once; a disclosure counts as on
time, late, overdue or still open by the day the schedule is read."""

from __future__ import annotations

import calendar
from datetime import date, timedelta
from zoneinfo import ZoneInfo

from ledger.domain.sheets import period_sheet
from projections.disclosure_schedule import schedule
from projections.view import open_view
from projections.worker import catch_up
from tests.builders.community import sha

SHANGHAI = ZoneInfo("Asia/Shanghai")


def read(town, today: date) -> dict:
    catch_up(town.app)
    return schedule(open_view(town.app), town.slug, today, SHANGHAI)


def listed_on(town) -> date:
    return town.clock().astimezone(SHANGHAI).date()


def rows_of(answer: dict, item: str) -> list[tuple[str, str]]:
    return [(row["period"], row["status"]) for row in answer["items"] if row["item"] == item]


def month(day: date) -> str:
    return f"{day.year}-{day.month:02d}"


def month_end(day: date) -> date:
    return day.replace(day=calendar.monthrange(day.year, day.month)[1])


def test_before_a_catalogue_nothing_is_due(town):
    answer = read(town, listed_on(town) + timedelta(days=400))
    assert answer["items"] == [] and answer["rates"]["overall"]["rate"] is None


def test_each_period_from_the_listing_on_is_due_open_then_overdue(town):
    town.catalogue()
    start = listed_on(town)
    first_end = month_end(start)
    assert rows_of(read(town, first_end), "fund_flows") == []  # the month has not ended
    open_answer = read(town, first_end + timedelta(days=1))
    assert rows_of(open_answer, "fund_flows") == [(month(start), "open")]
    assert open_answer["items"][0]["due_on"] == (first_end + timedelta(days=10)).isoformat()
    overdue = read(town, first_end + timedelta(days=11))
    assert rows_of(overdue, "fund_flows") == [(month(start), "overdue")]
    assert overdue["counts"]["overdue"] >= 1 and overdue["rates"]["overall"]["rate"] == 0
    later = read(town, first_end + timedelta(days=75))
    assert [period for period, _ in rows_of(later, "fund_flows")][:3] == [
        month(start), month(first_end + timedelta(days=1)), month(first_end + timedelta(days=32))]


def test_a_disclosure_published_by_its_due_date_is_on_time_after_it_late(town):
    town.catalogue()
    start = listed_on(town)
    period = month(start)
    sheet = period_sheet(town.state, town.entries(), period=period, fund="general")
    town.submit(town.committee.publish_disclosure(
        "fund_flows", start.isoformat(), sheet.sha256, period=period, fund="general",
        totals=sheet.totals_body()))
    first_end = month_end(start)
    answer = read(town, first_end + timedelta(days=40))
    assert rows_of(answer, "fund_flows")[0] == (period, "on_time")
    assert answer["items"][0]["published"][0]["fund"] == "general"

    # The next month's sheet goes up 15 days after that month ends: 5 days late.
    second = month(first_end + timedelta(days=1))
    second_end = month_end(first_end + timedelta(days=1))
    town.clock.advance(days=(second_end - start).days + 15)
    published_on = second_end + timedelta(days=15)
    sheet = period_sheet(town.state, town.entries(), period=second, fund="general")
    town.submit(town.committee.publish_disclosure(
        "fund_flows", published_on.isoformat(), sheet.sha256, period=second, fund="general",
        totals=sheet.totals_body(), signed_at=town.clock()))
    answer = read(town, published_on)
    assert rows_of(answer, "fund_flows")[:2] == [(period, "on_time"), (second, "late")]
    overall = answer["rates"]["overall"]
    assert overall["published"] >= 2 and overall["on_time"] == overall["published"] - 1


def test_a_resolution_is_due_ten_days_after_it_is_recorded(town):
    town.catalogue()
    resolution = town.resolve("other", None)
    answer = read(town, listed_on(town) + timedelta(days=11))
    [row] = [row for row in answer["items"] if row["item"] == "resolutions"]
    assert (row["ref"], row["status"]) == (resolution, "overdue")
    assert row["due_on"] == (listed_on(town) + timedelta(days=10)).isoformat()
    town.submit(town.committee.disclose_resolution(resolution, listed_on(town).isoformat(),
                                                   sha("resolution sheet")))
    [row] = [row for row in read(town, listed_on(town) + timedelta(days=11))["items"]
             if row["item"] == "resolutions"]
    assert row["status"] == "on_time" and row["published"][0]["published_on"] == (
        listed_on(town).isoformat())
