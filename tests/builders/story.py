"""Turns generated operations into valid statements for one governance town,
for tests/integration/projections/test_views_follow_the_domain.py."""

from __future__ import annotations

from ledger.domain.disclosures import flows_for
from tests.builders.community import YUAN, Community, bidder, sha

FUNDS = ("general", "activity")
PEOPLE = (bidder("王五", "110101199001011234"), bidder("赵六"),
          {"kind": "organisation", "name": "新竹餐饮有限公司"})


class Story:
    """Turns generated operations into valid statements for one town, using the
    domain state to pick what each may refer to."""

    def __init__(self, town: Community) -> None:
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
        state, reader = self.state, self.town.app.reader
        standing = [seq for seq in state.cash_entries if seq not in state.reversed_by
                    and seq not in state.trade_receipts
                    and reader.entry(self.town.slug, seq).statement.type == "entry.posted"]
        if standing:  # the latest first: an early grant is most often spent already
            seq = standing[-1 - pick % len(standing)]
            body = reader.entry(self.town.slug, seq).statement.body
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

    def matter(self, pick: int) -> None:
        """Take a matter (四议两公开) one step further, or propose one: about "other", by
        the party branch or the committee; one resolution in four fails."""
        town, day = self.town, "2026-03-0{}".format
        moving = [m for m in self.state.matters.values() if m.status != "implemented"
                  and not (m.status == "rejected" and m.published_seq is not None)]
        if not moving or pick % 5 == 0:
            town.submit(town.committee.propose_matter(
                "other", None, f"事项 matter {pick}", day(1), sha(f"proposal {pick}"),
                proposed_by=("party_branch", "committee")[pick % 2]))
            return
        matter = moving[pick % len(moving)]
        if matter.status == "proposed":
            town.submit(town.committee.discuss_matter(matter.seq, day(2), sha(f"j{pick}"), "同意"))
        elif matter.status == "discussed":
            town.submit(town.committee.review_matter(matter.seq, day(3), sha(f"p{pick}")))
        elif matter.status == "reviewed":
            votes = 5 if pick % 4 == 0 else 20
            seq = town.submit(town.committee.record_resolution(
                "other", None, "事项决议", day(4), 25, 22, votes, 22 - votes - 1, 1,
                sha(f"r{pick}"), proposal=matter.seq))
            if votes == 20:
                town.submit(town.committee.cosign_resolution(seq))
                town.submit(town.supervisor.cosign_resolution(seq))
        elif matter.status in ("resolved", "rejected"):
            town.submit(town.committee.disclose_resolution(matter.resolution, day(5),
                                                           sha(f"s{pick}")))
        else:  # published
            town.submit(town.committee.implement_matter(matter.seq, day(6), sha(f"i{pick}")))

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
