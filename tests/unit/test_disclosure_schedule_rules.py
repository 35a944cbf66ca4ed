"""When a disclosure falls due: periods of each frequency, their due dates, a
disclosure's status and the rate, across month, quarter and year ends."""

from __future__ import annotations

from datetime import date

import pytest

from ledger.domain import disclosure_schedule as rules


@pytest.mark.parametrize("day, frequency, period", [
    (date(2026, 12, 31), "monthly", "2026-12"), (date(2027, 1, 1), "monthly", "2027-01"),
    (date(2026, 3, 31), "quarterly", "2026-Q1"), (date(2026, 10, 1), "quarterly", "2026-Q4"),
    (date(2026, 7, 4), "yearly", "2026")])
def test_the_period_of_a_day(day, frequency, period):
    assert rules.period_of(day, frequency) == period


def test_period_bounds_and_due_dates_know_month_lengths():
    assert rules.period_bounds("2028-02") == (date(2028, 2, 1), date(2028, 2, 29))
    assert rules.period_bounds("2026-Q4") == (date(2026, 10, 1), date(2026, 12, 31))
    assert rules.period_bounds("2026") == (date(2026, 1, 1), date(2026, 12, 31))
    assert rules.period_due_on("2026-12") == date(2027, 1, 10)
    assert rules.period_due_on("2026-Q1") == date(2026, 4, 10)


def test_due_periods_run_from_the_listing_to_the_last_ended_period():
    assert rules.due_periods("monthly", date(2026, 11, 20), date(2027, 2, 1)) == [
        "2026-11", "2026-12", "2027-01"]
    assert rules.due_periods("monthly", date(2026, 11, 20), date(2026, 11, 30)) == []
    assert rules.due_periods("quarterly", date(2026, 8, 1), date(2027, 4, 1)) == [
        "2026-Q3", "2026-Q4", "2027-Q1"]
    assert rules.due_periods("yearly", date(2025, 6, 1), date(2027, 1, 1)) == ["2025", "2026"]


@pytest.mark.parametrize("published_on, today, status", [
    (date(2027, 1, 10), date(2027, 3, 1), "on_time"), (date(2027, 1, 11), date(2027, 3, 1), "late"),
    (None, date(2027, 1, 10), "open"), (None, date(2027, 1, 11), "overdue")])
def test_a_disclosure_due_on_the_tenth(published_on, today, status):
    assert rules.status(date(2027, 1, 10), published_on, today) == status


def test_the_rate_judges_only_what_is_due():
    rate = rules.rate_of(["on_time", "late", "overdue", "open", "on_time"])
    assert (rate.due, rate.published, rate.on_time) == (4, 3, 2)
    assert (rate.rate, rate.on_time_rate) == (0.75, 0.5)
    assert rules.rate_of(["open"]).rate is None
