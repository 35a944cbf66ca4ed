"""A restarted server starts a ledger from its newest snapshot and replays only the
entries after it, reaching exactly the state a replay of the whole log reaches; a
snapshot that is damaged, forged, of another ledger, ahead of the log or of a log
since rewritten is ignored (the whole log is replayed), on SQLite and PostgreSQL."""

from __future__ import annotations

import json
import uuid
from dataclasses import fields, replace

import pytest

from ledger.demo.build import ENTRIES_MIN, build_demo
from ledger.domain import replay
from ledger.domain.state import LedgerState
from ledger.errors import LogBehind
from ledger.log.application import LedgerApplication
from ledger.log.checkpointing import CheckpointLog
from ledger.log.snapshots import SNAPSHOTS_KEPT, UnusableSnapshot
from ledger.log.state_codec import encode_state
from tests.builders.books import a_year_of_books
from tests.builders.community import YUAN, Clock, Community
from tests.builders.server import keep_log_key
from tests.builders.tamper import RawEvents, RawSnapshots

EVERY = 7  # entries between snapshots: several per book, cut inside its story


def everything_in(state: LedgerState) -> dict:
    """Every field of the state, in a form that compares by value."""
    assert not state.batch_entries
    seen = {}
    for field in fields(LedgerState):
        value = getattr(state, field.name)
        if field.name == "frontier":
            value = (value.size, value.nodes())
        elif hasattr(value, "items"):
            value = dict(value.items())
        seen[field.name] = value
    return seen


def replayed(app: LedgerApplication, slug: str, size: int,
             keeps_bank_book: bool = False) -> LedgerState:
    """The state a replay of the first ``size`` stored entries gives (by default as the
    write side keeps it, with no bank book)."""
    state = LedgerState(slug, keeps_bank_book=keeps_bank_book)
    for stored in app.reader.stored(slug, 0, size):
        replay(state, stored.entry())
    return state


def governance_story(town: Community, clock: Clock) -> None:
    """Thresholds, a held payment, a reversal, a confirmation, a shop leased on notice
    and a catalogue: pending, policies, resolutions, assets and trades in the state."""
    town.set_policy()
    town.grant("renovation", 200_000 * YUAN)
    town.pay("renovation", 6_000 * YUAN)  # above the approval threshold: it waits
    spent = town.pay("renovation", 1_000 * YUAN)
    lines = town.app.reader.entry(town.slug, spent).statement.body["postings"]
    town.submit(town.agent.reverse(spent, lines, "2026-02-02", "paid twice"))
    town.submit(town.cashier.confirm(town.grant("general", 50_000).seq, "2026-01-06"))
    town.noticed_lease()
    clock.advance(days=11)
    town.catalogue()


def open_book(app: LedgerApplication, book: str, clock: Clock) -> str:
    if book == "demo":
        slug = f"demo-{uuid.uuid4().hex[:8]}"
        build_demo(app, slug, entries=ENTRIES_MIN + 40)
        return slug
    town = Community.open(app, clock=clock, governance=book == "governance")
    if book == "governance":
        governance_story(town, clock)
    else:
        a_year_of_books(town)
    return town.slug


@pytest.fixture
def every(settings):
    return replace(settings, snapshot_every_entries=EVERY)


@pytest.fixture
def written(every, clock) -> Community:
    """A year of books written by a server that snapshots every EVERY entries, stopped."""
    app = LedgerApplication(every, clock=clock)
    try:
        town = Community.open(app, clock=clock)
        a_year_of_books(town)
        return town
    finally:
        app.close()


def restarted_state(settings, slug: str) -> dict:
    app = LedgerApplication(settings)
    try:
        return everything_in(app.state(slug))
    finally:
        app.close()


def full_replay_state(settings, slug: str) -> dict:
    return restarted_state(replace(settings, snapshot_every_entries=0), slug)


def stored_row(app: LedgerApplication, slug: str, version: int) -> bytes:
    with RawSnapshots(app, app.settings, slug) as raw:
        return json.dumps(raw.row(version)).encode()


def check_refused(settings, slug: str, version: int) -> None:
    """The snapshot at ``version`` is not trusted, and a restart replays the whole log."""
    app = LedgerApplication(settings)
    try:
        with pytest.raises(UnusableSnapshot):
            app.snapshots_kept.usable(slug, version, stored_row(app, slug, version),
                                      app.reader.size(slug))
    finally:
        app.close()
    assert restarted_state(settings, slug) == full_replay_state(settings, slug)


@pytest.mark.parametrize("book", ["a_year_of_books", "governance", "demo"])
def test_snapshot_and_tail_give_every_field_a_full_replay_gives(every, clock, book):
    app = LedgerApplication(every, clock=clock)
    try:
        slug = open_book(app, book, clock)
        size = app.state(slug).size
        with RawSnapshots(app, every, slug) as raw:
            versions = raw.versions()
        assert len(versions) == SNAPSHOTS_KEPT and size - EVERY < versions[0] <= size
        for version in versions:  # each snapshot is the state of its prefix of the log
            at_cut = app.snapshots_kept.usable(slug, version, stored_row(app, slug, version),
                                               size)
            assert everything_in(at_cut) == everything_in(replayed(app, slug, version))
        live = everything_in(app.state(slug))
    finally:
        app.close()
    assert restarted_state(every, slug) == full_replay_state(every, slug) == live


def test_the_write_side_keeps_no_bank_book_so_snapshots_stay_flat(every, clock):
    app = LedgerApplication(every, clock=clock)
    try:
        town = Community.open(app, clock=clock)
        a_year_of_books(town)
        town.submit(town.cashier.confirm(town.grant("general", 50_000).seq, "2026-01-06"))
        size = app.state(town.slug).size
        with RawSnapshots(app, every, town.slug) as raw:
            newest = raw.versions()[0]
        snapshot = app.snapshots_kept.usable(town.slug, newest,
                                             stored_row(app, town.slug, newest), size)
        read_side = replayed(app, town.slug, size, keeps_bank_book=True)
        for state in (app.state(town.slug), snapshot):
            assert not state.keeps_bank_book and state.cash_entries
            assert (len(state.money_lines), len(state.confirmed_on)) == (0, 0)
            with pytest.raises(LookupError, match="keeps no bank book"):
                state.bank_book()
    finally:
        app.close()
    money_lines, confirmed_on = read_side.bank_book()  # the read side's replay keeps it
    assert set(money_lines) == set(read_side.cash_entries)
    assert set(confirmed_on) == set(read_side.confirmed) and len(confirmed_on) >= 2
    with pytest.raises(ValueError, match="keeps no bank book"):
        encode_state(read_side)


def test_a_restart_replays_only_the_entries_after_the_newest_snapshot(every, written):
    app = LedgerApplication(every)
    try:
        size = app.reader.size(written.slug)
        newest = app.snapshots_kept.load(written.slug)
        assert newest is not None and size - EVERY < newest.size <= size
        tail = size - newest.size
        assert app._catch_up(newest) == tail and newest.size == size
    finally:
        app.close()


def a_richer_balance(raw: RawSnapshots, version: int, seal: str) -> None:
    document = raw.payload(version)
    document["maps"]["balances"][0][1] += 1_000_000
    raw.put_payload(version, document, seal=seal)


def with_field(name: str, value):
    def change(raw: RawSnapshots, version: int) -> None:
        row = raw.row(version)
        row["state"][name] = value
        raw.put(version - 1, row)
    return change


DAMAGE = {
    "a balance edited, seal left as it was": lambda raw, v: a_richer_balance(raw, v, "kept"),
    "a balance edited, seal forged": lambda raw, v: a_richer_balance(raw, v, "forged"),
    "payload not base64": with_field("payload", "%%%"),
    "written by a build with another state layout": with_field("fingerprint", "0" * 16),
    "no seal": with_field("seal", None),
}


@pytest.mark.parametrize("damage", sorted(DAMAGE))
def test_a_damaged_or_forged_snapshot_is_ignored_and_the_log_replayed(every, written, damage):
    app = LedgerApplication(every)
    try:
        with RawSnapshots(app, every, written.slug) as raw:
            version = raw.versions()[0]
            DAMAGE[damage](raw, version)
    finally:
        app.close()
    check_refused(every, written.slug, version)


def test_a_snapshot_of_another_ledger_is_ignored(every, clock, written):
    app = LedgerApplication(replace(every, snapshot_every_entries=0), clock=clock)
    try:
        other = Community.open(app, clock=clock)  # with no snapshot of its own
        with RawSnapshots(app, every, written.slug) as theirs, \
                RawSnapshots(app, every, other.slug) as ours:
            version = theirs.versions()[0]
            while other.log_size() < version:  # as long as theirs: not ahead of ours
                other.grant("general", 1)
            theirs.copy_to(ours, version, version)
            assert ours.versions()[0] == version
    finally:
        app.close()
    check_refused(every, other.slug, version)


def test_a_snapshot_ahead_of_the_log_is_ignored(every, written):
    """A database restored from an older backup may keep newer snapshots."""
    app = LedgerApplication(every)
    try:
        size = app.reader.size(written.slug)
        with RawEvents(app, every, written.slug) as events:
            events.delete_from(size - EVERY - 3)
        with RawSnapshots(app, every, written.slug) as raw:
            version = raw.versions()[0]
        assert version > app.reader.size(written.slug)
    finally:
        app.close()
    app = LedgerApplication(every)
    try:
        with pytest.raises(UnusableSnapshot, match="ahead of the log"):
            app.snapshots_kept.usable(written.slug, version,
                                      stored_row(app, written.slug, version), size - EVERY - 3)
    finally:
        app.close()
    state = restarted_state(every, written.slug)
    assert state == full_replay_state(every, written.slug)
    assert state["size"] == size - EVERY - 3


def test_behind_a_kept_checkpoint_writes_are_refused_whatever_the_snapshots(every, written):
    app = LedgerApplication(every)
    try:
        keep_log_key(every, written)
        signed = CheckpointLog(app).issue(written.slug)
        assert signed is not None
        with RawEvents(app, every, written.slug) as events:
            events.delete_from(app.reader.size(written.slug) - EVERY - 3)
    finally:
        app.close()
    app = LedgerApplication(every)
    try:
        written.app = app
        with pytest.raises(LogBehind):
            written.grant("general", 1)
    finally:
        app.close()


def test_a_snapshot_of_a_log_since_rewritten_is_ignored(every, clock, written):
    """Entries after a cut replaced by others: the snapshot is no longer ahead of the
    log, but the entries it was taken from are not the stored ones."""
    app = LedgerApplication(replace(every, snapshot_every_entries=0), clock=clock)
    try:
        with RawSnapshots(app, every, written.slug) as raw:
            version = raw.versions()[0]
        with RawEvents(app, every, written.slug) as events:
            events.delete_from(version - 2)
        written.app = app
        while app.reader.size(written.slug) < version + 2:
            written.grant("general", 7)
    finally:
        app.close()
    check_refused(every, written.slug, version)
