"""The log's front door (ledger/log/appender.py), on both stores: statements for one
ledger that arrive together are appended in one transaction (group commit), each
decided exactly as a single append would decide it (chain, Merkle nodes, nonce
checks, all-or-nothing per statement); imports are all or nothing; and listeners
hear of appends after the commit, outside the ledger's lock."""

from __future__ import annotations

import threading
import time

import pytest

from ledger.log import proofs
from ledger.log.appender import Appender
from ledger.log.application import Receipt
from ledger.client import Signer, posting
from ledger.errors import LedgerError
from ledger.format.keys import SigningKey
from ledger.verify.run import verify_ledger
from tests.builders.community import STREET_OFFICE, Community


def pay(signer: Signer, amount: int, nonce: str | None = None, fund: str = "activity"):
    lines = [posting("5001", fund, "debit", amount), posting("1002", fund, "credit", amount)]
    return signer.post("2026-02-01", "activity", {"kind": "organisation", "name": "文体店"},
                       lines, memo="supplies", nonce=nonce)


def scenario(town: Community) -> list:
    """Good statements mixed with every kind of refusal, and a retry and a replay."""
    lines = [posting("1002", "activity", "debit", 1_000),
             posting("4001", "activity", "credit", 1_000)]
    grant = town.agent.post("2026-01-05", "grant", STREET_OFFICE, lines, nonce="nonce-grant")
    stranger = Signer(SigningKey.generate("stranger"), town.slug)
    return [grant,
            pay(town.agent, 600, "nonce-spend-1"),
            pay(town.agent, 600, "nonce-spend-2"),      # only 400 left: insufficient funds
            grant,                                  # a retry: the same entry again
            pay(town.agent, 1, "nonce-grant"),          # another statement, used nonce: replay
            pay(stranger, 1),                       # an unregistered key
            pay(town.cashier, 1),                   # a role that may not post
            pay(town.agent, 400, "nonce-spend-3"),      # fits after the refused one
            town.cashier.confirm(14, "2026-01-06")]  # the grant, by the seq it will get


def outcome(result: Receipt | BaseException) -> tuple:
    if isinstance(result, Receipt):
        return ("stored" if result.created else "again", result.seq)
    assert isinstance(result, LedgerError), result
    return ("refused", result.code)


def one_by_one(app, statements) -> list[tuple]:
    results = []
    for signed in statements:
        try:
            results.append(outcome(app.submit(signed)))
        except LedgerError as error:
            results.append(outcome(error))
    return results


def all_at_once(app, statements) -> tuple[list[tuple], list[int]]:
    """Queue every statement while appends are held off, so they form one batch."""
    batches: list[int] = []
    appender = Appender(app, on_batch=lambda size, _: batches.append(size))
    slug = statements[0].statement.ledger
    with app.locked_state(slug):
        futures = [appender.append(signed) for signed in statements]
        time.sleep(0.1)  # the worker has taken what it found and waits for the lock
    results = []
    for future in futures:
        error = future.exception(timeout=30)
        results.append(outcome(error if error is not None else future.result()))
    appender.close()
    return results, batches


def balances(app, slug):
    return dict(app.state(slug).balances)


def test_a_batch_decides_each_statement_exactly_as_single_appends_would(app):
    single, grouped = Community.open(app), Community.open(app)
    expected = one_by_one(app, scenario(single))
    results, batches = all_at_once(app, scenario(grouped))
    assert results == expected
    assert [kind for kind, _ in expected] == ["stored", "stored", "refused", "again", "refused",
                                              "refused", "refused", "stored", "stored"]
    assert [detail for _, detail in expected][2:7] == [
        "insufficient-funds", 14, "replayed-nonce", "unknown-key", "forbidden-role"]
    assert max(batches) > 1 and sum(batches) >= len(results) - 1
    assert balances(app, grouped.slug) == balances(app, single.slug)
    assert app.reader.size(grouped.slug) == app.reader.size(single.slug) == 18


def test_a_group_committed_log_keeps_its_chain_and_merkle_tree(app):
    town = Community.open(app)
    town.grant("general", 10_000)
    statements = [pay(town.agent, 10 + i, fund="general") for i in range(40)]
    results, batches = all_at_once(app, statements)
    assert all(kind == "stored" for kind, _ in results) and max(batches) > 1
    seqs = [seq for _, seq in results]
    assert seqs == list(range(15, 55))
    report = verify_ledger(app, town.slug, log_vkey=town.log_signer.verifier().vkey)
    assert report.ok, report.findings
    state = app.state(town.slug)
    assert proofs.root_at(app.reader, town.slug, state.size) == state.frontier.root()


def test_the_same_statement_sent_twice_at_once_is_stored_once(app):
    town = Community.open(app)
    town.grant("general", 10_000)
    signed = pay(town.agent, 100, fund="general")
    results, _ = all_at_once(app, [signed, signed, signed])
    assert sorted(results) == [("again", 15), ("again", 15), ("stored", 15)]
    assert app.reader.size(town.slug) == 16


def test_a_lone_statement_is_appended_at_once_without_waiting_for_company(app):
    town = Community.open(app)
    town.grant("general", 10_000)
    appender = Appender(app, idle_seconds=30)
    started = time.monotonic()
    receipt = appender.append(pay(town.agent, 100, fund="general")).result(timeout=30)
    assert receipt.created and time.monotonic() - started < 5
    appender.close()


def test_idle_workers_leave_and_new_ones_start_when_work_comes(app):
    town = Community.open(app)
    town.grant("general", 10_000)
    appender = Appender(app, idle_seconds=0.05)
    appender.append_and_wait(pay(town.agent, 1, fund="general"))
    assert not appender.idle()
    deadline = time.monotonic() + 5
    while not appender.idle() and time.monotonic() < deadline:
        time.sleep(0.02)
    assert appender.idle()
    assert appender.append_and_wait(pay(town.agent, 2, fund="general")).created
    appender.close()


def test_past_the_queue_limit_a_statement_is_appended_on_its_own(app):
    town = Community.open(app)
    town.grant("general", 10_000)
    appender = Appender(app, queues_max=0)
    assert appender.append_and_wait(pay(town.agent, 3, fund="general")).created
    with pytest.raises(LedgerError) as refused:
        appender.append_and_wait(pay(town.cashier, 3, fund="general"))
    assert refused.value.code == "forbidden-role" and appender.idle()


def test_an_import_batch_is_stored_whole_or_not_at_all(app):
    town = Community.open(app)
    town.grant("general", 1_000)
    batches: list[int] = []
    appender = Appender(app, on_batch=lambda size, _: batches.append(size))
    before = app.reader.size(town.slug)
    with pytest.raises(LedgerError) as refused:
        appender.append_batch([pay(town.agent, 10, fund="general"),
                               pay(town.agent, 5_000, fund="general")])
    assert refused.value.code == "insufficient-funds"
    assert app.reader.size(town.slug) == before and batches == []
    receipts = appender.append_batch([pay(town.agent, 10 + i, fund="general")
                                      for i in range(3)])
    assert [r.seq for r in receipts] == [before, before + 1, before + 2]
    assert all(r.created for r in receipts) and batches == [3]
    appender.close()


def test_listeners_hear_the_new_size_after_the_commit_outside_the_lock(app):
    town = Community.open(app)
    heard = []

    def listener(appended):
        # The lock is free: reading the caught-up state here would deadlock otherwise.
        with app.locked_state(appended.slug) as state:
            heard.append((appended.slug, appended.size, state.size))

    app.after_append.append(listener)
    receipt = town.grant("general", 100)
    assert heard == [(town.slug, receipt.seq + 1, receipt.seq + 1)]


def test_a_blocking_listener_holds_up_neither_its_append_nor_the_next(app):
    town = Community.open(app)
    town.grant("general", 10_000)
    release, blocked = threading.Event(), threading.Event()

    def slow_listener(appended):
        if not blocked.is_set():
            blocked.set()
            release.wait(30)

    app.after_append.append(slow_listener)
    appender = Appender(app)
    try:
        first = appender.append(pay(town.agent, 1, fund="general"))
        assert blocked.wait(10)  # the worker is stuck in the listener...
        assert first.result(timeout=5).created  # ...yet the append has its answer
        # Another writer appends to the same ledger meanwhile: the lock is free.
        assert app.submit(pay(town.agent, 2, fund="general")).seq == first.result().seq + 1
    finally:
        release.set()
        appender.close()


def test_a_failing_listener_never_fails_an_append_through_the_appender(app):
    town = Community.open(app)
    town.grant("general", 1_000)

    def broken(appended):
        raise RuntimeError("listener broke")

    app.after_append.append(broken)
    appender = Appender(app)
    receipt = appender.append_and_wait(pay(town.agent, 1, fund="general"))
    assert receipt.created and app.reader.size(town.slug) == receipt.seq + 1
    assert appender.append_batch([pay(town.agent, 2, fund="general")])[0].created
    appender.close()
