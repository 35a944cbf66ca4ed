"""The governance read tables follow the log exactly: on the demo ledger they
agree with the ledger's own state (assets, trades, resolutions, questions),
nothing becomes a finding, and a rebuild in small batches gives the same rows."""

from __future__ import annotations

import uuid

from ledger.demo.build import ENTRIES_MIN, build_demo
from projections import governance, queries
from projections.view import open_view
from projections.worker import ProjectionPoller, catch_up

GOVERNANCE_TABLES = ("view_assets", "view_trades", "view_bids", "view_resolutions",
                     "view_disclosures", "view_catalogues", "view_questions", "view_gov_steps")


def test_the_governance_views_agree_with_the_ledger_state_and_rebuild_identically(app):
    demo = build_demo(app, f"demo-{uuid.uuid4().hex[:8]}", entries=ENTRIES_MIN + 30)
    slug, state = demo.ledger, app.state(demo.ledger)
    catch_up(app)
    view = open_view(app)
    assert queries.findings(view, slug)["items"] == []

    assets = {a["code"]: a for a in governance.assets(view, slug)["items"]}
    assert set(assets) == set(state.assets)
    for code, record in state.assets.items():
        shown = governance.asset(view, slug, code)
        assert (shown["status"], shown["open_trade"], shown["appraisal"]) == (
            record.status, record.open_trade, record.appraisal)
        assert [step["seq"] for step in shown["history"]] == list(record.history)
    for seq, record in state.trades.items():
        shown = governance.trade(view, slug, seq)
        assert (shown["status"], shown["award_bid"], shown["resolution"]["seq"],
                shown["notice_closes"], shown["received"], shown["award_disclosure"],
                shown["completion_disclosure"]) == (
            record.status, record.award_bid, record.resolution, record.notice_closes,
            record.received, record.award_disclosure, record.completion_disclosure)
        assert [step["seq"] for step in shown["steps"]] == list(record.history)
        assert [bid["seq"] for bid in shown["bids"]] == list(record.bids)
    for item in governance.resolutions(view, slug)["items"]:
        record = state.resolutions[item["seq"]]
        assert (item["passed"], set(item["cosigned_roles"]), item["disclosed_seq"]) == (
            record.passed, set(record.cosigned_roles), record.disclosed_seq)
    disclosed = [d["seq"] for d in governance.disclosures(view, slug)["items"]]
    assert disclosed == sorted(state.disclosures)
    for item in governance.questions(view, slug)["items"]:
        record = state.questions[item["seq"]]
        assert (item["status"], item["answered_at"] or "", item["closed_at"] or "",
                tuple(a["seq"] for a in item["answers"])) == (
            record.status, record.answered_at, record.closed_at, record.answers)

    want = view.dump()
    assert all(want[table] for table in GOVERNANCE_TABLES)
    view.reset()
    ProjectionPoller(app, view, batch_size=7).catch_up()
    assert view.dump() == want
