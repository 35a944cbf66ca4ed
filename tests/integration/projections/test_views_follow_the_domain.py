"""The read model says what the domain says, after every statement (both stores).

Random histories of valid statements of every kind (journal entries, payments
held for approval then approved or rejected, reversals, confirmations, asset
trades through their steps, resolutions, matters under 四议两公开, disclosures,
residents' questions, keys) are submitted one at a time; after each, the view is
caught up and its balances, holds, trades, assets, resolutions, matters, questions and
keys must equal
the domain state ``app.state(slug)``. Operations that do not fit the moment
(nothing to reverse, a payment the bank cannot cover) are skipped or refused,
and a refused statement changes nothing on either side.
"""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, example, given
from hypothesis import settings as hsettings
from hypothesis import strategies as st

from ledger.errors import LedgerError
from ledger.log.application import LedgerApplication
from projections.view import open_view
from projections.worker import catch_up
from tests.builders.community import YUAN, Clock, Community
from tests.builders.story import FUNDS, Story

APPROVAL, MAJOR = 5_000 * YUAN, 50_000 * YUAN

picks = st.integers(min_value=0, max_value=1_000)
# A trade takes a dozen steps: "trade" comes up often enough for some to finish.
STEPS = ["approve", "reject", "reverse", "confirm", "cancel", "ask", "answer", "close",
         "resolution", "key", "revoke", "disclose", "assign"] + ["trade"] * 6 + ["matter"] * 3
operations = st.one_of(
    st.tuples(st.just("grant"), st.sampled_from(FUNDS), st.integers(1_000, 80_000 * YUAN)),
    st.tuples(st.just("pay"), st.sampled_from(FUNDS), st.integers(100, 60_000 * YUAN)),
    st.tuples(st.sampled_from(STEPS), picks),
)
histories = st.lists(operations, min_size=8, max_size=30)
# One history that surely walks every path: held payments approved (one a major
# matter, with its resolution) and rejected, a reversal, confirmations, a lease
# from proposal to completion with an exceptional award, a cancelled sale, an asset
# assigned and returned, a failed resolution, a periodic disclosure, questions, keys.
EVERY_PATH = [
    ("pay", "general", 6_000 * YUAN), ("pay", "general", 55_000 * YUAN),
    ("pay", "general", 1_000 * YUAN), ("approve", 0), ("approve", 0),
    ("pay", "general", 7_000 * YUAN), ("reject", 0), ("reverse", 0), ("confirm", 0),
    ("confirm", 1), ("trade", 1), ("trade", 1), ("trade", 1), ("trade", 1), ("trade", 2),
    ("trade", 0), ("trade", 0), ("trade", 0), ("trade", 0), ("trade", 0), ("trade", 0),
    ("trade", 0), ("trade", 0), ("cancel", 0), ("assign", 0), ("assign", 0),
    ("ask", 3), ("answer", 0), ("answer", 0), ("close", 0), ("ask", 5),
    ("resolution", 1), ("resolution", 3), ("key", 0), ("key", 0), ("revoke", 1),
    ("disclose", 0), ("grant", "activity", 9_000 * YUAN),
    # A matter through its six steps, and another whose resolution fails (pick % 4 == 0).
    ("matter", 0), ("matter", 1), ("matter", 1), ("matter", 1), ("matter", 1), ("matter", 1),
    ("matter", 5), ("matter", 2), ("matter", 2), ("matter", 4), ("matter", 3),
]


# --- what the view must agree with -------------------------------------------------------

VIEW_SQL = {
    "balances": "SELECT account, fund, currency, balance FROM view_balances "
                "WHERE ledger = ? AND balance <> 0",
    "holds": "SELECT p.seq, p.level, p.amount, p.status, p.decided_by, e.approval, "
             "e.approval_level FROM view_pending p JOIN view_entries e "
             "ON e.ledger = p.ledger AND e.seq = p.seq WHERE p.ledger = ?",
    "entries": "SELECT seq, reversed_by, confirmed_by FROM view_entries WHERE ledger = ?",
    "trades": "SELECT seq, status, resolution, notice_closes, award_bid, award_disclosure, "
              "completion_disclosure, received FROM view_trades WHERE ledger = ?",
    "assets": "SELECT code, status, holder_name, appraisal, open_trade FROM view_assets "
              "WHERE ledger = ?",
    "resolutions": "SELECT seq, passed, cosigned_roles, disclosed_seq, proposal FROM "
                   "view_resolutions WHERE ledger = ?",
    "matters": "SELECT seq, status, resolution, (SELECT COUNT(*) FROM view_matter_steps s "
               "WHERE s.ledger = m.ledger AND s.matter = m.seq) AS steps FROM view_matters m "
               "WHERE ledger = ?",
    "questions": "SELECT seq, status, answers, answered_at, closed_at FROM view_questions "
                 "WHERE ledger = ?",
    "keys": "SELECT key_id, roles, revoked_seq FROM view_keys WHERE ledger = ?",
}


def the_view(view, slug: str) -> dict:
    with view.reading() as tx:
        rows = {name: tx.all(sql, (slug,)) for name, sql in VIEW_SQL.items()}
    return {
        "balances": {(r["account"], r["fund"], r["currency"]): r["balance"]
                     for r in rows["balances"]},
        "holds": {r["seq"]: (r["level"], r["amount"], r["status"], r["decided_by"])
                  for r in rows["holds"] if (r["approval"], r["approval_level"]) ==
                  (r["status"], r["level"])},
        "reversed": {r["seq"]: r["reversed_by"] for r in rows["entries"] if r["reversed_by"]},
        "confirmed": {r["seq"]: r["confirmed_by"] for r in rows["entries"]
                      if r["confirmed_by"] is not None},
        "trades": {r.pop("seq"): r for r in rows["trades"]},
        "assets": {r.pop("code"): r for r in rows["assets"]},
        "resolutions": {r.pop("seq"): r for r in rows["resolutions"]},
        "matters": {r.pop("seq"): r for r in rows["matters"]},
        "questions": {r.pop("seq"): r for r in rows["questions"]},
        "keys": {r.pop("key_id"): r for r in rows["keys"]},
    }


def the_domain(state) -> dict:
    return {
        "balances": {key: value for key, value in state.balances.items() if value},
        "holds": {p.seq: (p.level, p.amount, p.status, p.decided_seq)
                  for p in state.pending.values()},
        "reversed": dict(state.reversed_by),
        "confirmed": dict(state.confirmed),
        "trades": {t.seq: {"status": t.status, "resolution": t.resolution,
                           "notice_closes": t.notice_closes, "award_bid": t.award_bid,
                           "award_disclosure": t.award_disclosure,
                           "completion_disclosure": t.completion_disclosure,
                           "received": t.received} for t in state.trades.values()},
        "assets": {a.code: {"status": a.status, "holder_name": a.holder,
                            "appraisal": a.appraisal, "open_trade": a.open_trade}
                   for a in state.assets.values()},
        "resolutions": {r.seq: {"passed": int(r.passed),
                                "cosigned_roles": ",".join(sorted(r.cosigned_roles)),
                                "disclosed_seq": r.disclosed_seq, "proposal": r.proposal}
                        for r in state.resolutions.values()},
        "matters": {m.seq: {"status": m.status, "resolution": m.resolution,
                            "steps": sum(seq is not None for seq in (
                                m.seq, m.discussed_seq, m.reviewed_seq, m.resolution,
                                m.published_seq, m.implemented_seq))}
                    for m in state.matters.values()},
        "questions": {q.seq: {"status": q.status, "answers": len(q.answers),
                              "answered_at": q.answered_at or None,
                              "closed_at": q.closed_at or None}
                      for q in state.questions.values()},
        "keys": {k.key_id: {"roles": ",".join(sorted(k.roles)), "revoked_seq": k.revoked_seq}
                 for k in state.keys.values()},
    }


@pytest.fixture
def story_app(settings):
    clock = Clock()
    app = LedgerApplication(settings, clock=clock)
    yield app, clock
    app.close()


@hsettings(max_examples=15, deadline=None,
           suppress_health_check=[HealthCheck.function_scoped_fixture,
                                  HealthCheck.too_slow, HealthCheck.data_too_large])
@given(history=histories)
@example(history=EVERY_PATH)
def test_after_every_statement_the_view_equals_the_domain_state(story_app, history):
    app, clock = story_app
    town = Community.open(app, clock=clock, governance=True)
    town.set_policy(APPROVAL, MAJOR, 10)
    town.grant("general", 100_000 * YUAN)
    story, view = Story(town), open_view(app)
    for op in history:
        try:
            story.run(op)
        except LedgerError:
            pass  # refused (the bank cannot cover it, ...): changes nothing anywhere
        catch_up(app)
        assert the_view(view, town.slug) == the_domain(town.state), op
    with view.reading() as tx:  # and nothing was unprojectable on the way
        assert tx.all("SELECT kind FROM view_findings WHERE ledger = ?", (town.slug,)) == []
