"""Many writers, one ledger, both stores: the log never forks and never loses an entry.

Writers are two LedgerApplication instances on the same database (as two
server processes would be) and several threads on each.
"""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest

from ledger.log.application import LedgerApplication, Receipt
from ledger.client import posting
from ledger.errors import Conflict, InsufficientFunds, ReplayedNonce, RevokedKey
from ledger.format.statements import ZERO_HASH, SignedStatement
from tests.builders.community import STREET_OFFICE

THREADS_PER_INSTANCE = 3
STATEMENTS_PER_THREAD = 8


@pytest.fixture
def second_app(settings):
    """Another instance on the same database, with its own cache and connections."""
    other = LedgerApplication(settings)
    yield other
    other.close()


def grant(community, amount: int, fund: str = "general", **kw) -> SignedStatement:
    lines = [posting("1002", fund, "debit", amount), posting("4001", fund, "credit", amount)]
    return community.agent.post("2026-03-01", "grant", STREET_OFFICE, lines, **kw)


def spend(community, amount: int, fund: str = "general") -> SignedStatement:
    lines = [posting("5001", fund, "debit", amount), posting("1002", fund, "credit", amount)]
    return community.agent.post("2026-03-02", "supplies", STREET_OFFICE, lines)


def run_together(jobs: list[tuple[LedgerApplication, list[SignedStatement]]]) -> list:
    """Each job submits its statements one by one; all jobs start at the same moment.
    Returns (signed, Receipt or LedgerError) for every statement."""
    barrier = threading.Barrier(len(jobs))

    def work(app: LedgerApplication, statements: list[SignedStatement]) -> list:
        barrier.wait()
        outcomes = []
        for signed in statements:
            try:
                outcomes.append((signed, app.submit(signed)))
            except (Conflict, InsufficientFunds, ReplayedNonce) as error:
                outcomes.append((signed, error))
        return outcomes

    with ThreadPoolExecutor(len(jobs)) as pool:
        futures = [pool.submit(work, app, statements) for app, statements in jobs]
        return [outcome for future in futures for outcome in future.result()]


def assert_one_unforked_chain(app: LedgerApplication, slug: str) -> list:
    """Seqs 0..n-1 without gaps, each prev the hash before it; returns the entries."""
    entries = app.entries(slug, 0, 100_000)
    assert [entry.seq for entry in entries] == list(range(len(entries)))
    previous = ZERO_HASH
    for entry in entries:
        assert entry.prev == previous, f"entry {entry.seq} does not chain to {entry.seq - 1}"
        previous = entry.hash
    return entries


def assert_same_state(left, right) -> None:
    for name in ("size", "head", "last_recorded_at"):
        assert getattr(left, name) == getattr(right, name), name
    for name in ("keys", "funds", "accounts", "balances", "cash_entries", "confirmed",
                 "reversed_by"):
        assert dict(getattr(left, name)) == dict(getattr(right, name)), name
    assert left.frontier.root() == right.frontier.root()


def test_two_instances_and_threads_appending_at_once_never_fork_or_lose_an_entry(
        community, second_app, settings):
    start = community.log_size()
    apps = [community.app, second_app] * THREADS_PER_INSTANCE
    jobs = [(app, [grant(community, 1 + i) for i in range(STATEMENTS_PER_THREAD)]) for app in apps]
    outcomes = run_together(jobs)

    entries = assert_one_unforked_chain(community.app, community.slug)
    stored = [(e.signed.signer, e.statement.nonce) for e in entries[start:]]
    assert len(stored) == len(set(stored)), "a statement was stored twice"
    accepted = [signed for signed, result in outcomes if isinstance(result, Receipt)]
    refused = [result for _, result in outcomes if not isinstance(result, Receipt)]
    assert refused == [], "writers take turns on the write lock: none is refused for contention"
    assert sorted(stored) == sorted((s.signer, s.statement.nonce) for s in accepted)
    assert len(accepted) + len(refused) == len(apps) * STATEMENTS_PER_THREAD
    receipts = {result.seq: result.entry.leaf for _, result in outcomes if isinstance(result, Receipt)}
    assert receipts == {e.seq: e.leaf for e in entries[start:]}

    fresh = LedgerApplication(settings)
    try:
        for app in (community.app, second_app):
            assert_same_state(fresh.state(community.slug), app.state(community.slug))
    finally:
        fresh.close()


def test_concurrent_spends_from_two_instances_never_overdraw_a_fund(community, second_app):
    community.app.submit(grant(community, 1_000))
    apps = [community.app, second_app] * 2
    outcomes = run_together([(app, [spend(community, 100) for _ in range(5)]) for app in apps])
    paid = [r for _, r in outcomes if isinstance(r, Receipt)]
    refused = [r for _, r in outcomes if isinstance(r, InsufficientFunds)]
    conflicts = [r for _, r in outcomes if isinstance(r, Conflict)]
    assert len(paid) + len(refused) + len(conflicts) == 20
    # "Insufficient" is only ever said once the money is really gone: then all 10 were paid.
    assert len(paid) == 10 if refused else len(paid) <= 10
    for app in (community.app, second_app):
        assert app.state(community.slug).balance("1002", "general") == 1_000 - 100 * len(paid)
    assert_one_unforked_chain(community.app, community.slug)


def test_threads_on_one_instance_append_without_gaps(community):
    start = community.log_size()
    jobs = [(community.app, [grant(community, 1) for _ in range(STATEMENTS_PER_THREAD)])
            for _ in range(4)]
    outcomes = run_together(jobs)
    assert all(isinstance(result, Receipt) for _, result in outcomes)
    entries = assert_one_unforked_chain(community.app, community.slug)
    assert len(entries) == start + 4 * STATEMENTS_PER_THREAD


def test_the_same_statement_sent_to_both_instances_at_once_is_stored_once(community, second_app):
    statements = [grant(community, 1 + i) for i in range(10)]
    outcomes = run_together([(community.app, statements), (second_app, statements)])
    by_nonce: dict[str, set[int]] = {}
    for signed, result in outcomes:
        assert isinstance(result, Receipt)
        by_nonce.setdefault(signed.statement.nonce, set()).add(result.seq)
    assert all(len(seqs) == 1 for seqs in by_nonce.values())
    entries = assert_one_unforked_chain(community.app, community.slug)
    nonces = [e.statement.nonce for e in entries]
    assert all(nonces.count(s.statement.nonce) == 1 for s in statements)
    created = [r.created for _, r in outcomes]
    assert created.count(True) == 10 and created.count(False) == 10


# --- the catch-up and store-enforced paths, step by step -----------------------------------


def test_a_stale_instance_appends_after_the_entries_of_the_other(community, second_app):
    stale = second_app.state(community.slug)  # cached now, then left behind
    size = stale.size
    written = [community.app.submit(grant(community, 10)) for _ in range(3)]
    assert second_app._states[community.slug].size == size  # really stale
    receipt = second_app.submit(grant(community, 20))
    assert receipt.seq == size + 3 and receipt.entry.prev == written[-1].hash
    assert second_app.state(community.slug).balance("1002", "general") == 50
    assert community.app.state(community.slug).head == receipt.hash
    assert_one_unforked_chain(community.app, community.slug)


def test_a_stale_instance_accepts_a_statement_that_needs_the_others_entries(community, second_app):
    second_app.state(community.slug)  # cache it
    community.app.submit(community.agent.create_fund("library", "图书室", "Library fund"))
    community.app.submit(grant(community, 500, fund="library"))
    receipt = second_app.submit(spend(community, 200, fund="library"))
    assert receipt.created
    assert second_app.state(community.slug).balance("1002", "library") == 300


def test_a_stale_instance_refuses_a_key_the_other_instance_revoked(community, second_app):
    second_app.state(community.slug)
    community.app.submit(community.admin.revoke_key(community.agent.key_id, "left"))
    with pytest.raises(RevokedKey):
        second_app.submit(grant(community, 1))


def test_a_nonce_first_used_through_the_other_instance_is_refused_as_a_replay(community, second_app):
    second_app.state(community.slug)
    first = community.app.submit(grant(community, 10, nonce="cross-instance-1"))
    size = community.log_size()
    with pytest.raises(ReplayedNonce, match=f"already used by this signer at seq {first.seq}"):
        second_app.submit(grant(community, 99, nonce="cross-instance-1"))  # stale: catch-up path
    with pytest.raises(ReplayedNonce, match="already used"):
        second_app.submit(grant(community, 98, nonce="cross-instance-1"))  # current: nonce claim
    assert community.log_size() == size == second_app.state(community.slug).size


def test_a_nonce_claimed_by_the_other_instance_is_refused_by_the_store_itself(community, second_app):
    """Both instances are up to date; only the store's nonce claim can catch the replay."""
    community.app.submit(grant(community, 10, nonce="claim-race-01"))
    assert second_app.state(community.slug).size == community.log_size()
    replay = grant(community, 11, nonce="claim-race-02")
    community.app.submit(replay)
    # second_app is now one entry behind: it catches up inside the write lock, then refuses...
    with pytest.raises(ReplayedNonce):
        second_app.submit(grant(community, 12, nonce="claim-race-02"))
    # ...and now it is current: the entry version is free, the nonce claim is not.
    assert second_app._states[community.slug].size == community.log_size()
    with pytest.raises(ReplayedNonce, match="already used"):
        second_app.submit(grant(community, 13, nonce="claim-race-01"))
    assert_one_unforked_chain(community.app, community.slug)
