"""The read model says what the domain says, after every statement (both stores).

Random histories of valid statements of every kind (journal entries, payments
held for approval then approved or rejected, reversals, confirmations, asset
trades through their steps, resolutions, disclosures, residents' questions,
keys) are submitted one at a time; after each, the view is caught up and its
balances, holds, trades, assets, resolutions, questions and keys must equal
the domain state ``app.state(slug)``. Operations that do not fit the moment
(nothing to reverse, a payment the bank cannot cover) are skipped or refused,
and a refused statement changes nothing on either side.
"""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, example, given
from hypothesis import settings as hsettings
from hypothesis import strategies as st

from ledger.client import posting
from ledger.domain.disclosures import flows_for
from ledger.errors import LedgerError
from ledger.log.application import LedgerApplication
from projections.view import open_view
from projections.worker import catch_up
from tests.governance.town import YUAN, Clock, Town, bidder, sha

APPROVAL, MAJOR = 5_000 * YUAN, 50_000 * YUAN
FUNDS = ("general", "activity")
PEOPLE = (bidder("王五", "110101199001011234"), bidder("赵六"),
          {"kind": "organisation", "name": "新竹餐饮有限公司"})

picks = st.integers(min_value=0, max_value=1_000)
# A trade takes a dozen steps: "trade" comes up often enough for some to finish.
STEPS = ["approve", "reject", "reverse", "confirm", "cancel", "ask", "answer", "close",
         "resolution", "key", "revoke", "disclose", "assign"] + ["trade"] * 6
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
]


class Story:
    """Turns generated operations into valid statements for one town, using the
    domain state to pick what each may refer to."""

    def __init__(self, town: Town) -> None:
        self.town = town
        self.keys: list = []
        self.assets = 0

    @property
    def state(self):
        return self.town.state

    def run(self, op: tuple) -> None:
        getattr(self, op[0])(*op[1:])

    # --- money ---------------------------------------------------------------------

    def grant(self, fund: str, amount: int) -> None:
        self.town.grant(fund, amount)

    def pay(self, fund: str, amount: int) -> None:
        self.town.pay(fund, amount)

    def _pending(self, pick: int, level: str | None = None):
        waiting = [p for p in self.state.pending.values() if p.status == "pending"
                   and (level is None or p.level == level)]
        return waiting[pick % len(waiting)] if waiting else None

    def approve(self, pick: int) -> None:
        pending = self._pending(pick)
        if pending is None:
            return
        resolution = None
        if pending.level == "major":
            resolution = self.town.resolve("entry", pending.seq, disclose=True)
        self.town.submit(self.town.committee.approve(pending.seq, resolution))

    def reject(self, pick: int) -> None:
        pending = self._pending(pick)
        if pending is not None:
            self.town.submit(self.town.supervisor.reject(pending.seq, "报价过高 too dear"))

    def reverse(self, pick: int) -> None:
        state = self.state
        standing = [seq for seq in state.cash_entries if seq not in state.reversed_by
                    and seq not in state.trade_receipts
                    and self.town.app.reader.entry(self.town.slug, seq).statement.type == "entry.posted"]
        if standing:  # the latest first: an early grant is most often spent already
            seq = standing[-1 - pick % len(standing)]
            body = self.town.app.reader.entry(self.town.slug, seq).statement.body
            self.town.submit(self.town.agent.reverse(seq, body["postings"], "2026-04-01",
                                                     "记错 recorded in error"))

    def confirm(self, pick: int) -> None:
        waiting = self.state.unconfirmed()
        if waiting:
            self.town.submit(self.town.cashier.confirm(waiting[pick % len(waiting)],
                                                       "2026-04-02"))

    # --- trades and assets ---------------------------------------------------------

    def trade(self, pick: int) -> None:
        """Take a trade one step further, or start one."""
        moving = [t for t in self.state.trades.values()
                  if t.status not in ("completed", "cancelled")]
        if not moving:
            return self._propose(pick)
        trade = moving[pick % len(moving)]
        getattr(self, f"_after_{trade.status}")(trade, pick)

    def _propose(self, pick: int) -> None:
        self.assets += 1
        code = f"shop-{self.assets}"
        self.town.submit(self.town.agent.register_asset(code, "shop", f"门面{self.assets}号",
                                                        "新竹路", 0))
        method = "lease" if pick % 2 else "sale"
        if method == "sale":
            self.town.submit(self.town.agent.value_asset(
                code, "2026-01-10", 200_000 * YUAN, {"kind": "organisation", "name": "评估所"},
                sha(code)))
        self.town.submit(self.town.committee.propose_trade(
            code, method, 200_000 * YUAN, "公开招租 open", 12 if method == "lease" else None))

    def _after_proposed(self, trade, pick: int) -> None:
        self.town.resolve("trade", trade.seq, votes_for=20 if pick % 5 else 5)

    def _after_resolved(self, trade, pick: int) -> None:
        self.town.submit(self.town.committee.publish_notice(trade.seq, 10, sha(f"n{trade.seq}")))

    def _after_noticed(self, trade, pick: int) -> None:
        if len(trade.bids) < 2:
            amount = 200_000 * YUAN + pick * YUAN
            self.town.submit(self.town.agent.receive_bid(trade.seq, PEOPLE[pick % 3], amount))
            return
        self.town.clock.advance(days=11)
        bid = trade.bids[pick % len(trade.bids)]
        self.town.submit(self.town.committee.award(trade.seq, bid, "更好的方案 better plan"))

    def _after_award_pending(self, trade, pick: int) -> None:
        self.town.submit(self.town.supervisor.cosign_award(trade.seq))

    def _after_awarded(self, trade, pick: int) -> None:
        if trade.award_disclosure is None:
            if not self.state.catalogues:
                self.town.catalogue()
            self.town.submit(self.town.committee.publish_disclosure(
                "asset_trades", "2026-03-01", sha(f"a{trade.seq}"),
                subject={"kind": "trade", "ref": trade.seq, "stage": "award"}))
            return
        self.town.submit(self.town.committee.sign_contract(trade.seq, sha(f"c{trade.seq}"),
                                                           "2026-03-05"))

    def _after_contracted(self, trade, pick: int) -> None:
        winner = self.state.bids[trade.award_bid]
        party = next(p for p in PEOPLE if p["name"] == winner.bidder)
        receipt = self.town.receive("general", winner.amount, party)
        self.town.submit(self.town.agent.settle_trade(trade.seq, [receipt], winner.amount))

    def _after_settled(self, trade, pick: int) -> None:
        self.town.submit(self.town.committee.complete_trade(trade.seq, "2026-03-30"))

    def cancel(self, pick: int) -> None:
        open_ = [t for t in self.state.trades.values()
                 if t.status in ("proposed", "resolved", "noticed", "award_pending", "awarded")]
        if open_:
            trade = open_[pick % len(open_)]
            self.town.submit(self.town.committee.cancel_trade(trade.seq, "撤回 withdrawn"))

    def assign(self, pick: int) -> None:
        free = [a for a in self.state.assets.values()
                if a.status in ("available", "assigned") and a.open_trade is None]
        if not free:
            return self._propose(pick)
        asset = free[pick % len(free)]
        if asset.status == "assigned":
            self.town.submit(self.town.agent.return_asset(asset.code, "2026-05-01"))
        else:
            self.town.submit(self.town.committee.assign_asset(
                asset.code, PEOPLE[pick % 3], "老年活动室 seniors' room", "2026-04-01"))

    # --- resolutions, disclosures, questions, keys -------------------------------------

    def resolution(self, pick: int) -> None:
        self.town.resolve("other", None, cosign=bool(pick % 2), disclose=bool(pick % 2),
                          votes_for=20 if pick % 3 else 5)

    def disclose(self, pick: int) -> None:
        if not self.state.catalogues:
            self.town.catalogue()
        fund = FUNDS[pick % 2]
        flow = flows_for(self.state, "fund", fund, ["2026-02"])
        self.town.submit(self.town.committee.publish_disclosure(
            "fund_flows", "2026-03-05", sha(f"sheet {pick}"), period="2026-02", fund=fund,
            totals={"income": flow.income, "spending": flow.spending}))

    def ask(self, pick: int) -> None:
        seq = pick % self.state.size
        self.town.submit(self.town.intake.ask("entry", seq, f"第{seq}笔是什么? what is {seq}?"))

    def _question(self, pick: int, status: str):
        asked = [q for q in self.state.questions.values() if q.status in status]
        return asked[pick % len(asked)] if asked else None

    def answer(self, pick: int) -> None:
        question = self._question(pick, ("open", "answered"))
        if question is not None:
            self.town.submit(self.town.committee.answer(question.seq, "见票据 see receipt"))

    def close(self, pick: int) -> None:
        question = self._question(pick, ("answered",))
        if question is not None:
            self.town.submit(self.town.supervisor.close_question(question.seq))

    def key(self, pick: int) -> None:
        self.keys.append(self.town.new_key(["auditor"], f"审计 auditor {len(self.keys)}"))

    def revoke(self, pick: int) -> None:
        active = [k for k in self.keys if self.state.keys[k.key_id].active()]
        if active:
            self.town.submit(self.town.admin.revoke_key(active[pick % len(active)].key_id,
                                                        "任期结束 term ended"))


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
    "resolutions": "SELECT seq, passed, cosigned_roles, disclosed_seq FROM view_resolutions "
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
                                "disclosed_seq": r.disclosed_seq}
                        for r in state.resolutions.values()},
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
    town = Town.open(app, clock)
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
