"""What happens in a community's year, as postings (used by ledger.demo.year).

Each spending event returns False when its fund cannot afford it; the plan
then records income instead, so a year always has the entries asked for.
"""

from __future__ import annotations

import heapq
from datetime import date, timedelta
from typing import Callable

from ledger.client import posting
from ledger.demo.chart import (ACTIVITY, BANK, BANK_CHARGES, CASH, DONATIONS, GRANTS as GRANT,
                               INTEREST, OFFICE as OFFICE_COSTS, PARKING, PAYABLES, SUBSIDIES as
                               SUBSIDY, WORKS, net_assets_of, transfers_of)
from ledger.demo.year import (ACTIVITIES, DONORS, GRANTS, OFFICE, PROJECTS, REPAIRERS,
                              SUBSIDIES, SUPPLIERS, YearPlan)
from ledger.domain.journal import mirrored

COMMITTEE = {"kind": "organisation", "name": "新竹社区居委会 Residents' committee"}
OPENING = [(BANK, "general", 180_000), (CASH, "general", 3_000),
           (BANK, "resource", 45_000), (CASH, "activity", 2_000)]
SEASONS = [  # (month, day, fund, what, yuan from, to): the activities every year brings
    (1, 20, "activity", "春节写春联送福 Spring Festival couplets", 800, 1_500),
    (1, 26, "livelihood", "春节困难家庭慰问 Spring Festival visits to families in need",
     3_000, 6_000),
    (2, 12, "activity", "元宵节猜灯谜 Lantern Festival riddles", 600, 1_200),
    (3, 5, "activity", "学雷锋志愿服务 Volunteer day", 300, 800),
    (6, 16, "activity", "端午节包粽子 Dragon Boat Festival zongzi", 600, 1_400),
    (7, 13, "activity", "暑期青少年课堂 Summer programme for children (July)", 2_000, 4_000),
    (8, 3, "activity", "暑期青少年课堂 Summer programme for children (August)", 2_000, 4_000),
    (9, 22, "activity", "中秋邻里节 Mid-Autumn neighbours' festival", 1_000, 2_500),
    (10, 16, "activity", "重阳节敬老宴 Double Ninth lunch for elders", 2_500, 5_000),
    (10, 17, "livelihood", "重阳节高龄老人慰问 Double Ninth visits to the over-80s", 3_000, 6_000),
]
QUARTER_ENDS = {(3, 21), (6, 21), (9, 21), (12, 21)}  # when Chinese banks pay interest


def org(name: str) -> dict[str, str]:
    return {"kind": "organisation", "name": name}


def pair(debit: str, credit: str, fund: str, amount: int) -> list[dict]:
    return [posting(debit, fund, "debit", amount), posting(credit, fund, "credit", amount)]


def opening(plan: YearPlan, day: date) -> None:
    for account, fund, yuan in OPENING:
        amount = int(yuan * plan.scale) * 100
        plan.post(day, "opening", org("期初余额 Opening balance"),
                  pair(account, net_assets_of(fund), fund, amount),
                  "上年结转 brought forward from 2025", [plan.document("bank_statement")])


def scheduled(plan: YearPlan, day: date) -> None:
    for month, day_of_month, fund, yuan, grantor in GRANTS:
        if (day.month, day.day) == (month, day_of_month):
            amount = int(yuan * plan.scale) * 100
            plan.post(day, "grant", org(grantor), pair(BANK, GRANT, fund, amount),
                      f"财政拨款 grant to the {fund} fund", [plan.document("bank_statement")])
    for month, day_of_month, fund, what, low, high in SEASONS:
        if (day.month, day.day) == (month, day_of_month):
            seasonal(plan, day, fund, what, plan.fen(low, high))
    if day.weekday() == 0:
        parking(plan, day)
    if day.day == 28:
        fee = plan.fen(20, 60)
        if plan.money[(BANK, "general")] >= fee:
            plan.post(day, "bank_fee", org("中国工商银行 ICBC"),
                      pair(BANK_CHARGES, BANK, "general", fee),
                      "银行手续费 bank charges")
    if (day.month, day.day) in QUARTER_ENDS:
        interest = max(100, plan.money[(BANK, "general")] * 35 // 40_000)
        plan.post(day, "interest", org("中国工商银行 ICBC"), pair(BANK, INTEREST, "general", interest),
                  "活期利息 quarterly interest")
    if day.day == 25:
        transfer(plan, day, "resource", "activity", 0.4)
    if day.day == 26 and day.month % 3 == 0:
        transfer(plan, day, "resource", "general", 0.3)
    pay_due_invoices(plan, day)


def parking(plan: YearPlan, day: date) -> None:
    amount = plan.fen(1_800, 3_200, scaled=True)
    plan.post(day, "parking", org("临时停车收费 Visitor parking"),
              pair(CASH, PARKING, "resource", amount),
              "临时停车费 weekly parking fees (cash)", [plan.document("receipt")])
    cash = plan.money[(CASH, "resource")]
    if cash >= int(8_000 * plan.scale) * 100:
        deposit = cash - 100_000
        plan.post(day, "cash_deposit", COMMITTEE, pair(BANK, CASH, "resource", deposit),
                  "现金存入银行 cash paid into the bank", [plan.document("bank_statement")])


def transfer(plan: YearPlan, day: date, source: str, target: str, share: float) -> None:
    """Money changes fund only as an explicit pair of postings in each fund."""
    amount = int(plan.money[(BANK, source)] * share) // 10_000 * 10_000
    if amount < 100_000:
        return
    lines = [posting(transfers_of(source), source, "debit", amount),
             posting(BANK, source, "credit", amount),
             posting(BANK, target, "debit", amount),
             posting(transfers_of(target), target, "credit", amount)]
    plan.post(day, "transfer", COMMITTEE, lines,
              f"公共资源收入统筹 allocation to the {target} fund (居委会决议 committee resolution)")


def pay_due_invoices(plan: YearPlan, day: date) -> None:
    while plan.payments_due and plan.payments_due[0][0] <= day.isoformat():
        _, invoice_seq, info = heapq.heappop(plan.payments_due)
        amount = info["amount"]
        plan.owed["renovation"] -= amount
        plan.post(day, "renovation", org(info["contractor"]),
                  pair(PAYABLES, BANK, "renovation", amount),
                  f"支付工程款 payment for {info['project']} (invoice entry #{invoice_seq})",
                  [plan.document("receipt")])


def spend(plan: YearPlan, day: date, fund: str, expense: str, amount: int, cash_share: float,
          category: str, party: dict, memo: str, documents: list[dict]) -> bool:
    account = CASH if plan.rng.random() < cash_share else BANK
    if account == CASH and plan.money[(CASH, fund)] < amount:
        withdraw = max(amount - plan.money[(CASH, fund)], 300_000) // 10_000 * 10_000 + 10_000
        if plan.money[(BANK, fund)] < withdraw:
            account = BANK
        else:
            plan.post(day, "cash_withdrawal", COMMITTEE, pair(CASH, BANK, fund, withdraw),
                      "提取备用金 cash drawn for petty spending", [plan.document("bank_statement")])
    if plan.money[(account, fund)] < amount:
        return False
    plan.post(day, category, party, pair(expense, account, fund, amount), memo, documents,
              reversible=True)
    return True


def activity(plan: YearPlan, day: date) -> bool:
    name = plan.rng.choice(ACTIVITIES)
    return spend(plan, day, "activity", ACTIVITY, plan.fen(150, 1_200), 0.4, "activity",
                 org(plan.rng.choice(SUPPLIERS)), f"{name} 活动用品 supplies",
                 [plan.document("receipt")])


def seasonal(plan: YearPlan, day: date, fund: str, what: str, amount: int) -> bool:
    """A festival or a programme the community holds at the same time every year."""
    if fund == "livelihood":  # gifts to many households: one transfer to their cards
        return spend(plan, day, fund, SUBSIDY, amount, 0.0, "subsidy",
                     org("节日慰问对象 households visited (名单见附件)"), what,
                     [plan.document("receipt"), plan.document("other")])
    return spend(plan, day, fund, ACTIVITY, amount, 0.3, "activity",
                 org(plan.rng.choice(SUPPLIERS)), what, [plan.document("receipt")])


def subsidy(plan: YearPlan, day: date) -> bool:
    """Subsidies go to the resident's social-security bank card (惠民资金一卡通), never in cash."""
    kind, low, high = plan.rng.choice(SUBSIDIES)
    name, resident = plan.rng.choice(plan.residents)
    person = {"kind": "person", "name": name, "id": resident}
    return spend(plan, day, "livelihood", SUBSIDY, plan.fen(low, high), 0.0, "subsidy", person,
                 f"{kind} 打卡发放 paid to the resident's bank card", [plan.document("receipt")])


def office(plan: YearPlan, day: date) -> bool:
    supplier, what = plan.rng.choice(OFFICE)
    return spend(plan, day, "general", OFFICE_COSTS, plan.fen(100, 800), 0.2, "office",
                 org(supplier), what, [plan.document("invoice")])


def renovation_invoice(plan: YearPlan, day: date) -> bool:
    """A small repair's invoice is booked as owed; the bank pays it a few weeks later
    (the big works run through contracts: ledger/demo/contracts.py)."""
    amount = plan.fen(300, 2_500)
    if plan.money[(BANK, "renovation")] - plan.owed["renovation"] - plan.reserved < amount:
        return False
    project, contractor = plan.rng.choice(PROJECTS), plan.rng.choice(REPAIRERS)
    seq = plan.post(day, "renovation", org(contractor), pair(WORKS, PAYABLES, "renovation", amount),
                    f"{project} 维修费 repair invoice", [plan.document("invoice")])
    plan.owed["renovation"] += amount
    due = min(day + timedelta(days=plan.rng.randint(7, 25)), plan.last_day)
    heapq.heappush(plan.payments_due, (due.isoformat(), seq, {
        "amount": amount, "contractor": contractor, "project": project}))
    return True


def donation(plan: YearPlan, day: date) -> bool:
    fund = plan.rng.choice(("activity", "livelihood"))
    plan.post(day, "donation", org(plan.rng.choice(DONORS)),
              pair(BANK, DONATIONS, fund, plan.fen(200, 3_000)), "社区捐赠 donation",
              [plan.document("receipt")])
    return True


def reversal(plan: YearPlan, day: date) -> bool:
    """红字冲销: a cash spend its receipt disagrees with is reversed, then booked again.
    (Cash only: a wrong bank entry and its reversal, which the bank never shows, would
    stand as items in transit on every bank reconciliation after them.)"""
    cash_spends = sorted(seq for seq, spec in plan.unconfirmed_spends.items()
                         if all(line["account"] != BANK for line in spec.body["postings"]))
    if not cash_spends:
        return False
    seq = plan.rng.choice(cash_spends)
    original = plan.unconfirmed_spends.pop(seq)
    plan.cancelled.add(seq)
    lines = mirrored(original.body["postings"])
    reversal = plan.add("agent", "entry.reversed", {
        "entry": seq, "date": day.isoformat(), "postings": lines,
        "reason": "金额录入错误，与收据不符 amount entered wrongly; differs from the receipt"})
    plan.move_money(lines, reversal)
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
