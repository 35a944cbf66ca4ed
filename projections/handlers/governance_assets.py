"""The asset register (三资) and asset trades (三资交易) as read tables.

``view_assets`` is each asset's current state, ``view_trades`` each trade's,
``view_bids`` every bid (full name kept for the audit side, a public name for
residents), and ``view_gov_steps`` their stories. Every status, holder and
deadline is copied from the domain's record in the effect
(``AssetStepped.asset``, ``TradeStepped.trade``); nothing here decides one.
"""

from __future__ import annotations

from ledger.domain.effects import (AssetRegistered, AssetStepped, BidReceived, TradeProposed,
                                   TradeStepped)
from projections.handlers import At, writes
from projections.handlers.governance_common import add_step, holder_columns


@writes(AssetRegistered)
def asset_registered(at: At, registered: AssetRegistered) -> None:
    asset = registered.asset
    at.tx.run("INSERT INTO view_assets (ledger, code, kind, name_zh, name_en, location, "
              "book_value, account, fund, status, holder_kind, holder_public, holder_name, "
              "appraisal, appraised_on, open_trade, registered_seq, last_seq) VALUES "
              "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
              (at.ledger, asset.code, asset.kind, asset.name_zh,
               str(at.body.get("name_en", "")), asset.location, asset.book_value,
               asset.account, asset.fund, asset.status,
               *holder_columns(asset.holder_kind, asset.holder), asset.appraisal,
               asset.appraised_on, asset.open_trade, asset.registered_seq, registered.seq))
    add_step(at, "asset", asset.code)


@writes(AssetStepped)
def asset_stepped(at: At, stepped: AssetStepped) -> None:
    asset = stepped.asset
    at.tx.run("UPDATE view_assets SET status = ?, holder_kind = ?, holder_public = ?, "
              "holder_name = ?, appraisal = ?, appraised_on = ?, open_trade = ?, last_seq = ? "
              "WHERE ledger = ? AND code = ?",
              (asset.status, *holder_columns(asset.holder_kind, asset.holder), asset.appraisal,
               asset.appraised_on, asset.open_trade, stepped.seq, at.ledger, asset.code))
    add_step(at, "asset", asset.code)


@writes(TradeProposed)
def trade_proposed(at: At, proposed: TradeProposed) -> None:
    trade = proposed.trade
    at.tx.run("INSERT INTO view_trades (ledger, seq, asset, method, reserve, conditions, "
              "term_months, status, resolution, notice_seq, notice_days, notice_closes, "
              "award_bid, award_reason, award_disclosure, completion_disclosure, "
              "contract_sha256, received, recorded_at, last_seq) VALUES (?, ?, ?, ?, ?, ?, ?, ?, "
              "NULL, NULL, NULL, '', NULL, '', NULL, NULL, '', 0, ?, ?)",
              (at.ledger, trade.seq, trade.asset, trade.method, trade.reserve,
               str(at.body["conditions"]), at.body.get("term_months"), trade.status,
               at.entry.recorded_at, proposed.seq))
    add_step(at, "trade", trade.seq)


@writes(TradeStepped)
def trade_stepped(at: At, stepped: TradeStepped) -> None:
    trade = stepped.trade
    at.tx.run("UPDATE view_trades SET status = ?, resolution = ?, notice_seq = ?, "
              "notice_days = ?, notice_closes = ?, award_bid = ?, award_reason = ?, "
              "award_disclosure = ?, completion_disclosure = ?, contract_sha256 = ?, "
              "received = ?, last_seq = ? WHERE ledger = ? AND seq = ?",
              (trade.status, trade.resolution, trade.notice_seq, trade.notice_days,
               trade.notice_closes, trade.award_bid, trade.award_reason, trade.award_disclosure,
               trade.completion_disclosure, trade.contract_sha256, trade.received, stepped.seq,
               at.ledger, trade.seq))
    add_step(at, "trade", trade.seq)


@writes(BidReceived)
def bid_received(at: At, received: BidReceived) -> None:
    bid = received.bid
    kind, shown, name = holder_columns(bid.bidder_kind, bid.bidder)
    at.tx.run("INSERT INTO view_bids (ledger, seq, trade, bidder_kind, bidder_public, "
              "bidder_name, amount, recorded_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
              (at.ledger, bid.seq, bid.trade, kind, shown, name, bid.amount, bid.recorded_at))
