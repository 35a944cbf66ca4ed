"""Periods (结账, 结转): closing months, and the year-end close.

A month is closed in two signatures, the shape of a trade award and its
co-signature (trades.py): the agent who keeps the books signs
``period.closed``, the supervisory committee (居务监督委员会) co-signs with
``period.close_cosigned``, and only then does the month count as closed and
may the next one close. Journal entries dated in the month are refused from
the agent's signature on, not only from the co-signature: the supervisors
must co-sign exactly the books the agent closed, so nothing may land in
between. The first close of a ledger closes every month before it too
(opening balances may be dated years back); after it, months close one at a
time, in order, once they have ended, and never while a payment dated in
them waits for approval (its money would move into the closed month).

A correction goes into an open month: a reversal (红字冲销) dated today, or an
``entry.posted`` naming what it corrects (``corrects``: the seq of the entry).

The year-end close (结转) moves money, so it is an ``entry.posted`` like any
other (FORMAT.md section 10 is unchanged), marked ``closing: "2025"`` and
dated on the year's last day. It must carry exactly the year's income and
expense balances, per account and fund, to net-asset accounts; it is not
income or spending of December (the monthly flows leave it out). December
closes only once the year has been carried.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import replace
from datetime import date, timedelta
from typing import Any

from ledger.domain import dates, fields, policy
from ledger.domain.effects import Effects, PeriodStepped
from ledger.domain.records import Period, Posting
from ledger.domain.state import LedgerState
from ledger.domain.types import Context, statement_type
from ledger.errors import (ApprovalRequired, DomainError, FormatError, NotFound, OutOfOrder,
                           PeriodClosed, SameKey)
from ledger.format import money
from ledger.format.statements import Entry

MONTH_RE = re.compile(r"[0-9]{4}-(0[1-9]|1[0-2])", re.ASCII)
YEAR_RE = re.compile(r"[0-9]{4}", re.ASCII)
CARRIED_CLASSES = frozenset({"income", "expense"})
SEQ_MAX = 2**53 - 1


def last_period(state: LedgerState) -> Period | None:
    """The latest month closed or closing (months close in order: the greatest key)."""
    return state.periods[max(state.periods)] if state.periods else None


def next_month(month: str) -> str:
    year, number = int(month[:4]), int(month[5:])
    return f"{year + number // 12:04d}-{number % 12 + 1:02d}"


def month_end(month: str) -> date:
    following = next_month(month)
    return date(int(following[:4]), int(following[5:]), 1) - timedelta(days=1)


def check_open(ctx: Context, name: str = "date") -> None:
    """A journal entry's business date must lie after every closed month."""
    latest = last_period(ctx.state)
    day = ctx.body[name]
    if latest is not None and day[:7] <= latest.month:
        raise PeriodClosed(
            f"{name} {day} falls in a closed period: the books are closed through "
            f"{latest.month} (period.closed at seq {latest.closed_seq}); post the correction "
            "in an open month and name the entry it corrects (body.corrects)",
            field=name, closed_through=latest.month)


def check_corrects(ctx: Context) -> None:
    """``corrects`` names an earlier journal entry."""
    if "corrects" not in ctx.body:
        return
    seq = fields.integer(ctx.body["corrects"], "corrects", minimum=0, maximum=SEQ_MAX)
    if seq >= ctx.state.size:
        raise NotFound(f"entry {seq} does not exist (the log has {ctx.state.size})", seq=seq)
    kind = ctx.reader.entry(seq).statement.type
    if kind not in ("entry.posted", "entry.reversed"):
        raise DomainError(f"entry {seq} is a {kind}; a correction names a journal entry",
                          seq=seq)


def _month(body: dict[str, Any]) -> str:
    value = body.get("month")
    if not isinstance(value, str) or MONTH_RE.fullmatch(value) is None:
        raise FormatError("month must be a month such as 2026-03", field="month")
    return value


def _waiting_in(state: LedgerState, last_day: str) -> list[int]:
    """Payments dated up to ``last_day`` that still wait for approval."""
    return sorted(p.seq for p in state.pending.values()
                  if p.status == "pending" and p.date <= last_day)


def uncarried(state: LedgerState, year: int) -> dict[tuple[str, str, str], int]:
    """The year's income and expense balances not yet carried to net assets."""
    return {(account, fund, currency): amount
            for (account, fund, currency, in_year), amount in state.year_results.items()
            if in_year == year and amount}


@statement_type("period.closed")
def decide_closed(ctx: Context) -> None:
    fields.only_fields(ctx.body, {"month"}, {"memo"})
    fields.text(ctx.body, "memo", bytes_max=policy.memo_bytes_max, required=False)
    month = _month(ctx.body)
    latest = last_period(ctx.state)
    if latest is not None and latest.status != "closed":
        raise OutOfOrder(f"{latest.month} waits for the supervisors' co-signature "
                         "(period.close_cosigned) before the next month closes",
                         month=latest.month)
    if latest is not None and month != next_month(latest.month):
        raise OutOfOrder(f"months close in order: the next month to close is "
                         f"{next_month(latest.month)}", month=next_month(latest.month))
    if month_end(month) >= dates.signing_day(ctx):
        raise DomainError(f"{month} has not ended yet (signing day {dates.signing_day(ctx)})",
                          month=month)
    waiting = _waiting_in(ctx.state, month_end(month).isoformat())
    if waiting:
        raise ApprovalRequired(f"payments dated in or before {month} still wait for approval "
                               f"(entries {', '.join(map(str, waiting))}): approve or reject "
                               "them first", entries=waiting)
    if month.endswith("-12") and uncarried(ctx.state, int(month[:4])):
        raise DomainError(f"{month[:4]}'s income and expenses are not yet carried to net "
                          "assets: post the year-end close (entry.posted with closing) "
                          "before December closes", year=int(month[:4]))


@decide_closed.applier
def apply_closed(state: LedgerState, entry: Entry) -> Effects:
    month = entry.statement.body["month"]
    period = state.periods[month] = Period(month, entry.seq, entry.signed.signer,
                                           entry.recorded_at)
    return (PeriodStepped(entry.seq, period),)


@statement_type("period.close_cosigned")
def decide_close_cosigned(ctx: Context) -> None:
    fields.only_fields(ctx.body, {"month"}, {"memo"})
    fields.text(ctx.body, "memo", bytes_max=policy.memo_bytes_max, required=False)
    month = _month(ctx.body)
    period = ctx.state.periods.get(month)
    if period is None or period.status != "closing":
        raise OutOfOrder(f"{month} is not waiting for a co-signature (it was "
                         f"{'never closed' if period is None else 'already co-signed'})",
                         month=month)
    if period.closed_by == ctx.signed.signer:
        raise SameKey(f"the key that closed {month} may not co-sign its close", month=month)


@decide_close_cosigned.applier
def apply_close_cosigned(state: LedgerState, entry: Entry) -> Effects:
    month = entry.statement.body["month"]
    period = state.periods[month] = replace(
        state.periods[month], cosigned_seq=entry.seq, cosigned_by=entry.signed.signer,
        cosigned_at=entry.recorded_at)
    return (PeriodStepped(entry.seq, period),)


def check_closing(ctx: Context, postings: list[Posting]) -> None:
    """A year-end close carries exactly the year's income and expenses, per account
    and fund, to net-asset accounts, on the year's last day."""
    if "closing" not in ctx.body:
        return
    value = ctx.body["closing"]
    if not isinstance(value, str) or YEAR_RE.fullmatch(value) is None:
        raise FormatError("closing must name the year it closes, such as \"2025\"",
                          field="closing")
    if ctx.body["date"] != f"{value}-12-31":
        raise DomainError(f"the year-end close of {value} is dated {value}-12-31",
                          field="date")
    carried = _carried(ctx.state, postings)
    due = {key: -amount for key, amount in uncarried(ctx.state, int(value)).items()}
    if not due:
        raise DomainError(f"{value} has no income or expense left to carry", year=int(value))
    if carried != due:
        raise DomainError(f"the closing postings must carry exactly {value}'s income and "
                          "expense balances to net assets: " + _differences(ctx.state, due,
                                                                            carried),
                          year=int(value))
    waiting = _waiting_in(ctx.state, f"{value}-12-31")
    if waiting:
        raise ApprovalRequired(f"payments dated in {value} still wait for approval (entries "
                               f"{', '.join(map(str, waiting))}): the year's figures are not "
                               "final", entries=waiting)


def _carried(state: LedgerState, postings: list[Posting]) -> dict[tuple[str, str, str], int]:
    carried: dict[tuple[str, str, str], int] = defaultdict(int)
    for account, fund, currency, signed in postings:
        account_class = state.accounts[account].account_class
        if account_class in CARRIED_CLASSES:
            carried[(account, fund, currency)] += signed
        elif account_class != "net_assets":
            raise DomainError(f"a year-end close posts to income, expense and net-asset "
                              f"accounts only; account {account} is {account_class}",
                              account=account)
    return {key: amount for key, amount in carried.items() if amount}


def _differences(state: LedgerState, due: dict, carried: dict) -> str:
    def shown(key: tuple[str, str, str], amount: int) -> str:
        side = "debit" if amount > 0 else "credit"
        return f"{side} {money.format_amount(abs(amount), key[2])}"
    return "; ".join(
        f"account {key[0]} in fund {key[1]}: due {shown(key, due.get(key, 0))}, posted "
        f"{shown(key, carried.get(key, 0))}"
        for key in sorted(set(due) | set(carried)) if due.get(key, 0) != carried.get(key, 0))


def closing_postings(state: LedgerState, year: int, net_assets: str) -> list[dict[str, Any]]:
    """The postings of the year-end close ``check_closing`` accepts: each of the year's
    income and expense balances to zero, the difference per fund and currency to the
    net-asset account ``net_assets`` (what the CLI and the demo sign)."""
    if state.accounts.get(net_assets) is None or \
            state.accounts[net_assets].account_class != "net_assets":
        raise DomainError(f"account {net_assets} is not a net-asset account", account=net_assets)
    postings, rest = [], defaultdict(int)
    for (account, fund, currency), amount in sorted(uncarried(state, year).items()):
        postings.append({"account": account, "fund": fund, "amount": abs(amount),
                         "side": "credit" if amount > 0 else "debit", "currency": currency})
        rest[(fund, currency)] += amount
    for (fund, currency), amount in sorted(rest.items()):
        if amount:
            postings.append({"account": net_assets, "fund": fund, "amount": abs(amount),
                             "side": "debit" if amount > 0 else "credit", "currency": currency})
    for line in postings:
        if line["currency"] == state.currency:
            del line["currency"]
    return postings
