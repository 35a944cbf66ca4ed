"""Payments at or above the ledger policy's thresholds (三重一大): pending until
approved, approved only by another key, major ones only on a disclosed,
co-signed residents' resolution. Every refusal changes nothing."""

from __future__ import annotations

from ledger.errors import (ApprovalRequired, DisclosureRequired, DomainError, FormatError,
                           InsufficientFunds, OutOfOrder, PolicyError, SameKey)
from tests.builders.community import YUAN


def test_payment_below_the_threshold_moves_money_at_once(town):
    town.set_policy()
    town.grant("activity", 10_000 * YUAN)
    seq = town.pay("activity", 4_999 * YUAN, account="5001")
    assert seq not in town.state.pending
    assert town.state.balance("1002", "activity") == 5_001 * YUAN


def test_without_a_policy_no_payment_waits_for_approval(town):
    town.grant("renovation", 900_000 * YUAN)
    seq = town.pay("renovation", 800_000 * YUAN)
    assert seq not in town.state.pending and seq in town.state.cash_entries


def test_payment_at_the_threshold_is_pending_and_moves_no_balance(town):
    town.set_policy(approval=5_000 * YUAN)
    town.grant("activity", 10_000 * YUAN)
    before = dict(town.state.balances)
    seq = town.pay("activity", 5_000 * YUAN, account="5001")
    pending = town.state.pending[seq]
    assert (pending.status, pending.level, pending.amount) == ("pending", "approval", 500_000)
    assert dict(town.state.balances) == before
    assert seq not in town.state.cash_entries
    assert town.state.flows.get(("fund", "activity", "2026-02")) is None


def test_committee_approval_applies_the_postings_of_a_pending_payment(town):
    town.set_policy()
    town.grant("activity", 10_000 * YUAN)
    seq = town.pay("activity", 6_000 * YUAN, account="5001")
    approval = town.submit(town.committee.approve(seq, memo="同意 agreed"))
    assert town.state.pending[seq].status == "approved"
    assert town.state.pending[seq].decided_seq == approval
    assert town.state.balance("1002", "activity") == 4_000 * YUAN
    assert town.state.cash_entries[seq] == town.agent.key_id
    town.submit(town.cashier.confirm(seq, "2026-02-02"))


def test_confirming_a_pending_payment_is_refused(town):
    town.set_policy()
    town.grant("activity", 10_000 * YUAN)
    seq = town.pay("activity", 6_000 * YUAN, account="5001")
    error = town.refused(town.cashier.confirm(seq, "2026-02-02"), ApprovalRequired,
                         "waiting for an approval")
    assert error.code == "approval-required"


def test_the_key_that_recorded_a_payment_may_not_approve_it(town):
    town.set_policy()
    town.grant("activity", 10_000 * YUAN)
    both = town.new_key(["agent", "committee"], "agent who also sits on the committee")
    seq = town.pay("activity", 6_000 * YUAN, account="5001", by=both)
    error = town.refused(both.approve(seq), SameKey, "may not approve it")
    assert error.code == "same-key"


def test_a_cashier_key_cannot_approve(town):
    town.set_policy()
    town.grant("activity", 10_000 * YUAN)
    seq = town.pay("activity", 6_000 * YUAN, account="5001")
    town.refused(town.cashier.approve(seq), PolicyError, "needs a key with role committee")


def test_the_policy_decides_which_roles_approve(town):
    town.set_policy()
    town.grant("activity", 10_000 * YUAN)
    seq = town.pay("activity", 6_000 * YUAN, account="5001")
    town.refused(town.supervisor.approve(seq), PolicyError, "lets only committee keys approve")
    town.set_policy(approvers={"approval": ["committee"], "major": ["committee", "supervisor",
                                                                    "auditor"]})
    assert town.state.policies[max(town.state.policies)].major_roles == {
        "committee", "supervisor", "auditor"}


def test_approving_twice_or_after_rejection_is_out_of_order(town):
    town.set_policy()
    town.grant("activity", 20_000 * YUAN)
    first = town.pay("activity", 6_000 * YUAN, account="5001")
    second = town.pay("activity", 7_000 * YUAN, account="5001")
    town.submit(town.committee.approve(first))
    town.refused(town.committee.approve(first), OutOfOrder, "already approved")
    town.submit(town.supervisor.reject(second, "报价过高 quote too high"))
    town.refused(town.committee.approve(second), OutOfOrder, "already rejected")
    town.refused(town.cashier.confirm(second, "2026-02-03"), OutOfOrder, "was rejected")
    assert town.state.balance("1002", "activity") == 14_000 * YUAN


def test_approving_an_entry_that_needs_no_approval_is_refused(town):
    town.set_policy()
    town.grant("activity", 10_000 * YUAN)
    small = town.pay("activity", 100 * YUAN, account="5001")
    town.refused(town.committee.approve(small), OutOfOrder, "not a payment waiting")


def test_a_pending_payment_cannot_be_reversed(town):
    town.set_policy()
    town.grant("activity", 10_000 * YUAN)
    seq = town.pay("activity", 6_000 * YUAN, account="5001")
    postings = town.entries()[seq].statement.body["postings"]
    town.refused(town.agent.reverse(seq, postings, "2026-02-03", "录错 mistake"), OutOfOrder,
                 "reject it with entry.rejected")


def test_approval_checks_the_balance_again(town):
    town.set_policy()
    town.grant("activity", 10_000 * YUAN)
    seq = town.pay("activity", 8_000 * YUAN, account="5001")
    town.pay("activity", 4_000 * YUAN, account="5001")
    town.refused(town.committee.approve(seq), InsufficientFunds, "would take it to")


def test_a_major_payment_needs_a_passed_resolution_about_it(town):
    town.set_policy()
    town.grant("renovation", 900_000 * YUAN)
    seq = town.pay("renovation", 60_000 * YUAN)
    other = town.pay("renovation", 70_000 * YUAN)
    assert town.state.pending[seq].level == "major"
    town.refused(town.committee.approve(seq), ApprovalRequired, "a major matter")
    failed = town.resolve("entry", seq, votes_for=10, cosign=False)
    assert town.state.resolutions[failed].passed is False
    town.refused(town.committee.approve(seq, failed), ApprovalRequired, "did not pass")
    elsewhere = town.resolve("entry", other)
    town.refused(town.committee.approve(seq, elsewhere), DomainError, f"is not about entry {seq}")


def test_a_failed_resolution_cannot_be_cosigned(town):
    town.set_policy()
    town.grant("renovation", 900_000 * YUAN)
    seq = town.pay("renovation", 60_000 * YUAN)
    failed = town.resolve("entry", seq, votes_for=11, cosign=False)  # 11 of 22 is not a majority
    town.refused(town.supervisor.cosign_resolution(failed), DomainError, "did not pass")


def test_a_meeting_without_quorum_does_not_pass(town):
    town.set_policy()
    town.grant("renovation", 900_000 * YUAN)
    seq = town.pay("renovation", 60_000 * YUAN)
    thin = town.submit(town.committee.record_resolution("entry", seq, "决议", "2026-02-10", 30,
                                                        19, 19, 0, 0, "a" * 64))
    assert town.state.resolutions[thin].passed is False  # 19 of 30 is under two thirds


def test_a_resolution_with_more_votes_than_people_is_refused(town):
    town.set_policy()
    town.grant("renovation", 900_000 * YUAN)
    seq = town.pay("renovation", 60_000 * YUAN)
    town.refused(town.committee.record_resolution("entry", seq, "决议", "2026-02-10", 25, 20,
                                                  15, 5, 1, "a" * 64),
                 DomainError, "votes add up to 21 but only 20 attended")
    town.refused(town.committee.record_resolution("entry", seq, "决议", "2026-02-10", 25, 26,
                                                  15, 5, 1, "a" * 64),
                 FormatError, "attendance must be between 1 and 25")


def test_a_resolution_about_an_ordinary_payment_is_refused(town):
    town.set_policy()
    town.grant("activity", 10_000 * YUAN)
    seq = town.pay("activity", 6_000 * YUAN, account="5001")
    town.refused(town.committee.record_resolution("entry", seq, "决议", "2026-02-10", 25, 22,
                                                  20, 1, 1, "a" * 64),
                 DomainError, "not a major-matter payment")


def test_cosigning_twice_and_disclosing_early_or_twice_are_refused(town):
    town.set_policy()
    town.grant("renovation", 900_000 * YUAN)
    seq = town.pay("renovation", 60_000 * YUAN)
    resolution = town.resolve("entry", seq, cosign=False)
    town.submit(town.committee.cosign_resolution(resolution))
    town.refused(town.committee.cosign_resolution(resolution), OutOfOrder, "already co-signed")
    town.refused(town.committee.disclose_resolution(resolution, "2026-02-11", "b" * 64),
                 OutOfOrder, "once it is co-signed by committee and supervisor")
    town.submit(town.supervisor.cosign_resolution(resolution))
    town.submit(town.committee.disclose_resolution(resolution, "2026-02-11", "b" * 64))
    town.refused(town.committee.disclose_resolution(resolution, "2026-02-12", "c" * 64),
                 OutOfOrder, "already disclosed")


def test_confirming_a_major_payment_waits_for_its_disclosed_resolution(town):
    town.set_policy()
    town.grant("renovation", 900_000 * YUAN)
    seq = town.pay("renovation", 60_000 * YUAN)
    resolution = town.resolve("entry", seq)
    town.submit(town.committee.approve(seq, resolution))
    error = town.refused(town.cashier.confirm(seq, "2026-02-21"), DisclosureRequired,
                         "must be disclosed")
    assert error.code == "disclosure-required"
    town.submit(town.committee.disclose_resolution(resolution, "2026-02-22", "d" * 64))
    town.submit(town.cashier.confirm(seq, "2026-02-23"))


def test_the_policy_history_is_kept_and_tightening_needs_no_resolution(town):
    first = town.set_policy(approval=5_000 * YUAN, major=50_000 * YUAN)
    second = town.set_policy(approval=3_000 * YUAN, major=30_000 * YUAN, notice_days=15)
    assert sorted(town.state.policies) == [first, second]
    assert town.state.policies[second].approval_threshold == 300_000


def test_loosening_the_policy_needs_a_disclosed_resolution(town):
    town.set_policy(approval=5_000 * YUAN, major=50_000 * YUAN)
    loose = town.committee.set_policy(8_000 * YUAN, 50_000 * YUAN, 10)
    error = town.refused(loose, ApprovalRequired, "raises approval_threshold")
    assert error.details["loosens"] == ["raises approval_threshold"]
    undisclosed = town.resolve("policy", None)
    town.refused(town.committee.set_policy(8_000 * YUAN, 50_000 * YUAN, 10,
                                           resolution=undisclosed),
                 ApprovalRequired, "must be disclosed first")
    town.submit(town.committee.disclose_resolution(undisclosed, "2026-02-11", "e" * 64))
    town.submit(town.committee.set_policy(8_000 * YUAN, 50_000 * YUAN, 10,
                                          resolution=undisclosed))


def test_a_policy_must_keep_both_cosigners_and_ordered_thresholds(town):
    town.refused(town.committee.set_policy(50_000 * YUAN, 5_000 * YUAN, 10), DomainError,
                 "must not be below approval_threshold")
    town.refused(town.committee.set_policy(5_000 * YUAN, 50_000 * YUAN, 10,
                                           approvers={"major": ["committee"]}),
                 DomainError, "must include committee and supervisor")
    town.refused(town.agent.set_policy(5_000 * YUAN, 50_000 * YUAN, 10), PolicyError,
                 "policy.set needs a key with role admin or committee")
