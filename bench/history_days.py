"""Business dates for a bench's long history, valid in any year the bench is run.

A ledger takes dates from 1 January of the year it was opened minus
``policy.opening_balance_years`` (ledger/domain/dates.py). A history is laid on the
full years before this one, oldest first: ``per_day`` entries a day, at least
``at_least`` and more once the history would not fit (a million entries in ten
years is about 275 a day).
"""

from __future__ import annotations

from datetime import date, timedelta

from ledger.domain import policy


def first_day() -> date:
    # The 2nd, not the 1st: the ledger's day is in Asia/Shanghai, the bench's may not be.
    return date(date.today().year - policy.opening_balance_years, 1, 2)


def days_available() -> int:
    return (date(date.today().year - 1, 12, 31) - first_day()).days


def per_day(entries: int, at_least: int) -> int:
    return max(at_least, -(-entries // days_available()))


def day_of(i: int, entries_per_day: int) -> date:
    return first_day() + timedelta(days=i // entries_per_day)
