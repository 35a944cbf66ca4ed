"""Issue 5 end to end: one shop lease from proposal to completion, and one
micro-renovation payment above the major-matter threshold from proposal to
the cashier's confirmation, with the disclosures each produces."""

from __future__ import annotations

from ledger.log.application import LedgerApplication
from ledger.domain import questions
from ledger.domain.assets import book_value_differences
from ledger.domain.sheets import period_sheet, resolution_sheet, trade_sheet
from ledger.errors import (ApprovalRequired, DisclosureRequired, NoticeClosed, NoticePeriodOpen)
from ledger.domain.state import MAP_FIELDS
from tests.builders.community import YUAN, bidder, sha

WANG = bidder("王小明", "110101198001010011")


def test_a_shop_lease_runs_from_proposal_to_completion_in_public_order(town, clock):
    town.set_policy(notice_days=10)
    town.catalogue()
    shop = town.register_shop("shop-1", 300_000 * YUAN)
    assert book_value_differences(town.state) == []
    town.submit(town.agent.value_asset(shop, "2026-02-01", 320_000 * YUAN,
                                       {"kind": "organisation", "name": "信达评估公司"},
                                       sha("appraisal report")))
    trade = town.submit(town.committee.propose_trade(shop, "lease", 108_000 * YUAN,
                                                     "三年期, 不得经营餐饮 no restaurants", 36))
    resolution = town.resolve("trade", trade)
    assert town.state.trades[trade].status == "resolved"

    notice = trade_sheet(town.state, trade, "notice")
    town.submit(town.committee.publish_notice(trade, 10, notice.sha256, where="社区公告栏"))
    closes = town.state.trades[trade].notice_closes
    clock.advance(days=2)
    low = town.submit(town.agent.receive_bid(trade, bidder("李四"), 100_000 * YUAN))
    clock.advance(days=3)
    best = town.submit(town.agent.receive_bid(trade, WANG, 126_000 * YUAN, sha("bid wang")))
    town.submit(town.agent.receive_bid(trade, bidder("赵六"), 115_000 * YUAN))
    town.refused(town.committee.award(trade, best), NoticePeriodOpen, "open until " + closes)

    clock.advance(days=5, seconds=1)  # 10 days and a second after the notice
    town.refused(town.agent.receive_bid(trade, bidder("迟到者"), 200_000 * YUAN), NoticeClosed,
                 "closed at")
    town.submit(town.committee.award(trade, best))
    assert town.state.trades[trade].status == "awarded"
    town.refused(town.committee.sign_contract(trade, sha("contract"), "2026-03-15"),
                 DisclosureRequired, "must be disclosed")

    award = trade_sheet(town.state, trade, "award")
    assert "王小明" in award.text and "李四" in award.text
    town.submit(town.committee.publish_disclosure(
        "asset_trades", "2026-03-12", award.sha256,
        subject={"kind": "trade", "ref": trade, "stage": "award"}))
    town.submit(town.committee.sign_contract(trade, sha("contract"), "2026-03-15",
                                             "2026-04-01", "2029-03-31"))
    assert town.state.assets[shop].status == "leased"
    assert town.state.assets[shop].holder == "王小明"

    rent = town.receive("general", 36_000 * YUAN, WANG)
    town.submit(town.agent.settle_trade(trade, [rent], 36_000 * YUAN))
    town.submit(town.committee.complete_trade(trade, "2026-03-31"))
    completion = trade_sheet(town.state, trade, "completion")
    done = town.submit(town.committee.publish_disclosure(
        "asset_trades", "2026-04-01", completion.sha256,
        subject={"kind": "trade", "ref": trade, "stage": "completion"}))

    final = town.state.trades[trade]
    assert final.status == "completed" and final.received == 36_000 * YUAN
    assert final.completion_disclosure == done
    assert resolution in final.history and rent not in final.history
    assert town.state.assets[shop].open_trade is None
    assert town.state.assets[shop].history[0] < trade < town.state.assets[shop].history[-1]
    assert [d.subject[2] for d in town.state.disclosures.values() if d.subject and
            d.subject[0] == "trade"] == ["notice", "award", "completion"]
    assert town.state.balance("1002", "general") == 36_000 * YUAN

    # A resident asks about the trade; the committee answers and closes it.
    question = town.submit(town.intake.ask("trade", trade, "为什么不选李四? Why not Li?",
                                           contact_hash=sha("salt" + "13800000000")))
    clock.advance(days=1)
    town.submit(town.committee.answer(question, "李四出价低于底价 Li bid below the reserve."))
    town.submit(town.supervisor.close_question(question))
    [row] = questions.board(town.state)
    assert row["status"] == "closed" and row["hours_to_answer"] == 24.0
    assert row["about"] == {"kind": "trade", "ref": trade}
    assert "13800000000" not in str([e.to_json() for e in town.entries()])
    assert low in town.state.trades[trade].bids


def test_a_major_renovation_payment_waits_for_resolution_and_disclosure(town):
    town.set_policy(approval=5_000 * YUAN, major=50_000 * YUAN)
    town.catalogue()
    town.submit(town.agent.register_project("reno-2026", "renovation", "老旧小区微改造",
                                            "Micro-renovation 2026", "2026-01-01", "2026-12-31"))
    town.grant("renovation", 800_000 * YUAN)
    payment = town.pay("renovation", 120_000 * YUAN, "2026-02-20", project="reno-2026",
                       documents=[{"kind": "invoice", "sha256": sha("invoice 1")}])
    assert town.state.pending[payment].status == "pending"
    assert town.state.balance("1002", "renovation") == 800_000 * YUAN  # moved nothing yet
    town.refused(town.cashier.confirm(payment, "2026-02-21"), ApprovalRequired,
                 "waiting for a major-matter approval")
    town.refused(town.committee.approve(payment), ApprovalRequired, "must cite the residents'")

    resolution = town.resolve("entry", payment, cosign=False)
    town.refused(town.committee.approve(payment, resolution), ApprovalRequired,
                 "still needs co-signatures from committee, supervisor")
    town.submit(town.committee.cosign_resolution(resolution))
    town.submit(town.supervisor.cosign_resolution(resolution))
    town.submit(town.committee.approve(payment, resolution))
    assert town.state.balance("1002", "renovation") == 680_000 * YUAN
    town.refused(town.cashier.confirm(payment, "2026-02-21"), DisclosureRequired,
                 "must be disclosed with resolution.disclosed")

    sheet = resolution_sheet(town.state, town.entries(), resolution)
    assert "通过 passed" in sheet.text
    town.submit(town.committee.disclose_resolution(resolution, "2026-02-22", sheet.sha256,
                                                   where="社区公告栏"))
    confirmation = town.submit(town.cashier.confirm(payment, "2026-02-23", "BANK-0223-01"))
    assert town.state.confirmed[payment] == confirmation

    # After execution, the monthly and the project disclosures, checkable against the log.
    monthly = period_sheet(town.state, town.entries(), period="2026-02", fund="renovation")
    assert monthly.totals_body() == {"income": 0, "spending": 120_000 * YUAN}
    town.submit(town.committee.publish_disclosure(
        "fund_flows", "2026-03-05", monthly.sha256, period="2026-02", fund="renovation",
        totals=monthly.totals_body()))
    quarter = period_sheet(town.state, town.entries(), period="2026-Q1", project="reno-2026")
    assert quarter.totals_body() == {"income": 0, "spending": 120_000 * YUAN}
    town.submit(town.committee.publish_disclosure(
        "fund_flows", "2026-04-05", quarter.sha256, period="2026-Q1", project="reno-2026",
        totals=quarter.totals_body()))


def test_replaying_the_log_rebuilds_the_same_governance_state(town, settings, clock):
    test_a_shop_lease_runs_from_proposal_to_completion_in_public_order(town, clock)
    fresh = LedgerApplication(settings)  # today's clock, far from the recorded times
    try:
        rebuilt = fresh.state(town.slug)
        for name in MAP_FIELDS:
            assert dict(getattr(rebuilt, name)) == dict(getattr(town.state, name)), name
        assert rebuilt.head == town.state.head
    finally:
        fresh.close()
