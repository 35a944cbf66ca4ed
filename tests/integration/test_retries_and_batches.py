"""Idempotent retries and batches, on both stores."""

from __future__ import annotations

import pytest

from ledger.domain import policy
from ledger.log.application import LedgerApplication, Receipt
from ledger.client import posting
from ledger.errors import (FormatError, InsufficientFunds, LedgerError, ReplayedNonce,
                           UnbalancedEntry, UnknownFund)
from tests.builders.community import STREET_OFFICE
from tests.builders.refusals import LogView


def grant(community, amount: int, fund: str = "general", **kw):
    lines = [posting("1002", fund, "debit", amount), posting("4001", fund, "credit", amount)]
    return community.agent.post("2026-03-01", "grant", STREET_OFFICE, lines, **kw)


def spend(community, amount: int, fund: str = "general", **kw):
    lines = [posting("5001", fund, "debit", amount), posting("1002", fund, "credit", amount)]
    return community.agent.post("2026-03-02", "supplies", STREET_OFFICE, lines, **kw)


def unbalanced(community):
    lines = [posting("1002", "general", "debit", 10), posting("4001", "general", "credit", 9)]
    return community.agent.post("2026-03-01", "grant", STREET_OFFICE, lines)


# --- retries ---------------------------------------------------------------------------------


def test_submitting_the_same_signed_statement_twice_gives_the_same_entry_once(community):
    signed = grant(community, 1_000)
    first = community.app.submit(signed)
    size = community.log_size()
    again = community.app.submit(signed)
    assert (first.created, again.created) == (True, False)
    assert again.seq == first.seq and again.entry.leaf == first.entry.leaf
    assert community.log_size() == size
    assert community.app.state(community.slug).balance("1002", "general") == 1_000


def test_a_retry_answers_the_stored_entry_even_when_todays_rules_would_refuse_it(community):
    """A retry of a spend that emptied the fund must not come back as 'insufficient funds'."""
    community.app.submit(grant(community, 1_000))
    spent = community.app.submit(spend(community, 1_000))
    retry = community.app.submit(spent.entry.signed)
    assert (retry.seq, retry.created) == (spent.seq, False)


def test_a_retry_of_a_confirmation_answers_the_stored_confirmation(community):
    granted = community.app.submit(grant(community, 1_000))
    confirm = community.cashier.confirm(granted.seq, "2026-03-05")
    first = community.app.submit(confirm)
    assert community.app.submit(confirm) == Receipt(first.entry, created=False)


def test_a_retry_from_a_fresh_instance_answers_the_stored_entry(community, settings):
    signed = grant(community, 1_000)
    first = community.app.submit(signed)
    other = LedgerApplication(settings)
    try:
        again = other.submit(signed)
        assert (again.seq, again.created, again.hash) == (first.seq, False, first.hash)
    finally:
        other.close()
    assert community.log_size() == first.seq + 1


def test_a_retry_inside_a_batch_is_answered_in_place_and_the_rest_is_stored(community):
    stored = community.app.submit(grant(community, 1_000))
    fresh = grant(community, 2_000)
    receipts = community.app.submit_many([stored.entry.signed, fresh])
    assert [(r.seq, r.created) for r in receipts] == [(stored.seq, False), (stored.seq + 1, True)]


# --- batches ---------------------------------------------------------------------------------


def test_an_all_or_nothing_batch_with_one_bad_statement_stores_nothing(community):
    before = LogView.of(community.app, community.slug)
    batch = [grant(community, 100), grant(community, 200), unbalanced(community), grant(community, 300)]
    with pytest.raises(UnbalancedEntry, match="general: debits exceed credits by 0.01 CNY"):
        community.app.submit_many(batch, all_or_nothing=True)
    assert LogView.of(community.app, community.slug) == before


def test_a_best_effort_batch_stores_the_good_ones_and_returns_errors_in_place(community):
    size = community.log_size()
    bad_fund = grant(community, 50, fund="nope")
    batch = [grant(community, 100), unbalanced(community), grant(community, 200), bad_fund,
             spend(community, 300)]
    results = community.app.submit_many(batch, all_or_nothing=False)
    assert [type(r) for r in results] == [Receipt, UnbalancedEntry, Receipt, UnknownFund,
                                          Receipt]
    assert [r.seq for r in results if isinstance(r, Receipt)] == [size, size + 1, size + 2]
    assert community.log_size() == size + 3
    assert community.app.state(community.slug).balance("1002", "general") == 0


def test_a_best_effort_batch_sees_the_effect_of_its_earlier_statements(community):
    results = community.app.submit_many([spend(community, 5), grant(community, 5),
                                         spend(community, 5)], all_or_nothing=False)
    assert isinstance(results[0], InsufficientFunds)
    assert all(isinstance(r, Receipt) for r in results[1:])


def test_the_same_nonce_twice_in_one_batch_is_a_replay(community):
    first, second = grant(community, 1, nonce="batch-nonce-1"), grant(community, 2,
                                                                    nonce="batch-nonce-1")
    before = LogView.of(community.app, community.slug)
    with pytest.raises(ReplayedNonce, match="appear twice in this batch"):
        community.app.submit_many([first, second])
    assert LogView.of(community.app, community.slug) == before
    results = community.app.submit_many([first, second], all_or_nothing=False)
    assert isinstance(results[0], Receipt) and isinstance(results[1], ReplayedNonce)


def test_a_best_effort_batch_with_a_replayed_nonce_stores_the_rest(community):
    stored = community.app.submit(grant(community, 1, nonce="replayed-n1"))
    results = community.app.submit_many(
        [grant(community, 2), grant(community, 3, nonce="replayed-n1"), grant(community, 4)],
        all_or_nothing=False)
    assert isinstance(results[1], ReplayedNonce) and f"seq {stored.seq}" in str(results[1])
    assert [r.seq for r in results if isinstance(r, Receipt)] == [stored.seq + 1, stored.seq + 2]


def test_an_all_or_nothing_batch_with_a_replayed_nonce_stores_nothing(community):
    community.app.submit(grant(community, 1, nonce="replayed-n2"))
    before = LogView.of(community.app, community.slug)
    with pytest.raises(ReplayedNonce, match="already used"):
        community.app.submit_many([grant(community, 2), grant(community, 3, nonce="replayed-n2")])
    assert LogView.of(community.app, community.slug) == before


def test_an_empty_batch_stores_nothing(community):
    assert community.app.submit_many([]) == []


def test_a_batch_above_the_limit_is_refused(community):
    before = LogView.of(community.app, community.slug)
    signed = grant(community, 1)
    with pytest.raises(FormatError, match=f"at most {policy.batch_statements_max}"):
        community.app.submit_many([signed] * (policy.batch_statements_max + 1))
    assert LogView.of(community.app, community.slug) == before


def test_every_error_of_a_best_effort_batch_is_a_ledger_error_with_a_stable_code(community):
    results = community.app.submit_many([unbalanced(community), grant(community, 5, fund="nope")],
                                        all_or_nothing=False)
    assert all(isinstance(r, LedgerError) for r in results)
    assert [r.code for r in results] == ["unbalanced", "unknown-fund"]
