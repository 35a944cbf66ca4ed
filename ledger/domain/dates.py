"""Business dates kept within reach of the day they are signed (docs/statement-types.md,
"Dates").

A business date (the day money moved, an asset was valued, a sheet was
published) may not lie after the signing day, counted in the ledger's time
zone, plus the allowance of the ledger's policy (``date_allowance_days``,
default 0); nor before 1 January of the ledger's opening year minus
``policy.opening_balance_years``, far enough back for opening balances and
assets bought long ago. Planned dates (a project's end, a lease's last day)
may lie ahead, but not past ``policy.plan_years_max`` years after the signing
day. Without these bounds a date such as 9999-12-31 is signed, stored and
falls in no year of the residents' views.
"""

from __future__ import annotations

from datetime import date, timedelta
from zoneinfo import ZoneInfo

from ledger.domain import fields, policy
from ledger.domain.records import current_policy
from ledger.domain.types import Context
from ledger.errors import BusinessDateOutOfRange
from ledger.format.statements import parse_time

LEDGER_TIME_ZONE = ZoneInfo(policy.ledger_time_zone)


def local_day(moment: str) -> date:
    """The calendar day of an RFC 3339 UTC time in the ledger's time zone."""
    return parse_time(moment).astimezone(LEDGER_TIME_ZONE).date()


def earliest(ctx: Context) -> date:
    """The first day a date of this ledger may name (opening year minus the bound)."""
    opened = local_day(ctx.state.opened_at) if ctx.state.opened_at else signing_day(ctx)
    return date(opened.year - policy.opening_balance_years, 1, 1)


def signing_day(ctx: Context) -> date:
    return local_day(ctx.signed.statement.signed_at)


def business_date(ctx: Context, name: str) -> str:
    """A date of something that happened: at most the signing day plus the allowance."""
    value = fields.iso_date(ctx.body, name)
    allowance = current_policy(ctx.state).date_allowance_days
    latest = signing_day(ctx) + timedelta(days=allowance)
    _within(value, name, earliest(ctx), latest,
            f"the signing day {signing_day(ctx)} (in {policy.ledger_time_zone}) plus "
            f"{allowance} days the policy allows")
    return value


def planned_date(ctx: Context, name: str, body: dict | None = None) -> str:
    """A date of something planned (a project's end, a lease's last day); ``body``
    when the date is in a part of the statement's body (an instalment)."""
    value = fields.iso_date(ctx.body if body is None else body, name)
    day = signing_day(ctx)
    latest = day.replace(year=day.year + policy.plan_years_max, month=12, day=31)
    _within(value, name, earliest(ctx), latest,
            f"{policy.plan_years_max} years after the signing year")
    return value


def _within(value: str, name: str, first: date, last: date, why_last: str) -> None:
    day = date.fromisoformat(value)
    if day < first:
        raise BusinessDateOutOfRange(
            f"{name} {value} is before {first}, {policy.opening_balance_years} years before "
            f"the ledger's opening year", field=name, earliest=first.isoformat())
    if day > last:
        raise BusinessDateOutOfRange(f"{name} {value} is after {last}: {why_last}",
                                     field=name, latest=last.isoformat())
