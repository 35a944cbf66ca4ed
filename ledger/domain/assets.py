"""The asset register (三资: 资产 and 资源): registered, valued, assigned, returned,
disposed. Leases and sales go through trades (trades.py), never straight here.

An asset's current state is ``state.assets[code]``; its history is the seqs in
``Asset.history``. An asset with a book value names the asset account and fund
that carry it, so ``book_value_differences`` can tie the register to the books.
"""

from __future__ import annotations

from typing import Any

from ledger.domain import policy
from ledger.domain import dates, fields
from ledger.domain.records import Asset
from ledger.domain.effects import AssetRegistered, AssetStepped, Effects
from ledger.domain.types import Context, statement_type
from ledger.errors import (DomainError, FormatError, NotFound, OutOfOrder, UnknownAccount,
                           UnknownFund)
from ledger.domain.state import LedgerState
from ledger.format.statements import Entry

ASSET_KINDS = frozenset({"shop", "room", "building", "land", "equipment", "vehicle", "other"})
ASSET_DOCUMENT_KINDS = frozenset({"deed", "certificate", "photo", "contract", "appraisal",
                                  "invoice", "other"})
PARTY_KINDS = frozenset({"organisation", "person"})
DISPOSAL_KINDS = frozenset({"scrapped", "lost", "demolished", "transferred_by_order", "other"})


def documents(body: dict[str, Any]) -> None:
    fields.documents(body, ASSET_DOCUMENT_KINDS)


def party(body: dict[str, Any], name: str) -> dict[str, Any]:
    """A person or organisation outside the ledger's keys: {kind, name, id?}."""
    value = body.get(name)
    if not isinstance(value, dict):
        raise FormatError(f"{name} must be an object {{kind, name, id?}}", field=name)
    fields.only_fields(value, {"kind", "name"}, {"id"})
    fields.choice(value, "kind", PARTY_KINDS)
    fields.text(value, "name", bytes_max=policy.name_bytes_max)
    fields.text(value, "id", bytes_max=policy.label_bytes_max, required=False)
    return value


def asset_of(ctx: Context, *, usable: bool = False) -> Asset:
    code = fields.code(ctx.body, "asset")
    asset = ctx.state.assets.get(code)
    if asset is None:
        raise NotFound(f"asset {code} is not registered", asset=code)
    if asset.status == "disposed":
        raise OutOfOrder(f"asset {code} was disposed of", asset=code)
    if usable and (asset.status != "available" or asset.open_trade is not None):
        busy = f"in trade {asset.open_trade}" if asset.open_trade is not None else asset.status
        raise OutOfOrder(f"asset {code} is {busy}", asset=code, status=asset.status)
    return asset


def _book_account(ctx: Context) -> None:
    body = ctx.body
    if body["book_value"] == 0 and "account" not in body and "fund" not in body:
        return
    account, fund = fields.code(body, "account"), fields.code(body, "fund")
    record = ctx.state.accounts.get(account)
    if record is None:
        raise UnknownAccount(f"account {account} does not exist", account=account)
    if record.account_class != "asset" or record.kind:
        raise DomainError(f"account {account} must be a non-money asset account to carry an "
                          "asset's book value", account=account)
    if fund not in ctx.state.funds:
        raise UnknownFund(f"fund {fund} does not exist", fund=fund)


@statement_type("asset.registered")
def decide_registered(ctx: Context) -> None:
    body = ctx.body
    fields.only_fields(body, {"code", "kind", "name_zh", "location", "book_value"},
                       {"name_en", "account", "fund", "acquired_on", "documents", "memo"})
    code = fields.code(body, "code")
    fields.choice(body, "kind", ASSET_KINDS)
    fields.text(body, "name_zh", bytes_max=policy.name_bytes_max)
    fields.text(body, "name_en", bytes_max=policy.name_bytes_max, required=False)
    fields.text(body, "location", bytes_max=policy.label_bytes_max)
    fields.text(body, "memo", bytes_max=policy.memo_bytes_max, required=False)
    fields.integer(body["book_value"], "book_value", minimum=0, maximum=policy.amount_max_fen)
    if "acquired_on" in body:
        dates.business_date(ctx, "acquired_on")
    documents(body)
    _book_account(ctx)
    if code in ctx.state.assets:
        raise DomainError(f"asset {code} is already registered", asset=code)


@decide_registered.applier
def apply_registered(state: LedgerState, entry: Entry) -> Effects:
    body = entry.statement.body
    asset = state.assets[body["code"]] = Asset(
        body["code"], body["kind"], body["name_zh"], body["location"], body["book_value"],
        body.get("account"), body.get("fund"), entry.seq, history=(entry.seq,))
    return (AssetRegistered(entry.seq, asset),)


def step_asset(state: LedgerState, code: str, seq: int, **changes: Any) -> AssetStepped:
    """Write the asset's next state and say so."""
    asset = state.assets[code] = state.assets[code].then(seq, **changes)
    return AssetStepped(seq, asset)


@statement_type("asset.valued")
def decide_valued(ctx: Context) -> None:
    fields.only_fields(ctx.body, {"asset", "date", "value", "appraiser", "report_sha256"},
                       {"memo"})
    dates.business_date(ctx, "date")
    fields.amount(ctx.body["value"], "value", maximum=policy.amount_max_fen)
    party(ctx.body, "appraiser")
    fields.sha256_hex(ctx.body["report_sha256"], "report_sha256")
    fields.text(ctx.body, "memo", bytes_max=policy.memo_bytes_max, required=False)
    asset_of(ctx)


@decide_valued.applier
def apply_valued(state: LedgerState, entry: Entry) -> Effects:
    body = entry.statement.body
    return (step_asset(state, body["asset"], entry.seq, appraisal=body["value"],
                       appraised_on=body["date"]),)


@statement_type("asset.assigned")
def decide_assigned(ctx: Context) -> None:
    """Free use by a community service or resident group; rent goes through a trade."""
    fields.only_fields(ctx.body, {"asset", "to", "purpose", "date"}, {"until", "documents"})
    party(ctx.body, "to")
    fields.text(ctx.body, "purpose", bytes_max=policy.memo_bytes_max)
    start = dates.business_date(ctx, "date")
    if "until" in ctx.body and dates.planned_date(ctx, "until") < start:
        raise DomainError("until must not be before date")
    documents(ctx.body)
    asset_of(ctx, usable=True)


@decide_assigned.applier
def apply_assigned(state: LedgerState, entry: Entry) -> Effects:
    body = entry.statement.body
    return (step_asset(state, body["asset"], entry.seq, status="assigned",
                       holder=body["to"]["name"], holder_kind=body["to"]["kind"]),)


@statement_type("asset.returned")
def decide_returned(ctx: Context) -> None:
    fields.only_fields(ctx.body, {"asset", "date"}, {"condition", "documents"})
    dates.business_date(ctx, "date")
    fields.text(ctx.body, "condition", bytes_max=policy.memo_bytes_max, required=False)
    documents(ctx.body)
    asset = asset_of(ctx)
    if asset.status not in ("leased", "assigned"):
        raise OutOfOrder(f"asset {asset.code} is {asset.status}; only a leased or assigned "
                         "asset can be returned", asset=asset.code)
    if asset.open_trade is not None:
        raise OutOfOrder(f"asset {asset.code} is still in trade {asset.open_trade}; complete "
                         "the trade first", asset=asset.code)


@decide_returned.applier
def apply_returned(state: LedgerState, entry: Entry) -> Effects:
    return (step_asset(state, entry.statement.body["asset"], entry.seq, status="available",
                       holder="", holder_kind=""),)


@statement_type("asset.disposed")
def decide_disposed(ctx: Context) -> None:
    """Scrapping or loss; a sale or transfer is a trade and disposes at completion."""
    fields.only_fields(ctx.body, {"asset", "date", "reason_kind", "reason"}, {"documents"})
    dates.business_date(ctx, "date")
    fields.choice(ctx.body, "reason_kind", DISPOSAL_KINDS)
    fields.text(ctx.body, "reason", bytes_max=policy.memo_bytes_max)
    documents(ctx.body)
    asset_of(ctx, usable=True)


@decide_disposed.applier
def apply_disposed(state: LedgerState, entry: Entry) -> Effects:
    return (step_asset(state, entry.statement.body["asset"], entry.seq, status="disposed"),)


def book_value_differences(state: LedgerState) -> list[dict[str, Any]]:
    """Where the register and the books disagree: per (account, fund), the book
    values of assets still held against the account's balance in that fund."""
    held: dict[tuple[str, str], int] = {}
    for asset in state.assets.values():
        if asset.account is None:
            continue
        key = (asset.account, asset.fund)
        held[key] = held.get(key, 0) + (asset.book_value if asset.status != "disposed" else 0)
    return [{"account": account, "fund": fund, "register": total,
             "books": state.balance(account, fund)}
            for (account, fund), total in sorted(held.items())
            if total != state.balance(account, fund)]
