"""A contract's later steps: amended (a supplementary agreement), accepted (验收)
and ended. Lowering a lease's rent below the trade's winning bid is allowed
(the parties may agree it), and is a red flag for auditors (flag_rules.py)."""

from __future__ import annotations

from typing import Any

from ledger.domain import contract_rules as rules
from ledger.domain import dates, fields, policy
from ledger.domain.contract_records import Contract, ScheduleLine
from ledger.domain.contracts import contract_of, major_resolution, schedule_of, within_budget
from ledger.domain.effects import ContractStepped, Effects
from ledger.domain.types import Context, statement_type
from ledger.errors import DomainError, FormatError, OutOfOrder
from ledger.domain.state import LedgerState
from ledger.format.statements import Entry


@statement_type("contract.amended")
def decide_amended(ctx: Context) -> None:
    """A supplementary agreement: a new end date and/or a new schedule (the lines
    settled so far must still fit), with its document and reason."""
    body = ctx.body
    fields.only_fields(body, {"contract", "amendment_sha256", "reason"},
                       {"ends", "schedule", "total", "resolution"})
    fields.sha256_hex(body["amendment_sha256"], "amendment_sha256")
    fields.text(body, "reason", bytes_max=policy.memo_bytes_max)
    contract = _active(ctx)
    ends = dates.planned_date(ctx, "ends") if "ends" in body else contract.ends
    if ends < contract.starts:
        raise DomainError(f"the contract would end ({ends}) before it starts ({contract.starts})")
    if ("schedule" in body) != ("total" in body):
        raise FormatError("a new schedule comes with its new total, and a total with its "
                          "schedule", field="schedule")
    if "schedule" not in body:
        if "ends" not in body:
            raise FormatError("an amendment changes ends, or the schedule and total")
        return
    lines, _ = schedule_of(ctx, contract.starts, ends)
    lines += tuple(line for line in contract.lines if line.kind == "retention")
    _keeps_settled(contract, lines)
    total = fields.amount(body["total"], "total", maximum=policy.amount_max_fen)
    if sum(line.amount for line in lines) != total:
        raise DomainError(f"the schedule comes to {sum(line.amount for line in lines)}, the "
                          f"total says {total}")
    if contract.project is not None:
        within_budget(ctx.state, contract.project, total, instead_of=contract.seq)
    if contract.resolution is None and total > contract.total:
        major_resolution(ctx, total, contract.trade, contract.project)


def _keeps_settled(contract: Contract, lines: tuple[ScheduleLine, ...]) -> None:
    for index, old in enumerate(contract.lines):
        if old.settled and (index >= len(lines) or lines[index].amount < old.settled):
            raise DomainError(f"line {index} of contract {contract.seq} has {old.settled} "
                              "settled; the new schedule must keep it", line=index)


@decide_amended.applier
def apply_amended(state: LedgerState, entry: Entry) -> Effects:
    body = entry.statement.body
    contract = state.contracts[body["contract"]]
    changes: dict[str, Any] = {"ends": body.get("ends", contract.ends)}
    schedule = body.get("schedule")
    if schedule is not None:
        if "instalments" in schedule:
            new = [ScheduleLine(item["due_on"], item["amount"], item.get("kind", "instalment"))
                   for item in schedule["instalments"]]
            changes["annual_rent"] = None
        else:
            new = list(rules.periodic_lines(schedule["every"], schedule["amount"],
                                            contract.starts, changes["ends"]))
            changes["annual_rent"] = rules.annual_rent(schedule["every"], schedule["amount"])
        new += [line for line in contract.lines if line.kind == "retention"]
        settled = [line.settled for line in contract.lines]
        changes["lines"] = tuple(ScheduleLine(line.due_on, line.amount, line.kind,
                                              settled[i] if i < len(settled) else 0)
                                 for i, line in enumerate(new))
        changes["total"] = body["total"]
    if "resolution" in body:
        changes["resolution"] = body["resolution"]
    contract = state.contracts[contract.seq] = contract.then(entry.seq, **changes)
    return (ContractStepped(entry.seq, contract),)


def _active(ctx: Context) -> Contract:
    contract = contract_of(ctx)
    if contract.status != "active":
        raise OutOfOrder(f"contract {contract.seq} has ended", contract=contract.seq)
    return contract


@statement_type("contract.accepted")
def decide_accepted(ctx: Context) -> None:
    """验收: the works or goods were inspected and accepted; the final payment may follow."""
    fields.only_fields(ctx.body, {"contract", "accepted_on", "report_sha256"}, {"memo"})
    dates.business_date(ctx, "accepted_on")
    fields.sha256_hex(ctx.body["report_sha256"], "report_sha256")
    fields.text(ctx.body, "memo", bytes_max=policy.memo_bytes_max, required=False)
    contract = _active(ctx)
    if contract.direction != "payable":
        raise DomainError(f"contract {contract.seq} is receivable; acceptance is of works or "
                          "goods the community pays for", contract=contract.seq)
    if contract.accepted_seq is not None:
        raise OutOfOrder(f"contract {contract.seq} was accepted at seq {contract.accepted_seq}",
                         contract=contract.seq)


@decide_accepted.applier
def apply_accepted(state: LedgerState, entry: Entry) -> Effects:
    contract = state.contracts[entry.statement.body["contract"]]
    contract = state.contracts[contract.seq] = contract.then(entry.seq, accepted_seq=entry.seq)
    return (ContractStepped(entry.seq, contract),)


@statement_type("contract.ended")
def decide_ended(ctx: Context) -> None:
    """The contract ends (at term or early); nothing falls due after ``ended_on``."""
    fields.only_fields(ctx.body, {"contract", "ended_on", "reason"})
    dates.planned_date(ctx, "ended_on")
    fields.text(ctx.body, "reason", bytes_max=policy.memo_bytes_max)
    contract = _active(ctx)
    if ctx.body["ended_on"] < contract.starts:
        raise DomainError(f"contract {contract.seq} starts {contract.starts}; it cannot end "
                          "before that")


@decide_ended.applier
def apply_ended(state: LedgerState, entry: Entry) -> Effects:
    body = entry.statement.body
    contract = state.contracts[body["contract"]]
    contract = state.contracts[contract.seq] = contract.then(entry.seq, status="ended",
                                                             ended_on=body["ended_on"])
    return (ContractStepped(entry.seq, contract),)
