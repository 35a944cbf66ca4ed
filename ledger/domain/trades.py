"""Asset trades (三资交易): the public procedure for a lease, sale or transfer,
as a state machine the ledger enforces. The trade's id is the seq of its
``trade.proposed``; each step is its own statement:

  proposed -> resolved (resolution.recorded, passed, then co-signed)
  -> noticed (trade.notice_published: the disclosure before the plan)
  -> bids (trade.bid_received, only while the notice is open)
  -> awarded (trade.awarded after the notice closes; anything but the highest
     bid at or above the reserve needs a reason and trade.award_cosigned)
  -> award disclosed (disclosure.published, stage "award")
  -> contracted -> settled (receipts from the winner) -> completed
     (then disclosure.published, stage "completion"); cancelled before contract.

Deadlines use the server's recorded_at (FORMAT.md 4), never the signer's
signed_at: the notice closes ``notice_days`` x 24h after the notice entry's
recorded_at; a bid recorded at or after that moment is refused, and so is an
award recorded before it.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from ledger.domain import policy

from ledger.format import money
from ledger.domain import dates, fields
from ledger.domain.assets import asset_of, documents, party, step_asset
from ledger.domain.effects import BidReceived, Disclosed, Effects, TradeProposed, TradeStepped
from ledger.domain.journal import SIDES
from ledger.domain.records import Bid, Disclosure, Trade, current_policy, same_party
from ledger.domain.types import Context, statement_type
from ledger.errors import (ApprovalRequired, AwardNeedsReason, DisclosureRequired, DomainError,
                           FormatError, NoticeClosed, NoticePeriodOpen, NotFound, OutOfOrder)
from ledger.domain.state import LedgerState
from ledger.format.statements import Entry, format_time, parse_time

METHODS = frozenset({"lease", "sale", "transfer"})
SEQ_MAX = 2**53 - 1
# What each step needs first, for the message when it comes out of order.
STEP_AFTER = {
    "trade.notice_published": ("resolved", "a passed resolution (resolution.recorded)"),
    "trade.bid_received": ("noticed", "the public notice (trade.notice_published)"),
    "trade.awarded": ("noticed", "the public notice and its bids"),
    "trade.award_cosigned": ("award_pending", "an award with a written reason"),
    "trade.contract_signed": ("awarded", "the award (trade.awarded)"),
    "trade.settled": ("contracted", "the contract (trade.contract_signed)"),
    "trade.completed": ("settled", "the settlement (trade.settled)"),
}
CANCELLABLE = frozenset({"proposed", "resolved", "noticed", "award_pending", "awarded"})


def _yuan(ctx: Context, minor: Any) -> str:
    """An amount in the unit people type, for messages (the body keeps minor units)."""
    if isinstance(minor, int) and not isinstance(minor, bool):
        return f"{money.format_amount(minor, ctx.state.currency)} {ctx.state.currency}"
    return repr(minor)


def trade_of(ctx: Context, statuses: frozenset[str] | None = None) -> Trade:
    seq = fields.integer(ctx.body.get("trade"), "trade", minimum=0, maximum=SEQ_MAX)
    trade = ctx.state.trades.get(seq)
    if trade is None:
        raise NotFound(f"trade {seq} does not exist", trade=seq)
    step = ctx.signed.statement.type
    if statuses is None:
        status, needs = STEP_AFTER[step]
        statuses = frozenset({status})
    else:
        needs = f"a trade that is {' or '.join(sorted(statuses))}"
    if trade.status not in statuses:
        raise OutOfOrder(f"trade {seq} is {trade.status}: {step} comes after {needs}",
                         trade=seq, status=trade.status)
    return trade


def best_bid(state: LedgerState, trade: Trade) -> int | None:
    """The highest bid at or above the reserve; the earliest one wins a tie."""
    valid = [state.bids[seq] for seq in trade.bids if state.bids[seq].amount >= trade.reserve]
    return max(valid, key=lambda bid: (bid.amount, -bid.seq)).seq if valid else None


@statement_type("trade.proposed")
def decide_proposed(ctx: Context) -> None:
    body = ctx.body
    fields.only_fields(body, {"asset", "method", "reserve_price", "conditions"},
                       {"term_months", "documents"})
    method = fields.choice(body, "method", METHODS)
    reserve = fields.amount(body["reserve_price"], "reserve_price", maximum=policy.amount_max_fen)
    fields.text(body, "conditions", bytes_max=policy.memo_bytes_max)
    documents(body)
    asset = asset_of(ctx, usable=True)
    if method == "lease":
        fields.integer(body.get("term_months"), "term_months", minimum=1,
                       maximum=policy.lease_months_max)
        return
    if "term_months" in body:
        raise FormatError("term_months is only for a lease", field="term_months")
    if asset.appraisal is None:
        raise OutOfOrder(f"asset {asset.code} must be valued (asset.valued) before a {method}",
                         asset=asset.code)
    if reserve < asset.appraisal:
        raise DomainError(f"the reserve price {money.format_amount(reserve, ctx.state.currency)} "
                          "is below the appraised value "
                          f"{money.format_amount(asset.appraisal, ctx.state.currency)}")


@decide_proposed.applier
def apply_proposed(state: LedgerState, entry: Entry) -> Effects:
    body = entry.statement.body
    trade = state.trades[entry.seq] = Trade(entry.seq, body["asset"], body["method"],
                                            body["reserve_price"], history=(entry.seq,))
    return (TradeProposed(entry.seq, trade),
            step_asset(state, trade.asset, entry.seq, open_trade=entry.seq))


def _step(state: LedgerState, trade: Trade, seq: int, **changes: Any) -> TradeStepped:
    """Write the trade's next state and say so."""
    trade = state.trades[trade.seq] = trade.then(seq, **changes)
    return TradeStepped(seq, trade)


@statement_type("trade.notice_published")
def decide_notice(ctx: Context) -> None:
    fields.only_fields(ctx.body, {"trade", "notice_days", "notice_sha256"}, {"where"})
    fields.sha256_hex(ctx.body["notice_sha256"], "notice_sha256")
    fields.text(ctx.body, "where", bytes_max=policy.label_bytes_max, required=False)
    trade = trade_of(ctx)
    rules = current_policy(ctx.state)
    days = fields.integer(ctx.body["notice_days"], "notice_days", minimum=1,
                          maximum=policy.notice_days_max)
    if days < rules.notice_days_min:
        raise DomainError(f"the notice must run at least {rules.notice_days_min} days "
                          "(this ledger's policy)", minimum=rules.notice_days_min)
    missing = rules.major_roles - ctx.state.resolutions[trade.resolution].cosigned_roles
    if missing:
        raise ApprovalRequired(f"resolution {trade.resolution} still needs co-signatures from "
                               f"{', '.join(sorted(missing))}", missing=sorted(missing))


@decide_notice.applier
def apply_notice(state: LedgerState, entry: Entry) -> Effects:
    body = entry.statement.body
    trade = state.trades[body["trade"]]
    closes = parse_time(entry.recorded_at) + timedelta(days=body["notice_days"])
    stepped = _step(state, trade, entry.seq, status="noticed", notice_seq=entry.seq,
                    notice_days=body["notice_days"], notice_closes=format_time(closes))
    disclosure = state.disclosures[entry.seq] = Disclosure(
        entry.seq, "asset_trades", body["notice_sha256"], entry.recorded_at[:10],
        ("trade", trade.seq, "notice"))
    return (stepped, Disclosed(entry.seq, disclosure))


@statement_type("trade.bid_received")
def decide_bid(ctx: Context) -> None:
    fields.only_fields(ctx.body, {"trade", "bidder", "amount"}, {"bid_sha256"})
    party(ctx.body, "bidder")
    fields.amount(ctx.body["amount"], "amount", maximum=policy.amount_max_fen)
    if "bid_sha256" in ctx.body:
        fields.sha256_hex(ctx.body["bid_sha256"], "bid_sha256")
    trade = trade_of(ctx)
    if ctx.recorded_at >= trade.notice_closes:
        raise NoticeClosed(f"the notice of trade {trade.seq} closed at {trade.notice_closes}; "
                           "no bid is accepted after that", trade=trade.seq)
    if len(trade.bids) >= policy.bids_per_trade_max:
        raise DomainError(f"trade {trade.seq} already has {policy.bids_per_trade_max} bids")


@decide_bid.applier
def apply_bid(state: LedgerState, entry: Entry) -> Effects:
    body = entry.statement.body
    trade = state.trades[body["trade"]]
    bidder = body["bidder"]
    bid = state.bids[entry.seq] = Bid(entry.seq, trade.seq, bidder["name"], bidder.get("id", ""),
                                      body["amount"], entry.recorded_at, bidder["kind"])
    return (BidReceived(entry.seq, bid), _step(state, trade, entry.seq,
                                               bids=trade.bids + (entry.seq,)))


@statement_type("trade.awarded")
def decide_awarded(ctx: Context) -> None:
    fields.only_fields(ctx.body, {"trade", "bid"}, {"reason"})
    fields.text(ctx.body, "reason", bytes_max=policy.memo_bytes_max, required=False)
    trade = trade_of(ctx)
    if ctx.recorded_at < trade.notice_closes:
        raise NoticePeriodOpen(f"the notice of trade {trade.seq} is open until "
                               f"{trade.notice_closes}; award after it closes", trade=trade.seq)
    bid = fields.integer(ctx.body["bid"], "bid", minimum=0, maximum=SEQ_MAX)
    if bid not in trade.bids:
        raise NotFound(f"entry {bid} is not a bid on trade {trade.seq}", trade=trade.seq, bid=bid)
    best = best_bid(ctx.state, trade)
    if bid != best and "reason" not in ctx.body:
        amount = ctx.state.bids[bid].amount
        why = (f"is below the reserve price "
               f"{money.format_amount(trade.reserve, ctx.state.currency)}"
               if amount < trade.reserve else f"is not the highest valid bid (that is {best})")
        raise AwardNeedsReason(f"bid {bid} {why}: awarding it needs a written reason "
                               "(body.reason), then the supervisor's trade.award_cosigned",
                               trade=trade.seq, bid=bid, best=best)


@decide_awarded.applier
def apply_awarded(state: LedgerState, entry: Entry) -> Effects:
    body = entry.statement.body
    trade = state.trades[body["trade"]]
    exceptional = body["bid"] != best_bid(state, trade)
    return (_step(state, trade, entry.seq, status="award_pending" if exceptional else "awarded",
                  award_bid=body["bid"],
                  award_reason=body.get("reason", "") if exceptional else ""),)


@statement_type("trade.award_cosigned")
def decide_award_cosigned(ctx: Context) -> None:
    fields.only_fields(ctx.body, {"trade"}, {"memo"})
    fields.text(ctx.body, "memo", bytes_max=policy.memo_bytes_max, required=False)
    trade_of(ctx)


@decide_award_cosigned.applier
def apply_award_cosigned(state: LedgerState, entry: Entry) -> Effects:
    trade = state.trades[entry.statement.body["trade"]]
    return (_step(state, trade, entry.seq, status="awarded"),)


@statement_type("trade.contract_signed")
def decide_contract(ctx: Context) -> None:
    fields.only_fields(ctx.body, {"trade", "contract_sha256", "signed_on"}, {"starts", "ends"})
    fields.sha256_hex(ctx.body["contract_sha256"], "contract_sha256")
    dates.business_date(ctx, "signed_on")
    for name in ("starts", "ends"):
        if name in ctx.body:
            dates.planned_date(ctx, name)
    trade = trade_of(ctx)
    if trade.award_disclosure is None:
        raise DisclosureRequired(f"the award of trade {trade.seq} must be disclosed "
                                 "(disclosure.published, stage award) before the contract",
                                 trade=trade.seq)


@decide_contract.applier
def apply_contract(state: LedgerState, entry: Entry) -> Effects:
    body = entry.statement.body
    trade = state.trades[body["trade"]]
    stepped = _step(state, trade, entry.seq, status="contracted",
                    contract_sha256=body["contract_sha256"])
    if trade.method != "lease":
        return (stepped,)
    winner = state.bids[trade.award_bid]
    return (stepped, step_asset(state, trade.asset, entry.seq, status="leased",
                                holder=winner.bidder, holder_kind=winner.bidder_kind))


def _receipt(ctx: Context, trade: Trade, seq: int) -> int:
    """Money from the winning bidder in entry ``seq``, in fen; refuses anything else."""
    if seq >= ctx.state.size:
        raise NotFound(f"entry {seq} does not exist (the log has {ctx.state.size})", seq=seq)
    entry = ctx.reader.entry(seq)
    pending = ctx.state.pending.get(seq)
    if entry.statement.type != "entry.posted" or (pending and pending.status != "approved"):
        raise DomainError(f"entry {seq} is not a posted journal entry that moved money", seq=seq)
    if seq in ctx.state.reversed_by or seq in ctx.state.trade_receipts:
        raise DomainError(f"entry {seq} was reversed or already settles a trade", seq=seq)
    body, winner = entry.statement.body, ctx.state.bids[trade.award_bid]
    payer = body["counterparty"]
    if not same_party(payer["name"], payer.get("id", ""), winner.bidder, winner.bidder_id):
        raise DomainError(f"entry {seq} is money from {payer['name']}, not from the winning "
                          f"bidder {winner.bidder}", seq=seq)
    received = sum(SIDES[p["side"]] * p["amount"] for p in body["postings"]
                   if ctx.state.accounts[p["account"]].kind
                   and p.get("currency", ctx.state.currency) == ctx.state.currency)
    if received <= 0:
        raise DomainError(f"entry {seq} brings no money into cash or bank", seq=seq)
    return received


@statement_type("trade.settled")
def decide_settled(ctx: Context) -> None:
    fields.only_fields(ctx.body, {"trade", "entries", "amount"})
    trade = trade_of(ctx)
    seqs = ctx.body["entries"]
    if (not isinstance(seqs, list) or not 1 <= len(seqs) <= policy.settlement_entries_max
            or len(set(map(str, seqs))) != len(seqs)):
        raise FormatError(f"entries must list 1 to {policy.settlement_entries_max} different "
                          "entry seqs", field="entries")
    total = sum(_receipt(ctx, trade, fields.integer(seq, "entries[]", minimum=0,
                                                    maximum=SEQ_MAX)) for seq in seqs)
    if fields.amount(ctx.body["amount"], "amount", maximum=policy.amount_max_fen) != total:
        raise DomainError(f"amount {_yuan(ctx, ctx.body['amount'])} differs from the "
                          f"{_yuan(ctx, total)} received in the listed entries", received=total)
    price = ctx.state.bids[trade.award_bid].amount
    if trade.method != "lease" and total < price:
        raise DomainError(f"a {trade.method} settles only when the full price "
                          f"{_yuan(ctx, price)} is received; the entries bring "
                          f"{_yuan(ctx, total)}", price=price, received=total)


@decide_settled.applier
def apply_settled(state: LedgerState, entry: Entry) -> Effects:
    body = entry.statement.body
    trade = state.trades[body["trade"]]
    for seq in body["entries"]:
        state.trade_receipts[seq] = trade.seq
    return (_step(state, trade, entry.seq, status="settled", received=body["amount"]),)


@statement_type("trade.completed")
def decide_completed(ctx: Context) -> None:
    fields.only_fields(ctx.body, {"trade", "completed_on"}, {"memo"})
    dates.business_date(ctx, "completed_on")
    fields.text(ctx.body, "memo", bytes_max=policy.memo_bytes_max, required=False)
    trade_of(ctx)


@statement_type("trade.cancelled")
def decide_cancelled(ctx: Context) -> None:
    fields.only_fields(ctx.body, {"trade", "reason"})
    fields.text(ctx.body, "reason", bytes_max=policy.memo_bytes_max)
    trade_of(ctx, CANCELLABLE)


def _close(state: LedgerState, entry: Entry, status: str) -> Effects:
    trade = state.trades[entry.statement.body["trade"]]
    stepped = _step(state, trade, entry.seq, status=status)
    changes: dict[str, Any] = {"open_trade": None}
    if status == "completed" and trade.method != "lease":
        winner = state.bids[trade.award_bid]
        changes.update(status="disposed", holder=winner.bidder, holder_kind=winner.bidder_kind)
    return (stepped, step_asset(state, trade.asset, entry.seq, **changes))


decide_completed.applier(lambda state, entry: _close(state, entry, "completed"))
decide_cancelled.applier(lambda state, entry: _close(state, entry, "cancelled"))
