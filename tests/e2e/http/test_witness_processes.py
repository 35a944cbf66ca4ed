"""Witness processes sharing one memory directory (one per ledger, as the CLI runs
them) against a real server with two ledgers, while a hostile server shows a forked
tree for one of the same origins: every honest checkpoint is cosigned, no fork ever."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time
from pathlib import Path

import httpx
import pytest

from api.app import create_app
from ledger.format.keys import write_secret_file
from ledger.format.notes import Signer
from ledger.log.checkpointing import CheckpointLog
from ledger.witness import memory as memories
from ledger.witness.cosigner import SplitView, new_witness_signer, run_once
from tests.builders.community import Community
from tests.builders.hostile import forged_checkpoint, hostile_server, json_text, random_hashes, \
    text
from tests.builders.server import keep_log_key, running

TREE = Path(__file__).resolve().parents[3]


@pytest.fixture
def witness() -> Signer:
    return new_witness_signer("witness.example/street-office")


def forked_view(town: Community, size: int, posted: list[str]):
    """A server that shows ``town``'s origin a tree of ``size`` that is not the log's,
    signed with the log's own key (a stolen key, or a server that forks its store)."""
    note = forged_checkpoint(town.log_signer, size)

    async def checkpoint(_request):
        return text(note)

    async def consistency(_request):
        return json_text('{"hashes": ["%s"]}' % '", "'.join(random_hashes(4)))

    async def cosignatures(request):
        posted.append((await request.body()).decode())
        return text(note)

    base = f"/v1/ledgers/{town.slug}"
    return hostile_server({f"{base}/checkpoint": checkpoint,
                           f"{base}/proofs/consistency": consistency,
                           f"{base}/checkpoint/cosignatures": cosignatures},
                          methods={f"{base}/checkpoint/cosignatures": ["POST"]})


def witness_process(url: str, town: Community, key: Path, data_dir: Path) -> subprocess.Popen:
    """`sunledger witness run --every 0.05` in a process of its own (default memory dir)."""
    return subprocess.Popen(
        [sys.executable, "-m", "ledger.cli", "--data-dir", str(data_dir), "witness", "run",
         "--url", url, "--ledger", town.slug, "--key", str(key),
         "--log-key", town.log_signer.verifier().vkey, "--every", "0.05"],
        env={**os.environ, "PYTHONPATH": str(TREE)}, stdout=subprocess.PIPE,
        stderr=subprocess.PIPE, text=True)


def cosigned_by(url: str, town: Community, witness: Signer) -> bool:
    note = httpx.get(f"{url}/v1/ledgers/{town.slug}/checkpoint", timeout=10).text
    return f"— {witness.name} " in note


def test_two_witness_processes_keep_both_memories_and_never_cosign_a_fork(
        settings, app, town, witness, tmp_path):
    other = Community.open(app)
    keep_log_key(settings, other)
    for community in (town, other):
        CheckpointLog(app).issue(community.slug)
    key = tmp_path / "witness.skey"
    write_secret_file(key, witness.skey + "\n")
    data_dir, posted_to_fork = tmp_path / "data", []
    api = create_app(settings, application=app, witnesses=[witness.verifier().vkey])
    with running(api) as url, forked_view(town, town.log_size() + 3, posted_to_fork) as fork:
        processes = [witness_process(url, community, key, data_dir) for community in (town, other)]
        try:
            deadline = time.monotonic() + 60
            while not (cosigned_by(url, town, witness) and cosigned_by(url, other, witness)):
                assert time.monotonic() < deadline, [p.poll() for p in processes]
                assert all(p.poll() is None for p in processes), processes[0].stderr.read()
                time.sleep(0.1)
            refusals = 0
            for _ in range(30):  # the forked view, offered while both processes keep cosigning
                with pytest.raises(SplitView, match="does not extend"):
                    run_once(fork, town.slug, witness, data_dir / "witness",
                             town.log_signer.verifier().vkey)
                refusals += 1
            assert all(p.poll() is None for p in processes), "an honest witness stopped"
        finally:
            for process in processes:
                process.terminate()
                process.wait(timeout=30)
    assert refusals == 30 and posted_to_fork == []
    memory_dir = data_dir / "witness"
    for community in (town, other):
        origin = f"sunledger.example/{community.slug}"
        remembered = memories.load_state(memories.state_file(memory_dir, origin))["logs"]
        assert list(remembered) == [origin] and remembered[origin]["size"] == community.log_size()
    assert not list(memory_dir.glob("*.tmp")), "a temporary file was left behind"


def test_a_round_waits_for_the_lock_of_its_origin(settings, app, town, witness, tmp_path):
    """While another round holds an origin's lock, a round for it waits (then reads
    what the other remembered); the lock is what makes the memory safe to share."""
    CheckpointLog(app).issue(town.slug)
    origin, finished = f"sunledger.example/{town.slug}", threading.Event()
    api = create_app(settings, application=app, witnesses=[witness.verifier().vkey])
    with running(api) as url:
        def one_round() -> None:
            run_once(url, town.slug, witness, tmp_path, town.log_signer.verifier().vkey)
            finished.set()

        with memories.locked(tmp_path, origin):
            waiting = threading.Thread(target=one_round, daemon=True)
            waiting.start()
            assert not finished.wait(1.5), "the round ran while another held the lock"
            assert not memories.state_file(tmp_path, origin).exists()
        assert finished.wait(30)
    assert memories.recall(tmp_path, origin)["size"] == town.log_size()


def test_each_origin_has_its_own_file_and_an_old_shared_file_is_still_read(tmp_path):
    old = {"size": 7, "root": "A" * 43 + "=", "checkpoint": "old note\n", "cosigned_at": 1}
    (tmp_path / "state.json").write_text(
        '{"version": 1, "logs": {"example.org/a": %s}}' % __import__("json").dumps(old))
    assert memories.recall(tmp_path, "example.org/a") == old  # an upgrade forgets nothing
    with memories.locked(tmp_path, "example.org/a"):
        memories.remember(tmp_path, "example.org/a", {**old, "size": 8})
    with memories.locked(tmp_path, "example.org_a"):
        memories.remember(tmp_path, "example.org_a", {**old, "size": 3})
    files = {p.name for p in tmp_path.glob("*.json")} - {"state.json"}
    assert len(files) == 2, files  # origins that look alike as file names stay apart
    assert memories.recall(tmp_path, "example.org/a")["size"] == 8
    assert memories.recall(tmp_path, "example.org_a")["size"] == 3


def test_a_running_witness_reports_each_checkpoint_it_cosigns_and_each_new_failure(
        settings, app, town, witness, tmp_path):
    """`witness run --every` says what it did: one line per newly cosigned checkpoint,
    one line when the log stops answering (not one per round)."""
    checkpoints = CheckpointLog(app)
    checkpoints.issue(town.slug)
    key = tmp_path / "witness.skey"
    write_secret_file(key, witness.skey + "\n")
    api = create_app(settings, application=app, witnesses=[witness.verifier().vkey])
    with running(api) as url:
        process = witness_process(url, town, key, tmp_path / "data")
        try:
            lines = []

            def read_until(wanted: str) -> None:
                deadline = time.monotonic() + 60
                while not any(wanted in line for line in lines):
                    assert time.monotonic() < deadline, lines
                    line = process.stdout.readline()
                    assert line, (lines, process.stderr.read())
                    lines.append(line)

            read_until(f"at size {town.log_size()} (last cosigned: 0)")
            first = town.log_size()
            town.grant("general", 100)
            checkpoints.issue(town.slug)
            read_until(f"at size {first + 1} (last cosigned: {first})")
        finally:
            process.terminate()
            process.wait(timeout=30)
    cosigned = [line for line in lines if " cosigned " in line]
    assert len(cosigned) == 2, lines  # rounds at the same size print nothing more
    assert all(f"sunledger.example/{town.slug}" in line for line in cosigned)


def test_a_running_witness_says_once_that_the_log_does_not_answer(town, witness, tmp_path):
    key = tmp_path / "witness.skey"
    write_secret_file(key, witness.skey + "\n")
    process = witness_process("http://127.0.0.1:9", town, key, tmp_path / "data")
    try:
        time.sleep(3)  # dozens of rounds at --every 0.05
    finally:
        process.terminate()
        output = process.communicate(timeout=30)[0]
    failures = [line for line in output.splitlines() if "not cosigned" in line]
    assert len(failures) == 1, output
    assert "trying again" in failures[0]
