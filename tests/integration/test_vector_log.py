"""The xinzhu vector log, rebuilt by the real application on both stores, byte for byte."""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta

import pytest

from ledger.format import merkle
from ledger.log.application import LedgerApplication
from ledger.client import Signer
from ledger.errors import RevokedKey
from ledger.format.keys import SigningKey
from ledger.settings import Settings
from ledger.format.statements import Entry, SignedStatement, parse_time
from tests.conftest import _admin_connection
from tests.vectors import load_json, vector_path

XINZHU = load_json("ledger-xinzhu.json")
LEAVES = vector_path("ledger-xinzhu.ndjson").read_bytes().splitlines()
SLUG = "xinzhu"


class VectorClock:
    """The server clock, set to each vector entry's recorded_at before it is submitted."""

    def __init__(self) -> None:
        self.now: datetime | None = None

    def __call__(self) -> datetime:
        assert self.now is not None
        return self.now


def submitted_parts(leaf: bytes) -> tuple[SignedStatement, str]:
    """What a client sent for this leaf (statement, signer, sig), and when it was recorded."""
    entry = Entry.from_leaf(leaf)
    request = {"statement": entry.statement.to_json(), "signer": entry.signed.signer,
               "sig": entry.signed.sig}
    return SignedStatement.from_json(request), entry.recorded_at


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def empty_settings(request, tmp_path):
    """A store of its own per test: the vector slug "xinzhu" is fixed, so no sharing."""
    if request.param == "sqlite":
        yield Settings(database_url=f"sqlite:///{tmp_path / 'vectors.sqlite3'}",
                       data_dir=tmp_path / "data")
        return
    base_url = request.getfixturevalue("postgres_url")
    name = f"sunledger_vec_{uuid.uuid4().hex[:12]}"
    with _admin_connection() as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    yield Settings(database_url=f"{base_url.rsplit('/', 1)[0]}/{name}", data_dir=tmp_path / "data")
    with _admin_connection() as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture
def vector_app(empty_settings):
    clock = VectorClock()
    app = LedgerApplication(empty_settings, clock=clock)
    for leaf in LEAVES:
        signed, recorded_at = submitted_parts(leaf)
        clock.now = parse_time(recorded_at)
        receipt = app.submit(signed)
        assert receipt.created
    clock.now = parse_time("2026-11-22T09:04:00.000000Z")
    yield app
    app.close()


def test_stored_leaves_equal_the_vector_lines_byte_for_byte(vector_app):
    stored = [row.leaf for row in vector_app.reader.stored(SLUG)]
    assert stored == LEAVES
    assert [entry.leaf for entry in vector_app.entries(SLUG)] == LEAVES


def test_entry_hashes_and_head_equal_the_published_ones(vector_app):
    assert [entry.hash for entry in vector_app.entries(SLUG)] == XINZHU["entry_hashes"]
    state = vector_app.state(SLUG)
    assert state.size == XINZHU["size"] == 4
    assert state.head == XINZHU["entry_hashes"][-1]


def test_merkle_root_from_state_and_from_stored_nodes_equals_the_published_root(vector_app):
    assert vector_app.state(SLUG).frontier.root().hex() == XINZHU["root_hex"]
    stored_root = merkle.root_at(4, lambda wanted: vector_app.reader.merkle_nodes(SLUG, wanted))
    assert stored_root.hex() == XINZHU["root_hex"]


def test_a_fresh_application_replays_the_vector_log_to_the_same_state(vector_app):
    fresh = LedgerApplication(vector_app.settings)
    try:
        state = fresh.state(SLUG)
        assert (state.size, state.head) == (4, XINZHU["entry_hashes"][-1])
        agent = state.keys[XINZHU["key_ids"]["agent"]]
        assert agent.revoked_seq == 3 and not agent.active()
        assert state.keys[XINZHU["key_ids"]["committee"]].active()
        assert state.log_key == XINZHU["log_vkey"]
    finally:
        fresh.close()


def test_a_statement_signed_by_the_revoked_agent_key_is_rejected_and_the_log_stays_at_4(vector_app):
    agent = Signer(SigningKey(bytes.fromhex(XINZHU["key_seeds_hex"]["agent"])), SLUG)
    assert agent.key_id == XINZHU["key_ids"]["agent"]
    late = agent.create_fund("general", "一般资金", "General fund",
                             signed_at=parse_time("2026-11-22T09:03:30.000000Z"))
    with pytest.raises(RevokedKey, match="was revoked at seq 3"):
        vector_app.submit(late)
    assert vector_app.state(SLUG).size == 4
    assert [row.leaf for row in vector_app.reader.stored(SLUG)] == LEAVES
    fresh = LedgerApplication(vector_app.settings)
    try:
        assert fresh.state(SLUG).size == 4
    finally:
        fresh.close()


def test_resubmitting_the_vector_statements_returns_the_stored_entries(vector_app):
    for seq, leaf in enumerate(LEAVES):
        signed, _ = submitted_parts(leaf)
        receipt = vector_app.submit(signed)
        assert (receipt.seq, receipt.created, receipt.entry.leaf) == (seq, False, leaf)
    assert vector_app.state(SLUG).size == 4


def test_recorded_at_never_goes_backwards_even_if_the_server_clock_does(vector_app):
    committee = Signer(SigningKey(bytes.fromhex(XINZHU["key_seeds_hex"]["committee"])), SLUG)
    admin = Signer(SigningKey(bytes.fromhex(XINZHU["key_seeds_hex"]["admin"])), SLUG)
    vector_app.clock.now = parse_time("2026-11-22T08:00:00.000000Z")  # an hour behind
    receipt = vector_app.submit(admin.create_fund(
        "general", "一般资金", "General fund",
        signed_at=vector_app.clock.now - timedelta(seconds=1)))
    assert receipt.entry.recorded_at == Entry.from_leaf(LEAVES[3]).recorded_at
    assert committee.key_id in vector_app.state(SLUG).keys
