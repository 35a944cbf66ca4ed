"""Contracts (合同台账): signed, amended, accepted (验收) and ended.

A contract's id is the seq of its ``contract.signed``. It names a party, a
subject, a fund, a total value, a term and a schedule of amounts due: rent by
month or quarter, or explicit instalments (one may be the ``final`` one, paid
only after acceptance), plus optionally a retention (质保金) held on a
liability account until its release date. A lease awarded by an asset trade
becomes a contract naming the trade: its party must be the winning bidder and
its rent a year at least the winning bid. Under 三重一大 a contract whose total
reaches the policy's major threshold rests on a passed, co-signed resolution.
Money still moves only through ``entry.posted``, which may name the contract
and the schedule line it settles (contract_payments.py).
"""

from __future__ import annotations

from typing import Any

from ledger.domain import contract_rules as rules
from ledger.domain import dates, fields, policy
from ledger.domain.assets import party
from ledger.domain.contract_records import Contract, ScheduleLine
from ledger.domain.effects import ContractSigned, Effects
from ledger.domain.records import current_policy, same_party
from ledger.domain.types import Context, statement_type
from ledger.errors import (ApprovalRequired, DomainError, FormatError, NotFound, OutOfOrder,
                           UnknownAccount, UnknownFund)
from ledger.domain.state import LedgerState
from ledger.format.statements import Entry

DIRECTIONS = frozenset({"receivable", "payable"})
INSTALMENT_KINDS = frozenset({"instalment", "final"})
LEASE_TRADE_STATUSES = frozenset({"contracted", "settled", "completed"})
SIGNED_FIELDS = {"direction", "party", "subject", "fund", "total", "starts", "ends", "schedule",
                 "contract_sha256"}
SIGNED_OPTIONAL = {"asset", "trade", "project", "resolution", "retention", "memo"}
SEQ_MAX = 2**53 - 1


def contract_of(ctx: Context, name: str = "contract") -> Contract:
    seq = fields.integer(ctx.body.get(name), name, minimum=0, maximum=SEQ_MAX)
    contract = ctx.state.contracts.get(seq)
    if contract is None:
        raise NotFound(f"contract {seq} does not exist", contract=seq)
    return contract


def _instalments(ctx: Context, value: Any) -> tuple[ScheduleLine, ...]:
    if not isinstance(value, list) or not 1 <= len(value) <= policy.contract_lines_max:
        raise FormatError(f"schedule.instalments must list 1 to {policy.contract_lines_max} "
                          "instalments", field="schedule")
    lines = []
    for i, item in enumerate(value):
        if not isinstance(item, dict):
            raise FormatError(f"schedule.instalments[{i}] must be an object", field="schedule")
        fields.only_fields(item, {"due_on", "amount"}, {"kind"})
        due = dates.planned_date(ctx, "due_on", item)
        amount = fields.amount(item["amount"], f"schedule.instalments[{i}].amount",
                               maximum=policy.amount_max_fen)
        kind = fields.choice(item, "kind", INSTALMENT_KINDS, required=False) or "instalment"
        lines.append(ScheduleLine(due, amount, kind))
    if sum(line.kind == "final" for line in lines) > 1:
        raise DomainError("a schedule has at most one final instalment")
    return tuple(lines)


def schedule_of(ctx: Context, starts: str, ends: str) -> tuple[tuple[ScheduleLine, ...],
                                                                int | None]:
    """The schedule's lines, and a year's rent when it is periodic."""
    value = ctx.body.get("schedule")
    if not isinstance(value, dict):
        raise FormatError("schedule must be {every, amount} or {instalments}", field="schedule")
    if "instalments" in value:
        fields.only_fields(value, {"instalments"})
        return _instalments(ctx, value["instalments"]), None
    fields.only_fields(value, {"every", "amount"})
    every = fields.choice(value, "every", frozenset(rules.PERIOD_MONTHS))
    amount = fields.amount(value["amount"], "schedule.amount", maximum=policy.amount_max_fen)
    lines = rules.periodic_lines(every, amount, starts, ends)
    if len(lines) > policy.contract_lines_max:
        raise FormatError(f"the schedule makes {len(lines)} amounts due; at most "
                          f"{policy.contract_lines_max}", field="schedule")
    return lines, rules.annual_rent(every, amount)


def _retention(ctx: Context, direction: str) -> tuple[ScheduleLine | None, str | None]:
    """质保金: an amount kept back on a liability account until ``release_on``."""
    value = ctx.body.get("retention")
    if value is None:
        return None, None
    if direction != "payable" or "instalments" not in ctx.body["schedule"]:
        raise DomainError("a retention is kept back from a payable contract paid by instalments")
    if not isinstance(value, dict):
        raise FormatError("retention must be {amount, release_on, account}", field="retention")
    fields.only_fields(value, {"amount", "release_on", "account"})
    amount = fields.amount(value["amount"], "retention.amount", maximum=policy.amount_max_fen)
    release_on = dates.planned_date(ctx, "release_on", value)
    account = fields.code(value, "account")
    if account not in ctx.state.accounts:
        raise UnknownAccount(f"retention account {account} does not exist", account=account)
    if ctx.state.accounts[account].account_class != "liability":
        raise DomainError(f"retention is held on a liability account; {account} is "
                          f"{ctx.state.accounts[account].account_class}", account=account)
    return ScheduleLine(release_on, amount, "retention"), account


def resolution_names(state: LedgerState, kinds: tuple[tuple[str, int | None], ...]) -> int | None:
    """A passed resolution, co-signed by the policy's major roles, about one of ``kinds``."""
    roles = current_policy(state).major_roles
    for resolution in state.resolutions.values():
        if ((resolution.matter_kind, resolution.matter_ref) in kinds and resolution.passed
                and resolution.cosigned_by(roles)):
            return resolution.seq
    return None


def major_resolution(ctx: Context, total: int, trade: int | None, project: str | None) -> int | None:
    """三重一大: a contract worth the major threshold or more cites its resolution."""
    threshold = current_policy(ctx.state).major_threshold
    if threshold is None or total < threshold:
        if "resolution" in ctx.body:
            raise DomainError("this contract is below the major threshold; sign it without a "
                              "resolution")
        return None
    if "resolution" not in ctx.body and trade is not None:
        return ctx.state.trades[trade].resolution  # a trade's resolution, co-signed before notice
    if "resolution" not in ctx.body:
        raise ApprovalRequired(f"a contract worth {total} reaches the major threshold "
                               f"{threshold} (三重一大): cite the residents' resolution about it "
                               "(body.resolution)", threshold=threshold)
    seq = fields.integer(ctx.body["resolution"], "resolution", minimum=0, maximum=SEQ_MAX)
    about = [("contract", None)]
    if trade is not None:
        about.append(("trade", trade))
    if project is not None:
        about.append(("project", ctx.state.projects[project].seq))
    resolution = ctx.state.resolutions.get(seq)
    if resolution is None:
        raise NotFound(f"entry {seq} is not a recorded resolution", resolution=seq)
    if (resolution.matter_kind, resolution.matter_ref) not in about:
        raise DomainError(f"resolution {seq} is not about a new contract, its trade or its "
                          "project", resolution=seq)
    if not resolution.passed or not resolution.cosigned_by(current_policy(ctx.state).major_roles):
        raise ApprovalRequired(f"resolution {seq} must have passed and be co-signed by "
                               f"{', '.join(sorted(current_policy(ctx.state).major_roles))}",
                               resolution=seq)
    if resolution.matter_kind == "contract" and any(
            c.resolution == seq for c in ctx.state.contracts.values()):
        raise DomainError(f"resolution {seq} already rests another contract", resolution=seq)
    return seq


def _lease_from_trade(ctx: Context, direction: str, annual: int | None) -> tuple[int, str, int]:
    """A lease awarded by a trade: (trade, asset, winning bid); party and rent checked."""
    seq = fields.integer(ctx.body["trade"], "trade", minimum=0, maximum=SEQ_MAX)
    trade = ctx.state.trades.get(seq)
    if trade is None:
        raise NotFound(f"trade {seq} does not exist", trade=seq)
    if trade.method != "lease" or trade.status not in LEASE_TRADE_STATUSES:
        raise OutOfOrder(f"trade {seq} is a {trade.status} {trade.method}; a contract follows a "
                         "lease trade once its contract is signed", trade=seq)
    if any(c.trade == seq for c in ctx.state.contracts.values()):
        raise DomainError(f"trade {seq} already has its contract", trade=seq)
    if direction != "receivable" or annual is None:
        raise DomainError("a lease from a trade is receivable, with rent by month or quarter")
    if "asset" in ctx.body and ctx.body["asset"] != trade.asset:
        raise DomainError(f"trade {seq} leases asset {trade.asset}, not {ctx.body['asset']}")
    winner = ctx.state.bids[trade.award_bid]
    tenant = ctx.body["party"]
    if not same_party(tenant["name"], tenant.get("id", ""), winner.bidder, winner.bidder_id):
        raise DomainError(f"the party is {tenant['name']}, not the winning bidder "
                          f"{winner.bidder} of trade {seq}", trade=seq)
    if annual < winner.amount:
        raise DomainError(f"the rent comes to {annual} a year, below the winning bid "
                          f"{winner.amount} of trade {seq}", trade=seq, winning_price=winner.amount)
    return seq, trade.asset, winner.amount


def _project(ctx: Context, fund: str, total: int) -> str | None:
    if "project" not in ctx.body:
        return None
    code = fields.code(ctx.body, "project")
    project = ctx.state.projects.get(code)
    if project is None:
        raise NotFound(f"project {code} is not registered", project=code)
    if project.fund != fund:
        raise DomainError(f"project {code} belongs to fund {project.fund}, not {fund}")
    within_budget(ctx.state, code, total)
    return code


def within_budget(state: LedgerState, code: str, total: int, instead_of: int | None = None
                  ) -> None:
    """The contracts under a project (``total`` for a new one, or instead of contract
    ``instead_of``'s) stay within the project's budget."""
    budget = state.projects[code].budget
    contracted = sum(c.total for c in state.contracts.values()
                     if c.project == code and c.seq != instead_of)
    if budget is not None and contracted + total > budget:
        raise DomainError(f"contracts under project {code} would come to {contracted + total}, "
                          f"over its budget {budget}", project=code, budget=budget,
                          contracted=contracted)


@statement_type("contract.signed")
def decide_signed(ctx: Context) -> None:
    body = ctx.body
    fields.only_fields(body, SIGNED_FIELDS, SIGNED_OPTIONAL)
    direction = fields.choice(body, "direction", DIRECTIONS)
    party(body, "party")
    fields.text(body, "subject", bytes_max=policy.name_bytes_max)
    fields.text(body, "memo", bytes_max=policy.memo_bytes_max, required=False)
    fields.sha256_hex(body["contract_sha256"], "contract_sha256")
    fund = fields.code(body, "fund")
    if fund not in ctx.state.funds:
        raise UnknownFund(f"fund {fund} does not exist", fund=fund)
    starts, ends = dates.planned_date(ctx, "starts"), dates.planned_date(ctx, "ends")
    if ends < starts:
        raise DomainError(f"the contract ends ({ends}) before it starts ({starts})")
    lines, annual = schedule_of(ctx, starts, ends)
    retention, _ = _retention(ctx, direction)
    total = fields.amount(body["total"], "total", maximum=policy.amount_max_fen)
    scheduled = sum(line.amount for line in lines) + (retention.amount if retention else 0)
    if scheduled != total:
        raise DomainError(f"the schedule comes to {scheduled}, the total says {total}",
                          scheduled=scheduled)
    if "asset" in body and fields.code(body, "asset") not in ctx.state.assets:
        raise NotFound(f"asset {body['asset']} is not registered", asset=body["asset"])
    trade = _lease_from_trade(ctx, direction, annual)[0] if "trade" in body else None
    major_resolution(ctx, total, trade, _project(ctx, fund, total))


@decide_signed.applier
def apply_signed(state: LedgerState, entry: Entry) -> Effects:
    body = entry.statement.body
    tenant = body["party"]
    schedule = body["schedule"]
    if "instalments" in schedule:
        lines = tuple(ScheduleLine(item["due_on"], item["amount"], item.get("kind", "instalment"))
                      for item in schedule["instalments"])
        annual = None
    else:
        lines = rules.periodic_lines(schedule["every"], schedule["amount"], body["starts"],
                                     body["ends"])
        annual = rules.annual_rent(schedule["every"], schedule["amount"])
    retention = body.get("retention")
    if retention:
        lines += (ScheduleLine(retention["release_on"], retention["amount"], "retention"),)
    trade = body.get("trade")
    winning = state.bids[state.trades[trade].award_bid].amount if trade is not None else None
    asset = state.trades[trade].asset if trade is not None else body.get("asset")
    contract = state.contracts[entry.seq] = Contract(
        entry.seq, body["direction"], tenant["kind"], tenant["name"], tenant.get("id", ""),
        body["subject"], body["fund"], body["total"], body["starts"], body["ends"], lines,
        body["contract_sha256"], asset, trade, body.get("project"),
        body.get("resolution", state.trades[trade].resolution if trade is not None else None),
        winning, annual, retention["account"] if retention else None, history=(entry.seq,))
    return (ContractSigned(entry.seq, contract),)
