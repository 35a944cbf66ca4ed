"""The demo year's contracts (合同台账): leases of the public spaces, and works.

Leases. The rented spaces are in the asset register, each with a one-year lease
signed in January (rent due on the 1st of each month, paid on the 5th into the
public-resource fund, each receipt naming its contract and month). One tenant,
the parcel station, stops paying three months before the end of the planned
span, so the ledger shows it in arrears (``/receivables``, the ``arrears`` red
flag) whenever the demo is built. On the plan's last day the others pay the
next two months ahead (预收账款, a liability until the month comes): the demo
ends SPAN before the real time, and without it every tenant would look in
arrears for the weeks between the demo's end and the day it is served.

Works. Micro-renovation runs through three payable contracts with instalments:
each is paid as its lines fall due (each instalment below the policy's approval
threshold, each contract below the major-matter threshold, so none waits for
a meeting, and more than a month apart, so none looks like a split payment),
accepted (验收) before its final payment, and keeps a 5% retention (质保金) on
应付账款, released on its date. A line the renovation fund cannot pay
when due stays open (it shows as payable, overdue).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from ledger.client import posting
from ledger.demo.chart import BANK, PAYABLES, RECEIVED_IN_ADVANCE, RENT, WORKS
from ledger.demo.year import YearPlan

YUAN = 100
LEASE_FUND = "resource"
RENT_DAY = 5
ARREARS_MONTHS = 3  # the parcel station's last unpaid months
PREPAID_MONTHS = 2  # covers the demo clock's SPAN (45 days) after the plan's last day


@dataclass(frozen=True)
class Lease:
    asset: str
    kind: str
    name_zh: str
    name_en: str
    location: str
    tenant: str
    rent: int  # yuan a month


LEASES = [
    Lease("shop-2", "shop", "便民超市用房", "Convenience store premises", "新竹路5号一楼",
          "便民超市 Convenience store", 4_800),
    Lease("room-3", "room", "快递驿站用房", "Parcel station room", "新竹路7号一楼",
          "菜鸟驿站 Parcel station", 2_600),
    Lease("room-4", "room", "社区食堂用房", "Community canteen premises", "新竹路3号一楼",
          "社区食堂 Community canteen", 3_200),
    Lease("land-1", "land", "小区东侧停车场", "East car park", "新竹小区东门内",
          "安泊停车管理公司 Parking operator", 6_500),
    Lease("other-1", "other", "东门广告位", "Billboard at the east gate", "新竹小区东门",
          "城市之光广告公司 Billboard", 1_500),
]
DEFAULTER = "room-3"


@dataclass(frozen=True)
class Works:
    name: str
    contractor: str
    subject: str
    signed: tuple[int, int]                   # month, day
    instalments: tuple[tuple[int, int, int], ...]  # month, day, yuan; the last is the final
    accepted: tuple[int, int]
    retention: int                            # yuan
    release: tuple[int, int]

    @property
    def total(self) -> int:
        return sum(yuan for *_, yuan in self.instalments) + self.retention


WORKS_CONTRACTS = [  # payments to one contractor more than 30 days apart (split_window_days)
    Works("rain", "通达市政工程有限公司", "雨污分流改造 Rain and sewage separation", (3, 1),
          ((3, 16, 18_000), (4, 30, 19_000), (6, 15, 19_000), (7, 31, 19_000), (9, 15, 16_200)),
          (8, 10), 4_800, (11, 20)),
    Works("park", "绿城园林绿化公司", "口袋公园 Pocket park", (4, 1),
          ((4, 10, 19_000), (5, 20, 19_000), (6, 30, 17_000), (8, 10, 13_400)),
          (8, 5), 3_600, (10, 15)),
    Works("shed", "捷安车棚工程有限公司", "非机动车棚及充电桩 E-bike shed and chargers", (6, 1),
          ((6, 15, 19_000), (7, 31, 19_000), (9, 15, 17_100)),
          (9, 10), 2_900, (12, 15)),
]


def org(name: str) -> dict[str, str]:
    return {"kind": "organisation", "name": name}


def sign_leases(plan: YearPlan, day: date) -> None:
    """The spaces into the asset register, and a year's lease on each (January)."""
    year = day.year
    for lease in LEASES:
        plan.add("agent", "asset.registered", {
            "code": lease.asset, "kind": lease.kind, "name_zh": lease.name_zh,
            "name_en": lease.name_en, "location": lease.location, "book_value": 0})
    for lease in LEASES:
        plan.contracts[lease.asset] = plan.add("committee", "contract.signed", {
            "direction": "receivable", "party": org(lease.tenant),
            "subject": f"{lease.name_zh}租赁 lease of the {lease.name_en.lower()}",
            "fund": LEASE_FUND, "total": lease.rent * 12 * YUAN,
            "starts": f"{year}-01-01", "ends": f"{year}-12-31",
            "schedule": {"every": "month", "amount": lease.rent * YUAN},
            "contract_sha256": plan.document("contract")["sha256"], "asset": lease.asset,
            "memo": "续租一年 renewed for the year, rent due on the 1st"})


def scheduled(plan: YearPlan, day: date) -> None:
    if day.day == RENT_DAY:
        collect_rent(plan, day)
    if day == plan.last_day:
        prepay_rent(plan, day)
    for works in WORKS_CONTRACTS:
        works_day(plan, day, works)


def collect_rent(plan: YearPlan, day: date) -> None:
    last_paid_month = plan.last_day.month - ARREARS_MONTHS
    for lease in LEASES:
        if lease.asset == DEFAULTER and day.month > last_paid_month:
            continue  # the parcel station has stopped paying: its rent falls into arrears
        amount = lease.rent * YUAN
        plan.post(day, "rent", org(lease.tenant), pair(BANK, RENT, amount),
                  f"{day.month}月租金 {lease.name_zh} rent for {day:%B}",
                  [plan.document("receipt")], contract=plan.contracts[lease.asset],
                  schedule_line=day.month - 1)


def prepay_rent(plan: YearPlan, day: date) -> None:
    """The paying tenants pay ahead to two months after ``day`` (not past the lease's
    end); this month's rent too when its rent day has not come yet."""
    due_now = 1 if day.day < RENT_DAY else 0  # this month's rent, not yet collected
    ahead = min(day.month + PREPAID_MONTHS, 12) - day.month
    if due_now + ahead == 0:
        return
    for lease in LEASES:
        if lease.asset == DEFAULTER:
            continue
        rent = lease.rent * YUAN
        lines = [posting(BANK, LEASE_FUND, "debit", rent * (due_now + ahead))]
        if due_now:
            lines.append(posting(RENT, LEASE_FUND, "credit", rent))
        if ahead:
            lines.append(posting(RECEIVED_IN_ADVANCE, LEASE_FUND, "credit", rent * ahead))
        # No schedule_line: the payment settles the open months oldest first.
        plan.post(day, "rent", org(lease.tenant), lines,
                  f"{lease.name_zh} 预付租金至{day.month + ahead}月 rent paid up to month "
                  f"{day.month + ahead}", [plan.document("receipt")],
                  contract=plan.contracts[lease.asset])


def pair(debit: str, credit: str, amount: int, fund: str = LEASE_FUND) -> list[dict]:
    return [posting(debit, fund, "debit", amount), posting(credit, fund, "credit", amount)]


def works_day(plan: YearPlan, day: date, works: Works) -> None:
    """Whatever ``works`` has on ``day``: signing, an instalment, acceptance, retention."""
    when = (day.month, day.day)
    if when == works.signed:
        sign_works(plan, day, works)
    seq = plan.contracts.get(works.name)
    if seq is None:
        return
    if when == works.accepted:
        plan.add("committee", "contract.accepted", {
            "contract": seq, "accepted_on": day.isoformat(),
            "report_sha256": plan.document("other")["sha256"],
            "memo": "居民代表、监委会和监理共同验收合格 accepted with residents' representatives"})
    for line, (month, day_of_month, yuan) in enumerate(works.instalments):
        if when == (month, day_of_month):
            final = line == len(works.instalments) - 1
            pay_works(plan, day, works, seq, line, yuan * YUAN,
                      works.retention * YUAN if final else 0)
    if when == works.release:
        release_retention(plan, day, works, seq)


def sign_works(plan: YearPlan, day: date, works: Works) -> None:
    year = day.year
    *lines, (month, day_of_month, final) = works.instalments
    schedule = [{"due_on": date(year, m, d).isoformat(), "amount": yuan * YUAN}
                for m, d, yuan in lines]
    schedule.append({"due_on": date(year, month, day_of_month).isoformat(),
                     "amount": final * YUAN, "kind": "final"})
    plan.contracts[works.name] = plan.add("committee", "contract.signed", {
        "direction": "payable", "party": org(works.contractor), "subject": works.subject,
        "fund": "renovation", "total": works.total * YUAN,
        "starts": day.isoformat(), "ends": schedule[-1]["due_on"],
        "schedule": {"instalments": schedule},
        "retention": {"amount": works.retention * YUAN,
                      "release_on": date(year, *works.release).isoformat(),
                      "account": PAYABLES},
        "contract_sha256": plan.document("contract")["sha256"],
        "memo": "公开比选确定施工单位 contractor chosen by open comparison"})
    plan.reserved += works.total * YUAN


def pay_works(plan: YearPlan, day: date, works: Works, seq: int, line: int, amount: int,
              retention: int) -> None:
    """An instalment; the final one also books the retention as owed (应付账款)."""
    if plan.money[(BANK, "renovation")] < amount:
        return  # the fund cannot pay it today: the line stays open
    lines = [posting(WORKS, "renovation", "debit", amount + retention),
             posting(BANK, "renovation", "credit", amount)]
    if retention:
        lines.append(posting(PAYABLES, "renovation", "credit", retention))
    kind = "尾款(含质保金挂账) final payment, retention held" if retention else "进度款 instalment"
    plan.post(day, "renovation", org(works.contractor), lines,
              f"{works.subject} {kind}", [plan.document("invoice")], contract=seq,
              schedule_line=line)
    plan.reserved = max(0, plan.reserved - amount)


def release_retention(plan: YearPlan, day: date, works: Works, seq: int) -> None:
    amount = works.retention * YUAN
    paid_final = any(spec.body.get("contract") == seq
                     and spec.body.get("schedule_line") == len(works.instalments) - 1
                     for spec in plan.specs if spec.type == "entry.posted")
    if not paid_final or plan.money[(BANK, "renovation")] < amount:
        return
    plan.post(day, "renovation", org(works.contractor),
              pair(PAYABLES, BANK, amount, fund="renovation"),
              f"{works.subject} 质保期满退还质保金 retention released", [plan.document("receipt")],
              contract=seq, schedule_line=len(works.instalments))
    plan.reserved = max(0, plan.reserved - amount)
