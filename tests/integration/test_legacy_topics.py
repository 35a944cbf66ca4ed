"""A store written before the log moved into ``ledger/log/`` names its events by the old
module paths (``ledger.store:...``, ``ledger.checkpointstore:...``); it must still list,
replay, project and serve its checkpoints after the move."""

from __future__ import annotations

from ledger.log.application import LedgerApplication
from ledger.log.checkpointing import CheckpointLog
from projections.queries import balances
from projections.view import open_view
from projections.worker import catch_up
from tests.builders.server import keep_log_key
from tests.builders.tamper import RawEvents

OLD_MODULES = {"ledger.log.store:": "ledger.store:",
               "ledger.log.checkpoint_store:": "ledger.checkpointstore:"}


def rename_topics_to_the_old_modules(app, settings, slug: str) -> int:
    events = RawEvents(app, settings, slug)
    try:
        renamed = 0
        for new, old in OLD_MODULES.items():
            cursor = events.run(f"UPDATE {events.table} SET topic = REPLACE(topic, ?, ?) "
                                "WHERE topic LIKE ?", new, old, new + "%")
            renamed += cursor.rowcount
        return renamed
    finally:
        events.db.close()


def test_a_store_with_the_old_topics_lists_replays_projects_and_serves_checkpoints(
        app, settings, community):
    community.grant("general", 50_000)
    keep_log_key(settings, community)
    note = CheckpointLog(app).issue(community.slug)
    size = community.log_size()
    assert rename_topics_to_the_old_modules(app, settings, community.slug) > size

    reopened = LedgerApplication(settings)
    try:
        assert community.slug in reopened.ledgers()
        state = reopened.state(community.slug)
        assert state.size == size and state.balance("1002", "general") == 50_000
        assert CheckpointLog(reopened).latest(community.slug) == note
        catch_up(reopened)
        view = open_view(reopened)
        bank = [row for row in balances(view, community.slug)["accounts"]
                if row["account"] == "1002"]
        assert [row["balance"] for row in bank] == [50_000]
    finally:
        reopened.close()
