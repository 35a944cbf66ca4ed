"""Red flags for auditors, found on a small seeded history, each with the
entries it rests on; and the conflict-of-interest register they use."""

from __future__ import annotations

from ledger.client import posting
from ledger.errors import NotFound, OutOfOrder, PolicyError
from ledger.domain.redflags import red_flags
from tests.builders.community import YUAN, bidder, sha
from tests.builders.contracts import contracted_lease, lease_body, settling, sign

PAINTER = {"kind": "organisation", "name": "彩虹油漆店"}
WANG = bidder("王小明", "110101198001010011")


def _codes(findings, code):
    return [f.seqs for f in findings if f.code == code]


def test_payments_split_under_the_threshold_are_flagged_together(town):
    town.set_policy(approval=5_000 * YUAN)
    town.grant("general", 50_000 * YUAN)
    split = [town.pay("general", 2_000 * YUAN, day, counterparty=PAINTER)
             for day in ("2026-02-01", "2026-02-05", "2026-02-09")]
    town.pay("general", 2_000 * YUAN, "2026-05-01", counterparty=PAINTER)  # months later
    town.pay("general", 2_000 * YUAN, "2026-02-02")  # another vendor
    findings = red_flags(town.entries())
    assert _codes(findings, "split-payment") == [tuple(split)]
    [finding] = [f for f in findings if f.code == "split-payment"]
    assert "3 payments to 彩虹油漆店" in finding.message and "6,000.00" in finding.message


def test_approved_payments_split_under_the_major_threshold_are_flagged_together(town):
    """Three instalments of 40,000, each approved alone, within a month: 120,000
    to one contractor without the residents' resolution a major matter needs."""
    town.set_policy(approval=20_000 * YUAN, major=100_000 * YUAN)
    town.grant("renovation", 500_000 * YUAN)
    split = [town.pay("renovation", 40_000 * YUAN, day, counterparty=PAINTER)
             for day in ("2026-02-01", "2026-02-10", "2026-02-20")]
    for seq in split[:2]:
        town.submit(town.committee.approve(seq))
    assert _codes(red_flags(town.entries()), "split-payment-major") == []  # one still held
    town.submit(town.committee.approve(split[2]))
    findings = red_flags(town.entries())
    assert _codes(findings, "split-payment-major") == [tuple(split)]
    assert _codes(findings, "split-payment") == []
    [finding] = [f for f in findings if f.code == "split-payment-major"]
    assert "each under the major threshold 100,000.00" in finding.message


def test_a_lease_amended_below_the_winning_bid_is_flagged_until_it_is_raised_again(town, clock):
    trade = contracted_lease(town, clock)
    lease = sign(town, lease_body(trade))
    assert _codes(red_flags(town.entries()), "rent-below-winning-price") == []

    def amend(monthly: int) -> None:
        town.submit(town.committee.sign("contract.amended", {
            "contract": lease, "amendment_sha256": sha(f"补充协议 {monthly}"), "reason": "调租",
            "schedule": {"every": "month", "amount": monthly}, "total": monthly * 36}))

    amend(10_000 * YUAN)
    findings = red_flags(town.entries())
    assert _codes(findings, "rent-below-winning-price") == [(trade, lease)]
    [finding] = [f for f in findings if f.code == "rent-below-winning-price"]
    assert "120,000.00 a year, below the winning bid 126,000.00" in finding.message
    amend(10_500 * YUAN)
    assert _codes(red_flags(town.entries()), "rent-below-winning-price") == []


def test_rent_unpaid_past_the_grace_days_at_the_log_s_latest_day_is_flagged(town, clock):
    """The lease starts 2026-04-01; every month up to the log's day minus 30 days is due.
    Paying all of it takes the finding back."""
    lease = sign(town, lease_body(contracted_lease(town, clock)))
    [finding] = [f for f in red_flags(town.entries()) if f.code == "arrears"]
    assert finding.seqs == (lease,) and "due from 2026-04-01" in finding.message
    contract = town.state.contracts[lease]
    day = town.state.last_recorded_at[:10]
    due = [line for line in contract.lines if line.due_on <= day]
    town.submit(settling(town, lease, sum(line.amount for line in due), "2026-04-02"))
    assert _codes(red_flags(town.entries()), "arrears") == []


def test_without_a_threshold_nothing_counts_as_split(town):
    town.grant("general", 50_000 * YUAN)
    for day in ("2026-02-01", "2026-02-02"):
        town.pay("general", 4_000 * YUAN, day, counterparty=PAINTER)
    assert _codes(red_flags(town.entries()), "split-payment") == []


def test_the_same_invoice_on_two_standing_entries_is_flagged(town):
    town.grant("general", 50_000 * YUAN)
    invoice = [{"kind": "invoice", "sha256": sha("invoice 0042")}]
    first = town.pay("general", 1_000 * YUAN, documents=invoice)
    second = town.pay("general", 1_000 * YUAN, "2026-03-01", documents=invoice)
    mistake = town.pay("general", 900 * YUAN, documents=[{"kind": "receipt",
                                                          "sha256": sha("receipt 7")}])
    postings = town.entries()[mistake].statement.body["postings"]
    town.submit(town.agent.reverse(mistake, postings, "2026-02-02", "金额录错 wrong amount"))
    town.pay("general", 990 * YUAN, documents=[{"kind": "receipt", "sha256": sha("receipt 7")}])
    assert _codes(red_flags(town.entries()), "duplicate-document") == [(first, second)]


def test_one_key_recording_and_cosigning_or_awarding_is_flagged(town, clock):
    town.set_policy()
    town.grant("renovation", 900_000 * YUAN)
    payment = town.pay("renovation", 60_000 * YUAN)
    resolution = town.resolve("entry", payment)  # recorded and co-signed by one committee key
    both = town.new_key(["agent", "committee"], "agent on the committee")
    trade = town.noticed_lease()
    bid = town.submit(both.receive_bid(trade, WANG, 50_000 * YUAN))
    clock.advance(days=11)
    award = town.submit(both.award(trade, bid))
    same = _codes(red_flags(town.entries()), "same-key")
    assert (resolution, resolution + 1) in same
    assert (bid, award) in same


def test_round_cash_payments_above_the_limit_are_flagged(town):
    town.grant("general", 50_000 * YUAN)
    withdraw = [posting("1001", "general", "debit", 10_000 * YUAN),
                posting("1002", "general", "credit", 10_000 * YUAN)]
    town.submit(town.agent.post("2026-01-10", "transfer", {"kind": "organisation",
                                                           "name": "银行"}, withdraw))
    round_sum = town.pay("general", 2_000 * YUAN, money_account="1001",
                         counterparty={"kind": "person", "name": "临时工"})
    town.pay("general", 123_456, money_account="1001", counterparty=PAINTER)
    town.pay("general", 500 * YUAN, money_account="1001", counterparty=PAINTER)
    town.pay("general", 3_000 * YUAN)  # round but by bank
    assert _codes(red_flags(town.entries()), "round-cash") == [(round_sum,)]


def test_payments_outside_the_project_period_are_flagged(town):
    project = town.submit(town.agent.register_project("reno-a", "renovation", "楼道改造",
                                                      "Stairwell works", "2026-03-01",
                                                      "2026-06-30"))
    town.grant("renovation", 50_000 * YUAN)
    town.pay("renovation", 1_000 * YUAN, "2026-04-01", project="reno-a")
    late = town.pay("renovation", 1_000 * YUAN, "2026-07-15", project="reno-a")
    assert _codes(red_flags(town.entries()), "outside-project-period") == [(project, late)]


def test_an_award_to_a_relative_of_a_committee_member_is_flagged(town, clock):
    interest = town.submit(town.supervisor.declare_interest(
        "张主任", WANG, "relative", member_key_id=town.committee.key_id, note="外甥 nephew"))
    trade = town.noticed_lease()
    bid = town.submit(town.agent.receive_bid(trade, WANG, 50_000 * YUAN))
    other = town.submit(town.agent.receive_bid(trade, bidder("李四"), 40_000 * YUAN))
    clock.advance(days=11)
    award = town.submit(town.committee.award(trade, bid))
    findings = red_flags(town.entries())
    assert _codes(findings, "related-bidder") == [(interest, bid, award)]
    assert other not in {seq for f in findings for seq in f.seqs}


def test_a_register_that_disagrees_with_the_books_is_flagged(town):
    town.register_shop("shop-1", 300_000 * YUAN)  # on the books
    van = town.submit(town.agent.register_asset("van-1", "vehicle", "巡逻车", "车库",
                                                 80_000 * YUAN, account="1601", fund="general"))
    [seqs] = _codes(red_flags(town.entries()), "book-value-mismatch")
    assert van in seqs


def test_a_clean_history_raises_no_flags(town):
    town.set_policy()
    town.grant("general", 50_000 * YUAN)
    town.pay("general", 1_234 * YUAN)
    assert red_flags(town.entries()) == []


def test_interests_are_declared_and_ended_once(town):
    interest = town.submit(town.committee.declare_interest("张主任", WANG, "relative"))
    town.refused(town.agent.declare_interest("张主任", WANG, "relative"), PolicyError,
                 "committee or supervisor")
    town.refused(town.committee.declare_interest("张主任", WANG, "relative",
                                                 member_key_id="0" * 32),
                 NotFound, "is not registered")
    ended = town.submit(town.supervisor.end_interest(interest, "已离任 left the committee"))
    assert town.state.interests[interest].ended_seq == ended
    town.refused(town.supervisor.end_interest(interest, "again"), OutOfOrder, "already ended")
