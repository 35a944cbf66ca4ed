"""The demo's month ends: bank statement, close, co-signature, disclosures.

On the 2nd of each month (once the previous month's entries are all in) the
cashier records the bank's statement for the month's last day, the agent
closes the month (结账) and the supervisory committee co-signs the close; from
then on no entry may be dated in it, so everything the plan posts later is
dated later. The bank's balance is what the plan's confirmed bank entries add
up to by that day (the cashier confirms a bank entry on the day the bank
shows it): entries of the month's last days that the bank shows only in the
next month are items in transit, and explain the whole difference between the
books and the bank.

On the 8th the committee publishes the month's income and spending of every
fund (资金收支, due 10 days after the month ends), and after each quarter the
livelihood fund's use (惠民资金使用). One month's are published late, on the
24th, as happens: the disclosure schedule shows them ``late``. The sheets are
rendered from the log when signed (``Spec.sheet``; ledger/demo/build.py), so a
resident can check them against the entries.
"""

from __future__ import annotations

from datetime import date, timedelta

from ledger.demo.chart import BANK, FUNDS
from ledger.demo.year import Spec, YearPlan

CLOSE_DAY = 2
PUBLISH_DAY = 8
LATE_PUBLISH_DAY = 24
LATE_MONTHS_BEFORE_END = 4  # the late month: this many months before the last one


def previous_month(day: date) -> tuple[str, date] | None:
    """The month before ``day``'s, and its last day (None in January)."""
    if day.month == 1:
        return None
    last = day.replace(day=1) - timedelta(days=1)
    return f"{last:%Y-%m}", last


def late_month(plan: YearPlan) -> int:
    return plan.last_day.month - LATE_MONTHS_BEFORE_END


def month_end(plan: YearPlan, day: date) -> None:
    month = previous_month(day)
    if month is None:
        return
    name, last = month
    if day.day == CLOSE_DAY:
        record_bank_statement(plan, last)
        plan.add("agent", "period.closed", {"month": name, "memo": f"{last.month}月结账"})
        plan.add("supervisor", "period.close_cosigned",
                 {"month": name, "memo": "已核对银行对账单和凭证 checked against the bank"})
    late = last.month == late_month(plan)
    if day.day == (LATE_PUBLISH_DAY if late else PUBLISH_DAY):
        for fund, *_ in FUNDS:
            publish(plan, day, "fund_flows", name, fund)
        if last.month % 3 == 0:
            publish(plan, day, "livelihood_funds", f"{last.year}-Q{last.month // 3}",
                    "livelihood")


def bank_balance(plan: YearPlan, on: date) -> int:
    """The bank's balance on ``on``: every bank movement it had shown by then."""
    shown = on.isoformat()
    return sum(plan.bank_moved[seq] for seq, confirmed in plan.bank_confirmed.items()
               if confirmed <= shown)


def record_bank_statement(plan: YearPlan, last: date) -> None:
    plan.add("cashier", "bank.statement_recorded", {
        "account": BANK, "date": last.isoformat(), "balance": bank_balance(plan, last),
        "statement_sha256": plan.document("bank_statement")["sha256"],
        "memo": f"中国工商银行{last.month}月对账单 ICBC statement"})


def publish(plan: YearPlan, day: date, item: str, period: str, fund: str) -> None:
    """A periodic disclosure whose sheet and totals the build renders from the log."""
    plan.specs.append(Spec("committee", "disclosure.published", {
        "item": item, "published_on": day.isoformat(), "period": period, "fund": fund,
        "where": "社区公开栏和微信群 notice board and residents' chat group"},
        plan.today, sheet=True))
