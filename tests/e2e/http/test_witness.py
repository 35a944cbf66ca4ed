"""The witness against a live server (uvicorn on 127.0.0.1, real HTTP, both stores):
it cosigns what extends its memory and refuses, with evidence, what does not."""

from __future__ import annotations

import json

import httpx
import pytest

from ledger.log.kept_checkpoint import kept_path

from api.app import create_app
from ledger.log.application import LedgerApplication
from ledger.log.checkpointing import CheckpointLog
from ledger.errors import SignatureError
from ledger.format.notes import Signer, open_note
from ledger.witness.cosigner import SplitView, new_witness_signer, run_once
from ledger.witness.memory import load_state, state_file
from tests.builders.server import running
from tests.builders.tamper import rewrite_history
from tests.builders.community import Community


@pytest.fixture
def witness() -> Signer:
    return new_witness_signer("witness.example/cun")


def serve_and_witness(settings, app, town, witness, state_path, grow: int = 0):
    """Grow the log, sign a checkpoint, and let the witness run once against it."""
    api = create_app(settings, application=app, witnesses=[witness.verifier().vkey])
    for i in range(grow):
        town.grant("general", 100 + i)
    CheckpointLog(app).issue(town.slug)
    with running(api) as url:
        result = run_once(url, town.slug, witness, state_path, town.log_signer.verifier().vkey)
        note = httpx.get(f"{url}/v1/ledgers/{town.slug}/checkpoint").text
    return result, note


def test_the_witness_cosigns_and_the_server_serves_its_cosignature(
        settings, app, town, witness, tmp_path):
    state_path = tmp_path / "witness" / "state.json"
    result, note = serve_and_witness(settings, app, town, witness, state_path)
    assert (result.old_size, result.size) == (0, 14)
    assert result.cosignature in note
    log_key = town.log_signer.verifier()
    assert open_note(note, [log_key, witness.verifier()])[1] == [log_key.name, witness.name]
    origin = f"sunledger.example/{town.slug}"
    memory = load_state(state_file(state_path, origin))["logs"][origin]
    assert memory["size"] == 14 and memory["checkpoint"] in note


def test_the_witness_checks_consistency_as_the_log_grows(settings, app, town, witness, tmp_path):
    state_path = tmp_path / "state.json"
    serve_and_witness(settings, app, town, witness, state_path)
    result, note = serve_and_witness(settings, app, town, witness, state_path, grow=5)
    assert (result.old_size, result.size) == (14, 19)
    assert result.cosignature in note
    assert not list(tmp_path.glob("evidence-*"))


@pytest.mark.parametrize("regrow, reason", [
    (4, "the log signed two roots for size 18"),
    (9, "the tree of size 23 does not extend the tree of size 18"),
], ids=["same-size-other-root", "grown-over-a-fork"])
def test_the_witness_refuses_a_rewritten_history_and_keeps_both_checkpoints(
        settings, app, town, witness, tmp_path, regrow, reason):
    state_path = tmp_path / "state.json"
    first, cosigned_note = serve_and_witness(settings, app, town, witness, state_path, grow=4)
    assert first.size == 18
    rewrite_history(app, town.slug, keep=14)  # entries 14.. and every checkpoint record
    # A server that lost its kept checkpoint (or whose DATA_DIR an attacker emptied):
    # only what the database and the witnesses hold can stop it now.
    kept_path(settings, town.slug).unlink()
    forked = LedgerApplication(settings)  # a server started on the rewritten database
    try:
        town.app = forked
        with pytest.raises(SplitView, match=reason) as refused:
            serve_and_witness(settings, forked, town, witness, state_path, grow=regrow)
    finally:
        forked.close()
    evidence = sorted(tmp_path.glob("evidence-*.checkpoint"))
    assert [p.name.rsplit("-", 1)[1] for p in evidence] == ["cosigned.checkpoint",
                                                            "offered.checkpoint"]
    assert str(evidence[0]) in str(refused.value)
    assert evidence[0].read_text() in cosigned_note
    assert f"\n{14 + regrow}\n" in evidence[1].read_text()
    origin = f"sunledger.example/{town.slug}"
    memory = json.loads(state_file(state_path, origin).read_text())["logs"][origin]
    assert memory["size"] == 18  # its memory still holds what it cosigned


def test_the_witness_refuses_a_checkpoint_the_log_key_did_not_sign(
        settings, app, town, witness, tmp_path):
    api = create_app(settings, application=app)
    CheckpointLog(app).issue(town.slug)
    someone_else = Community.open(app).log_signer.verifier().vkey
    with running(api) as url, pytest.raises(SignatureError):
        run_once(url, town.slug, witness, tmp_path / "state.json", someone_else)
    assert not list(tmp_path.glob("*.json"))
