"""Several processes, one database: no valid statement is refused for contention.

Each process runs its own application and appender (as ``sunledger serve`` does)
with 16 client threads; they all start at the same moment, on SQLite and on
PostgreSQL. Writers take turns per ledger on a lock the database holds
(``ledger.log.write_locks``) and catch up with the store's head inside it.
"""

from __future__ import annotations

import json
import os
import subprocess
import threading
import sys
import time
from pathlib import Path

import pytest

from ledger.client import posting
from ledger.log.application import LedgerApplication
from tests.builders.community import STREET_OFFICE
from tests.builders.writer_process import write_job
from tests.integration.test_concurrent_writers import assert_one_unforked_chain

PROCESSES = 4
CLIENTS = 16
STATEMENTS_PER_PROCESS = 200
ROOT = Path(__file__).resolve().parents[2]


def grant(community, amount: int):
    lines = [posting("1002", "general", "debit", amount),
             posting("4001", "general", "credit", amount)]
    return community.agent.post("2026-03-01", "grant", STREET_OFFICE, lines)


def run_processes(jobs: list[Path]) -> list[dict]:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    procs = [subprocess.Popen([sys.executable, "-m", "tests.builders.writer_process", str(job)],
                              cwd=ROOT, env=env, stderr=subprocess.PIPE) for job in jobs]
    try:
        deadline = time.monotonic() + 120
        while not all(Path(f"{job}.ready").exists() for job in jobs):
            failed = [p for p in procs if p.poll() not in (None, 0)]
            assert not failed, failed[0].stderr.read().decode()
            assert time.monotonic() < deadline, "writer processes did not start"
            time.sleep(0.02)
        for job in jobs:
            Path(f"{job}.go").touch()
        for proc in procs:
            _, stderr = proc.communicate(timeout=300)
            assert proc.returncode == 0, stderr.decode()
    finally:
        for proc in procs:
            if proc.poll() is None:
                proc.kill()
    return [json.loads(line) for job in jobs
            for line in Path(f"{job}.out").read_text().splitlines()]


def test_writer_processes_with_many_clients_each_are_never_refused_and_never_fork(
        community, settings, tmp_path):
    start = community.log_size()
    own = [[grant(community, 1 + i) for i in range(STATEMENTS_PER_PROCESS)]
           for _ in range(PROCESSES)]
    # Every process also sends the first statements of the next one: a retry that
    # reaches another server must answer the same entry, stored once.
    shared = [own[n] + own[(n + 1) % PROCESSES][:4] for n in range(PROCESSES)]
    jobs = [write_job(tmp_path / f"writer-{n}.json", settings, statements, CLIENTS)
            for n, statements in enumerate(shared)]

    outcomes = run_processes(jobs)

    refused = [o for o in outcomes if "error" in o]
    assert refused == [], f"{len(refused)} refused, e.g. {refused[0]}"
    sent = {s.statement.nonce for statements in own for s in statements}
    entries = assert_one_unforked_chain(community.app, community.slug)[start:]
    stored = [entry.statement.nonce for entry in entries]
    assert sorted(stored) == sorted(sent), "every acknowledged statement is stored once"
    by_seq = {entry.seq: entry.hash for entry in entries}
    assert all(by_seq[o["seq"]] == o["hash"] for o in outcomes)
    assert sum(o["created"] for o in outcomes) == len(sent)  # the shared ones: once created
    fresh = LedgerApplication(settings)
    try:
        total = sum(1 + i for i in range(STATEMENTS_PER_PROCESS)) * PROCESSES
        assert fresh.state(community.slug).balance("1002", "general") == total
        assert community.app.state(community.slug).size == start + len(sent)
    finally:
        fresh.close()


def test_servers_start_cleanly_while_another_process_writes_and_projects(
        community, settings, tmp_path):
    """Schema setup runs under an advisory lock and waits for a projection batch
    instead of deadlocking with it (CREATE INDEX IF NOT EXISTS against UPDATE view_ledgers)."""
    from projections.worker import start_in_process

    from ledger.log.appender import Appender

    poller = start_in_process(community.app, interval_seconds=0.01)
    appender = Appender(community.app)
    stop = threading.Event()
    written = []

    def keep_writing() -> None:
        while not stop.is_set():
            written.append(appender.append_and_wait(grant(community, 1)))

    writer = threading.Thread(target=keep_writing)
    writer.start()
    job = write_job(tmp_path / "starts.json", settings, [grant(community, 1)], 1)
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    try:
        starters = [subprocess.Popen([sys.executable, "-m", "tests.builders.writer_process",
                                      str(job), "4"], cwd=ROOT, env=env, stderr=subprocess.PIPE)
                    for _ in range(3)]
        for starter in starters:
            _, stderr = starter.communicate(timeout=300)
            assert starter.returncode == 0, stderr.decode()[-2000:]
    finally:
        stop.set()
        writer.join()
        appender.close()
        poller.stop()
    assert len(written) > 0
    assert poller.last_error is None
    assert_one_unforked_chain(community.app, community.slug)
