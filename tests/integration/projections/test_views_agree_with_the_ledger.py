"""Property: after any history of grants, payments, reversals, confirmations,
approval policies, approvals and rejections, projected in batches that end
anywhere, the views agree with the ledger's own state (balances, monthly fund
flows, reversals, confirmations, pending payments) and the trial balance balances."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ledger.errors import LedgerError
from projections import queries
from projections.view import open_view
from projections.worker import catch_up
from tests.builders.community import Community

FUNDS = ("general", "activity", "renovation")
steps = st.lists(st.one_of(
    st.tuples(st.just("grant"), st.sampled_from(FUNDS), st.integers(1, 1_000_000)),
    st.tuples(st.just("spend"), st.sampled_from(FUNDS), st.integers(1, 400_000)),
    st.tuples(st.just("reverse"), st.integers(0, 50)),
    st.tuples(st.just("confirm"), st.integers(0, 50)),
    st.tuples(st.just("policy"), st.integers(1, 600_000)),
    st.tuples(st.just("approve"), st.integers(0, 50)),
    st.tuples(st.just("reject"), st.integers(0, 50)),
    st.tuples(st.just("catch_up")),
), min_size=1, max_size=25)


def play(town: Community, step: tuple, posted: list[tuple[int, list]]) -> None:
    kind = step[0]
    if kind == "catch_up":
        catch_up(town.app)
    elif kind == "policy":  # the first policy is free; loosening a later one is refused
        town.app.submit(town.committee.set_policy(step[1], 10**12, 10))
    elif kind in ("grant", "spend"):
        receipt = town.grant(*step[1:]) if kind == "grant" else town.spend(*step[1:])
        posted.append((receipt.seq, receipt.entry.statement.body["postings"]))
    elif posted:
        seq, lines = posted[step[1] % len(posted)]
        signed = {"reverse": lambda: town.agent.reverse(seq, lines, "2026-06-30", "test"),
                  "confirm": lambda: town.cashier.confirm(seq, "2026-06-30"),
                  "approve": lambda: town.committee.approve(seq),
                  "reject": lambda: town.committee.reject(seq, "test")}[kind]()
        town.app.submit(signed)


@settings(max_examples=25, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(history=steps)
def test_the_views_agree_with_the_ledger_state_after_any_history(app, history):
    town, posted = Community.open(app), []
    for step in history:
        try:
            play(town, step, posted)
        except LedgerError:
            pass  # refused (no money, already reversed or confirmed): changes nothing
    catch_up(app)
    view, state = open_view(app), app.state(town.slug)
    slug = town.slug
    projected = {(r["account"], r["fund"], r["currency"]): r["balance"]
                 for r in view.dump()["view_balances"] if r["ledger"] == slug and r["balance"]}
    assert projected == {key: value for key, value in state.balances.items() if value}
    unconfirmed = queries.unconfirmed(view, slug, limit=1000)["items"]
    assert [item["seq"] for item in unconfirmed] == state.unconfirmed()
    journal = queries.journal(view, slug, limit=1000)["items"]
    assert {i["seq"]: i["reversed_by"] for i in journal if i["reversed_by"] is not None} == \
        dict(state.reversed_by)
    usage = {(r["fund"], r["month"]): (r["income"], r["spending"])
             for r in queries.fund_usage(view, slug)["by_month"] if r["income"] or r["spending"]}
    assert usage == {(code, month): (flow.income, flow.spending)
                     for (kind, code, month), flow in state.flows.items()
                     if kind == "fund" and (flow.income or flow.spending)}
    pending = {seq for seq, p in state.pending.items() if p.status == "pending"}
    assert {i["seq"] for i in queries.pending_approvals(view, slug, limit=1000)["items"]} == \
        pending
    assert queries.trial_balance(view, slug)["balanced"]
    assert queries.status(view, slug, log_size=state.size)["projections"][0]["behind"] == 0
