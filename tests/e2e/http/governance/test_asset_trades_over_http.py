"""A shop lease run end to end over HTTP (every step a statement signed by the
test's keys and POSTed), each skipped step refused with problem+json and the
log unchanged; then what residents see of the trade, its notice, its bids
and its disclosures, and the asset's history and tie to the books."""

from __future__ import annotations

from ledger.client import posting
from ledger.domain.sheets import trade_sheet
from tests.builders.http import assert_problem
from tests.builders.community import CATALOGUE, YUAN, bidder, sha

WANG = bidder("王小明", "110101198001010011")
SUPERMARKET = {"kind": "organisation", "name": "惠民超市连锁有限公司"}
BOOK = 300_000 * YUAN


def shop_on_the_books(steps, town) -> str:
    lines = [posting("1601", "general", "debit", BOOK), posting("3001", "general", "credit", BOOK)]
    steps.ok(town.agent.post("2026-01-02", "asset", {"kind": "organisation", "name": "新竹社区"},
                             lines, memo="门面入账 shop on the books"))
    steps.ok(town.agent.register_asset("shop-1", "shop", "临街门面1号", "新竹路1号", BOOK,
                                       account="1601", fund="general"))
    return "shop-1"


def test_a_shop_lease_runs_end_to_end_over_http_and_no_step_can_be_skipped(steps, town, clock):
    committee, agent, supervisor = town.committee, town.agent, town.supervisor
    steps.ok(committee.set_policy(5_000 * YUAN, 50_000 * YUAN, 10))
    steps.ok(committee.set_catalogue(CATALOGUE))
    shop = shop_on_the_books(steps, town)
    trade = steps.ok(committee.propose_trade(shop, "lease", 108_000 * YUAN, "不得经营餐饮", 36))
    notice_of = lambda: trade_sheet(town.state, trade, "notice")  # noqa: E731
    steps.refused(committee.publish_notice(trade, 10, sha("early notice")), 409, "out-of-order",
                  "after a passed resolution")
    resolution = steps.ok(committee.record_resolution(
        "trade", trade, "临街门面1号公开招租", "2026-02-10", 25, 22, 20, 1, 1, sha("minutes")))
    steps.ok(committee.cosign_resolution(resolution))
    steps.refused(committee.publish_notice(trade, 10, notice_of().sha256), 422,
                  "approval-required", "supervisor")
    steps.ok(supervisor.cosign_resolution(resolution))
    notice_sheet = notice_of()
    notice = steps.ok(committee.publish_notice(trade, 10, notice_sheet.sha256, where="社区公告栏"))

    clock.advance(days=2)
    low = steps.ok(agent.receive_bid(trade, bidder("李四"), 100_000 * YUAN))
    best = steps.ok(agent.receive_bid(trade, WANG, 126_000 * YUAN))
    steps.ok(agent.receive_bid(trade, SUPERMARKET, 115_000 * YUAN))
    steps.refused(committee.award(trade, best), 422, "notice-period-open")
    clock.advance(days=8, seconds=1)
    steps.refused(agent.receive_bid(trade, bidder("迟到者"), 200_000 * YUAN), 422,
                  "notice-closed")
    steps.refused(committee.award(trade, low), 422, "award-needs-reason", "below the reserve")
    steps.ok(committee.award(trade, best))
    steps.refused(committee.sign_contract(trade, sha("contract"), "2026-03-15"), 422,
                  "disclosure-required")
    award_sheet = trade_sheet(town.state, trade, "award")
    award = steps.ok(committee.publish_disclosure(
        "asset_trades", "2026-03-12", award_sheet.sha256,
        subject={"kind": "trade", "ref": trade, "stage": "award"}))
    steps.ok(committee.sign_contract(trade, sha("contract"), "2026-03-15", "2026-04-01",
                                     "2029-03-31"))
    steps.refused(committee.complete_trade(trade, "2026-03-31"), 409, "out-of-order")
    rent = steps.ok(agent.post("2026-03-20", "rent", WANG,
                               [posting("1002", "general", "debit", 36_000 * YUAN),
                                posting("4002", "general", "credit", 36_000 * YUAN)],
                               memo="租金 rent"))
    steps.ok(agent.settle_trade(trade, [rent], 36_000 * YUAN))
    steps.ok(committee.complete_trade(trade, "2026-03-31"))
    completion_sheet = trade_sheet(town.state, trade, "completion")
    completion = steps.ok(committee.publish_disclosure(
        "asset_trades", "2026-04-01", completion_sheet.sha256,
        subject={"kind": "trade", "ref": trade, "stage": "completion"}))

    shown = steps.get(f"/trades/{trade}")
    assert shown["status"] == "completed" and shown["received"] == 36_000 * YUAN
    assert shown["resolution"]["seq"] == resolution
    assert shown["resolution"]["cosigned_roles"] == ["committee", "supervisor"]
    assert [(n["seq"], n["sheet_sha256"]) for n in shown["notices"]] == [
        (notice, notice_sheet.sha256)]
    assert [(d["seq"], d["stage"], d["sheet_sha256"]) for d in shown["disclosures"]] == [
        (notice, "notice", notice_sheet.sha256), (award, "award", award_sheet.sha256),
        (completion, "completion", completion_sheet.sha256)]
    assert [(b["bidder"]["name"], b["valid"], b["awarded"]) for b in shown["bids"]] == [
        ("李*", False, False), ("王*", True, True), ("惠民超市连锁有限公司", True, False)]
    assert [s["type"] for s in shown["steps"]] == [
        "trade.proposed", "resolution.recorded", "trade.notice_published",
        "trade.bid_received", "trade.bid_received", "trade.bid_received", "trade.awarded",
        "disclosure.published", "trade.contract_signed", "trade.settled", "trade.completed",
        "disclosure.published"]
    assert shown["notice_closes"] == town.state.trades[trade].notice_closes
    assert shown["asset"]["status"] == "leased" and shown["asset"]["holder"]["name"] == "王*"

    listed = steps.get("/trades")["items"]
    assert [(t["seq"], t["status"], t["bids"]) for t in listed] == [(trade, "completed", 3)]
    disclosures = steps.get("/disclosures")
    assert [d["seq"] for d in disclosures["items"]] == [notice, award, completion]
    assert {i["code"] for i in disclosures["catalogue"]["items"]} >= {"asset_trades"}

    register = steps.get("/assets")
    assert register["ties"] and register["book_values"] == [
        {"account": "1601", "fund": "general", "register": BOOK, "books": BOOK,
         "difference": 0, "ties": True}]
    history = steps.get(f"/assets/{shop}")
    assert history["status"] == "leased" and history["open_trade"] is None
    assert [s["type"] for s in history["history"]] == [
        "asset.registered", "trade.proposed", "trade.contract_signed", "trade.completed"]
    assert [t["seq"] for t in history["trades"]] == [trade]


def test_the_public_trade_view_never_shows_a_persons_name_or_id(steps, town, clock):
    trade = town.noticed_lease()
    town.submit(town.agent.receive_bid(trade, WANG, 40_000 * YUAN))
    steps.get(f"/trades/{trade}")
    for path in (f"/trades/{trade}", "/trades", "/assets", "/assets/shop-1"):
        text = steps.http.get(f"{steps.base}{path}").text
        assert "王小明" not in text and "110101198001010011" not in text


def test_an_unknown_trade_or_asset_is_a_404_problem(steps, town):
    steps.get("/assets")
    assert_problem(steps.http.get(f"{steps.base}/trades/999999"), 404, "not-found")
    assert_problem(steps.http.get(f"{steps.base}/assets/no-such"), 404, "not-found")
    assert_problem(steps.http.get("/v1/ledgers/no-such-town/assets"), 404, "ledger-not-found")
