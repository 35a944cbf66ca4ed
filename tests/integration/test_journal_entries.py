"""Journal rules on both stores: each bad entry gets a clear error and changes nothing."""

from __future__ import annotations

import pytest

from ledger.domain import policy
from ledger.format.cjson import INT_MAX
from ledger.client import posting
from ledger.domain.journal import mirrored
from ledger.errors import (AlreadyReversed, DomainError, FormatError, InsufficientFunds, NotFound,
                           PolicyError, UnbalancedEntry, UnknownAccount, UnknownFund)
from tests.builders.community import STREET_OFFICE
from tests.builders.refusals import LogView, assert_refused


def post(community, lines, memo="x", **kw):
    return community.agent.post("2026-03-01", "grant", STREET_OFFICE, lines, memo=memo, **kw)


def pair(fund, amount, debit="1002", credit="4001"):
    return [posting(debit, fund, "debit", amount), posting(credit, fund, "credit", amount)]


# --- the shape of an entry ----------------------------------------------------------------


def test_an_unbalanced_entry_is_refused_naming_the_fund_and_the_difference(community):
    lines = [posting("1002", "general", "debit", 1000), posting("4001", "general", "credit", 999)]
    error = assert_refused(community.app, community.slug, post(community, lines),
                           UnbalancedEntry, "general: debits exceed credits by 0.01 CNY", code="unbalanced")
    assert error.details["imbalance"] == {"general/CNY": 1}


def test_an_entry_balanced_overall_but_not_per_fund_is_refused(community):
    lines = [posting("1002", "general", "debit", 500), posting("4001", "activity", "credit", 500)]
    assert_refused(community.app, community.slug, post(community, lines), UnbalancedEntry,
                   "activity: credits exceed debits by 5.00 CNY, "
                   "general: debits exceed credits by 5.00 CNY")


def test_an_unknown_account_is_refused_by_code(community):
    lines = [posting("9999", "general", "debit", 100), posting("4001", "general", "credit", 100)]
    assert_refused(community.app, community.slug, post(community, lines), UnknownAccount,
                   r"postings\[0\]: account 9999 does not exist", code="unknown-account")


def test_an_unknown_fund_is_refused_by_code(community):
    assert_refused(community.app, community.slug, post(community, pair("no-such-fund", 100)),
                   UnknownFund, r"postings\[0\]: fund no-such-fund does not exist")


@pytest.mark.parametrize("amount", [0, -100])
def test_zero_and_negative_amounts_are_refused(community, amount):
    assert_refused(community.app, community.slug, post(community, pair("general", amount)),
                   FormatError, rf"postings\[0\].amount must be between 1 and {policy.amount_max_fen}")


def test_an_amount_above_the_policy_maximum_is_refused(community):
    too_much = policy.amount_max_fen + 1
    assert too_much < INT_MAX
    assert_refused(community.app, community.slug, post(community, pair("general", too_much)),
                   FormatError, f"must be between 1 and {policy.amount_max_fen}, got {too_much}")


def test_too_few_postings_are_refused(community):
    lines = [posting("1002", "general", "debit", 100)]
    assert_refused(community.app, community.slug, post(community, lines), FormatError,
                   f"postings must list {policy.postings_min} to {policy.postings_max}")


def test_too_many_postings_are_refused(community):
    lines = pair("general", 1) * 32 + [posting("1002", "general", "debit", 1),
                                       posting("4001", "general", "credit", 1)]
    assert len(lines) == policy.postings_max + 2
    assert_refused(community.app, community.slug, post(community, lines), FormatError,
                   f"postings must list {policy.postings_min} to {policy.postings_max}")


def test_exactly_the_maximum_number_of_postings_is_accepted(community):
    lines = pair("general", 1) * (policy.postings_max // 2)
    receipt = community.app.submit(post(community, lines))
    assert community.app.state(community.slug).balance("1002", "general") == policy.postings_max // 2
    assert receipt.created


def test_a_memo_longer_than_the_limit_in_bytes_is_refused(community):
    memo = "账" * (policy.memo_bytes_max // 3 + 1)  # 3 bytes each in UTF-8
    assert len(memo) < policy.memo_bytes_max < len(memo.encode("utf-8"))
    assert_refused(community.app, community.slug, post(community, pair("general", 100), memo=memo),
                   FormatError, f"memo is longer than {policy.memo_bytes_max} bytes")


def test_a_memo_of_exactly_the_limit_is_accepted(community):
    memo = "a" * policy.memo_bytes_max
    assert community.app.submit(post(community, pair("general", 100), memo=memo)).created


def test_an_unknown_body_field_is_refused(community):
    signed = community.agent.sign("entry.posted", {
        **post(community, pair("general", 100)).statement.body, "approved": True})
    assert_refused(community.app, community.slug, signed, FormatError,
                   "body has unknown fields approved")


# --- money that is not there ---------------------------------------------------------------


def test_paying_more_than_the_fund_holds_in_the_bank_is_refused_with_the_balance(community):
    community.grant("activity", 50_000)
    lines = [posting("5001", "activity", "debit", 50_001),
             posting("1002", "activity", "credit", 50_001)]
    error = assert_refused(community.app, community.slug, post(community, lines),
                           InsufficientFunds, "account 1002 in fund activity holds 500.00 CNY; "
                           "this entry would take it to -0.01", code="insufficient-funds")
    assert error.details["balance"] == 50_000


def test_money_of_one_fund_cannot_pay_for_another(community):
    community.grant("general", 1_000_000)
    lines = [posting("5001", "activity", "debit", 100), posting("1002", "activity", "credit", 100)]
    assert_refused(community.app, community.slug, post(community, lines), InsufficientFunds,
                   "account 1002 in fund activity holds 0.00 CNY")


def test_cash_in_hand_cannot_go_negative_either(community):
    lines = [posting("5001", "general", "debit", 1), posting("1001", "general", "credit", 1)]
    assert_refused(community.app, community.slug, post(community, lines), InsufficientFunds,
                   "account 1001 in fund general")


def test_spending_exactly_the_balance_is_accepted_and_leaves_zero(community):
    community.grant("activity", 50_000)
    community.spend("activity", 50_000)
    assert community.app.state(community.slug).balance("1002", "activity") == 0


# --- reversals (红字冲销) -------------------------------------------------------------------


def test_a_reversal_undoes_the_balances_of_the_original(community):
    original = community.grant("renovation", 70_000)
    lines = original.entry.statement.body["postings"]
    community.app.submit(community.agent.reverse(original.seq, lines, "2026-03-02", "重复录入"))
    state = community.app.state(community.slug)
    assert state.balance("1002", "renovation") == 0
    assert state.balance("4001", "renovation") == 0
    assert state.reversed_by[original.seq] == state.size - 1


def test_reversing_twice_is_refused_naming_the_first_reversal(community):
    original = community.grant("renovation", 70_000)
    lines = original.entry.statement.body["postings"]
    first = community.app.submit(community.agent.reverse(original.seq, lines, "2026-03-02", "dup"))
    again = community.agent.reverse(original.seq, lines, "2026-03-03", "dup again")
    assert_refused(community.app, community.slug, again, AlreadyReversed,
                   f"entry {original.seq} was already reversed by entry {first.seq}")


def test_a_reversal_whose_postings_do_not_mirror_the_original_is_refused(community):
    original = community.grant("renovation", 70_000)
    lines = [dict(line) for line in original.entry.statement.body["postings"]]
    lines[0]["amount"] = lines[1]["amount"] = 60_000
    signed = community.agent.reverse(original.seq, lines, "2026-03-02", "partial")
    assert_refused(community.app, community.slug, signed, DomainError,
                   f"postings must mirror entry {original.seq} exactly")


def test_a_reversal_that_keeps_the_original_sides_is_refused(community):
    original = community.grant("renovation", 70_000)
    body = {"entry": original.seq, "date": "2026-03-02", "reason": "same sides",
            "postings": original.entry.statement.body["postings"]}
    assert_refused(community.app, community.slug, community.agent.sign("entry.reversed", body),
                   DomainError, "must mirror")


def test_only_posted_journal_entries_can_be_reversed(community):
    fund_seq = 4  # fund.created "general"
    assert community.app.entries(community.slug, fund_seq, 1)[0].statement.type == "fund.created"
    signed = community.agent.reverse(fund_seq, [posting("1002", "general", "debit", 1),
                                                posting("4001", "general", "credit", 1)],
                                     "2026-03-02", "oops")
    assert_refused(community.app, community.slug, signed, DomainError,
                   "entry 4 is a fund.created; only posted journal entries can be reversed")


def test_reversing_an_entry_that_does_not_exist_is_refused(community):
    signed = community.agent.reverse(999, pair("general", 1), "2026-03-02", "nothing")
    assert_refused(community.app, community.slug, signed, NotFound, "entry 999 does not exist")


def test_reversing_a_grant_already_spent_is_refused_because_the_bank_would_go_negative(community):
    original = community.grant("activity", 10_000)
    community.spend("activity", 9_000)
    signed = community.agent.reverse(original.seq, original.entry.statement.body["postings"],
                                     "2026-03-02", "wrong fund")
    assert_refused(community.app, community.slug, signed, InsufficientFunds, "1002 in fund activity")


def test_a_reversal_with_an_oversize_memo_is_refused(community):
    original = community.grant("renovation", 70_000)
    body = {"entry": original.seq, "date": "2026-03-02", "reason": "dup",
            "postings": mirrored(original.entry.statement.body["postings"]),
            "memo": "账" * (policy.memo_bytes_max // 3 + 1)}
    assert_refused(community.app, community.slug, community.agent.sign("entry.reversed", body),
                   FormatError, f"memo is longer than {policy.memo_bytes_max} bytes")


# --- confirmations (钱账分离) --------------------------------------------------------------


def test_a_confirmation_whose_memo_is_not_text_is_refused(community):
    grant = community.grant("general", 10_000)
    body = {"entry": grant.seq, "date": "2026-03-05", "memo": {"nested": ["not", "text"]}}
    assert_refused(community.app, community.slug, community.cashier.sign("entry.confirmed", body),
                   FormatError, "memo must be a string")



def test_the_cashier_confirms_a_bank_entry(community):
    grant = community.grant("general", 10_000)
    assert community.app.state(community.slug).unconfirmed() == [grant.seq]
    receipt = community.app.submit(community.cashier.confirm(grant.seq, "2026-03-05", "BK-001"))
    state = community.app.state(community.slug)
    assert state.confirmed[grant.seq] == receipt.seq
    assert state.unconfirmed() == []


def test_the_recording_key_cannot_confirm_its_own_entry(community):
    grant = community.grant("general", 10_000)
    assert_refused(community.app, community.slug, community.agent.confirm(grant.seq, "2026-03-05"),
                   PolicyError, "entry.confirmed needs a key with role cashier; this key has agent")


def test_confirming_an_entry_that_moves_no_cash_or_bank_money_is_refused(community):
    lines = [posting("5001", "general", "debit", 300), posting("2001", "general", "credit", 300)]
    accrual = community.app.submit(post(community, lines))
    assert_refused(community.app, community.slug,
                   community.cashier.confirm(accrual.seq, "2026-03-05"), DomainError,
                   f"entry {accrual.seq} moves no cash or bank money; nothing to confirm")


def test_confirming_twice_is_refused(community):
    grant = community.grant("general", 10_000)
    first = community.app.submit(community.cashier.confirm(grant.seq, "2026-03-05"))
    assert_refused(community.app, community.slug,
                   community.cashier.confirm(grant.seq, "2026-03-06"), DomainError,
                   f"entry {grant.seq} was already confirmed by entry {first.seq}")


def test_confirming_an_entry_that_does_not_exist_is_refused(community):
    assert_refused(community.app, community.slug, community.cashier.confirm(10_000, "2026-03-05"),
                   NotFound, "entry 10000 does not exist")


# --- batches that build on themselves -------------------------------------------------------


def test_a_batch_can_post_and_reverse_in_one_transaction(community):
    grant = post(community, pair("general", 800))
    seq = community.log_size()
    reverse = community.agent.reverse(seq, grant.statement.body["postings"], "2026-03-02", "dup")
    receipts = community.app.submit_many([grant, reverse])
    assert [r.seq for r in receipts] == [seq, seq + 1]
    state = community.app.state(community.slug)
    assert state.balance("1002", "general") == 0 and state.reversed_by[seq] == seq + 1


def test_a_batch_that_overdraws_in_its_second_entry_stores_neither(community):
    before = LogView.of(community.app, community.slug)
    grant = post(community, pair("activity", 1_000))
    overdraw = post(community, [posting("5001", "activity", "debit", 1_001),
                                posting("1002", "activity", "credit", 1_001)])
    with pytest.raises(InsufficientFunds):
        community.app.submit_many([grant, overdraw], all_or_nothing=True)
    assert LogView.of(community.app, community.slug) == before
