"""The public procedure of an asset trade, enforced step by step: every step
out of order or forbidden is refused with a clear error and changes nothing."""

from __future__ import annotations

from ledger.errors import (ApprovalRequired, AwardNeedsReason, DisclosureRequired, DomainError,
                           NoticeClosed, NoticePeriodOpen, NotFound, OutOfOrder, PolicyError)
from tests.builders.community import YUAN, bidder, sha

WANG = bidder("王小明", "110101198001010011")


def _award_disclosure(town, trade):
    return town.submit(town.committee.publish_disclosure(
        "asset_trades", "2026-03-12", sha(f"award {trade}"),
        subject={"kind": "trade", "ref": trade, "stage": "award"}))


def _awarded(town, clock):
    """A lease on notice, one bid from Wang above the reserve, awarded to him."""
    town.catalogue()
    trade = town.noticed_lease(reserve=36_000 * YUAN)
    bid = town.submit(town.agent.receive_bid(trade, WANG, 40_000 * YUAN))
    clock.advance(days=10, seconds=1)
    town.submit(town.committee.award(trade, bid))
    return trade, bid


def test_a_notice_before_the_resolution_is_out_of_order(town):
    shop = town.register_shop()
    trade = town.submit(town.committee.propose_trade(shop, "lease", 1_000 * YUAN, "none", 12))
    error = town.refused(town.committee.publish_notice(trade, 10, sha("n")), OutOfOrder,
                         f"trade {trade} is proposed: trade.notice_published comes after a "
                         "passed resolution")
    assert error.code == "out-of-order" and error.status == 409


def test_a_notice_needs_the_supervisor_to_cosign_the_resolution(town):
    shop = town.register_shop()
    trade = town.submit(town.committee.propose_trade(shop, "lease", 1_000 * YUAN, "none", 12))
    resolution = town.resolve("trade", trade, cosign=False)
    town.submit(town.committee.cosign_resolution(resolution))
    town.refused(town.committee.publish_notice(trade, 10, sha("n")), ApprovalRequired,
                 "still needs co-signatures from supervisor")


def test_a_failed_resolution_leaves_the_trade_proposed(town):
    shop = town.register_shop()
    trade = town.submit(town.committee.propose_trade(shop, "lease", 1_000 * YUAN, "none", 12))
    town.resolve("trade", trade, votes_for=5, cosign=False)
    assert town.state.trades[trade].status == "proposed"


def test_the_notice_runs_at_least_the_policy_minimum(town):
    town.set_policy(notice_days=10)
    shop = town.register_shop()
    trade = town.submit(town.committee.propose_trade(shop, "lease", 1_000 * YUAN, "none", 12))
    town.resolve("trade", trade)
    town.refused(town.committee.publish_notice(trade, 9, sha("n")), DomainError,
                 "at least 10 days")


def test_a_bid_before_the_notice_is_out_of_order(town):
    shop = town.register_shop()
    trade = town.submit(town.committee.propose_trade(shop, "lease", 1_000 * YUAN, "none", 12))
    town.refused(town.agent.receive_bid(trade, WANG, 2_000 * YUAN), OutOfOrder,
                 "comes after the public notice")


def test_no_bid_is_accepted_after_the_notice_closes(town, clock):
    trade = town.noticed_lease(days=10)
    clock.advance(days=10)  # exactly at the close
    error = town.refused(town.agent.receive_bid(trade, WANG, 50_000 * YUAN), NoticeClosed,
                         "no bid is accepted after that")
    assert error.code == "notice-closed"


def test_a_bid_just_before_the_close_is_accepted(town, clock):
    trade = town.noticed_lease(days=10)
    clock.advance(days=10, seconds=-1)
    bid = town.submit(town.agent.receive_bid(trade, WANG, 50_000 * YUAN))
    assert town.state.trades[trade].bids == (bid,)


def test_no_award_before_the_notice_period_ends(town, clock):
    trade = town.noticed_lease(days=10)
    bid = town.submit(town.agent.receive_bid(trade, WANG, 50_000 * YUAN))
    clock.advance(days=9)
    error = town.refused(town.committee.award(trade, bid), NoticePeriodOpen, "award after it")
    assert error.code == "notice-period-open"


def test_a_bid_below_the_reserve_is_not_awarded_without_a_reason(town, clock):
    trade = town.noticed_lease(reserve=36_000 * YUAN)
    low = town.submit(town.agent.receive_bid(trade, WANG, 30_000 * YUAN))
    clock.advance(days=11)
    error = town.refused(town.committee.award(trade, low), AwardNeedsReason,
                         "is below the reserve price 36,000.00")
    assert error.code == "award-needs-reason"


def test_a_lower_bid_is_not_awarded_without_a_reason(town, clock):
    trade = town.noticed_lease(reserve=36_000 * YUAN)
    lower = town.submit(town.agent.receive_bid(trade, WANG, 40_000 * YUAN))
    higher = town.submit(town.agent.receive_bid(trade, bidder("李四"), 45_000 * YUAN))
    clock.advance(days=11)
    town.refused(town.committee.award(trade, lower), AwardNeedsReason,
                 f"not the highest valid bid \\(that is {higher}\\)")


def test_an_exceptional_award_waits_for_the_supervisor(town, clock):
    town.catalogue()
    trade = town.noticed_lease(reserve=36_000 * YUAN)
    low = town.submit(town.agent.receive_bid(trade, WANG, 30_000 * YUAN))
    clock.advance(days=11)
    town.submit(town.committee.award(trade, low, reason="唯一报价且为公益项目 only bid, "
                                                        "a public-interest use"))
    assert town.state.trades[trade].status == "award_pending"
    town.refused(town.committee.sign_contract(trade, sha("c"), "2026-03-15"), OutOfOrder,
                 "is award_pending")
    town.refused(town.committee.cosign_award(trade), PolicyError, "role supervisor")
    town.submit(town.supervisor.cosign_award(trade))
    assert town.state.trades[trade].status == "awarded"
    assert town.state.trades[trade].award_reason.startswith("唯一报价")


def test_an_award_names_a_bid_of_that_trade(town, clock):
    trade = town.noticed_lease()
    town.submit(town.agent.receive_bid(trade, WANG, 50_000 * YUAN))
    clock.advance(days=11)
    town.refused(town.committee.award(trade, trade), NotFound, "is not a bid on trade")


def test_awarding_twice_is_out_of_order(town, clock):
    trade, bid = _awarded(town, clock)
    town.refused(town.committee.award(trade, bid), OutOfOrder, "trade.awarded comes after")


def test_the_contract_waits_for_the_award_disclosure(town, clock):
    trade, _ = _awarded(town, clock)
    error = town.refused(town.committee.sign_contract(trade, sha("c"), "2026-03-15"),
                         DisclosureRequired, "must be disclosed")
    assert error.code == "disclosure-required"


def test_settlement_takes_only_money_from_the_winner(town, clock):
    trade, _ = _awarded(town, clock)
    _award_disclosure(town, trade)
    town.refused(town.agent.settle_trade(trade, [1], 1), OutOfOrder, "comes after the contract")
    town.submit(town.committee.sign_contract(trade, sha("c"), "2026-03-15"))
    stranger = town.receive("general", 40_000 * YUAN, bidder("李四"))
    town.refused(town.agent.settle_trade(trade, [stranger], 40_000 * YUAN), DomainError,
                 "not from the winning bidder 王小明")
    rent = town.receive("general", 40_000 * YUAN, WANG)
    town.refused(town.agent.settle_trade(trade, [rent], 39_000 * YUAN), DomainError,
                 "amount 39,000.00 CNY differs from the 40,000.00 CNY received")
    town.refused(town.agent.settle_trade(trade, [3], 1), DomainError, "not a posted journal")
    town.submit(town.agent.settle_trade(trade, [rent], 40_000 * YUAN))
    assert town.state.trade_receipts[rent] == trade


def test_completion_before_settlement_is_out_of_order(town, clock):
    trade, _ = _awarded(town, clock)
    _award_disclosure(town, trade)
    town.submit(town.committee.sign_contract(trade, sha("c"), "2026-03-15"))
    town.refused(town.committee.complete_trade(trade, "2026-03-31"), OutOfOrder,
                 "comes after the settlement")


def test_a_trade_cannot_be_cancelled_after_its_contract(town, clock):
    trade, _ = _awarded(town, clock)
    _award_disclosure(town, trade)
    town.submit(town.committee.sign_contract(trade, sha("c"), "2026-03-15"))
    town.refused(town.committee.cancel_trade(trade, "改变主意"), OutOfOrder, "is contracted")


def test_a_cancelled_trade_frees_the_asset(town):
    trade = town.noticed_lease()
    town.submit(town.committee.cancel_trade(trade, "无人报名 no bidders"))
    shop = town.state.trades[trade].asset
    assert town.state.assets[shop].open_trade is None
    town.refused(town.agent.receive_bid(trade, WANG, 1), OutOfOrder, "is cancelled")
    town.submit(town.committee.propose_trade(shop, "lease", 1_000 * YUAN, "again", 12))


def test_an_asset_in_a_trade_cannot_enter_another(town):
    trade = town.noticed_lease()
    shop = town.state.trades[trade].asset
    town.refused(town.committee.propose_trade(shop, "lease", 1_000 * YUAN, "twice", 12),
                 OutOfOrder, f"is in trade {trade}")


def test_only_the_agent_records_bids_and_only_the_committee_awards(town, clock):
    trade = town.noticed_lease()
    town.refused(town.committee.receive_bid(trade, WANG, 50_000 * YUAN), PolicyError,
                 "role agent")
    bid = town.submit(town.agent.receive_bid(trade, WANG, 50_000 * YUAN))
    clock.advance(days=11)
    town.refused(town.agent.award(trade, bid), PolicyError, "role committee")
