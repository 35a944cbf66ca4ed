"""Payments the ledger's policy holds for approval (docs/governance.md): the views
move their money only once approved, under the payment's own date."""

from __future__ import annotations

from projections import queries
from projections.view import open_view
from projections.worker import catch_up

THRESHOLD = 100_000


def money(view, slug, fund, as_of=None) -> int:
    return next(f["money"] for f in queries.balances(view, slug, as_of)["funds"]
                if f["fund"] == fund)


def test_a_pending_payment_moves_nothing_until_approved_then_counts_on_its_own_date(community):
    app, slug = community.app, community.slug
    app.submit(community.committee.set_policy(THRESHOLD, 10 * THRESHOLD, 10))
    community.grant("activity", 500_000, date="2026-01-05")
    big = community.spend("activity", 150_000, date="2026-02-01").seq
    catch_up(app)
    view = open_view(app)
    item = queries.transaction(view, slug, big)
    assert item["approval"] == "pending" and item["approval_level"] == "approval"
    assert item["needs_confirmation"] is False
    assert money(view, slug, "activity") == 500_000
    assert queries.fund_usage(view, slug, 2026)["totals"]["spending"] == 0
    assert [i["seq"] for i in queries.pending_approvals(view, slug)["items"]] == [big]
    assert big not in [i["seq"] for i in queries.unconfirmed(view, slug)["items"]]

    approval = app.submit(community.committee.approve(big)).seq
    catch_up(app)
    item = queries.transaction(view, slug, big)
    assert item["approval"] == "approved" and item["approval_decided_by"] == approval
    assert item["needs_confirmation"] is True
    assert money(view, slug, "activity") == 350_000 == app.state(slug).balance("1002", "activity")
    assert money(view, slug, "activity", as_of="2026-02-01") == 350_000
    assert money(view, slug, "activity", as_of="2026-01-31") == 500_000
    assert queries.fund_usage(view, slug, 2026)["by_month"][-1] == {
        "fund": "activity", "month": "2026-02", "income": 0, "spending": 150_000}
    assert queries.pending_approvals(view, slug)["items"] == []


def test_a_rejected_payment_never_moves_money_and_says_so(community):
    app, slug = community.app, community.slug
    app.submit(community.committee.set_policy(THRESHOLD, 10 * THRESHOLD, 10))
    community.grant("activity", 500_000)
    big = community.spend("activity", 200_000).seq
    small = community.spend("activity", 20_000).seq  # below the threshold: moves at once
    app.submit(community.committee.reject(big, "quote above market price"))
    catch_up(app)
    view = open_view(app)
    assert queries.transaction(view, slug, big)["approval"] == "rejected"
    assert queries.transaction(view, slug, small)["approval"] is None
    assert money(view, slug, "activity") == 480_000
    assert queries.trial_balance(view, slug)["balanced"] is True
    assert [i["seq"] for i in queries.unconfirmed(view, slug)["items"]] == \
        app.state(slug).unconfirmed()
