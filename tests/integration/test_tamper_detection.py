"""Tampering with the database behind the application's back, on both real stores,
is caught by the verifier and named by seq or checkpoint size; bundles round-trip;
a live server (uvicorn) is verified over HTTP."""

from __future__ import annotations

import json
import uuid

import pytest

from ledger.format import merkle
from ledger.verify.bundle import export_bundle, verify_bundle, verify_url
from ledger.format.checkpoints import Checkpoint, sign_checkpoint
from ledger.errors import LedgerError
from ledger.format.notes import Signer as NoteSigner
from ledger.format.statements import Entry, Statement
from ledger.verify.run import Code, verify_ledger
from tests.builders.community import Community
from tests.builders.tamper import RawEvents, raw

GRANTS = 5  # on top of the community's 14 opening entries


@pytest.fixture
def town(community: Community) -> Community:
    for i in range(GRANTS):
        community.grant("general", 10_000 + i)
    return community


def checkpoint(app, town: Community, size: int | None = None,
               signer: NoteSigner | None = None) -> str:
    leaves = [stored.leaf for stored in app.reader.stored(town.slug)]
    size = len(leaves) if size is None else size
    root = merkle.root_from_leaf_hashes([merkle.leaf_hash(leaf) for leaf in leaves[:size]])
    origin = f"sunledger.example/{town.slug}"
    return sign_checkpoint(Checkpoint(origin, size, root), signer or town.log_signer)


def nodes_for(leaves: list[bytes]) -> list[list[str]]:
    frontier = merkle.CompactRange()
    return [[node.hex() for node in frontier.append(merkle.leaf_hash(leaf))] for leaf in leaves]


def changed_digit(leaf: bytes, after: bytes) -> bytes:
    at = leaf.index(after) + len(after)
    digit = b"7" if leaf[at:at + 1] != b"7" else b"8"
    return leaf[:at] + digit + leaf[at + 1:]


def test_the_untouched_ledger_verifies_clean_on_its_checkpoint(app, town):
    report = verify_ledger(app, town.slug, checkpoint_note=checkpoint(app, town),
                           old_checkpoint_note=checkpoint(app, town, 10))
    assert report.ok, report.findings
    assert report.size == 19 and report.checkpoint_size == 19


@pytest.mark.parametrize("seq", [16, 18])  # a middle entry, and the last one
def test_one_changed_byte_in_a_stored_entry_is_named_at_its_seq(app, settings, town, seq):
    with raw(app, settings, town) as events:
        events.put_leaf(seq, changed_digit(events.leaf(seq), b'"recorded_at":"2'))
    report = verify_ledger(app, town.slug)
    assert report.first().seq == seq
    assert report.first().code == Code.STORED_NODE_MISMATCH


def test_deleted_last_entries_are_caught_against_an_older_checkpoint(app, settings, town):
    older = checkpoint(app, town)
    with raw(app, settings, town) as events:
        events.delete_from(16)
    assert verify_ledger(app, town.slug).ok  # a shorter log is self-consistent
    report = verify_ledger(app, town.slug, old_checkpoint_note=older)
    assert [(f.code, f.checkpoint_size) for f in report.findings] == [
        (Code.CHECKPOINT_BEYOND_LOG, 19)]


def test_two_swapped_entries_are_named_at_the_earlier_one(app, settings, town):
    with raw(app, settings, town) as events:
        a, b = events.state(15), events.state(17)
        events.put(15, b)
        events.put(17, a)
    report = verify_ledger(app, town.slug)
    assert report.first().seq == 15
    assert Code.WRONG_SEQ in {f.code for f in report.at(15)}


def test_a_replaced_entry_with_chain_and_nodes_recomputed_is_caught_only_by_an_older_root(
        app, settings, town):
    older = checkpoint(app, town)
    leaves = [stored.leaf for stored in app.reader.stored(town.slug)]
    original = Entry.from_leaf(leaves[15])
    statement = original.statement
    body = json.loads(json.dumps(statement.body).replace("10001", "99999"))
    forged = Statement(statement.ledger, statement.type, body, statement.signed_at,
                       statement.nonce + "x").sign(town.agent.key)  # the agent colludes
    leaves[15] = Entry.build(15, original.prev, original.recorded_at, forged).leaf
    for seq in range(16, len(leaves)):  # the operator recomputes the chain after it
        entry = Entry.from_leaf(leaves[seq])
        leaves[seq] = Entry.build(seq, merkle.leaf_hash(leaves[seq - 1]).hex(),
                                  entry.recorded_at, entry.signed).leaf
    with raw(app, settings, town) as events:
        for seq, nodes in enumerate(nodes_for(leaves)):
            if seq >= 15:
                events.put_leaf(seq, leaves[seq], nodes)
    assert verify_ledger(app, town.slug).ok
    report = verify_ledger(app, town.slug, old_checkpoint_note=older)
    assert [(f.code, f.checkpoint_size) for f in report.findings] == [(Code.INCONSISTENT, 19)]
    assert "history up to seq 18 was rewritten" in report.first().message


def test_a_checkpoint_signed_by_the_wrong_key_is_a_finding(app, town):
    impostor = NoteSigner.from_seed(town.log_signer.name, b"\x05" * 32)
    report = verify_ledger(app, town.slug, checkpoint_note=checkpoint(app, town, signer=impostor))
    assert [(f.code, f.checkpoint_size) for f in report.findings] == [(Code.BAD_CHECKPOINT, 19)]


def test_a_statement_signed_after_its_key_was_revoked_and_inserted_is_named(app, settings, town):
    app.submit(town.admin.revoke_key(town.committee.key_id, "left the committee"))  # seq 19
    late = town.committee.budget("general", 2026, 50_000)
    leaves = [stored.leaf for stored in app.reader.stored(town.slug)]
    entry = Entry.build(20, merkle.leaf_hash(leaves[-1]).hex(),
                        Entry.from_leaf(leaves[-1]).recorded_at, late)
    with raw(app, settings, town) as events:
        events.insert(20, entry.leaf, nodes_for([*leaves, entry.leaf])[-1])
    report = verify_ledger(app, town.slug)
    assert [(f.seq, f.code) for f in report.findings] == [(20, Code.REVOKED_KEY)]


# --- bundles ---------------------------------------------------------------------------


def test_an_exported_bundle_verifies_offline_and_covers_exactly_its_checkpoint(app, town,
                                                                               tmp_path):
    note = checkpoint(app, town, 17)
    town.grant("general", 1)  # appended after the checkpoint: not in the bundle
    assert export_bundle(app, town.slug, tmp_path / "bundle", note) == 17
    lines = (tmp_path / "bundle" / "entries.ndjson").read_bytes().splitlines()
    assert lines == [stored.leaf for stored in app.reader.stored(town.slug, 0, 17)]
    assert (tmp_path / "bundle" / "checkpoint").read_text(encoding="utf-8") == note
    older = tmp_path / "older.checkpoint"
    older.write_text(checkpoint(app, town, 9), encoding="utf-8")
    assert verify_bundle(tmp_path / "bundle", since=older, workers=1).ok


def test_export_refuses_a_non_empty_directory_and_a_failed_export_leaves_nothing(app, town,
                                                                                tmp_path):
    out = tmp_path / "out"
    busy = out / "busy"
    busy.mkdir(parents=True)
    (busy / "notes.txt").write_text("mine", encoding="utf-8")
    with pytest.raises(LedgerError, match="not an empty directory"):
        export_bundle(app, town.slug, busy, checkpoint(app, town))
    assert [p.name for p in busy.iterdir()] == ["notes.txt"]
    too_big = sign_checkpoint(Checkpoint(town.log_signer.name, 50, b"\x00" * 32), town.log_signer)
    with pytest.raises(LedgerError, match="signs 50 entries"):
        export_bundle(app, town.slug, out / "new", too_big)
    assert sorted(p.name for p in out.iterdir()) == ["busy"]


def test_a_bundle_of_a_tampered_ledger_fails_at_the_changed_seq(app, settings, town, tmp_path):
    note = checkpoint(app, town)
    with raw(app, settings, town) as events:
        events.put_leaf(12, changed_digit(events.leaf(12), b'"recorded_at":"2'))
    export_bundle(app, town.slug, tmp_path / "bundle", note)
    report = verify_bundle(tmp_path / "bundle")
    assert report.first().seq == 12
    assert Code.ROOT_MISMATCH in report.codes()


# --- a live server ---------------------------------------------------------------------


@pytest.fixture
def served_demo(settings, app):
    from api.app import create_app
    from ledger.demo.build import ENTRIES_MIN, build_demo
    from tests.builders.server import running

    demo = build_demo(app, f"demo-{uuid.uuid4().hex[:8]}", entries=ENTRIES_MIN + 30)
    api = create_app(settings, application=app)
    with running(api) as url:
        yield demo, api, url


def test_a_live_server_serving_the_demo_ledger_verifies_over_http(served_demo, app, tmp_path):
    demo, api, url = served_demo
    older = tmp_path / "older.checkpoint"
    older.write_text(api.state.checkpoints.issue(demo.ledger), encoding="utf-8")
    from ledger.demo.build import role_keys

    app.submit(role_keys(app.settings, demo.ledger)["agent"].create_fund("extra", "追加", "Extra"))
    api.state.checkpoints.issue(demo.ledger)
    seen = []
    report = verify_url(url, demo.ledger, log_vkey=demo.log_vkey, genesis_hash=demo.genesis_hash,
                        since=older, proofs=None, progress=lambda done, total: seen.append(done))
    assert report.ok, report.findings
    assert report.size == demo.size + 1 and seen[-1] == report.size


def test_a_live_server_whose_stored_entry_changed_fails_at_that_seq(served_demo, app, settings):
    demo, api, url = served_demo
    api.state.checkpoints.issue(demo.ledger)
    events = RawEvents(app, settings, demo.ledger)
    try:
        events.put_leaf(20, changed_digit(events.leaf(20), b'"recorded_at":"2'))
    finally:
        events.db.close()
    report = verify_url(url, demo.ledger, log_vkey=demo.log_vkey, proofs=None)
    assert report.first().seq == 20
    assert {Code.BROKEN_CHAIN, Code.BAD_PROOF} <= {f.code for f in report.at(20)}
