"""Contracts (合同台账) on both stores: a lease won through a trade, works paid by
instalments with acceptance and retention, and the major threshold applied to
cumulative payments. Every refusal leaves the log and the state unchanged."""

from __future__ import annotations

from ledger.client import posting
from ledger.errors import ApprovalRequired, DomainError, NotFound, OutOfOrder
from tests.builders.community import YUAN, bidder, sha
from tests.builders.contracts import (BUILDER, contracted_lease, lease_body, settling,
                                      sign, works_body)


def _works(town):
    town.set_policy(approval=100_000 * YUAN, major=150_000 * YUAN)
    town.grant("renovation", 500_000 * YUAN)
    return sign(town, works_body())


def test_a_lease_won_through_a_trade_becomes_a_contract_with_its_rent_due_monthly(town, clock):
    trade = contracted_lease(town, clock)
    seq = sign(town, lease_body(trade))
    contract = town.state.contracts[seq]
    assert (contract.trade, contract.asset, contract.direction) == (trade, "shop-1", "receivable")
    assert len(contract.lines) == 36
    assert contract.lines[0].due_on == "2026-04-01" and contract.lines[-1].due_on == "2029-03-01"
    assert (contract.annual_rent, contract.winning_price) == (126_000 * YUAN, 126_000 * YUAN)


def test_a_lease_from_a_trade_is_signed_with_the_winning_bidder_only(town, clock):
    trade = contracted_lease(town, clock)
    town.refused(town.committee.sign("contract.signed", lease_body(trade, party=bidder("李四"))),
                 DomainError, "not the winning bidder")


def test_a_lease_from_a_trade_below_the_winning_bid_is_refused(town, clock):
    trade = contracted_lease(town, clock)
    town.refused(town.committee.sign("contract.signed", lease_body(trade, monthly=10_000 * YUAN)),
                 DomainError, "below the winning bid")


def test_a_trade_that_has_no_contract_yet_cannot_become_a_contract(town, clock):
    trade = town.noticed_lease()
    town.refused(town.committee.sign("contract.signed", lease_body(trade)), OutOfOrder,
                 "once its contract is signed")


def test_a_contract_whose_schedule_does_not_add_up_to_its_total_is_refused(town):
    town.refused(town.committee.sign("contract.signed", lease_body(total=1)), DomainError,
                 "the schedule comes to")


def test_a_rent_receipt_settles_the_line_it_names(town, clock):
    seq = sign(town, lease_body(contracted_lease(town, clock)))
    town.submit(settling(town, seq, 10_500 * YUAN, "2026-04-02", line=0))
    town.submit(settling(town, seq, 5_000 * YUAN, "2026-05-03"))
    lines = town.state.contracts[seq].lines
    assert [line.settled for line in lines[:3]] == [10_500 * YUAN, 5_000 * YUAN, 0]


def test_a_receipt_larger_than_what_its_line_has_open_is_refused(town, clock):
    seq = sign(town, lease_body(contracted_lease(town, clock)))
    town.refused(settling(town, seq, 11_000 * YUAN, "2026-04-02", line=0), DomainError,
                 "open; this entry brings")


def test_a_receipt_from_another_party_does_not_settle_the_contract(town, clock):
    seq = sign(town, lease_body(contracted_lease(town, clock)))
    town.refused(settling(town, seq, 10_500 * YUAN, "2026-04-02", party=bidder("李四")),
                 DomainError, "not 王小明")


def test_an_entry_naming_a_contract_that_does_not_exist_is_refused(town):
    town.refused(settling(town, 9_999, 100, "2026-04-02"), NotFound, "does not exist")


def test_a_reversed_receipt_no_longer_settles_its_line(town, clock):
    seq = sign(town, lease_body(contracted_lease(town, clock)))
    signed = settling(town, seq, 10_500 * YUAN, "2026-04-02", line=0)
    receipt = town.submit(signed)
    town.submit(town.agent.reverse(receipt, signed.statement.body["postings"], "2026-04-03",
                                   "记错 wrong tenant"))
    assert town.state.contracts[seq].lines[0].settled == 0


def test_the_final_payment_waits_for_acceptance(town):
    seq = _works(town)
    town.submit(settling(town, seq, 30_000 * YUAN, "2026-03-15", fund="renovation",
                         receipt=False))
    final = settling(town, seq, 7_000 * YUAN, "2026-06-30", fund="renovation", line=2,
                     receipt=False)
    error = town.refused(final, OutOfOrder, "only after acceptance")
    assert error.code == "out-of-order"
    town.submit(town.supervisor.sign("contract.accepted", {
        "contract": seq, "accepted_on": "2026-06-28", "report_sha256": sha("验收报告")}))
    town.submit(final)
    assert town.state.contracts[seq].lines[2].settled == 7_000 * YUAN


def _retention_release(town, seq, date):
    amount = 3_000 * YUAN
    return settling(town, seq, amount, date, fund="renovation", line=3, receipt=False,
                    extra_postings=[posting("2001", "renovation", "debit", amount),
                                    posting("1002", "renovation", "credit", amount)])


def test_the_retention_is_released_on_its_date_and_not_before(town):
    seq = _works(town)
    town.submit(town.committee.sign("contract.accepted", {
        "contract": seq, "accepted_on": "2026-06-28", "report_sha256": sha("验收报告")}))
    town.refused(_retention_release(town, seq, "2026-11-29"), OutOfOrder,
                 "held until 2026-11-30")
    town.submit(_retention_release(town, seq, "2026-11-30"))
    assert town.state.contracts[seq].lines[3].settled == 3_000 * YUAN


def test_the_retention_is_released_from_its_liability_account(town):
    seq = _works(town)
    town.submit(town.committee.sign("contract.accepted", {
        "contract": seq, "accepted_on": "2026-06-28", "report_sha256": sha("验收报告")}))
    town.refused(settling(town, seq, 3_000 * YUAN, "2026-11-30", fund="renovation", line=3,
                          receipt=False), DomainError, "debits that account")


def test_a_contract_reaching_the_major_threshold_rests_on_a_resolution(town):
    town.set_policy(approval=20_000 * YUAN, major=100_000 * YUAN)
    body = works_body(amounts=(60_000, 60_000))
    error = town.refused(town.committee.sign("contract.signed", body), ApprovalRequired,
                         "major threshold")
    assert error.code == "approval-required"
    resolution = town.resolve("contract", None)
    seq = sign(town, {**body, "resolution": resolution})
    assert town.state.contracts[seq].resolution == resolution


def test_instalments_that_take_a_contract_past_the_major_threshold_are_refused(town):
    """Payments of 90,000 and 10,000 under one contract: each is under the 100,000
    major threshold (tightened after the contract was signed), together they reach
    it, and no resolution names the contract."""
    town.set_policy(approval=100_000 * YUAN, major=150_000 * YUAN)
    town.grant("renovation", 500_000 * YUAN)
    seq = sign(town, works_body(amounts=(45_000, 45_000, 10_000), final=5_000, retention=3_000))
    town.set_policy(approval=100_000 * YUAN, major=100_000 * YUAN)  # tightened after signing
    town.submit(settling(town, seq, 90_000 * YUAN, "2026-03-15", fund="renovation",
                         receipt=False))
    second = settling(town, seq, 10_000 * YUAN, "2026-05-15", fund="renovation", line=2,
                      receipt=False)
    error = town.refused(second, ApprovalRequired, "reaching the major threshold")
    assert error.code == "approval-required"
    town.resolve("contract", seq)
    town.submit(second)
    assert town.state.contracts[seq].committed == 100_000 * YUAN


def test_payments_that_take_a_project_past_the_major_threshold_are_refused(town):
    town.set_policy(approval=100_000 * YUAN, major=100_000 * YUAN)
    town.grant("renovation", 500_000 * YUAN)
    project = town.submit(town.agent.register_project(
        "reno-2026", "renovation", "老旧小区微改造", "Micro-renovation", "2026-01-01",
        "2026-12-31"))
    town.pay("renovation", 60_000 * YUAN, "2026-03-01", project="reno-2026")
    town.pay("renovation", 30_000 * YUAN, "2026-03-05", project="reno-2026",
             counterparty={"kind": "organisation", "name": "另一家公司"})
    town.refused(town.agent.post_for_project(
        "reno-2026", "2026-03-09", "works", BUILDER,
        [posting("5002", "renovation", "debit", 20_000 * YUAN),
         posting("1002", "renovation", "credit", 20_000 * YUAN)]),
        ApprovalRequired, "payments under project reno-2026")
    town.resolve("project", project)
    town.pay("renovation", 20_000 * YUAN, "2026-03-09", project="reno-2026")
    assert town.state.project_paid["reno-2026"] == 110_000 * YUAN


def test_a_single_major_payment_is_held_not_refused(town):
    town.set_policy(approval=20_000 * YUAN, major=100_000 * YUAN)
    town.grant("renovation", 500_000 * YUAN)
    town.submit(town.agent.register_project(
        "reno-2026", "renovation", "老旧小区微改造", "Micro-renovation", "2026-01-01",
        "2026-12-31"))
    seq = town.pay("renovation", 120_000 * YUAN, "2026-03-01", project="reno-2026")
    assert town.state.pending[seq].level == "major"


def test_contracts_under_a_project_stay_within_its_budget(town):
    town.submit(town.agent.sign("project.registered", {
        "code": "reno-2026", "fund": "renovation", "name_zh": "老旧小区微改造",
        "name_en": "Micro-renovation", "starts": "2026-01-01", "ends": "2026-12-31",
        "budget": 50_000 * YUAN}))
    town.refused(town.committee.sign("contract.signed", works_body(project="reno-2026")),
                 DomainError, "over its budget")
    seq = sign(town, works_body(amounts=(20_000, 20_000), final=5_000, retention=3_000,
                                project="reno-2026"))
    town.refused(town.committee.sign("contract.amended", {
        "contract": seq, "amendment_sha256": sha("追加"), "reason": "增加工程量",
        "schedule": {"instalments": [{"due_on": "2026-04-15", "amount": 50_000 * YUAN}]},
        "total": 53_000 * YUAN}), DomainError, "over its budget")


def test_an_ended_contract_no_longer_falls_due(town, clock):
    seq = sign(town, lease_body(contracted_lease(town, clock)))
    town.submit(town.committee.sign("contract.ended", {
        "contract": seq, "ended_on": "2026-06-30", "reason": "承租人提前退租"}))
    assert town.state.contracts[seq].status == "ended"
    town.refused(settling(town, seq, 10_500 * YUAN, "2026-07-02", line=3), OutOfOrder,
                 "no longer falls due")


def test_an_amendment_may_lower_the_rent_and_keeps_what_was_settled(town, clock):
    seq = sign(town, lease_body(contracted_lease(town, clock)))
    town.submit(settling(town, seq, 10_500 * YUAN, "2026-04-02", line=0))
    town.submit(town.committee.sign("contract.amended", {
        "contract": seq, "amendment_sha256": sha("补充协议"), "reason": "疫情减租",
        "schedule": {"every": "month", "amount": 10_500 * YUAN}, "total": 10_500 * YUAN * 36}))
    contract = town.state.contracts[seq]
    assert contract.lines[0].settled == 10_500 * YUAN
    town.refused(town.committee.sign("contract.amended", {
        "contract": seq, "amendment_sha256": sha("补充协议2"), "reason": "再减",
        "schedule": {"every": "month", "amount": 9_000 * YUAN}, "total": 9_000 * YUAN * 36}),
        DomainError, "must keep it")
