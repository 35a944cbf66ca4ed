"""The demo community's governance (issue 5), recorded after its year of books
(the policy and disclosure catalogue were set in January: ledger/demo/build.py):
a shop put on the books and in the asset
register, valued, and leased through the whole public procedure (resolution,
co-signatures, a ten-day notice, bids, award, disclosures, contract, rent,
settlement, completion); a micro-renovation payment above the major-matter
threshold taken through the whole of 四议两公开 (proposed by the party branch,
discussed, reviewed, then pending, resolution, co-signatures, approval, disclosure,
the cashier's confirmation, the implementation result published, the project's
quarterly disclosure); residents'
questions, answered or still open; and a few red flags for auditors to find
(a split payment, one invoice on two payments, a round sum paid in cash);
then inspection findings, a rated answer and a confidential report
(ledger/demo/showcase.py).

Time: a notice must stay open ten days by the server's clock (``recorded_at``),
so the whole demo is recorded on ``DemoClock``, a clock that runs at real
speed but is set in the past: it starts on 1 January, follows the year's days
(ledger/demo/writer.py) up to the day ``SPAN`` before now, and the governance
steps move it forward from there by the days each step needs (``ADVANCES`` in
all, less than ``SPAN``), so the last demo entry is still days before the real
time and a server started on the demo ledger afterwards records every new
entry after it, as always.
Every statement is signed at the demo clock's time too (a signature from the
future would be refused). ``recorded_on`` lends the clock to the application
for the build and gives its own back afterwards.
"""

from __future__ import annotations

import hashlib
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any, Iterator

from ledger.keystore import intake_keys, keyring
from ledger.log.appender import Appender
from ledger.log.application import LedgerApplication
from ledger.client import Signer, posting
from ledger.demo.showcase import SHOWCASE_COUNT, run_showcase
from ledger.demo.chart import BANK, CASH, FIXED_ASSETS, GRANTS, RENT, UNRESTRICTED, WORKS
from ledger.domain.sheets import period_sheet, resolution_sheet, trade_sheet
from ledger.format.statements import Entry, SignedStatement, utc_now

SPAN = timedelta(days=45)     # how far in the past the demo clock starts
ADVANCES = timedelta(days=41)  # how far the governance steps move it, at most
YUAN = 100
GOVERNANCE_COUNT = 51 + SHOWCASE_COUNT         # entries recorded here (checked when built)
WANG = {"kind": "person", "name": "王小明", "id": "110101198001010011"}
CONTRACTOR = {"kind": "organisation", "name": "宏远建筑工程有限公司"}


def sha(text: str) -> str:
    return hashlib.sha256(f"sunledger-demo/{text}".encode("utf-8")).hexdigest()


class DemoClock:
    """Real time shifted by an offset that starts at ``-span`` and only grows."""

    def __init__(self, span: timedelta = SPAN) -> None:
        self.offset = -span

    def __call__(self) -> datetime:
        return utc_now() + self.offset

    def advance(self, **delta: float) -> None:
        self.offset += timedelta(**delta)

    def move_to(self, moment: datetime) -> None:
        """Set the clock to ``moment`` unless it is there already (it never goes back)."""
        self.offset = max(self.offset, moment - utc_now())


@contextmanager
def recorded_on(app: LedgerApplication, clock: DemoClock) -> Iterator[DemoClock]:
    """Let ``app`` stamp entries by ``clock`` for the duration (the demo build only)."""
    own = app.clock
    app.clock = clock
    try:
        yield clock
    finally:
        app.clock = own


@dataclass
class Script:
    appender: Appender
    slug: str
    keys: dict[str, Signer]
    clock: DemoClock
    entries: list[Entry] = field(default_factory=list)

    @property
    def app(self) -> LedgerApplication:
        return self.appender.app

    @property
    def at(self) -> dict[str, Any]:
        return {"signed_at": self.clock()}

    def submit(self, signed: SignedStatement) -> int:
        receipt = self.appender.append_and_wait(signed)
        self.entries.append(receipt.entry)
        return receipt.seq

    def role(self, name: str) -> Signer:
        return self.keys[name]

    def day(self, advance_days: float = 0) -> str:
        """Move the clock on, then give the business date of "now" (dates follow it)."""
        self.clock.advance(days=advance_days)
        return self.clock().date().isoformat()

    def pay(self, day: str, category: str, party: dict, amount: int, memo: str, *,
            fund: str = "renovation", expense: str = WORKS, money: str = BANK,
            documents: list | None = None, project: str | None = None) -> int:
        lines = [posting(expense, fund, "debit", amount), posting(money, fund, "credit", amount)]
        agent = self.role("agent")
        if project:
            return self.submit(agent.post_for_project(project, day, category, party, lines, memo,
                                                      documents, **self.at))
        return self.submit(agent.post(day, category, party, lines, memo, documents, **self.at))

    def resolve(self, kind: str, ref: int, title: str, day: str, disclose_on: str | None,
                proposal: int | None = None) -> int:
        """A representatives' meeting (31 seats, 27 attend), co-signed, maybe disclosed;
        ``proposal``: the matter (四议两公开) it decides."""
        committee = self.role("committee")
        seq = self.submit(committee.record_resolution(kind, ref, title, day, 31, 27, 24, 1, 2,
                                                      sha(f"minutes {title}"),
                                                      proposal=proposal, **self.at))
        # Another committee member co-signs: the key that recorded it must not (same-key).
        self.submit(self.role("committee-member").cosign_resolution(seq, "居委会会签",
                                                                    **self.at))
        self.submit(self.role("supervisor").cosign_resolution(seq, "监委会会签 supervisory",
                                                              **self.at))
        if disclose_on:
            self.disclose_resolution(seq, disclose_on)
        return seq

    def disclose_resolution(self, seq: int, day: str) -> int:
        entry = {seq: next(e for e in self.entries if e.seq == seq)}
        sheet = resolution_sheet(self.app.state(self.slug), entry, seq)  # type: ignore[arg-type]
        return self.submit(self.role("committee").disclose_resolution(
            seq, day, sheet.sha256, "社区公开栏 notice board", **self.at))


def run_governance(appender: Appender, slug: str, keys: dict[str, Signer],
                   clock: DemoClock) -> Entry:
    """Record the demo's governance on ``slug`` through ``appender``; returns the last entry."""
    app = appender.app
    script = Script(appender, slug, keys, clock)
    intake_key, _ = intake_keys.load_or_create_intake_key(app.settings, slug)
    intake = Signer(intake_key, slug)
    admin = keys["admin"]
    script.submit(admin.register_key(intake_key, ["intake"], intake_keys.REGISTERED_LABEL,
                                     **script.at))
    member, _ = keyring.load_or_create(keyring.key_path(app.settings, slug, "committee-member"),
                                       "committee-member")
    script.keys = {**keys, "committee-member": Signer(member, slug)}
    script.submit(admin.register_key(member, ["committee"], "居委会委员 committee member",
                                     **script.at))
    trade = shop_lease(script)
    payment = major_payment(script)
    cash_payment = red_flag_seeds(script)
    residents_questions(script, intake, trade, payment, cash_payment)
    run_showcase(script, intake, cash_payment)
    assert len(script.entries) == GOVERNANCE_COUNT, len(script.entries)
    assert clock.offset < timedelta(0), "the demo must end before the real time"
    return script.entries[-1]


def shop_lease(script: Script) -> int:
    agent, committee = script.role("agent"), script.role("committee")
    book, today = 380_000 * YUAN, script.day()
    script.pay(today, "asset", {"kind": "organisation", "name": "新竹社区居委会"}, book,
               "临街门面入账 shop put on the books", fund="general", expense=FIXED_ASSETS,
               money=UNRESTRICTED)
    script.submit(agent.register_asset(
        "shop-1", "shop", "临街门面1号", "新竹路1号", book, account=FIXED_ASSETS, fund="general",
        name_en="Street shop no. 1", documents=[{"kind": "deed", "sha256": sha("deed shop-1")}],
        **script.at))
    script.submit(agent.register_asset("room-2", "room", "社区活动用房", "新竹路3号二楼", 0,
                                       name_en="Community activity room", **script.at))
    script.submit(committee.assign_asset("room-2", {"kind": "organisation", "name": "新竹社区老年协会"},
                                         "老年活动室 elders' activity room", today, **script.at))
    script.submit(agent.value_asset("shop-1", today, 400_000 * YUAN,
                                    {"kind": "organisation", "name": "信达资产评估有限公司"},
                                    sha("appraisal shop-1"), **script.at))
    trade = script.submit(committee.propose_trade(
        "shop-1", "lease", 108_000 * YUAN, "三年期, 年租金底价10.8万元, 不得经营餐饮 no restaurants",
        36, **script.at))
    meeting = script.day(2)
    script.resolve("trade", trade, "临街门面1号公开招租", meeting, meeting)
    script.day(1)
    notice = trade_sheet(script.app.state(script.slug), trade, "notice")
    script.submit(committee.publish_notice(trade, 10, notice.sha256, "街道三资交易平台",
                                           **script.at))
    for days, bidder, amount in ((2, {"kind": "person", "name": "李四"}, 100_000),
                                 (3, WANG, 126_000),
                                 (1, {"kind": "organisation", "name": "惠民超市连锁有限公司"},
                                  115_000)):
        script.day(days)
        script.submit(agent.receive_bid(trade, bidder, amount * YUAN, **script.at))
    script.clock.advance(days=4, hours=1)  # ten days and an hour after the notice
    best = script.app.state(script.slug).trades[trade].bids[1]
    script.submit(committee.award(trade, best, **script.at))
    award = trade_sheet(script.app.state(script.slug), trade, "award")
    script.submit(committee.publish_disclosure(
        "asset_trades", script.day(), award.sha256, where="街道三资交易平台",
        subject={"kind": "trade", "ref": trade, "stage": "award"}, **script.at))
    signed_on = script.day(1)
    starts = (date.fromisoformat(signed_on) + timedelta(days=10)).isoformat()
    ends = (date.fromisoformat(starts) + timedelta(days=3 * 365 - 1)).isoformat()
    script.submit(committee.sign_contract(trade, sha("lease contract shop-1"), signed_on, starts,
                                          ends, **script.at))
    rent = 31_500 * YUAN
    rent_seq = script.submit(agent.post(script.day(2), "rent", WANG,
                                        [posting(BANK, "resource", "debit", rent),
                                         posting(RENT, "resource", "credit", rent)],
                                        "门面1号首季度租金 first quarter's rent", **script.at))
    script.submit(agent.settle_trade(trade, [rent_seq], rent, **script.at))
    script.submit(committee.complete_trade(trade, script.day(), "首期租金到账 first rent in",
                                           **script.at))
    completion = trade_sheet(script.app.state(script.slug), trade, "completion")
    script.submit(committee.publish_disclosure(
        "asset_trades", script.day(), completion.sha256, where="街道三资交易平台",
        subject={"kind": "trade", "ref": trade, "stage": "completion"}, **script.at))
    return trade


def major_payment(script: Script) -> int:
    agent, committee = script.role("agent"), script.role("committee")
    grant, today = 200_000 * YUAN, script.day(1)
    year, quarter = today[:4], f"{today[:4]}-Q{(int(today[5:7]) - 1) // 3 + 1}"
    script.submit(agent.post(today, "grant", {"kind": "organisation",
                                              "name": "区住房和城乡建设局 District housing bureau"},
                             [posting(BANK, "renovation", "debit", grant),
                              posting(GRANTS, "renovation", "credit", grant)],
                             "外墙修缮专项拨款 grant for the facade repair", **script.at))
    script.submit(agent.register_project("facade-3", "renovation", "3号楼外墙修缮",
                                         "Facade repair, building 3", f"{year}-01-01",
                                         f"{year}-12-31", **script.at))
    payment = script.pay(today, "renovation", CONTRACTOR, 120_000 * YUAN,
                         "3号楼外墙修缮工程款 facade repair, building 3",
                         documents=[{"kind": "invoice", "sha256": sha("invoice facade-3")}],
                         project="facade-3")
    # 四议两公开 in full: the party branch proposes, the joint meeting discusses, the party
    # members review, the representatives resolve; the resolution and then the result are
    # published (the resolution's disclosure is step 5, matter.implemented step 6).
    matter = script.submit(committee.propose_matter(
        "entry", payment, "3号楼外墙修缮 Facade repair, building 3", script.day(),
        sha("proposal facade-3"), proposed_by="party_branch", **script.at))
    script.submit(committee.discuss_matter(
        matter, script.day(1), sha("joint meeting facade-3"),
        "同意提交党员大会审议 agreed to put it to the party members", **script.at))
    script.submit(committee.review_matter(matter, script.day(1), sha("party members facade-3"),
                                          note="一致同意 unanimous", **script.at))
    resolution = script.resolve("entry", payment, "3号楼外墙修缮工程款支付", script.day(1), None,
                                proposal=matter)
    script.submit(committee.approve(payment, resolution, "按居民代表会议决议支付", **script.at))
    script.disclose_resolution(resolution, script.day())
    script.submit(script.role("cashier").confirm(payment, script.day(1), "ICBC-FACADE-3",
                                                 **script.at))
    script.submit(committee.implement_matter(
        matter, script.day(1), sha("result facade-3"), where="社区公开栏 notice board",
        memo="工程完工并验收 works done and accepted", **script.at))
    state = script.app.state(script.slug)
    sheet = period_sheet(state, script.entries, period=quarter, project="facade-3")
    script.submit(committee.publish_disclosure(
        "fund_flows", script.day(), sheet.sha256, period=quarter, project="facade-3",
        totals=sheet.totals_body(), where="社区公开栏 notice board", **script.at))
    return payment


def red_flag_seeds(script: Script) -> int:
    """What the auditors should find, each ordinary on its own; returns the cash payment."""
    repairs = {"kind": "organisation", "name": "安居装饰工程公司"}
    for advance in (1, 3, 3):  # 22,500 in three payments within a week, each < 20,000
        day = script.day(advance)
        script.pay(day, "renovation", repairs, 7_500 * YUAN, "楼道粉刷 stairwell painting",
                   documents=[{"kind": "invoice", "sha256": sha(f"invoice paint {day}")}])
    printer = {"kind": "organisation", "name": "新竹印刷厂"}
    for advance in (1, 4):  # one invoice, paid twice
        script.pay(script.day(advance), "renovation", printer, 4_800 * YUAN,
                   "改造宣传展板 publicity boards",
                   documents=[{"kind": "invoice", "sha256": sha("invoice boards 0098")}])
    script.pay(script.day(1), "cash_withdrawal", {"kind": "organisation", "name": "新竹社区居委会"},
               5_000 * YUAN, "提取备用金 cash drawn", expense=CASH)
    return script.pay(script.day(), "renovation", {"kind": "person", "name": "张师傅"},
                      3_000 * YUAN, "零星维修 odd repairs, paid in cash", money=CASH)


def residents_questions(script: Script, intake: Signer, trade: int, payment: int,
                        cash: int) -> None:
    committee, supervisor = script.role("committee"), script.role("supervisor")
    about_trade = script.submit(intake.ask("trade", trade, "门面租金是否包含物业费? Does the rent "
                                           "include the property fee?", **script.at))
    script.clock.advance(hours=26)
    script.submit(committee.answer(about_trade, "不包含, 物业费由承租人另行缴纳。No: the tenant "
                                   "pays it separately (contract clause 7).", **script.at))
    script.submit(committee.close_question(about_trade, "已答复 answered", **script.at))
    about_payment = script.submit(intake.ask("entry", payment, "外墙修缮的验收报告在哪里可以看到? "
                                             "Where is the acceptance report of the facade "
                                             "repair?", **script.at))
    script.clock.advance(hours=50)
    script.submit(supervisor.answer(about_payment, "验收报告已张贴于社区公开栏, 也可到居委会查阅。"
                                    "Posted on the notice board; a copy is at the office.",
                                    **script.at))
    disclosure = next(e.seq for e in script.entries if e.statement.type == "disclosure.published")
    script.submit(intake.ask("disclosure", disclosure, "为什么李四的出价没有被考虑? Why was "
                             "Li's bid not considered?", **script.at))
    script.clock.advance(hours=3)
    script.submit(intake.ask("entry", cash, "现金支付的维修费有收据吗? Is there a receipt for "
                             "the repairs paid in cash?", **script.at))
