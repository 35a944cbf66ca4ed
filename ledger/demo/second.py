"""The second demo community: 河畔社区 (ledger ``hepan``), small and mostly well kept, so
the street office's overview (``/overview``, ``GET /v1/overview``) compares two.

`sunledger demo` builds it once beside 新竹社区 (``build_second_if_missing``: a
ledger that exists is left as it is, so ``--if-missing`` stays idempotent). Its own
keys (under ``DATA_DIR/keys/hepan/``), log key and intake key; three funds of its
own; then some fourteen weeks of books up to five days before the build: monthly
grants and parking rent, activity spending, livelihood subsidies and the elderly
canteen's bills, each confirmed by the cashier the next day, and monthly and
quarterly disclosures on the notice board. What the overview should find, by the
default rule (``projections.risk_grade``) an ordinary (一般) community beside
新竹社区's priority (重点) one:

- one overdue disclosure: the first month's income and spending was never posted
  (the months after it were, so last month's disclosure rate is 100%);
- one open red flag: one printing invoice paid twice (``duplicate-document``); a round
  sum paid in cash (``round-cash``) was raised as an inspection finding by the auditor,
  rectified by the committee and closed, so that flag is no longer open;
- one cash entry the cashier never confirmed (a canteen bill, weeks ago);
- one residents' question unanswered for weeks (and one asked the last day), one
  answered, closed and rated satisfied;
- no rent in arrears, no overdue rectification.

It is recorded on its own clock, ``SPAN`` in the past and moved a day at a time, so
every business date and signature is in the past of a server started afterwards
(like ``ledger.demo.governance``'s clock, which it does not share).
"""

from __future__ import annotations

import hashlib
import random
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any, Iterator

from ledger.client import Signer, posting
from ledger.demo.build import LABELS, DemoResult, role_keys
from ledger.domain.dates import local_day
from ledger.domain.disclosure_schedule import period_bounds, period_of
from ledger.domain.disclosures import STANDARD_CATALOGUE
from ledger.domain.questions import receipt_hash
from ledger.domain.sheets import period_sheet
from ledger.format.statements import Entry, SignedStatement, format_time, utc_now
from ledger.keystore import intake_keys, keyring
from ledger.log.appender import Appender
from ledger.log.application import LedgerApplication

SLUG = "hepan"
NAME = "河畔社区"
SEED = 2027
SPAN = timedelta(days=100)       # the clock starts this far back ...
END_BEFORE = timedelta(days=5)   # ... and stops this long before the build
YUAN = 100
FUNDS = [  # code, 中文, English, earmarked, purpose
    ("general", "一般资金", "General fund", False, "社区日常运转 day-to-day running"),
    ("livelihood", "惠民资金", "People's livelihood fund", True,
     "困难群众和高龄老人补助 subsidies to residents in need"),
    ("elderly", "居家养老服务资金", "Home care for the elderly fund", True,
     "长者食堂和上门照护 the elders' canteen and home visits"),
]
ACCOUNTS = [  # code, 中文, English, class, money kind
    ("1001", "库存现金", "Cash", "asset", "cash"),
    ("1002", "银行存款", "Bank deposits", "asset", "bank"),
    ("3001", "净资产", "Net assets", "net_assets", None),
    ("4001", "财政补助收入", "Government grants", "income", None),
    ("4002", "公共资源收入", "Public resource income", "income", None),
    ("5001", "活动支出", "Activity spending", "expense", None),
    ("5003", "惠民补助支出", "Livelihood subsidies", "expense", None),
    ("5004", "办公支出", "Office spending", "expense", None),
    ("5006", "养老服务支出", "Elderly care spending", "expense", None),
]
BUDGETS = {"general": 240_000, "livelihood": 150_000, "elderly": 100_000}  # yuan
GRANTS = {"general": 20_000, "livelihood": 12_000, "elderly": 8_000}  # yuan, each month
STREET = {"kind": "organisation", "name": "滨江街道办事处 Binjiang street office"}
CIVIL = {"kind": "organisation", "name": "区民政局 District civil affairs bureau"}
PARKING = {"kind": "organisation", "name": "河畔停车管理公司 Riverside parking"}
CANTEEN = {"kind": "organisation", "name": "河畔长者食堂 Riverside elders' canteen"}
PRINTER = {"kind": "organisation", "name": "河畔印刷店 Riverside print shop"}
SUPPLIERS = ["河畔文体用品店", "滨江花卉园艺", "便民五金店", "河畔音响租赁"]
RESIDENTS = ["钱*芳", "孙*国", "周*兰", "吴*强", "郑*华", "冯*梅", "陈*军"]


class Clock:
    """Real time shifted back by ``SPAN`` at first; ``advance`` moves it forward."""

    def __init__(self) -> None:
        self.offset = -SPAN

    def __call__(self) -> datetime:
        return utc_now() + self.offset

    def advance(self, **delta: float) -> None:
        self.offset += timedelta(**delta)


@contextmanager
def _recorded_on(app: LedgerApplication, clock: Clock) -> Iterator[None]:
    own = app.clock
    app.clock = clock
    try:
        yield
    finally:
        app.clock = own


def sha(text: str) -> str:
    return hashlib.sha256(f"sunledger-demo/hepan/{text}".encode("utf-8")).hexdigest()


@dataclass
class Books:
    """The build's state: who signs, the clock, every entry so far, what to confirm."""

    appender: Appender
    keys: dict[str, Signer]
    clock: Clock
    rng: random.Random = field(default_factory=lambda: random.Random(SEED))
    entries: list[Entry] = field(default_factory=list)
    to_confirm: list[tuple[int, str]] = field(default_factory=list)  # (seq, its date)
    published: set[tuple[str, str]] = field(default_factory=set)  # (item, period)

    @property
    def at(self) -> dict[str, Any]:
        return {"signed_at": self.clock()}

    @property
    def today(self) -> date:
        return local_day(format_time(self.clock()))

    def submit(self, signed: SignedStatement) -> int:
        receipt = self.appender.append_and_wait(signed)
        self.entries.append(receipt.entry)
        return receipt.seq

    def post(self, role: str, category: str, party: dict, lines: list[dict], memo: str,
             *, documents: list | None = None, confirm: bool = True) -> int:
        seq = self.submit(self.keys[role].post(self.today.isoformat(), category, party, lines,
                                               memo, documents, **self.at))
        if confirm:
            self.to_confirm.append((seq, self.today.isoformat()))
        return seq

    def receive(self, fund: str, income: str, party: dict, yuan: int, memo: str) -> int:
        amount = yuan * YUAN
        return self.post("agent", "grant" if income == "4001" else "parking", party,
                         [posting("1002", fund, "debit", amount),
                          posting(income, fund, "credit", amount)], memo)

    def pay(self, fund: str, category: str, party: dict, amount: int, memo: str, *,
            expense: str, money: str = "1002", documents: list | None = None,
            confirm: bool = True) -> int:
        return self.post("agent", category, party,
                         [posting(expense, fund, "debit", amount),
                          posting(money, fund, "credit", amount)], memo,
                         documents=documents, confirm=confirm)

    def confirm_waiting(self) -> None:
        """The cashier confirms yesterday's (and older) money, dated today."""
        waiting, self.to_confirm = self.to_confirm, []
        for seq, dated in waiting:
            if dated < self.today.isoformat():
                self.submit(self.keys["cashier"].confirm(
                    seq, self.today.isoformat(), f"HP{self.today:%Y%m%d}{seq:05d}", **self.at))
            else:
                self.to_confirm.append((seq, dated))

    def disclose(self, item: str, period: str, fund: str) -> None:
        """Post a period's income and spending of ``fund`` on the notice board."""
        state = self.appender.app.state(SLUG)
        sheet = period_sheet(state, self.entries, period=period, fund=fund)
        self.submit(self.keys["committee"].publish_disclosure(
            item, self.today.isoformat(), sheet.sha256, period=period, fund=fund,
            totals=sheet.totals_body(), where="河畔社区公开栏 notice board", **self.at))
        self.published.add((item, period))


def build_second_if_missing(app: LedgerApplication) -> DemoResult | None:
    """Build 河畔社区 as ``hepan`` unless the store has it already (then None)."""
    if app.reader.size(SLUG):
        return None
    appender = Appender(app)
    try:
        return _build(appender)
    finally:
        appender.close()


def _build(appender: Appender) -> DemoResult:
    app = appender.app
    settings = app.settings
    origin = f"sunledger.example/{SLUG}"
    keys = role_keys(settings, SLUG)
    log_signer = keyring.load_or_create_log_key(settings, SLUG, origin)
    clock = Clock()
    books = Books(appender, keys, clock)
    with _recorded_on(app, clock):
        books.submit(keys["admin"].open_ledger(NAME, origin, log_signer.verifier().vkey, "CNY",
                                               label=LABELS["admin"], **books.at))
        _setup(books)
        last_day = local_day(format_time(utc_now() - END_BEFORE))
        plan = _Plan(listed=books.today)
        while books.today < last_day:
            clock.advance(days=1)
            _day(books, plan)
        _disclose_ended(books, plan)  # whatever period ended since the last notice
        books.submit(books.keys["intake"].ask(  # and a question of the last day
            "fund", "elderly", "上门照护每周几次? How often are the home visits?", **books.at))
    assert clock.offset < timedelta(0), "the demo must end before the real time"
    return DemoResult(SLUG, len(books.entries), books.entries[0].hash, books.entries[-1].hash,
                      keyring.key_dir(settings, SLUG), log_signer.verifier().vkey)


def _setup(books: Books) -> None:
    keys = books.keys
    admin, agent, committee = keys["admin"], keys["agent"], keys["committee"]
    for role, signer in keys.items():
        if role != "admin":
            books.submit(admin.register_key(signer.key, [role], LABELS[role], **books.at))
    intake_key, _ = intake_keys.load_or_create_intake_key(books.appender.app.settings, SLUG)
    books.keys = {**keys, "intake": Signer(intake_key, SLUG)}
    books.submit(admin.register_key(intake_key, ["intake"], intake_keys.REGISTERED_LABEL,
                                    **books.at))
    for code, zh, en, restricted, purpose in FUNDS:
        books.submit(agent.create_fund(code, zh, en, restricted=restricted, purpose=purpose,
                                       **books.at))
    for code, zh, en, account_class, kind in ACCOUNTS:
        books.submit(agent.open_account(code, zh, en, account_class, kind, **books.at))
    for fund, yuan in BUDGETS.items():
        books.submit(committee.budget(fund, books.today.year, yuan * YUAN, **books.at))
    books.submit(committee.set_policy(
        10_000 * YUAN, 50_000 * YUAN, 10,
        approvers={"approval": ["committee"], "major": ["committee", "supervisor"]},
        split_window_days=30, round_cash_limit=1_000 * YUAN,
        memo="1万元以上审批, 5万元以上居民代表会议决议", **books.at))
    books.submit(committee.set_catalogue(STANDARD_CATALOGUE, **books.at))
    for fund, yuan in GRANTS.items():  # the opening grants: the first month's money
        books.receive(fund, "4001", CIVIL if fund == "livelihood" else STREET, yuan,
                      "财政拨款 grant")


@dataclass
class _Plan:
    """What the days ahead hold: the day the catalogue listed its items, the round cash
    payment and its finding, the questions."""

    listed: date
    day: int = 0
    round_cash: int | None = None
    finding: int | None = None
    question: int | None = None
    receipt: str = "HEPA-N001-DEMO-RATE"


def _day(books: Books, plan: _Plan) -> None:
    """One day of the community's life (the clock has just moved on to it)."""
    plan.day += 1
    today, rng = books.today, books.rng
    books.confirm_waiting()
    if today.day == 1:
        for fund, yuan in GRANTS.items():
            books.receive(fund, "4001", CIVIL if fund == "livelihood" else STREET, yuan,
                          "财政拨款 monthly grant")
    if today.day == 3:
        _disclose_ended(books, plan)
    if today.day == 5:
        books.receive("general", "4002", PARKING, 3_600, "停车位租金 parking rent")
    week = (today - plan.listed).days // 7
    if today.weekday() == 1:  # Tuesdays: an activity, suppliers in turn
        supplier = {"kind": "organisation", "name": SUPPLIERS[week % len(SUPPLIERS)]}
        books.pay("general", "activity", supplier, rng.randint(6, 18) * 100 * YUAN
                  + rng.choice((0, 50)) * YUAN, "社区活动用品 activity supplies", expense="5001")
    if today.weekday() == 3 and week % 2 == 0:  # every other Thursday: a subsidy
        person = {"kind": "person", "name": RESIDENTS[week // 2 % len(RESIDENTS)]}
        books.pay("livelihood", "subsidy", person, rng.randint(3, 8) * 100 * YUAN,
                  "困难家庭补助 hardship support", expense="5003")
    if today.weekday() == 4 and week % 2 == 1:  # every other Friday: the canteen's bill
        books.pay("elderly", "subsidy", CANTEEN, rng.randint(12, 20) * 100 * YUAN
                  + 35 * YUAN, "长者助餐 meals for the elderly", expense="5006",
                  confirm=plan.day not in range(60, 74))  # one bill the cashier never saw
    _story(books, plan)


def _story(books: Books, plan: _Plan) -> None:
    """The few things the overview should find, on their days."""
    keys, day = books.keys, plan.day
    if day == 18:
        books.pay("general", "cash_withdrawal",
                  {"kind": "organisation", "name": "河畔社区居委会"}, 5_000 * YUAN,
                  "提取备用金 cash drawn", expense="1001")
    elif day == 19:  # a round sum in cash: the round-cash red flag
        plan.round_cash = books.pay("general", "office", {"kind": "person", "name": "赵师傅"},
                                    2_000 * YUAN, "活动室门窗维修 repairs, paid in cash",
                                    expense="5004", money="1001")
    elif day == 24:  # the auditor takes it up, the committee puts it right, it is closed
        seq = plan.round_cash
        plan.finding = books.submit(keys["auditor"].raise_finding(
            "red_flag", f"round-cash:{seq}", "整数现金支付 round sum paid in cash",
            "现金支付 2,000 元, 未附维修清单", [seq], **books.at))
        books.submit(keys["auditor"].assign_finding(
            plan.finding, "居委会 residents' committee",
            (books.today + timedelta(days=20)).isoformat(), **books.at))
    elif day == 31:
        books.submit(keys["committee"].rectify_finding(
            plan.finding, sha("repair list and receipt"), "补附维修清单和收据", **books.at))
    elif day == 33:
        books.submit(keys["auditor"].close_finding(plan.finding, "整改到位, 销号", **books.at))
    elif day == 27:  # a question answered, closed and rated
        grant = next(e.seq for e in books.entries if e.statement.type == "entry.posted")
        plan.question = books.submit(keys["intake"].ask(
            "entry", grant, "这笔拨款用在哪些地方? What is this grant spent on?",
            receipt_sha256=receipt_hash(plan.receipt), **books.at))
    elif day == 28:
        books.submit(keys["committee"].answer(
            plan.question, "用于社区日常运转和活动, 每月在公开栏公布收支。Running costs and "
            "activities; the monthly accounts are on the notice board.", **books.at))
        books.submit(keys["committee"].close_question(plan.question, "已答复 answered",
                                                      **books.at))
        books.submit(keys["intake"].rate(plan.question, "satisfied", plan.receipt, **books.at))
    elif day in (45, 49):  # one invoice, paid twice: the duplicate-document red flag
        books.pay("general", "office", PRINTER, 680 * YUAN, "宣传折页印刷 leaflets",
                  expense="5004",
                  documents=[{"kind": "invoice", "sha256": sha("invoice 0042")}])
    elif day == 55:  # a question nobody answers
        books.submit(keys["intake"].ask(
            "ledger", None, "长者食堂的补贴标准是多少? What does the canteen subsidy "
            "cover per meal?", **books.at))


def _month_periods(first: date, today: date) -> list[str]:
    """Every month from the one holding ``first`` that has ended by ``today``."""
    months, period = [], period_of(first, "monthly")
    while period_bounds(period)[1] < today:
        months.append(period)
        period = period_of(period_bounds(period)[1] + timedelta(days=1), "monthly")
    return months


def _quarter_periods(first: date, today: date) -> list[str]:
    quarters, period = [], period_of(first, "quarterly")
    while period_bounds(period)[1] < today:
        quarters.append(period)
        period = period_of(period_bounds(period)[1] + timedelta(days=1), "quarterly")
    return quarters


def _disclose_ended(books: Books, plan: _Plan) -> None:
    """Every ended month's and quarter's accounts not yet posted, but the very first
    month's: that one the community forgot (it stays overdue)."""
    months = _month_periods(plan.listed, books.today)
    for period in months[1:]:
        if ("fund_flows", period) not in books.published:
            books.disclose("fund_flows", period, "general")
    for period in _quarter_periods(plan.listed, books.today):
        if ("livelihood_funds", period) not in books.published:
            books.disclose("livelihood_funds", period, "livelihood")
