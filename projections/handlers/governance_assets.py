"""The asset register (三资) and asset trades (三资交易) as read tables.

``view_assets`` is each asset's current state, ``view_trades`` each trade's,
``view_bids`` every bid (full name kept for the audit side, a public name for
residents), and ``view_gov_steps`` their stories. The status changes mirror
``ledger.domain.assets`` and ``ledger.domain.trades`` (the log was checked when
written; these only follow it).
"""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING, Any

from ledger.format.statements import Entry, format_time, parse_time
from projections.handlers import handles
from projections.handlers.governance_common import add_step, party_row, require, seq_of

if TYPE_CHECKING:
    from projections.view import Tx

TRADE_SQL = "SELECT * FROM view_trades WHERE ledger = ? AND seq = ?"


def _asset(tx: Tx, ledger: str, code: str) -> dict[str, Any]:
    return require(tx, "SELECT * FROM view_assets WHERE ledger = ? AND code = ?",
                   (ledger, code), f"asset {code}")


def update_asset(tx: Tx, entry: Entry, code: str, **changes: Any) -> None:
    """Change an asset's columns and add the entry to its history."""
    _asset(tx, entry.ledger, code)
    names = "".join(f"{name} = ?, " for name in changes)
    tx.run(f"UPDATE view_assets SET {names}last_seq = ? "
           "WHERE ledger = ? AND code = ?", (*changes.values(), entry.seq, entry.ledger, code))
    add_step(tx, entry, "asset", code)


def trade_row(tx: Tx, ledger: str, seq: Any) -> dict[str, Any]:
    return require(tx, TRADE_SQL, (ledger, seq_of(seq, "trade")), f"trade {seq}")


def update_trade(tx: Tx, entry: Entry, seq: int, **changes: Any) -> None:
    """Change a trade's columns and add the entry to its steps."""
    trade_row(tx, entry.ledger, seq)
    names = "".join(f"{name} = ?, " for name in changes)
    tx.run(f"UPDATE view_trades SET {names}last_seq = ? WHERE ledger = ? AND seq = ?",
           (*changes.values(), entry.seq, entry.ledger, seq))
    add_step(tx, entry, "trade", seq)


# --- the register -----------------------------------------------------------------


@handles("asset.registered")
def asset_registered(tx: Tx, entry: Entry) -> None:
    body = entry.statement.body
    book_value = body["book_value"]
    if not isinstance(book_value, int) or isinstance(book_value, bool):
        raise TypeError("book_value must be an integer")
    tx.run("INSERT INTO view_assets (ledger, code, kind, name_zh, name_en, location, "
           "book_value, account, fund, status, holder_kind, holder_public, holder_name, "
           "appraisal, appraised_on, open_trade, registered_seq, last_seq) VALUES "
           "(?, ?, ?, ?, ?, ?, ?, ?, ?, 'available', '', '', '', NULL, NULL, NULL, ?, ?)",
           (entry.ledger, str(body["code"]), str(body["kind"]), str(body["name_zh"]),
            str(body.get("name_en", "")), str(body["location"]), book_value,
            body.get("account"), body.get("fund"), entry.seq, entry.seq))
    add_step(tx, entry, "asset", body["code"])


@handles("asset.valued")
def asset_valued(tx: Tx, entry: Entry) -> None:
    body = entry.statement.body
    update_asset(tx, entry, str(body["asset"]), appraisal=int(body["value"]),
                 appraised_on=str(body["date"]))


@handles("asset.assigned")
def asset_assigned(tx: Tx, entry: Entry) -> None:
    body = entry.statement.body
    kind, name, shown = party_row(body["to"])
    update_asset(tx, entry, str(body["asset"]), status="assigned", holder_kind=kind,
                 holder_public=shown, holder_name=name)


@handles("asset.returned")
def asset_returned(tx: Tx, entry: Entry) -> None:
    update_asset(tx, entry, str(entry.statement.body["asset"]), status="available",
                 holder_kind="", holder_public="", holder_name="")


@handles("asset.disposed")
def asset_disposed(tx: Tx, entry: Entry) -> None:
    update_asset(tx, entry, str(entry.statement.body["asset"]), status="disposed")


# --- trades -------------------------------------------------------------------------


@handles("trade.proposed")
def trade_proposed(tx: Tx, entry: Entry) -> None:
    body = entry.statement.body
    code = str(body["asset"])
    tx.run("INSERT INTO view_trades (ledger, seq, asset, method, reserve, conditions, "
           "term_months, status, resolution, notice_seq, notice_days, notice_closes, "
           "award_bid, award_reason, award_disclosure, completion_disclosure, contract_sha256, "
           "received, recorded_at, last_seq) VALUES (?, ?, ?, ?, ?, ?, ?, 'proposed', NULL, "
           "NULL, NULL, '', NULL, '', NULL, NULL, '', 0, ?, ?)",
           (entry.ledger, entry.seq, code, str(body["method"]), int(body["reserve_price"]),
            str(body["conditions"]), body.get("term_months"), entry.recorded_at, entry.seq))
    add_step(tx, entry, "trade", entry.seq)
    update_asset(tx, entry, code, open_trade=entry.seq)


def trade_resolved(tx: Tx, entry: Entry, trade: int) -> None:
    """A passed resolution about a just-proposed trade (called by the resolution handler)."""
    update_trade(tx, entry, trade, status="resolved", resolution=entry.seq)


@handles("trade.notice_published")
def notice_published(tx: Tx, entry: Entry) -> None:
    body = entry.statement.body
    trade, days = seq_of(body["trade"], "trade"), int(body["notice_days"])
    closes = format_time(parse_time(entry.recorded_at) + timedelta(days=days))
    update_trade(tx, entry, trade, status="noticed", notice_seq=entry.seq, notice_days=days,
                 notice_closes=closes)
    # The notice is the trade's first disclosure (the domain keeps it with the others).
    tx.run("INSERT INTO view_disclosures (ledger, seq, type, item, published_on, sheet_sha256, "
           "place, subject_kind, subject_ref, stage, period, fund, project, income, spending, "
           "recorded_at) VALUES (?, ?, ?, 'asset_trades', ?, ?, ?, 'trade', ?, 'notice', NULL, "
           "NULL, NULL, NULL, NULL, ?)",
           (entry.ledger, entry.seq, entry.statement.type, entry.recorded_at[:10],
            str(body["notice_sha256"]), str(body.get("where", "")), trade, entry.recorded_at))


@handles("trade.bid_received")
def bid_received(tx: Tx, entry: Entry) -> None:
    body = entry.statement.body
    trade = seq_of(body["trade"], "trade")
    kind, name, shown = party_row(body["bidder"])
    tx.run("INSERT INTO view_bids (ledger, seq, trade, bidder_kind, bidder_public, bidder_name, "
           "amount, recorded_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
           (entry.ledger, entry.seq, trade, kind, shown, name, int(body["amount"]),
            entry.recorded_at))
    update_trade(tx, entry, trade)


def best_bid(tx: Tx, ledger: str, trade: dict[str, Any]) -> int | None:
    """The highest bid at or above the reserve, the earliest on a tie (as the domain)."""
    row = tx.one("SELECT seq FROM view_bids WHERE ledger = ? AND trade = ? AND amount >= ? "
                 "ORDER BY amount DESC, seq ASC LIMIT 1", (ledger, trade["seq"], trade["reserve"]))
    return row["seq"] if row else None


@handles("trade.awarded")
def trade_awarded(tx: Tx, entry: Entry) -> None:
    body = entry.statement.body
    trade = trade_row(tx, entry.ledger, body["trade"])
    bid = seq_of(body["bid"], "bid")
    exceptional = bid != best_bid(tx, entry.ledger, trade)
    update_trade(tx, entry, trade["seq"], status="award_pending" if exceptional else "awarded",
                 award_bid=bid, award_reason=str(body.get("reason", "")) if exceptional else "")


@handles("trade.award_cosigned")
def award_cosigned(tx: Tx, entry: Entry) -> None:
    update_trade(tx, entry, seq_of(entry.statement.body["trade"], "trade"), status="awarded")


def _winner(tx: Tx, ledger: str, trade: dict[str, Any]) -> dict[str, Any]:
    return require(tx, "SELECT bidder_kind, bidder_public, bidder_name FROM view_bids "
                   "WHERE ledger = ? AND seq = ?", (ledger, trade["award_bid"]),
                   f"bid {trade['award_bid']}")


@handles("trade.contract_signed")
def contract_signed(tx: Tx, entry: Entry) -> None:
    body = entry.statement.body
    trade = trade_row(tx, entry.ledger, body["trade"])
    update_trade(tx, entry, trade["seq"], status="contracted",
                 contract_sha256=str(body["contract_sha256"]))
    if trade["method"] == "lease":
        winner = _winner(tx, entry.ledger, trade)
        update_asset(tx, entry, trade["asset"], status="leased",
                     holder_kind=winner["bidder_kind"], holder_public=winner["bidder_public"],
                     holder_name=winner["bidder_name"])


@handles("trade.settled")
def trade_settled(tx: Tx, entry: Entry) -> None:
    body = entry.statement.body
    update_trade(tx, entry, seq_of(body["trade"], "trade"), status="settled",
                 received=int(body["amount"]))


def _close(tx: Tx, entry: Entry, status: str) -> None:
    trade = trade_row(tx, entry.ledger, entry.statement.body["trade"])
    update_trade(tx, entry, trade["seq"], status=status)
    changes: dict[str, Any] = {"open_trade": None}
    if status == "completed" and trade["method"] != "lease":
        winner = _winner(tx, entry.ledger, trade)
        changes.update(status="disposed", holder_kind=winner["bidder_kind"],
                       holder_public=winner["bidder_public"], holder_name=winner["bidder_name"])
    update_asset(tx, entry, trade["asset"], **changes)


@handles("trade.completed")
def trade_completed(tx: Tx, entry: Entry) -> None:
    _close(tx, entry, "completed")


@handles("trade.cancelled")
def trade_cancelled(tx: Tx, entry: Entry) -> None:
    _close(tx, entry, "cancelled")
