"""Two communities for the street office's overview (``projections.overview``), in domain
terms, on a server clock the builder moves through the first months of next year.

``calm`` (一般): money confirmed by the cashier, no disclosure catalogue (its rates have no
value), two invoices each paid twice (two red flags), one of them taken up by an
inspection finding that is closed (so one flag stays open), one finding still worked
within its deadline, two questions answered and rated (one satisfied, one not).

``troubled`` (重点): a catalogue whose first two months went unposted, three invoices
each paid twice, nothing confirmed by the cashier, a lease whose March rent is unpaid,
a finding past its deadline, three questions unanswered for two months and one asked
five days ago.

``EXPECTED`` is what the overview must say of each on ``TODAY`` with the default
settings and rule; the tests compare exactly.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any

from ledger.domain.questions import receipt_hash
from ledger.format.statements import format_time, utc_now
from tests.builders.community import YUAN, Clock, Community, sha
from tests.builders.contracts import settling, sign

YEAR = utc_now().year + 1  # the clock runs ahead of the signatures, never behind them
TODAY = f"{YEAR}-03-20"
TENANT = {"kind": "organisation", "name": "河畔便利店"}
RENT = 2_000 * YUAN


def at(clock: Clock, month: int, day: int) -> None:
    """Move the server clock to 10:00 in Shanghai (02:00 UTC) of that day of YEAR."""
    moment = datetime(YEAR, month, day, 2, 0, tzinfo=timezone.utc)
    assert moment >= clock.now, "the clock only moves forward"
    clock.now = moment


def day(month: int, day_: int) -> str:
    return f"{YEAR}-{month:02d}-{day_:02d}"


def on_the_clock(town: Community, clock: Clock) -> None:
    """From now on each key signs at the server's time (business dates follow it)."""
    for signer in (town.admin, town.agent, town.cashier, town.committee, town.supervisor,
                   town.intake):
        signer.clock = clock


@dataclass
class Two:
    calm: Community
    troubled: Community
    flags: dict[str, list[int]]  # which entries each red flag rests on
    last_entry_at: dict[str, str]


def rated_question(town: Community, text: str, rating: str, code: str) -> int:
    seq = town.submit(town.intake.ask("ledger", None, text, receipt_sha256=receipt_hash(code)))
    town.submit(town.committee.answer(seq, "已答复 answered"))
    town.submit(town.committee.close_question(seq, "办结 closed"))
    town.submit(town.intake.rate(seq, rating, code))
    return seq


def invoice_paid_twice(town: Community, invoice: str, amount: int, date: str) -> list[int]:
    documents = [{"kind": "invoice", "sha256": sha(invoice)}]
    return [town.pay("general", amount, date, documents=documents) for _ in range(2)]


def two_communities(app, clock: Clock, prefix: str = "") -> Two:
    """Build both on ``app`` (their slugs start with ``prefix``), ending on TODAY."""
    import uuid

    tag = uuid.uuid4().hex[:6]
    at(clock, 1, 15)
    calm = Community.open(app, f"{prefix}calm-{tag}", clock=clock, governance=True)
    troubled = Community.open(app, f"{prefix}troubled-{tag}", clock=clock, governance=True)
    for town in (calm, troubled):
        on_the_clock(town, clock)
    troubled.catalogue()
    calm_money = [calm.grant("general", 50_000 * YUAN, day(1, 15)).seq]
    troubled.grant("general", 100_000 * YUAN, day(1, 15))

    at(clock, 1, 16)
    flag_a = invoice_paid_twice(calm, "calm invoice A", 1_000 * YUAN, day(1, 16))
    flag_b = invoice_paid_twice(calm, "calm invoice B", 1_200 * YUAN, day(1, 16))
    calm_money += flag_a + flag_b
    troubled_flags = [invoice_paid_twice(troubled, f"troubled invoice {n}", 900 * YUAN,
                                         day(1, 16)) for n in "CDE"]

    at(clock, 1, 17)
    for seq in calm_money:
        calm.submit(calm.cashier.confirm(seq, day(1, 17)))

    at(clock, 1, 20)
    for n in range(3):
        troubled.submit(troubled.intake.ask("ledger", None, f"账目何时公开? question {n}"))
    lease = sign(troubled, {
        "direction": "receivable", "party": TENANT, "subject": "社区用房出租",
        "fund": "general", "total": 12 * RENT, "starts": day(2, 1),
        "ends": f"{YEAR + 1}-01-31", "schedule": {"every": "month", "amount": RENT},
        "contract_sha256": sha("lease of the community room")})
    late = troubled.submit(troubled.supervisor.raise_finding(
        "entry", troubled_flags[0][0], "重复报销 paid twice"))
    troubled.submit(troubled.supervisor.assign_finding(late, "居委会", day(2, 28)))
    worked = calm.submit(calm.supervisor.raise_finding("entry", calm_money[0], "核对拨款"))
    calm.submit(calm.supervisor.assign_finding(worked, "居委会", day(4, 30)))
    flag_b_id = f"duplicate-document:{sha('calm invoice B')}"
    closed = calm.submit(calm.supervisor.raise_finding("red_flag", flag_b_id, "重复报销",
                                                       entries=flag_b))
    calm.submit(calm.supervisor.assign_finding(closed, "居委会", day(2, 10)))

    at(clock, 1, 21)
    rated_question(calm, "活动经费怎么用? How is the activity money spent?", "satisfied",
                   "CALM-RATE-0001")
    rated_question(calm, "为什么路灯还没修? Why is the lamp not fixed?", "dissatisfied",
                   "CALM-RATE-0002")

    at(clock, 1, 25)
    calm.submit(calm.committee.rectify_finding(closed, sha("refund slip"), "已退回多付款"))
    at(clock, 1, 26)
    calm.submit(calm.supervisor.close_finding(closed, "销号"))
    calm_last = format_time(clock())

    at(clock, 2, 1)
    troubled.submit(settling(troubled, lease, RENT, day(2, 1), party=TENANT))
    at(clock, 3, 15)
    troubled.submit(troubled.intake.ask("ledger", None, "三月租金收到了吗? Is March's rent in?"))
    troubled_last = format_time(clock())
    at(clock, 3, 20)
    return Two(calm, troubled,
               {"calm": flag_a + flag_b, "troubled": [s for pair in troubled_flags for s in pair]},
               {calm.slug: calm_last, troubled.slug: troubled_last})


def expected(two: Two) -> dict[str, dict[str, Any]]:
    """Each community's overview row on TODAY with the default settings and rule."""
    period = f"{YEAR}-02"
    common = {"name": "新竹社区", "currency": "CNY", "disclosure_period": period}
    return {
        two.calm.slug: {
            **common, "ledger": two.calm.slug, "size": two.calm.log_size(),
            "last_entry_at": two.last_entry_at[two.calm.slug],
            "disclosure_rate": None, "disclosure_period_rate": None, "disclosures_overdue": 0,
            "findings_open": 1, "findings_overdue": 0, "red_flags_open": 1,
            "cash_unconfirmed": 0, "arrears_contracts": 0, "arrears_amount": 0,
            "questions_unanswered": 0, "satisfaction_rate": 0.5, "satisfaction_rated": 2,
            "grade": "ordinary", "reasons": []},
        two.troubled.slug: {
            **common, "ledger": two.troubled.slug, "size": two.troubled.log_size(),
            "last_entry_at": two.last_entry_at[two.troubled.slug],
            # fund_flows of January (due 10 February) and February (due 10 March)
            "disclosure_rate": 0.0, "disclosure_period_rate": 0.0, "disclosures_overdue": 2,
            "findings_open": 1, "findings_overdue": 1, "red_flags_open": 3,
            # the grant, six payments and February's rent: nothing confirmed
            "cash_unconfirmed": 8, "arrears_contracts": 1, "arrears_amount": RENT,
            "questions_unanswered": 3, "satisfaction_rate": None, "satisfaction_rated": 0,
            "grade": "priority",
            "reasons": ["findings_overdue >= 1", "disclosure_period_rate < 1",
                        "red_flags_open >= 3", "arrears_amount > 0",
                        "questions_unanswered >= 3"]},
    }
