"""Exactly-once tracking, rebuilds, and what the projection does with entries it
cannot show: unknown statement types, unbalanced or unreadable entries."""

from __future__ import annotations

import threading
import time
from datetime import datetime, timezone

import pytest

from ledger.client import posting
from ledger.log.store import EntryRecorded, ledger_stream
from projections import queries
from projections.apply import ENTRY_TOPICS
from projections.view import open_view
from projections.worker import ProjectionPoller, catch_up, rebuild, run, start_in_process
from tests.builders.community import STREET_OFFICE, Community
from tests.builders.books import a_year_of_books
from tests.builders.tamper import append_raw


def entry_notifications(app):
    """Every entry notification in the store (PostgreSQL's is shared by the session)."""
    found, start = [], 1
    while page := app.recorder.select_notifications(start, 1000, topics=ENTRY_TOPICS):
        found, start = found + list(page), page[-1].id + 1
    return found


def rows_of(view, table, ledger):
    return [row for row in view.dump()[table] if row["ledger"] == ledger]


def test_a_rebuild_from_the_log_gives_identical_rows(books, view):
    before = view.dump()
    assert len(rows_of(view, "view_postings", books.community.slug)) == 20
    assert len(rows_of(view, "view_log", books.community.slug)) == books.community.log_size()
    assert rebuild(books.community.app) >= books.community.log_size()
    assert view.dump() == before


def test_processing_the_same_notifications_twice_changes_nothing(books, view):
    app = books.community.app
    notifications = entry_notifications(app)
    once = view.dump()
    assert view.process(notifications) == 0
    assert view.process(notifications[:3]) == 0
    assert view.dump() == once
    assert view.position() == notifications[-1].id


def test_an_overlapping_batch_applies_only_the_new_notifications(books, view):
    app = books.community.app
    notifications = entry_notifications(app)
    want = view.dump()
    view.reset()
    assert view.dump() == {table: [] for table in want}
    half = len(notifications) // 2
    assert view.process(notifications[:half]) == half
    assert view.process(notifications) == len(notifications) - half
    assert view.dump() == want


def test_a_page_read_before_a_reset_is_not_applied_after_it(books, view):
    app = books.community.app
    notifications = entry_notifications(app)
    want = view.dump()
    stale_position = notifications[4].id  # a poller read the rest after this position...
    view.reset()  # ...then a rebuild emptied the view
    assert view.process(notifications[5:], after=stale_position) == 0
    assert view.position() == 0
    assert rebuild(app) == len(notifications)
    assert view.dump() == want


def test_pollers_racing_each_other_apply_every_entry_exactly_once(books, view):
    app = books.community.app
    want = view.dump()
    view.reset()
    pollers = [ProjectionPoller(app, view, batch_size=3) for _ in range(4)]
    threads = [threading.Thread(target=poller.catch_up) for poller in pollers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert view.dump() == want


# The ledger it leaves cannot be replayed by this server: keep it out of the shared database.
@pytest.mark.own_database
def test_an_unknown_statement_type_is_skipped_but_the_position_moves_past_it(community):
    app = community.app
    catch_up(app)
    unknown = append_raw(community, community.agent, "survey.published",  # no such type (yet)
                         {"code": "shop-1", "name": "临街商铺"})
    other = Community.open(app)  # later entries, in another ledger, still get projected
    other.grant("general", 70_000)
    assert catch_up(app) == 1 + other.log_size()
    view = open_view(app)
    assert view.position() == entry_notifications(app)[-1].id
    status = queries.status(view, community.slug, log_size=unknown.seq + 1)["projections"][0]
    assert status["behind"] == 0 and status["head"] == unknown.hash
    log = queries.activity_by_signer(view, community.slug)["signers"]
    agent = next(s for s in log if s["key_id"] == community.agent.key_id)
    assert agent["by_type"]["survey.published"] == 1
    assert queries.findings(view, community.slug)["items"] == []
    assert queries.balances(view, other.slug)["funds"][1]["money"] == 70_000


def test_an_unbalanced_entry_in_the_log_is_recorded_as_a_trial_balance_finding(community):
    community.grant("general", 10_000)
    lines = [posting("1002", "general", "debit", 1_000), posting("4001", "general", "credit", 900)]
    bad = append_raw(community, community.agent, "entry.posted",
                     {"date": "2026-03-01", "category": "grant", "counterparty": STREET_OFFICE,
                      "memo": "", "postings": lines})
    catch_up(community.app)
    view = open_view(community.app)
    result = queries.trial_balance(view, community.slug)
    assert result["balanced"] is False
    assert result["funds_out_of_balance"] == [{"fund": "general", "currency": "CNY",
                                               "imbalance": 100}]
    assert result["findings"] == [{"seq": bad.seq, "kind": "trial_balance",
                                   "detail": {"imbalance": {"general/CNY": 100}}}]


def test_an_entry_its_handler_cannot_read_leaves_no_rows_and_stops_the_view_before_it(
        community):
    community.grant("general", 10_000)
    lines = [posting("5001", "general", "debit", 1_000),
             posting("1002", "general", "credit", 1_000)]
    # The postings are fine, so their rows are written before the bad documents are
    # met: the savepoint must take them (and the balance changes) back out.
    bad = append_raw(community, community.agent, "entry.posted",
                     {"date": "2026-03-01", "category": "x", "counterparty": STREET_OFFICE,
                      "memo": "", "postings": lines, "documents": "not a list"})
    catch_up(community.app)
    view = open_view(community.app)
    (finding,) = queries.findings(view, community.slug)["items"]
    assert finding["seq"] == bad.seq and finding["kind"] == "unprojectable_entry"
    assert "documents" in finding["detail"]["error"]
    assert [p for p in rows_of(view, "view_postings", community.slug)
            if p["seq"] == bad.seq] == []
    assert queries.balances(view, community.slug)["funds"][1]["money"] == 10_000
    status = queries.status(view, community.slug)["projections"][0]
    assert status["size"] == status["stopped_at"] == bad.seq and not status["up_to_date"]
    assert status["message"].startswith(f"behind at seq {bad.seq}: unprojectable entry")


def test_a_row_the_database_refuses_stops_the_view_and_the_first_row_stays(community):
    catch_up(community.app)
    twice = append_raw(community, community.agent, "fund.created",
                       {"code": "general", "name_zh": "重复", "name_en": "Again",
                        "restricted": False})
    catch_up(community.app)
    view = open_view(community.app)
    (finding,) = queries.findings(view, community.slug)["items"]
    assert finding["seq"] == twice.seq and finding["kind"] == "unprojectable_entry"
    assert "view_funds" in finding["detail"]["error"]  # the refused row, in the error text
    general = next(f for f in queries.chart(view, community.slug)["funds"]
                   if f["code"] == "general")
    assert general["name_en"] == "General fund"
    assert queries.status(view, community.slug)["projections"][0]["stopped_at"] == twice.seq


def test_an_unreadable_leaf_stops_its_ledger_and_other_ledgers_carry_on(community):
    app = community.app
    size = app.reader.size(community.slug)
    app.save(EntryRecorded(originator_id=ledger_stream(community.slug), originator_version=size + 1,
                           timestamp=datetime.now(timezone.utc), leaf="not an entry", nodes=[]))
    other = Community.open(app)
    catch_up(app)
    view = open_view(app)
    (finding,) = queries.findings(view, community.slug)["items"]
    assert finding["seq"] == size and finding["kind"] == "unreadable_entry"
    stopped = queries.status(view, community.slug)["projections"][0]
    assert stopped["size"] == stopped["stopped_at"] == size
    assert queries.status(view, other.slug)["projections"][0]["size"] == other.log_size()


def test_a_poller_started_in_process_follows_new_entries(community):
    app = community.app
    poller = start_in_process(app, interval_seconds=30)  # only the append wakes it in time
    try:
        community.grant("activity", 42_000)
        view, deadline = open_view(app), time.monotonic() + 20
        while time.monotonic() < deadline:
            if queries.status(view, community.slug)["projections"][0]["size"] == \
                    community.log_size():
                break
            time.sleep(0.05)
        assert queries.balances(view, community.slug)["funds"][0]["money"] == 42_000
        assert poller.last_error is None
    finally:
        poller.stop()


def test_two_ledgers_in_one_store_keep_their_views_apart(community):
    other = a_year_of_books(Community.open(community.app))
    community.grant("activity", 1_000)
    catch_up(community.app)
    view = open_view(community.app)
    assert queries.balances(view, community.slug)["funds"][0]["money"] == 1_000
    assert len(queries.transactions(view, community.slug)["items"]) == 1
    assert len(queries.transactions(view, other.community.slug)["items"]) == 10


def test_the_worker_process_loop_follows_the_store_until_stopped(community):
    stop = threading.Event()
    worker = threading.Thread(target=run, args=(community.app.settings, stop))
    worker.start()
    try:
        community.grant("renovation", 99_000)
        view, deadline = open_view(community.app), time.monotonic() + 20
        while queries.status(view, community.slug)["projections"][0]["size"] < \
                community.log_size() and time.monotonic() < deadline:
            time.sleep(0.1)
        renovation = queries.balances(view, community.slug)["funds"][2]
        assert renovation["fund"] == "renovation" and renovation["money"] == 99_000
    finally:
        stop.set()
        worker.join(10)
    assert not worker.is_alive()


def test_several_processes_opening_the_views_at_once_on_a_fresh_store_all_succeed(settings):
    from ledger.log.application import LedgerApplication

    apps = [LedgerApplication(settings) for _ in range(4)]
    barrier, errors = threading.Barrier(len(apps)), []

    def open_at_once(app):
        barrier.wait()
        try:
            open_view(app)
        except Exception as error:  # noqa: BLE001 - the test reports any failure
            errors.append(error)

    threads = [threading.Thread(target=open_at_once, args=(app,)) for app in apps]
    try:
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(30)
        assert errors == []
    finally:
        for app in apps:
            app.close()


def test_views_of_an_older_schema_are_dropped_and_rebuilt_from_the_log(books, view):
    from ledger.log.application import LedgerApplication

    want = view.dump()
    with view.writing() as tx:
        tx.run("UPDATE view_schema SET version = 'old' WHERE name = ?", (view.name,))
        tx.run("DELETE FROM view_postings")  # what an old layout would not have had
    newer = LedgerApplication(books.community.app.settings)
    try:
        assert open_view(newer).position() == 0  # dropped, position forgotten
        catch_up(newer)
        assert open_view(newer).dump() == want
    finally:
        newer.close()
