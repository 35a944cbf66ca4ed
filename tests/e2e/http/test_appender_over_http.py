"""The log's front door over real HTTP: concurrent POSTs are group-committed by the
app's Appender and each client still gets its own answer; a batch is all or nothing."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

import httpx

from ledger.client import Signer, posting
from ledger.verify.run import verify_ledger


def pay(signer: Signer, amount: int, fund: str = "general"):
    lines = [posting("5001", fund, "debit", amount), posting("1002", fund, "credit", amount)]
    return signer.post("2026-02-01", "activity", {"kind": "organisation", "name": "文体店"},
                       lines, memo="supplies")


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
    metrics = http.get("/metrics").text
    committed = metric(metrics, "sunledger_group_commit_statements_sum")
    commits = metric(metrics, "sunledger_group_commit_statements_count")
    assert committed >= 48 + 4 and 0 < commits < committed  # some commits held several


def metric(text: str, name: str) -> float:
    return next(float(line.split()[-1]) for line in text.splitlines()
                if line.startswith(name + " "))


def test_a_posted_batch_goes_through_the_appender_all_or_nothing(http, town, app):
    town.grant("general", 1_000)
    url = f"/v1/ledgers/{town.slug}/batches"
    before = app.reader.size(town.slug)
    refused = http.post(url, json={"statements": [pay(town.agent, 10).to_json(),
                                                  pay(town.cashier, 10).to_json()]})
    assert refused.status_code == 403 and app.reader.size(town.slug) == before
    good = [pay(town.agent, 10 + i) for i in range(3)]
    stored = http.post(url, json={"statements": [s.to_json() for s in good]})
    assert stored.status_code == 201
    assert [e["seq"] for e in stored.json()["entries"]] == [before, before + 1, before + 2]
    metrics = http.get("/metrics").text
    assert metric(metrics, "sunledger_group_commit_statements_sum") >= 3
