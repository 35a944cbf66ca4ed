"""Entries that settle a contract, and cumulative payments under 三重一大.

An ``entry.posted`` may name ``contract`` (the seq of its ``contract.signed``)
and ``schedule_line`` (an index into its schedule); without a line it settles
the open lines oldest first. The entry's counterparty is the contract's party,
it posts to the contract's fund, and it brings money in (a receivable) or
pays it out (a payable) of cash and bank: that amount settles the lines.
The final instalment waits for acceptance (验收); the retention (质保金) is
released only on or after its date, from its liability account.

The major threshold also applies to cumulative payments: a payment that makes
the payments under one contract or one project (held ones included; reversed
and rejected ones not) reach the threshold is refused unless a passed,
co-signed resolution names that contract or project. A payment that is a major
matter on its own is held for its own resolution instead (FORMAT.md 10: held-
ness depends on the single payment), so it is not refused here.
"""

from __future__ import annotations

from dataclasses import replace

from ledger.domain import contract_rules as rules
from ledger.domain.contract_records import Contract, ContractPayment
from ledger.domain.contracts import contract_of, resolution_names
from ledger.domain.effects import ContractSettled, Effects, ProjectPaid
from ledger.domain.records import Posting, current_policy, same_party
from ledger.domain.types import Context
from ledger.errors import ApprovalRequired, DomainError, FormatError, OutOfOrder
from ledger.domain.state import LedgerState

SEQ_MAX = 2**53 - 1


def money_in(state: LedgerState, postings: list[Posting] | tuple[Posting, ...]) -> int:
    """Money entering cash and bank (in the ledger's currency); 0 for payments."""
    net = sum(signed for account, _, currency, signed in postings
              if state.accounts[account].kind and currency == state.currency)
    return max(net, 0)


def check_entry(ctx: Context, postings: list[Posting], paid: int) -> None:
    """The contract and project an entry names accept it (decide of entry.posted)."""
    body = ctx.body
    if "schedule_line" in body and "contract" not in body:
        raise FormatError("schedule_line names a line of a contract: name the contract too",
                          field="schedule_line")
    contract = contract_of(ctx) if "contract" in body else None
    if contract is not None:
        _check_contract(ctx, contract, postings, paid)
    project = body.get("project") or (contract.project if contract else None)
    level = current_policy(ctx.state).level(paid)
    if level == "major" or paid == 0:
        return
    if contract is not None and contract.direction == "payable":
        _cumulative(ctx, "contract", contract.seq, contract.committed, paid,
                    contract.resolution)
    if project is not None:
        _cumulative(ctx, "project", project, ctx.state.project_paid.get(project, 0), paid, None)


def _check_contract(ctx: Context, contract: Contract, postings: list[Posting], paid: int) -> None:
    body = ctx.body
    payer = body["counterparty"]
    if not same_party(payer["name"], payer.get("id", ""), contract.party_name, contract.party_id):
        raise DomainError(f"the counterparty is {payer['name']}, not {contract.party_name}, the "
                          f"party of contract {contract.seq}", contract=contract.seq)
    if contract.fund not in {fund for _, fund, _, _ in postings}:
        raise DomainError(f"contract {contract.seq} is kept in fund {contract.fund}, which this "
                          "entry does not post to", contract=contract.seq)
    if contract.project and body.get("project", contract.project) != contract.project:
        raise DomainError(f"contract {contract.seq} belongs to project {contract.project}",
                          contract=contract.seq)
    amount = money_in(ctx.state, postings) if contract.direction == "receivable" else paid
    if amount == 0:
        way = "in to" if contract.direction == "receivable" else "out of"
        raise DomainError(f"contract {contract.seq} is {contract.direction}: the entry must "
                          f"bring money {way} cash or bank", contract=contract.seq)
    line = body.get("schedule_line")
    if line is not None and (not isinstance(line, int) or isinstance(line, bool) or line < 0):
        raise FormatError("schedule_line must be a line index (0, 1, ...)", field="schedule_line")
    try:
        pairs = rules.allocate(contract, amount, line)
    except rules.AllocationError as refused:
        raise DomainError(str(refused), contract=contract.seq) from None
    for index, _ in pairs:
        _check_line(ctx, contract, index, postings)


def _check_line(ctx: Context, contract: Contract, index: int, postings: list[Posting]) -> None:
    line = contract.lines[index]
    if contract.ended_on and line.due_on > contract.ended_on:
        raise OutOfOrder(f"contract {contract.seq} ended on {contract.ended_on}; line {index} "
                         f"(due {line.due_on}) no longer falls due", contract=contract.seq)
    if line.kind in ("final", "retention") and contract.accepted_seq is None:
        raise OutOfOrder(f"line {index} of contract {contract.seq} is its {line.kind} payment: "
                         "it is paid only after acceptance (contract.accepted, 验收)",
                         contract=contract.seq, line=index)
    if line.kind != "retention":
        return
    if ctx.body["date"] < line.due_on:
        raise OutOfOrder(f"the retention (质保金) of contract {contract.seq} is held until "
                         f"{line.due_on}; it cannot be released on {ctx.body['date']}",
                         contract=contract.seq, release_on=line.due_on)
    released = sum(signed for account, fund, _, signed in postings
                   if account == contract.retention_account and fund == contract.fund)
    if released < line.amount:
        raise DomainError(f"the retention is held on account {contract.retention_account}: "
                          "its release debits that account", contract=contract.seq)


def _cumulative(ctx: Context, kind: str, ref: int | str, before: int, paid: int,
                resolution: int | None) -> None:
    threshold = current_policy(ctx.state).major_threshold
    if not rules.crosses(before, paid, threshold) or resolution is not None:
        return
    matter = ref if kind == "contract" else ctx.state.projects[str(ref)].seq
    if resolution_names(ctx.state, ((kind, matter),)) is not None:
        return
    raise ApprovalRequired(
        f"payments under {kind} {ref} would come to {before + paid}, reaching the major "
        f"threshold {threshold} (三重一大): a passed, co-signed residents' resolution about the "
        f"{kind} must come first", threshold=threshold, paid_before=before, **{kind: ref})


# --- apply: what the entry counted, and taking it back ------------------------------------


def record(state: LedgerState, seq: int, body: dict, postings: list[Posting],
           paid: int) -> Effects:
    """Count an accepted entry.posted towards its contract and project."""
    contract = state.contracts.get(body["contract"]) if "contract" in body else None
    project = body.get("project") or (contract.project if contract else None)
    if contract is None and (project is None or paid == 0):
        return ()
    pairs: tuple[tuple[int, int], ...] = ()
    effects: list = []
    if contract is not None:
        amount = money_in(state, postings) if contract.direction == "receivable" else paid
        pairs = rules.allocate(contract, amount, body.get("schedule_line"))
        committed = paid if contract.direction == "payable" else 0
        contract = state.contracts[contract.seq] = rules.settle(contract, seq, pairs, 1,
                                                                committed)
        effects.append(ContractSettled(seq, seq, contract, pairs, 1))
    state.contract_payments[seq] = ContractPayment(
        seq, contract.seq if contract else None, project, paid, pairs)
    if project is not None and paid:
        state.project_paid[project] = state.project_paid.get(project, 0) + paid
        effects.append(ProjectPaid(seq, project, state.project_paid[project]))
    return tuple(effects)


def take_back(state: LedgerState, seq: int, entry: int) -> Effects:
    """Entry ``entry`` was reversed or rejected at ``seq``: it no longer counts."""
    payment = state.contract_payments.get(entry)
    if payment is None or not payment.counted:
        return ()
    state.contract_payments[entry] = replace(payment, counted=False)
    effects: list = []
    if payment.contract is not None:
        contract = state.contracts[payment.contract]
        committed = payment.amount if contract.direction == "payable" else 0
        contract = state.contracts[contract.seq] = rules.settle(contract, seq, payment.lines, -1,
                                                                committed)
        effects.append(ContractSettled(seq, entry, contract, payment.lines, -1))
    if payment.project is not None and payment.amount:
        state.project_paid[payment.project] -= payment.amount
        effects.append(ProjectPaid(seq, payment.project, state.project_paid[payment.project]))
    return tuple(effects)
