"""A year of a community's books, planned as unsigned statements.

The year runs from 1 January to ``last_day``: the demo passes the day its
clock starts (build day minus ``governance.SPAN``, in the ledger's time zone),
so no business date lies after the day it is signed (ledger/domain/dates.py);
built in December it is nearly the whole year, built in February it is its
first weeks, with the same number of entries.

The plan is a pure function of the seed and the number of entries wanted:
grants arrive; the rented public spaces are in the asset register with a
lease each, and their tenants pay rent on schedule, except one who falls into
arrears (ledger/demo/contracts.py); micro-renovation runs through a few works
contracts paid by instalments, with acceptance and a retention released
later; the seasons bring their activities (Spring Festival, summer
programmes, 重阳节) and the agent records everyday activity and office
spending and livelihood subsidies paid to residents' bank cards; money moves
between funds only through explicit posting pairs; a few entries are
reversed (红字冲销) and corrected; the cashier confirms every bank entry and
most cash entries a few days later; each month the cashier records the bank
statement, the agent closes the month and the supervisors co-sign, and the
committee publishes the month's income and spending (ledger/demo/closes.py).

Every statement carries its day (``Spec.day``): the demo records it on that
day (ledger/demo/build.py), so the log reads as a year lived, not one typed in
afterwards.

It tracks cash and bank per fund exactly as the ledger does, so every spend
it plans is affordable and the server accepts the whole year.
"""

from __future__ import annotations

import hashlib
import heapq
import random
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from ledger.demo.chart import BANK, CASH

SEED = 2026  # the default seed: the same seed plans the same year
CONFIRM_SHARE = 0.92          # the cashier confirms most cash and bank entries
ENTRIES_PER_EVENT = 1.95      # an event, its confirmation, sometimes a payment after it
WORKING_DAYS = 52 * 5 + 52 * 2 * 0.35  # weekends are quieter
CALIBRATION_RUNS = 4
BASE_EVENTS_PER_DAY = 4.0     # what the amounts below are sized for

GRANTS = [  # (month, day, fund, yuan, grantor)
    (1, 8, "general", 70_000, "区财政局 District finance bureau"),
    (1, 10, "livelihood", 70_000, "区民政局 District civil affairs bureau"),
    (1, 15, "renovation", 500_000, "区住房和城乡建设局 District housing bureau"),
    (1, 20, "activity", 40_000, "街道办事处 Street office"),
    (4, 10, "livelihood", 70_000, "区民政局 District civil affairs bureau"),
    (4, 15, "renovation", 400_000, "区住房和城乡建设局 District housing bureau"),
    (7, 8, "general", 70_000, "区财政局 District finance bureau"),
    (7, 10, "livelihood", 70_000, "区民政局 District civil affairs bureau"),
    (7, 15, "renovation", 300_000, "区住房和城乡建设局 District housing bureau"),
    (7, 20, "activity", 40_000, "街道办事处 Street office"),
    (10, 10, "livelihood", 70_000, "区民政局 District civil affairs bureau"),
]
SUPPLIERS = ["阳光文体用品店", "新竹印刷厂", "惠民超市", "红星音响租赁", "绿茵花卉园艺"]
ACTIVITIES = ["健康讲座 Health talk", "社区运动会 Sports day", "亲子阅读会 Family reading",
              "消防演练 Fire drill", "垃圾分类宣传 Waste sorting campaign",
              "文艺汇演 Variety show", "志愿者服务 Volunteer service"]
OFFICE = [("晨光文具", "办公用品 office supplies"), ("国家电网", "活动室电费 electricity"),
          ("自来水公司", "水费 water"), ("中国电信", "宽带 broadband")]
REPAIRERS = ["老周水电维修部", "便民五金维修店", "顺达管道疏通", "金盾门窗维修",
             "明亮灯具维修", "平安防水补漏", "巧手泥瓦工作室", "邻里家电维修"]  # small repairs
PROJECTS = ["楼道照明维修 Stairwell lighting repairs", "井盖更换 Manhole covers replaced",
            "健身器材维护 Fitness equipment upkeep", "单元门禁维修 Entrance door repairs"]
SUBSIDIES = [("高龄津贴 old-age allowance", 200, 600), ("困难家庭慰问 hardship support", 500, 1_500),
             ("助学补助 study grant", 600, 1_500), ("节日慰问 festival visit", 200, 500),
             ("残疾人护理补贴 disability care allowance", 300, 800)]
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何林罗高"
GIVEN_LAST = "兰国英强珍华明燕伟芳梅静军平红"
DONORS = ["热心居民 Resident donor", "新竹商会 Xinzhu chamber of commerce", "辖区共建单位 Partner unit"]


@dataclass(frozen=True)
class Spec:
    """One statement to sign: which demo role signs it, its type and body."""

    role: str
    type: str
    body: dict[str, Any]
    day: date | None = None  # the day it is signed and recorded on
    # A periodic disclosure whose sheet_sha256 and totals are rendered from the log
    # when it is signed (ledger/demo/closes.py): the plan cannot know the log's head.
    sheet: bool = False


class YearPlan:
    def __init__(self, seed: int, count: int | None, first_seq: int, per_day: float,
                 last_day: date) -> None:
        self.rng = random.Random(seed)
        self.seed, self.count, self.first_seq = seed, count, first_seq
        self.year, self.last_day = last_day.year, last_day
        self.today = date(self.year, 1, 1)
        self.per_day = per_day  # random events on a working day (a third of it at weekends)
        self.scale = max(1.0, per_day / BASE_EVENTS_PER_DAY)  # income grows with spending
        self.specs: list[Spec] = []
        self.money: dict[tuple[str, str], int] = defaultdict(int)  # (cash/bank account, fund)
        self.owed: dict[str, int] = defaultdict(int)   # renovation invoices not yet paid
        self.reserved = 0  # renovation money the works contracts will still pay out
        self.confirm_queue: list[tuple[str, int, str]] = []
        self.payments_due: list[tuple[str, int, dict]] = []
        self.unconfirmed_spends: dict[int, Spec] = {}  # spends awaiting confirmation
        self.cancelled: set[int] = set()
        self.documents = 0
        # Bank money as the bank sees it: what each entry moved on account 1002 (all
        # funds) and the day the cashier confirmed it (ledger/demo/closes.py).
        self.bank_moved: dict[int, int] = {}
        self.bank_confirmed: dict[int, str] = {}
        self.contracts: dict[str, int] = {}   # plan's name -> seq of contract.signed
        self.residents = [(self._person_name(), f"resident-{i:04d}") for i in range(1, 151)]

    # --- helpers --------------------------------------------------------------

    @property
    def full(self) -> bool:
        return self.count is not None and len(self.specs) >= self.count

    @property
    def next_seq(self) -> int:
        return self.first_seq + len(self.specs)

    def fen(self, low_yuan: float, high_yuan: float, scaled: bool = False) -> int:
        factor = self.scale if scaled else 1.0
        yuan = self.rng.randint(int(low_yuan * factor), int(high_yuan * factor))
        return yuan * 100 + self.rng.choice((0, 0, 0, 50))

    def _person_name(self) -> str:
        # Disclosures show residents' names masked, the way notice boards do.
        return f"{self.rng.choice(SURNAMES)}*{self.rng.choice(GIVEN_LAST)}"

    def document(self, kind: str) -> dict[str, str]:
        self.documents += 1
        digest = hashlib.sha256(f"sunledger-demo/{self.seed}/{kind}/{self.documents}".encode())
        return {"kind": kind, "sha256": digest.hexdigest()}

    def add(self, role: str, type: str, body: dict[str, Any]) -> int:
        """Plan a statement, signed on the day being planned; returns its seq."""
        seq = self.next_seq
        self.specs.append(Spec(role, type, body, self.today))
        return seq

    def post(self, day: date, category: str, party: dict, lines: list[dict], memo: str,
             documents: list[dict] | None = None, confirm: bool = True,
             reversible: bool = False, **extra: Any) -> int:
        body: dict[str, Any] = {"date": day.isoformat(), "category": category, "memo": memo,
                                "counterparty": party, "postings": lines, **extra}
        if documents:
            body["documents"] = documents
        seq = self.add("agent", "entry.posted", body)
        spec = self.specs[-1]
        moves = self.move_money(lines, seq)
        bank = seq in self.bank_moved
        # The bank shows every transfer sooner or later; cash slips go missing now and then.
        if moves and confirm and (bank or self.rng.random() < CONFIRM_SHARE):
            later = min(day + timedelta(days=self.rng.randint(0, 4)), self.last_day)
            reference = f"ICBC{later:%Y%m%d}{seq:06d}" if bank else ""
            heapq.heappush(self.confirm_queue, (later.isoformat(), seq, reference))
            if reversible:
                self.unconfirmed_spends[seq] = spec
        return seq

    def move_money(self, lines: list[dict], seq: int) -> bool:
        moved = False
        for line in lines:
            if line["account"] in (CASH, BANK):
                sign = 1 if line["side"] == "debit" else -1
                self.money[(line["account"], line["fund"])] += sign * line["amount"]
                if line["account"] == BANK:
                    self.bank_moved[seq] = self.bank_moved.get(seq, 0) + sign * line["amount"]
                moved = True
        return moved

    def flush_confirmations(self, day: date) -> None:
        while self.confirm_queue and self.confirm_queue[0][0] <= day.isoformat():
            when, seq, reference = heapq.heappop(self.confirm_queue)
            if seq in self.cancelled:  # reversed before the bank showed it: never confirmed
                continue
            self.unconfirmed_spends.pop(seq, None)
            body: dict[str, Any] = {"entry": seq, "date": when}
            if reference:
                body["bank_reference"] = reference
            if seq in self.bank_moved:
                self.bank_confirmed[seq] = when
            self.add("cashier", "entry.confirmed", body)

    # --- the year -------------------------------------------------------------

    def plan(self) -> list[Spec]:
        from ledger.demo import closes, contracts, events

        day = date(self.year, 1, 1)
        events.opening(self, day)
        contracts.sign_leases(self, day)
        while day <= self.last_day and not self.full:
            self.today = day
            self.flush_confirmations(day)
            closes.month_end(self, day)
            contracts.scheduled(self, day)
            events.scheduled(self, day)
            rate = self.per_day * (0.35 if day.weekday() >= 5 else 1.0)
            for _ in range(int(rate) + (self.rng.random() < rate % 1)):
                events.random_event(self, day)
            day += timedelta(days=1)
        last = self.last_day
        self.flush_confirmations(last)
        while self.count and not self.full:  # top up to exactly the entries asked for
            events.random_event(self, last)
            self.flush_confirmations(last)
        return self.specs[:self.count]


def plan_year(seed: int, count: int, first_seq: int, last_day: date
              ) -> tuple[list[Spec], float]:
    """``count`` statements from 1 January to ``last_day``, and the factor income
    was scaled by.

    The rate of everyday events is tuned (a few cheap dry runs of the whole
    span) so that the span ends near ``last_day`` with exactly ``count``.
    """
    scheduled = len(YearPlan(seed, None, first_seq, 0.0, last_day).plan())
    share = ((last_day - date(last_day.year, 1, 1)).days + 1) / 365
    per_day = max(0.0, (count - scheduled) / ENTRIES_PER_EVENT / (WORKING_DAYS * share))
    for _ in range(CALIBRATION_RUNS):
        produced = len(YearPlan(seed, None, first_seq, per_day, last_day).plan())
        if per_day == 0 or produced <= scheduled or abs(produced - count) <= count // 100:
            break
        per_day *= (count - scheduled) / (produced - scheduled)
    plan = YearPlan(seed, count, first_seq, per_day, last_day)
    return plan.plan(), plan.scale

