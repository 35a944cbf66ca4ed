"""The projection's domain states (projections/states.py): rows come from the
domain's effects, the in-memory state never runs ahead of the rows, and a view
opened later (another process, a restart) rebuilds its states from the log."""

from __future__ import annotations

from ledger.client import posting
from ledger.domain.effects import Effect
from ledger.domain import effects as effect_types
from ledger.log.application import LedgerApplication
from projections import queries
from projections.handlers import SHOWN_NOWHERE, WRITERS
from projections.view import open_view
from projections.worker import catch_up, rebuild
from tests.builders.community import STREET_OFFICE
from tests.builders.tamper import append_raw

THRESHOLD = 100_000


def view_balances(view, slug) -> dict:
    with view.reading() as tx:
        rows = tx.all("SELECT account, fund, currency, balance FROM view_balances "
                      "WHERE ledger = ? AND balance <> 0", (slug,))
    return {(r["account"], r["fund"], r["currency"]): r["balance"] for r in rows}


def projector_state(view, slug):
    size, state = view.states.committed[slug]
    return size, state


def test_every_effect_type_has_a_writer_or_is_shown_nowhere_on_purpose():
    kinds = {value for value in vars(effect_types).values()
             if isinstance(value, type) and issubclass(value, Effect) and value is not Effect}
    assert kinds - {effect_types.Line} == set(WRITERS) | SHOWN_NOWHERE
    assert not set(WRITERS) & SHOWN_NOWHERE


def test_an_unprojectable_entry_stops_the_view_and_its_state_before_it(community):
    app, slug = community.app, community.slug
    community.grant("general", 10_000)
    lines = [posting("5001", "general", "debit", 1_000),
             posting("1002", "general", "credit", 1_000)]
    bad = append_raw(community, community.agent, "entry.posted",
                     {"date": "2026-03-01", "category": "x", "counterparty": STREET_OFFICE,
                      "memo": "", "postings": lines, "documents": "not a list"})
    community.grant("general", 5_000)  # after the stop: not shown
    catch_up(app)
    view = open_view(app)
    size, state = projector_state(view, slug)
    status = queries.status(view, slug)["projections"][0]
    assert size == bad.seq == status["size"] == status["stopped_at"]
    # The log's own state moved the money; the view and its state stop before it.
    assert app.state(slug).balance("1002", "general") == 14_000
    assert state.balance("1002", "general") == 10_000
    assert {k: v for k, v in state.balances.items() if v} == view_balances(view, slug)
    assert bad.seq not in state.cash_entries


def test_a_view_opened_later_replays_the_log_to_its_position_then_follows(settings, community):
    app, slug = community.app, community.slug
    app.submit(community.committee.set_policy(THRESHOLD, 10 * THRESHOLD, 10))
    community.grant("activity", 500_000)
    held = community.spend("activity", 150_000).seq
    catch_up(app)
    later = LedgerApplication(settings)  # another process: a view with no states yet
    try:
        later.submit(community.committee.approve(held))
        view = open_view(later)
        assert view is not open_view(app) and slug not in view.states.committed
        catch_up(later)
        assert view.states.committed[slug][0] == later.state(slug).size
        assert queries.transaction(view, slug, held)["approval"] == "approved"
        assert view_balances(view, slug) == {
            k: v for k, v in later.state(slug).balances.items() if v}
        before = view.dump()
        assert rebuild(later) >= later.state(slug).size
        assert view.dump() == before
    finally:
        later.close()


def test_a_batch_not_handed_back_leaves_the_state_behind_and_the_next_catches_up(community):
    app, slug = community.app, community.slug
    community.grant("general", 10_000)
    catch_up(app)
    view = open_view(app)
    size, state = projector_state(view, slug)
    balances = dict(state.balances)
    community.spend("general", 2_000)
    notifications = app.recorder.select_notifications(view.position() + 1, 10)
    # The rows are committed but the batch is never handed back (as if the
    # process died in between): the committed state stays where it was...
    view._apply(notifications, None, view.states.batch(), guarded=False)
    assert view.states.committed[slug] == (size, state) and dict(state.balances) == balances
    # ...and the next batch finds it behind the view's position and catches up from the log.
    community.spend("general", 1_000)
    catch_up(app)
    assert view.states.committed[slug][0] == app.state(slug).size
    assert view.states.committed[slug][1].balance("1002", "general") == 7_000
    assert view_balances(view, slug) == {k: v for k, v in app.state(slug).balances.items() if v}
