"""What happens in a community's year, as postings (used by ledger.demo.year).

Each spending event returns False when its fund cannot afford it; the plan
then records income instead, so a year always has the entries asked for.
"""

from __future__ import annotations

import heapq
from datetime import date, timedelta
from typing import Callable

from ledger.client import posting
from ledger.demo.year import (ACTIVITIES, CONTRACTORS, DONORS, GRANTS, OFFICE, PROJECTS,
                              SUBSIDIES, SUPPLIERS, TENANTS, Spec, YearPlan)
from ledger.domain.journal import mirrored

COMMITTEE = {"kind": "organisation", "name": "新竹社区居委会 Residents' committee"}
OPENING = [("1002", "general", 180_000), ("1001", "general", 3_000),
           ("1002", "resource", 45_000), ("1001", "activity", 2_000)]
QUARTER_ENDS = {(3, 21), (6, 21), (9, 21), (12, 21)}  # when Chinese banks pay interest


def org(name: str) -> dict[str, str]:
    return {"kind": "organisation", "name": name}


def pair(debit: str, credit: str, fund: str, amount: int) -> list[dict]:
    return [posting(debit, fund, "debit", amount), posting(credit, fund, "credit", amount)]


def opening(plan: YearPlan, day: date) -> None:
    for account, fund, yuan in OPENING:
        amount = int(yuan * plan.scale) * 100
        plan.post(day, "opening", org("期初余额 Opening balance"), pair(account, "3001", fund, amount),
                  "上年结转 brought forward from 2025", [plan.document("bank_statement")])


def scheduled(plan: YearPlan, day: date) -> None:
    for month, day_of_month, fund, yuan, grantor in GRANTS:
        if (day.month, day.day) == (month, day_of_month):
            amount = int(yuan * plan.scale) * 100
            plan.post(day, "grant", org(grantor), pair("1002", "4001", fund, amount),
                      f"财政拨款 grant to the {fund} fund", [plan.document("bank_statement")])
    if day.day == 5:
        for tenant, yuan in TENANTS:
            amount = int(yuan * plan.scale) * 100
            plan.post(day, "rent", org(tenant), pair("1002", "4002", "resource", amount),
                      f"{day.month}月公共用房租金 rent for {day:%B}", [plan.document("receipt")])
    if day.weekday() == 0:
        parking(plan, day)
    if day.day == 28:
        fee = plan.fen(20, 60)
        if plan.money[("1002", "general")] >= fee:
            plan.post(day, "bank_fee", org("中国工商银行 ICBC"), pair("5005", "1002", "general", fee),
                      "银行手续费 bank charges")
    if (day.month, day.day) in QUARTER_ENDS:
        interest = max(100, plan.money[("1002", "general")] * 35 // 40_000)
        plan.post(day, "interest", org("中国工商银行 ICBC"), pair("1002", "4004", "general", interest),
                  "活期利息 quarterly interest")
    if day.day == 25:
        transfer(plan, day, "resource", "activity", 0.4)
    if day.day == 26 and day.month % 3 == 0:
        transfer(plan, day, "resource", "general", 0.3)
    pay_due_invoices(plan, day)


def parking(plan: YearPlan, day: date) -> None:
    amount = plan.fen(1_800, 3_200, scaled=True)
    plan.post(day, "parking", org("临时停车收费 Visitor parking"), pair("1001", "4002", "resource", amount),
              "临时停车费 weekly parking fees (cash)", [plan.document("receipt")])
    cash = plan.money[("1001", "resource")]
    if cash >= int(8_000 * plan.scale) * 100:
        deposit = cash - 100_000
        plan.post(day, "cash_deposit", COMMITTEE, pair("1002", "1001", "resource", deposit),
                  "现金存入银行 cash paid into the bank", [plan.document("bank_statement")])


def transfer(plan: YearPlan, day: date, source: str, target: str, share: float) -> None:
    """Money changes fund only as an explicit pair of postings in each fund."""
    amount = int(plan.money[("1002", source)] * share) // 10_000 * 10_000
    if amount < 100_000:
        return
    lines = [posting("3002", source, "debit", amount), posting("1002", source, "credit", amount),
             posting("1002", target, "debit", amount), posting("3002", target, "credit", amount)]
    plan.post(day, "transfer", COMMITTEE, lines,
              f"公共资源收入统筹 allocation to the {target} fund (居委会决议 committee resolution)")


def pay_due_invoices(plan: YearPlan, day: date) -> None:
    while plan.payments_due and plan.payments_due[0][0] <= day.isoformat():
        _, invoice_seq, info = heapq.heappop(plan.payments_due)
        amount = info["amount"]
        plan.owed["renovation"] -= amount
        plan.post(day, "renovation", org(info["contractor"]),
                  pair("2001", "1002", "renovation", amount),
                  f"支付工程款 payment for {info['project']} (invoice entry #{invoice_seq})",
                  [plan.document("receipt")])


def spend(plan: YearPlan, day: date, fund: str, expense: str, amount: int, cash_share: float,
          category: str, party: dict, memo: str, documents: list[dict]) -> bool:
    account = "1001" if plan.rng.random() < cash_share else "1002"
    if account == "1001" and plan.money[("1001", fund)] < amount:
        withdraw = max(amount - plan.money[("1001", fund)], 300_000) // 10_000 * 10_000 + 10_000
        if plan.money[("1002", fund)] < withdraw:
            account = "1002"
        else:
            plan.post(day, "cash_withdrawal", COMMITTEE, pair("1001", "1002", fund, withdraw),
                      "提取备用金 cash drawn for petty spending", [plan.document("bank_statement")])
    if plan.money[(account, fund)] < amount:
        return False
    plan.post(day, category, party, pair(expense, account, fund, amount), memo, documents,
              reversible=True)
    return True


def activity(plan: YearPlan, day: date) -> bool:
    name = plan.rng.choice(ACTIVITIES)
    return spend(plan, day, "activity", "5001", plan.fen(150, 1_200), 0.4, "activity",
                 org(plan.rng.choice(SUPPLIERS)), f"{name} 活动用品 supplies",
                 [plan.document("receipt")])


def subsidy(plan: YearPlan, day: date) -> bool:
    kind, low, high = plan.rng.choice(SUBSIDIES)
    name, resident = plan.rng.choice(plan.residents)
    person = {"kind": "person", "name": name, "id": resident}
    return spend(plan, day, "livelihood", "5003", plan.fen(low, high), 0.5, "subsidy", person,
                 kind, [plan.document("receipt")])


def office(plan: YearPlan, day: date) -> bool:
    supplier, what = plan.rng.choice(OFFICE)
    return spend(plan, day, "general", "5004", plan.fen(100, 800), 0.2, "office", org(supplier),
                 what, [plan.document("invoice")])


def renovation_invoice(plan: YearPlan, day: date) -> bool:
    """A contractor's invoice is booked as owed; the bank pays it a few weeks later."""
    amount = plan.fen(2_000, 12_000)
    if plan.money[("1002", "renovation")] - plan.owed["renovation"] < amount:
        return False
    project, contractor = plan.rng.choice(PROJECTS), plan.rng.choice(CONTRACTORS)
    seq = plan.post(day, "renovation", org(contractor), pair("5002", "2001", "renovation", amount),
                    f"{project} 工程进度款 progress invoice",
                    [plan.document("invoice"), plan.document("contract")])
    plan.owed["renovation"] += amount
    due = min(day + timedelta(days=plan.rng.randint(7, 25)), plan.last_day)
    heapq.heappush(plan.payments_due, (due.isoformat(), seq, {
        "amount": amount, "contractor": contractor, "project": project}))
    return True


def donation(plan: YearPlan, day: date) -> bool:
    fund = plan.rng.choice(("activity", "livelihood"))
    plan.post(day, "donation", org(plan.rng.choice(DONORS)),
              pair("1002", "4003", fund, plan.fen(200, 3_000)), "社区捐赠 donation",
              [plan.document("receipt")])
    return True


def reversal(plan: YearPlan, day: date) -> bool:
    """红字冲销: a spend the bank slip disagrees with is reversed, then booked again."""
    if not plan.unconfirmed_spends:
        return False
    seq = plan.rng.choice(sorted(plan.unconfirmed_spends))
    original = plan.unconfirmed_spends.pop(seq)
    plan.cancelled.add(seq)
    lines = mirrored(original.body["postings"])
    plan.specs.append(Spec("agent", "entry.reversed", {
        "entry": seq, "date": day.isoformat(), "postings": lines,
        "reason": "金额录入错误，与银行回单不符 amount entered wrongly; differs from the bank slip"}))
    plan.move_money(lines)
    amount = original.body["postings"][0]["amount"]
    corrected = max(100, amount - plan.rng.randint(1, 9) * 100)
    fixed = [{**line, "amount": corrected} for line in original.body["postings"]]
    plan.post(day, original.body["category"], original.body["counterparty"], fixed,
              f"更正 correction of #{seq}: {original.body['memo']}",
              original.body.get("documents"))
    return True


EVENTS: list[tuple[Callable[[YearPlan, date], bool], int]] = [
    (activity, 30), (subsidy, 35), (office, 15), (renovation_invoice, 12), (donation, 6),
    (reversal, 2)]


def random_event(plan: YearPlan, day: date) -> None:
    handlers, weights = zip(*EVENTS)
    handler = plan.rng.choices(handlers, weights)[0]
    if not handler(plan, day):
        donation(plan, day)
