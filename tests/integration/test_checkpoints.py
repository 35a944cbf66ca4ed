"""The log's checkpoints on both real stores: signed by the right key, issued on
their own, all kept, never contradicting each other, cosignatures checked."""

from __future__ import annotations

import time
from concurrent.futures import ThreadPoolExecutor
from functools import partial

import pytest

from ledger.log.kept_checkpoint import kept_path

from ledger.format import merkle

from ledger.log import proofs
from ledger.log.application import LedgerApplication
from ledger.log.checkpointing import CheckpointLog
from ledger.log.checkpoint_store import CheckpointStore
from ledger.format.checkpoints import Checkpoint, sign_checkpoint, verify_checkpoint
from ledger.errors import (CheckpointError, LedgerNotFound, NotFound, ProofError, SignatureError,
                           UnknownKey)
from ledger.format.notes import cosign, open_note
from ledger.keystore.log_keys import log_key_path
from ledger.witness.cosigner import new_witness_signer
from tests.builders.server import keep_log_key
from tests.builders.tamper import append_raw, rewrite_history
from tests.builders.community import Community


@pytest.fixture
def town(app, settings) -> Community:
    community = Community.open(app)
    keep_log_key(settings, community)
    return community


def opened(note: str, town: Community) -> Checkpoint:
    return verify_checkpoint(note, town.log_signer.verifier())


def test_a_checkpoint_is_signed_over_the_root_of_the_stored_entries(app, town):
    cp = opened(CheckpointLog(app).issue(town.slug), town)
    leaf_hashes = [merkle.leaf_hash(s.leaf) for s in app.reader.stored(town.slug)]
    assert (cp.origin, cp.size) == (app.state(town.slug).origin, 14)
    assert cp.root == merkle.root_from_leaf_hashes(leaf_hashes)


def settled(log: CheckpointLog) -> CheckpointLog:
    """Wait until the follower has looked at every append it heard of."""
    deadline = time.monotonic() + 10
    while not log.follower.idle() and time.monotonic() < deadline:
        time.sleep(0.01)
    assert log.follower.idle()
    return log


def test_every_n_entries_sign_a_checkpoint_without_being_asked(app, town):
    log = CheckpointLog(app, every_entries=3).install()
    for i in range(7):
        town.grant("general", 100 + i)
        settled(log)
    # 14 entries existed unsigned: the first append signs 15, then every third one.
    assert log.sizes(town.slug) == [15, 18, 21]
    assert opened(log.latest(town.slug), town).size == 21
    log.stop()


def test_an_append_does_not_wait_for_its_checkpoint_to_be_signed(app, town):
    log = CheckpointLog(app, every_entries=1).install()
    with log._lock(town.slug):  # signing is held up (as by a slow disk or key store)
        started = time.monotonic()
        receipts = [town.grant("general", 100 + i) for i in range(3)]
        assert time.monotonic() - started < 5 and receipts[-1].seq == 16
        assert log.sizes(town.slug) == [] and not log.follower.idle()
    assert settled(log).sizes(town.slug)[-1] == 17  # signed once it could be
    log.stop()


def test_checkpoints_are_signed_every_n_entries_under_concurrent_appends(app, town):
    log = CheckpointLog(app, every_entries=4).install()
    with ThreadPoolExecutor(4) as pool:
        list(pool.map(lambda i: town.grant("general", 100 + i), range(12)))
    sizes = settled(log).sizes(town.slug)
    # The follower signs the tree as it finds it, so sizes need not be multiples of 4:
    # every checkpoint covers at least 4 new entries, and fewer than 4 stay unsigned.
    assert sizes and all(b - a >= 4 for a, b in zip(sizes, sizes[1:]))
    assert 26 - sizes[-1] < 4
    log.stop()


def test_a_failing_signature_fails_no_append_and_the_next_one_signs(settings, app, town):
    log = CheckpointLog(app, every_entries=1).install()
    key_file = log_key_path(settings, town.slug)
    hidden = key_file.with_suffix(".away")
    key_file.rename(hidden)  # the server cannot sign now
    assert town.grant("general", 100).created
    assert settled(log).sizes(town.slug) == []
    hidden.rename(key_file)
    town.grant("general", 101)
    assert settled(log).sizes(town.slug) == [16]
    log.stop()


def test_the_timer_signs_pending_entries_every_t_seconds(app, town):
    log = CheckpointLog(app, every_seconds=0.05)
    log.start()
    try:
        deadline = time.monotonic() + 10
        while log.latest(town.slug) is None and time.monotonic() < deadline:
            time.sleep(0.02)
        town.grant("general", 100)
        while log.sizes(town.slug)[-1:] != [15] and time.monotonic() < deadline:
            time.sleep(0.02)
    finally:
        log.stop()
    assert log.sizes(town.slug) == [14, 15]


def test_every_signed_checkpoint_stays_retrievable_by_size(app, town):
    log = CheckpointLog(app)
    notes = {}
    for _ in range(3):
        town.grant("general", 100)
        notes[app.state(town.slug).size] = log.issue(town.slug)
    assert log.sizes(town.slug) == sorted(notes)
    for size, note in notes.items():
        assert log.at_size(town.slug, size) == note
    assert log.at_size(town.slug, 3) is None


def test_issuing_again_at_the_same_size_answers_the_kept_checkpoint(app, town):
    log = CheckpointLog(app)
    first = log.issue(town.slug)
    assert log.issue(town.slug) == first
    assert CheckpointLog(app).maybe_issue() == []
    assert log.sizes(town.slug) == [14]


def test_the_log_refuses_to_sign_a_tree_that_rewrote_signed_history(settings, app, town):
    log = CheckpointLog(app)
    for i in range(4):
        town.grant("general", 100 + i)
    log.issue(town.slug)  # size 18
    rewrite_history(app, town.slug, keep=15, drop_checkpoints=False)
    # A server that lost its kept checkpoint (or whose DATA_DIR an attacker emptied):
    # only what the database and the witnesses hold can stop it now.
    kept_path(settings, town.slug).unlink()
    fresh = LedgerApplication(settings)
    try:
        town.app = fresh
        for i in range(5):
            town.grant("renovation", 700 + i)
        with pytest.raises(CheckpointError, match="history was rewritten"):
            CheckpointLog(fresh).issue(town.slug)
        assert CheckpointStore(fresh).sizes(town.slug) == [18]
    finally:
        fresh.close()


def test_the_log_never_signs_a_second_root_for_a_size(app, town):
    log = CheckpointLog(app)
    forged = sign_checkpoint(Checkpoint(f"sunledger.example/{town.slug}", 14, b"\x07" * 32),
                             town.log_signer)
    CheckpointStore(app).add(town.slug, 14, forged, 0)
    with pytest.raises(CheckpointError, match="different root is already signed"):
        log.issue(town.slug)
    assert log.latest(town.slug) == forged


def test_the_log_refuses_to_sign_with_a_key_the_ledger_does_not_name(settings, app, town):
    other = Community.open(app)
    keep_log_key(settings, other)
    town.log_signer = other.log_signer  # the server now holds another ledger's key
    keep_log_key(settings, town)
    with pytest.raises(CheckpointError, match="but the ledger says"):
        CheckpointLog(app).issue(town.slug)


def test_a_proof_is_one_query_with_no_lookup_of_the_log_size(app, town):
    reader, queries = app.reader, []
    select_versions, size = reader.sql.select_versions, reader.size
    reader.sql.select_versions = lambda *a: queries.append("nodes") or select_versions(*a)
    reader.size = lambda slug: queries.append("size") or size(slug)
    try:
        path = proofs.inclusion(reader, town.slug, 5, 14)
        step = proofs.consistency(reader, town.slug, 5, 14)
        root = proofs.root_at(reader, town.slug, 14)
        assert queries == ["nodes"] * 3
        queries.clear()
        for ask in (partial(proofs.inclusion, reader, town.slug, 0, 15),
                    partial(proofs.consistency, reader, town.slug, 3, 15),
                    partial(proofs.root_at, reader, town.slug, 15)):
            with pytest.raises(ProofError, match="15 is beyond the log, which has 14 entries"):
                ask()
        assert queries == ["nodes", "size"] * 3  # only a refusal looks the size up
    finally:
        del reader.sql.select_versions, reader.size
    nodes = merkle.MemoryNodes(merkle.leaf_hash(s.leaf) for s in reader.stored(town.slug))
    assert path == merkle.inclusion_proof(5, 14, nodes)
    assert step == merkle.consistency_proof(5, 14, nodes)
    assert root == nodes.frontier.root()


def test_proofs_refuse_requests_outside_the_log(app, town):
    for ask in (partial(proofs.inclusion, reader := app.reader, town.slug, 14, 14),
                partial(proofs.inclusion, reader, town.slug, 0, 15),
                partial(proofs.consistency, reader, town.slug, 0, 3),
                partial(proofs.consistency, reader, town.slug, 9, 3),
                partial(proofs.consistency, reader, town.slug, 15, 15),
                partial(proofs.root_at, reader, town.slug, 15),
                partial(proofs.root_at, reader, town.slug, -1)):
        with pytest.raises(ProofError):
            ask()


def test_a_tree_of_one_entry_needs_no_node_but_must_still_be_in_the_log(app, town):
    assert proofs.inclusion(app.reader, town.slug, 0, 1) == []
    assert proofs.root_at(app.reader, town.slug, 1) == merkle.leaf_hash(
        app.reader.entry(town.slug, 0).leaf)
    for ask in (partial(proofs.inclusion, app.reader, "nowhere", 0, 1),
                partial(proofs.root_at, app.reader, "nowhere", 1),
                partial(proofs.root_at, app.reader, "nowhere", 0),
                partial(proofs.consistency, app.reader, "nowhere", 1, 1),
                partial(proofs.consistency, app.reader, "nowhere", 1, 2)):
        with pytest.raises(LedgerNotFound):
            ask()


def test_a_cosignature_from_a_configured_witness_is_kept_and_served(app, town):
    witness, stranger = new_witness_signer("witness.example/a"), new_witness_signer("w.example/b")
    log = CheckpointLog(app, witnesses=[witness.verifier().vkey])
    body = opened(log.issue(town.slug), town).body()
    line = str(cosign(body, witness, 1_700_000_000)).rstrip("\n")
    note = log.add_cosignature(town.slug, 14, line)
    assert log.add_cosignature(town.slug, 14, line) == note  # a repeat adds nothing
    assert open_note(note, [witness.verifier()])[1] == ["witness.example/a"]
    assert log.latest(town.slug) == note and note.count("\u2014 ") == 2
    with pytest.raises(UnknownKey):
        log.add_cosignature(town.slug, 14, str(cosign(body, stranger, 1)).rstrip("\n"))
    with pytest.raises(NotFound):
        log.add_cosignature(town.slug, 13, line)


def test_a_cosignature_over_another_body_is_refused(app, town):
    witness = new_witness_signer("witness.example/a")
    log = CheckpointLog(app, witnesses=[witness.verifier().vkey])
    log.issue(town.slug)
    other = Checkpoint(f"sunledger.example/{town.slug}", 14, b"\x01" * 32).body()
    with pytest.raises(SignatureError):
        log.add_cosignature(town.slug, 14, str(cosign(other, witness, 5)).rstrip("\n"))
    assert log.latest(town.slug).count("\u2014 ") == 1


def test_without_a_listing_no_witness_is_accepted_even_with_its_key_sent(app, town):
    """Throwaway witness keys cannot fill a checkpoint's slots before the real witness."""
    witness = new_witness_signer("witness.example/a")
    log = CheckpointLog(app)
    assert log.witnesses == []  # no <data_dir>/witnesses file: nobody is listed
    body = opened(log.issue(town.slug), town).body()
    line = str(cosign(body, witness, 5)).rstrip("\n")
    with pytest.raises(UnknownKey, match="DATA_DIR/witnesses"):
        log.add_cosignature(town.slug, 14, line, witness.verifier().vkey)
    assert log.latest(town.slug).count("\u2014 ") == 1


def test_throwaway_witnesses_cannot_crowd_out_a_listed_one(app, town):
    listed = new_witness_signer("witness.example/real")
    log = CheckpointLog(app, witnesses=[listed.verifier().vkey])
    body = opened(log.issue(town.slug), town).body()
    for n in range(40):
        stranger = new_witness_signer(f"w{n}.example/throwaway")
        with pytest.raises(UnknownKey):
            log.add_cosignature(town.slug, 14, str(cosign(body, stranger, 5)).rstrip("\n"),
                                stranger.verifier().vkey)
    note = log.add_cosignature(town.slug, 14, str(cosign(body, listed, 5)).rstrip("\n"))
    assert open_note(note, [listed.verifier()])[1] == ["witness.example/real"]
    # One line per witness per checkpoint: a later line from it leaves the note as it was.
    assert log.add_cosignature(town.slug, 14, str(cosign(body, listed, 6)).rstrip("\n")) == note
    assert note.count("\u2014 ") == 2


@pytest.mark.own_database
def test_a_ledger_this_server_cannot_read_does_not_stop_the_others_checkpoints(app, settings,
                                                                              town):
    newer = Community.open(app)  # as written by a newer server: a type this one lacks
    append_raw(newer, newer.agent, "survey.published", {"code": "shop-1"})
    town.grant("general", 100)
    assert CheckpointLog(app).maybe_issue() == [town.slug]
    assert CheckpointLog(app).sizes(town.slug) == [town.log_size()]
