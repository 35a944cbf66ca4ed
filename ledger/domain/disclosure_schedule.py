"""When a disclosure is due, and whether it came on time (公开率).

The catalogue names each item's frequency (``disclosure.catalogue_set``). A
periodic item (monthly, quarterly, yearly) is due once per period, from the
period in which the catalogue first listed it, DUE_DAYS_AFTER_PERIOD days after
the period ends (村务公开: the month's accounts go on the notice board in the first
days of the next month). An asset trade is due twice: its award and its completion,
each DUE_DAYS_AFTER_EVENT days after the trade reached that stage. Other per-event
and per-project items name no date a rule could check: the schedule lists them as
not scheduled.

A due disclosure is ``on_time`` (published by its due date), ``late`` (published
after it), ``overdue`` (not published, due date passed) or ``open`` (not published,
not yet due). The rate of a period is the share of its due disclosures that were
published (on time or late) among those whose due date has passed or that were
published; ``on_time_rate`` counts only those on time.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date, timedelta

DUE_DAYS_AFTER_PERIOD = 10
DUE_DAYS_AFTER_EVENT = 10
PERIOD_KINDS = {"monthly": "month", "quarterly": "quarter", "yearly": "year"}
STATUSES = ("on_time", "late", "overdue", "open")


def period_of(day: date, frequency: str) -> str:
    """The period of ``frequency`` holding ``day``: 2026-03, 2026-Q1 or 2026."""
    kind = PERIOD_KINDS[frequency]
    if kind == "month":
        return f"{day.year}-{day.month:02d}"
    if kind == "quarter":
        return f"{day.year}-Q{(day.month - 1) // 3 + 1}"
    return str(day.year)


def period_bounds(period: str) -> tuple[date, date]:
    """First and last day of a period named as disclosures name it."""
    if "-Q" in period:
        year, quarter = int(period[:4]), int(period[-1])
        first_month, last_month = 3 * quarter - 2, 3 * quarter
    elif "-" in period:
        year, first_month = int(period[:4]), int(period[5:7])
        last_month = first_month
    else:
        year, first_month, last_month = int(period), 1, 12
    return (date(year, first_month, 1),
            date(year, last_month, calendar.monthrange(year, last_month)[1]))


def next_period(period: str, frequency: str) -> str:
    return period_of(period_bounds(period)[1] + timedelta(days=1), frequency)


def due_periods(frequency: str, listed_on: date, today: date) -> list[str]:
    """Every period of ``frequency`` from the one holding ``listed_on`` to the last one
    that has ended by ``today``."""
    periods, period = [], period_of(listed_on, frequency)
    while period_bounds(period)[1] < today:
        periods.append(period)
        period = next_period(period, frequency)
    return periods


def period_due_on(period: str) -> date:
    return period_bounds(period)[1] + timedelta(days=DUE_DAYS_AFTER_PERIOD)


def event_due_on(happened_on: date) -> date:
    return happened_on + timedelta(days=DUE_DAYS_AFTER_EVENT)


def status(due_on: date, published_on: date | None, today: date) -> str:
    if published_on is not None:
        return "on_time" if published_on <= due_on else "late"
    return "overdue" if today > due_on else "open"


@dataclass(frozen=True)
class Rate:
    """公开率 of one period: published among due, and on time among due."""
    due: int
    published: int
    on_time: int

    @property
    def rate(self) -> float | None:
        return None if self.due == 0 else round(self.published / self.due, 4)

    @property
    def on_time_rate(self) -> float | None:
        return None if self.due == 0 else round(self.on_time / self.due, 4)


def rate_of(statuses: list[str]) -> Rate:
    """Only what can be judged counts: published ones and overdue ones (not ``open``)."""
    judged = [s for s in statuses if s != "open"]
    return Rate(due=len(judged), published=sum(s in ("on_time", "late") for s in judged),
                on_time=judged.count("on_time"))
