"""The asset register (三资): registered, valued, assigned, returned, disposed;
its book values tie to the ledger's asset accounts."""

from __future__ import annotations

from ledger.client import posting
from ledger.domain.assets import book_value_differences
from ledger.errors import DomainError, FormatError, NotFound, OutOfOrder, PolicyError
from tests.builders.community import YUAN, bidder, sha

ROOM = ("room-2", "room", "活动室", "新竹路3号二楼")


def test_a_registered_asset_keeps_its_history_and_ties_to_the_books(town):
    shop = town.register_shop("shop-1", 300_000 * YUAN)
    valued = town.submit(town.agent.value_asset(shop, "2026-02-01", 320_000 * YUAN,
                                                {"kind": "organisation", "name": "信达评估"},
                                                sha("report")))
    asset = town.state.assets[shop]
    assert (asset.status, asset.book_value, asset.appraisal) == ("available", 30_000_000,
                                                                 32_000_000)
    assert asset.history == (asset.registered_seq, valued)
    assert book_value_differences(town.state) == []


def test_an_asset_missing_from_the_books_shows_as_a_difference(town):
    town.submit(town.agent.register_asset("van-1", "vehicle", "社区巡逻车", "车库", 80_000 * YUAN,
                                          account="1601", fund="general"))
    assert book_value_differences(town.state) == [
        {"account": "1601", "fund": "general", "register": 8_000_000, "books": 0}]


def test_a_resource_without_book_value_needs_no_account(town):
    town.submit(town.agent.register_asset("land-1", "land", "公共停车场", "小区东侧", 0))
    assert town.state.assets["land-1"].account is None


def test_registering_an_asset_twice_is_refused(town):
    town.submit(town.agent.register_asset(*ROOM, 0))
    town.refused(town.agent.register_asset(*ROOM, 0), DomainError, "already registered")


def test_book_value_must_sit_on_a_non_money_asset_account(town):
    town.refused(town.agent.register_asset(*ROOM, 10_000 * YUAN, account="1002", fund="general"),
                 DomainError, "must be a non-money asset account")
    town.refused(town.agent.register_asset(*ROOM, 10_000 * YUAN), FormatError,
                 "account must be a code")


def test_unknown_kind_and_bad_document_hash_are_refused(town):
    town.refused(town.agent.register_asset("x-1", "castle", "城堡", "nowhere", 0), FormatError,
                 "kind must be one of")
    town.refused(town.agent.register_asset(*ROOM, 0, documents=[{"kind": "deed",
                                                                 "sha256": "ABC"}]),
                 FormatError, "documents\\[0\\].sha256 must be a SHA-256")


def test_only_the_agent_registers_assets(town):
    town.refused(town.committee.register_asset(*ROOM, 0), PolicyError, "role agent")


def test_valuing_an_unknown_asset_is_refused(town):
    town.refused(town.agent.value_asset("ghost", "2026-02-01", 1, bidder("评估师"), sha("r")),
                 NotFound, "asset ghost is not registered")


def test_an_assigned_asset_returns_and_a_disposed_one_is_gone(town):
    town.submit(town.agent.register_asset(*ROOM, 0))
    town.submit(town.committee.assign_asset("room-2", {"kind": "organisation",
                                                       "name": "老年协会"}, "老年活动",
                                            "2026-02-01", "2026-12-31"))
    assert town.state.assets["room-2"].status == "assigned"
    town.refused(town.committee.dispose_asset("room-2", "2026-03-01", "scrapped", "坏了"),
                 OutOfOrder, "room-2 is assigned")
    town.refused(town.committee.propose_trade("room-2", "lease", 1_000 * YUAN, "none", 12),
                 OutOfOrder, "room-2 is assigned")
    town.submit(town.agent.return_asset("room-2", "2026-10-31", "完好 fine"))
    town.refused(town.agent.return_asset("room-2", "2026-11-01"), OutOfOrder,
                 "only a leased or assigned asset can be returned")
    town.submit(town.committee.dispose_asset("room-2", "2026-11-02", "demolished", "旧改拆除"))
    town.refused(town.agent.value_asset("room-2", "2026-11-03", 1, bidder("评估师"), sha("r")),
                 OutOfOrder, "was disposed of")
    assert len(town.state.assets["room-2"].history) == 4


def test_assignment_ending_before_it_starts_is_refused(town):
    town.submit(town.agent.register_asset(*ROOM, 0))
    town.refused(town.committee.assign_asset("room-2", bidder("张三"), "use", "2026-05-01",
                                             "2026-04-01"),
                 DomainError, "until must not be before date")


def test_a_sale_needs_a_valuation_and_a_reserve_at_or_above_it(town):
    shop = town.register_shop()
    town.refused(town.committee.propose_trade(shop, "sale", 500_000 * YUAN, "现状出售"),
                 OutOfOrder, "must be valued")
    town.submit(town.agent.value_asset(shop, "2026-02-01", 320_000 * YUAN, bidder("评估师"),
                                       sha("report")))
    town.refused(town.committee.propose_trade(shop, "sale", 310_000 * YUAN, "现状出售"),
                 DomainError, "below the appraised value")
    town.refused(town.committee.propose_trade(shop, "sale", 330_000 * YUAN, "现状出售", 12),
                 FormatError, "term_months is only for a lease")
    town.submit(town.committee.propose_trade(shop, "sale", 330_000 * YUAN, "现状出售"))


def test_a_completed_sale_disposes_of_the_asset(town, clock):
    shop = town.register_shop()
    town.submit(town.agent.value_asset(shop, "2026-02-01", 300_000 * YUAN, bidder("评估师"),
                                       sha("report")))
    trade = town.submit(town.committee.propose_trade(shop, "sale", 300_000 * YUAN, "出售"))
    town.resolve("trade", trade)
    town.catalogue()
    town.submit(town.committee.publish_notice(trade, 10, sha("notice")))
    buyer = {"kind": "organisation", "name": "兴业公司", "id": "91450100MA5"}
    bid = town.submit(town.agent.receive_bid(trade, buyer, 310_000 * YUAN))
    clock.advance(days=11)
    town.submit(town.committee.award(trade, bid))
    town.submit(town.committee.publish_disclosure(
        "asset_trades", "2026-03-01", sha("award"),
        subject={"kind": "trade", "ref": trade, "stage": "award"}))
    town.submit(town.committee.sign_contract(trade, sha("contract"), "2026-03-05"))
    assert town.state.assets[shop].status == "available"  # a sale disposes at completion
    part = town.receive("general", 100_000 * YUAN, buyer)
    town.refused(town.agent.settle_trade(trade, [part], 100_000 * YUAN), DomainError,
                 "settles only when the full price")
    rest = town.receive("general", 210_000 * YUAN, buyer)
    town.submit(town.agent.settle_trade(trade, [part, rest], 310_000 * YUAN))
    town.submit(town.committee.complete_trade(trade, "2026-03-31"))
    asset = town.state.assets[shop]
    assert (asset.status, asset.holder, asset.open_trade) == ("disposed", "兴业公司", None)
    lines = [posting("3001", "general", "debit", 300_000 * YUAN),
             posting("1601", "general", "credit", 300_000 * YUAN)]
    assert book_value_differences(town.state) != []  # sold but still on the books
    town.submit(town.agent.post("2026-03-31", "asset", buyer, lines, memo="出售转销 write-off"))
    assert book_value_differences(town.state) == []
