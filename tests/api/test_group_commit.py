"""Group commit: statements for one ledger that arrive together are appended in one
transaction, and each is decided exactly as a single append would decide it
(chain, Merkle nodes, nonce checks, all-or-nothing per statement)."""

from __future__ import annotations

import threading
import time
from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest

from api.groupcommit import GroupCommitter
from ledger.log import proofs
from ledger.log.application import Receipt
from ledger.client import Signer, posting
from ledger.errors import LedgerError
from ledger.format.keys import SigningKey
from ledger.verify.run import verify_ledger
from tests.community import STREET_OFFICE, Community


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
    committer = GroupCommitter(app, on_batch=lambda size, _: batches.append(size))
    slug = statements[0].statement.ledger
    with app.locked_state(slug):
        futures = [committer.enqueue(signed) for signed in statements]
        time.sleep(0.1)  # the worker has taken what it found and waits for the lock
    results = []
    for future in futures:
        error = future.exception(timeout=30)
        results.append(outcome(error if error is not None else future.result()))
    committer.close()
    return results, batches


def balances(app, slug):
    return dict(app.state(slug).balances)


def test_a_batch_decides_each_statement_exactly_as_single_appends_would(app, settings):
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
    committer = GroupCommitter(app, idle_seconds=30)
    started = time.monotonic()
    receipt = committer.submit(pay(town.agent, 100, fund="general"))
    assert receipt.created and time.monotonic() - started < 5
    committer.close()


def test_idle_workers_leave_and_new_ones_start_when_work_comes(app):
    town = Community.open(app)
    town.grant("general", 10_000)
    committer = GroupCommitter(app, idle_seconds=0.05)
    committer.submit(pay(town.agent, 1, fund="general"))
    deadline = time.monotonic() + 5
    while committer._queues and time.monotonic() < deadline:
        time.sleep(0.02)
    assert not committer._queues
    assert committer.submit(pay(town.agent, 2, fund="general")).created
    committer.close()


def test_past_the_queue_limit_a_statement_is_appended_on_its_own(app):
    town = Community.open(app)
    town.grant("general", 10_000)
    committer = GroupCommitter(app, queues_max=0)
    assert committer.submit(pay(town.agent, 3, fund="general")).created
    with pytest.raises(LedgerError) as refused:
        committer.submit(pay(town.cashier, 3, fund="general"))
    assert refused.value.code == "forbidden-role" and not committer._queues


def test_concurrent_http_clients_each_get_their_own_answer(http, town, app):
    town.grant("general", 1_000_000)
    statements = [pay(town.agent, 100 + i, fund="general") for i in range(48)]
    statements += [pay(town.cashier, 5, fund="general") for _ in range(4)]
    before = app.reader.size(town.slug)
    url = f"/v1/ledgers/{town.slug}/statements"
    barrier = threading.Barrier(16)

    def send(signed):
        with httpx.Client(base_url=str(http.base_url), timeout=30) as client:
            try:
                barrier.wait(timeout=5)
            except threading.BrokenBarrierError:
                pass
            return client.post(url, json=signed.to_json())

    with ThreadPoolExecutor(16) as pool:
        answers = list(pool.map(send, statements + statements[:8]))
    codes = [a.status_code for a in answers]
    assert codes[:48].count(201) + codes[48 + 4:].count(201) == 48
    assert codes[48:52] == [403] * 4
    stored = {a.json()["seq"]: a.json()["hash"] for a in answers if a.status_code in (200, 201)}
    assert sorted(stored) == list(range(before, before + 48))
    for a, b in zip(answers[:8], answers[52:]):
        assert a.json() == b.json()  # a resend answers the same entry, created once
    assert verify_ledger(app, town.slug).ok
