"""The witness against a deliberately hostile log server (a small real HTTP server):
endless answers, deeply nested proofs and a size of 10^15 end in a clear refusal in
moments, and the witness's memory is left as it was."""

from __future__ import annotations

import asyncio
import time

import pytest
from starlette.responses import StreamingResponse

from ledger.format.keys import SigningKey
from ledger.format.notes import Signer
from ledger.witness import memory as memories
from ledger.witness.cosigner import SplitView, WitnessError, new_witness_signer, run_once
from tests.builders.hostile import forged_checkpoint, hostile_server, json_text, text

LEDGER = "xinzhu"
BASE = f"/v1/ledgers/{LEDGER}"


@pytest.fixture
def log_signer() -> Signer:
    return Signer.from_seed(f"hostile.example/{LEDGER}", SigningKey.generate().seed)


@pytest.fixture
def witness() -> Signer:
    return new_witness_signer("witness.example/street-office")


async def endless():
    while True:
        yield b"\n" * 65536
        await asyncio.sleep(0)


def remembered(directory, log_signer: Signer, size: int) -> dict:
    """The witness once cosigned a tree of ``size`` for this origin."""
    note = forged_checkpoint(log_signer, size)
    memory = {"size": size, "root": note.split("\n")[2], "checkpoint": note, "cosigned_at": 1}
    with memories.locked(directory, log_signer.name):
        memories.remember(directory, log_signer.name, memory)
    return memory


def refused(url: str, witness: Signer, directory, log_signer: Signer, error, match: str):
    started = time.monotonic()
    with pytest.raises(error, match=match):
        run_once(url, LEDGER, witness, directory, log_signer.verifier().vkey)
    assert time.monotonic() - started < 20


def test_an_endless_checkpoint_is_cut_off_at_the_cap(witness, log_signer, tmp_path):
    async def checkpoint(_request):
        return StreamingResponse(endless())

    with hostile_server({f"{BASE}/checkpoint": checkpoint}) as url:
        refused(url, witness, tmp_path, log_signer, WitnessError, "more than 65536 bytes")
    assert not list(tmp_path.glob("*.json"))


def test_a_deeply_nested_consistency_proof_is_an_error_not_a_recursion_error(
        witness, log_signer, tmp_path):
    before = remembered(tmp_path, log_signer, 5)
    note = forged_checkpoint(log_signer, 9)

    async def checkpoint(_request):
        return text(note)

    async def consistency(_request):
        return json_text("[" * 30_000 + "]" * 30_000)

    with hostile_server({f"{BASE}/checkpoint": checkpoint,
                         f"{BASE}/proofs/consistency": consistency}) as url:
        refused(url, witness, tmp_path, log_signer, WitnessError, "not JSON")
    assert memories.recall(tmp_path, log_signer.name) == before


def test_a_size_of_ten_to_the_fifteen_is_refused_as_a_fork(witness, log_signer, tmp_path):
    before = remembered(tmp_path, log_signer, 5)
    note = forged_checkpoint(log_signer, 10**15)

    async def checkpoint(_request):
        return text(note)

    async def consistency(_request):
        return json_text('{"hashes": []}')

    with hostile_server({f"{BASE}/checkpoint": checkpoint,
                         f"{BASE}/proofs/consistency": consistency}) as url:
        refused(url, witness, tmp_path, log_signer, SplitView, "does not extend")
    assert memories.recall(tmp_path, log_signer.name) == before
