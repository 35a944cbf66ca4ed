"""Approvals for payments (三重一大): the ledger's policy, approving and rejecting
pending payments.

``policy.set`` writes the thresholds (fen) and who approves what; the policy's
history is the log itself (``state.policies`` keeps every version by seq).
A payment at or above ``approval_threshold`` is pending (journal.py) until an
``entry.approved`` by a key of an approving role that did not record it; at or
above ``major_threshold`` the approval must also cite a passed residents'
representative resolution about that entry, co-signed by every role in
``approvers.major`` (resolutions.py), and the cashier may confirm it only
after that resolution is disclosed.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from ledger.domain import policy

from ledger.format import money
from ledger.domain import contract_payments, fields
from ledger.domain.effects import Effects, PaymentDecided, PolicySet
from ledger.domain.journal import apply_money, check_money_accounts
from ledger.domain.records import PendingEntry, Policy, current_policy
from ledger.domain.types import Context, statement_type
from ledger.errors import (ApprovalRequired, DomainError, FormatError, NotFound, OutOfOrder,
                           PolicyError, SameKey)
from ledger.domain.state import LedgerState
from ledger.format.statements import Entry

POLICY_FIELDS = {"approval_threshold", "major_threshold", "notice_days_min"}
POLICY_OPTIONAL = {"approvers", "split_window_days", "round_cash_limit", "date_allowance_days",
                   "full_procedure_for_major", "resolution", "memo"}
SEQ_MAX = 2**53 - 1


def _role_list(value: Any, name: str, allowed: frozenset[str]) -> frozenset[str]:
    return fields.string_set(value, name, allowed)


def parse_policy(body: dict[str, Any], seq: int) -> Policy:
    """The Policy a policy.set body describes (the shape is checked by decide)."""
    approvers = body.get("approvers", {})
    return Policy(
        seq=seq, approval_threshold=body["approval_threshold"],
        major_threshold=body["major_threshold"], notice_days_min=body["notice_days_min"],
        approval_roles=frozenset(approvers.get("approval", ["committee"])),
        major_roles=frozenset(approvers.get("major", sorted(policy.major_roles_required))),
        split_window_days=body.get("split_window_days", policy.split_window_days_default),
        round_cash_limit=body.get("round_cash_limit", policy.round_cash_limit_fen_default),
        date_allowance_days=body.get("date_allowance_days", policy.date_allowance_days_default),
        full_procedure_for_major=body.get("full_procedure_for_major", False))


def _check_policy_shape(body: dict[str, Any]) -> None:
    fields.only_fields(body, POLICY_FIELDS, POLICY_OPTIONAL)
    approval = fields.amount(body["approval_threshold"], "approval_threshold",
                             maximum=policy.amount_max_fen)
    major = fields.amount(body["major_threshold"], "major_threshold",
                          maximum=policy.amount_max_fen)
    if major < approval:
        raise DomainError(f"major_threshold ({major}) must not be below approval_threshold "
                          f"({approval})")
    fields.integer(body["notice_days_min"], "notice_days_min", minimum=1,
                   maximum=policy.notice_days_max)
    approvers = body.get("approvers", {})
    if not isinstance(approvers, dict):
        raise FormatError("approvers must be an object {approval, major}", field="approvers")
    fields.only_fields(approvers, set(), {"approval", "major"})
    if "approval" in approvers:
        _role_list(approvers["approval"], "approvers.approval", policy.approval_roles_allowed)
    if "major" in approvers:
        major_roles = _role_list(approvers["major"], "approvers.major", policy.major_roles_allowed)
        if not policy.major_roles_required <= major_roles:
            raise DomainError("approvers.major must include committee and supervisor "
                              "(三重一大 needs both co-signatures)")
    if "split_window_days" in body:
        fields.integer(body["split_window_days"], "split_window_days", minimum=1, maximum=366)
    if "round_cash_limit" in body:
        fields.amount(body["round_cash_limit"], "round_cash_limit", maximum=policy.amount_max_fen)
    if "date_allowance_days" in body:
        fields.integer(body["date_allowance_days"], "date_allowance_days", minimum=0,
                       maximum=policy.date_allowance_days_max)
    fields.boolean(body, "full_procedure_for_major", False)
    fields.text(body, "memo", bytes_max=policy.memo_bytes_max, required=False)


def loosened(old: Policy, new: Policy) -> list[str]:
    """What a new policy makes easier than the old one (each needs a resolution)."""
    found = []
    if old.approval_threshold is not None and new.approval_threshold > old.approval_threshold:
        found.append("raises approval_threshold")
    if old.major_threshold is not None and new.major_threshold > old.major_threshold:
        found.append("raises major_threshold")
    if new.notice_days_min < old.notice_days_min:
        found.append("shortens notice_days_min")
    if not new.approval_roles <= old.approval_roles:
        found.append("lets more roles approve")
    if not old.major_roles <= new.major_roles:
        found.append("drops a co-signing role")
    if new.date_allowance_days > old.date_allowance_days:
        found.append("allows business dates further ahead")
    if old.full_procedure_for_major and not new.full_procedure_for_major:
        found.append("no longer requires the full procedure (四议两公开) for major matters")
    return found


@statement_type("policy.set")
def decide_policy_set(ctx: Context) -> None:
    _check_policy_shape(ctx.body)
    old = current_policy(ctx.state)
    eased = loosened(old, parse_policy(ctx.body, ctx.state.size)) if ctx.state.policies else []
    if not eased:
        return
    if "resolution" not in ctx.body:
        raise ApprovalRequired(f"this policy {' and '.join(eased)}; loosening the rules needs "
                               "a disclosed residents' resolution about the policy "
                               "(body.resolution)", loosens=eased)
    resolution = _resolution(ctx, ctx.body["resolution"])
    if resolution.matter_kind != "policy" or resolution.seq < old.seq:
        raise DomainError(f"resolution {resolution.seq} is not a resolution about this policy "
                          "change (matter.kind policy, recorded after the current policy)")
    if not resolution.passed or not resolution.cosigned_by(old.major_roles):
        raise ApprovalRequired(f"resolution {resolution.seq} must have passed and be co-signed "
                               f"by {', '.join(sorted(old.major_roles))}")
    if resolution.disclosed_seq is None:
        raise ApprovalRequired(f"resolution {resolution.seq} must be disclosed first")


@decide_policy_set.applier
def apply_policy_set(state: LedgerState, entry: Entry) -> Effects:
    state.policies[entry.seq] = parse_policy(entry.statement.body, entry.seq)
    return (PolicySet(entry.seq, state.policies[entry.seq]),)


def _resolution(ctx: Context, value: Any):
    seq = fields.integer(value, "resolution", minimum=0, maximum=SEQ_MAX)
    resolution = ctx.state.resolutions.get(seq)
    if resolution is None:
        raise NotFound(f"entry {seq} is not a recorded resolution", resolution=seq)
    return resolution


def _waiting(ctx: Context) -> PendingEntry:
    seq = fields.integer(ctx.body.get("entry"), "entry", minimum=0, maximum=SEQ_MAX)
    pending = ctx.state.pending.get(seq)
    if pending is None:
        if seq >= ctx.state.size:
            raise NotFound(f"entry {seq} does not exist (the log has {ctx.state.size})", seq=seq)
        raise OutOfOrder(f"entry {seq} is not a payment waiting for approval", seq=seq)
    if pending.status != "pending":
        raise OutOfOrder(f"entry {seq} was already {pending.status} at seq "
                         f"{pending.decided_seq}", seq=seq)
    return pending


def _check_major(ctx: Context, pending: PendingEntry, rules: Policy) -> None:
    if "resolution" not in ctx.body:
        raise ApprovalRequired(
            f"entry {pending.seq} pays {money.format_amount(pending.amount, ctx.state.currency)}"
            ", a major matter (三重一大): its approval must cite the residents' representative "
            "resolution about it (body.resolution)", seq=pending.seq)
    resolution = _resolution(ctx, ctx.body["resolution"])
    if (resolution.matter_kind, resolution.matter_ref) != ("entry", pending.seq):
        raise DomainError(f"resolution {resolution.seq} is not about entry {pending.seq}")
    if not resolution.passed:
        raise ApprovalRequired(f"resolution {resolution.seq} did not pass")
    missing = rules.major_roles - resolution.cosigned_roles
    if missing:
        raise ApprovalRequired(f"resolution {resolution.seq} still needs co-signatures from "
                               f"{', '.join(sorted(missing))}", missing=sorted(missing))


@statement_type("entry.approved")
def decide_approved(ctx: Context) -> None:
    fields.only_fields(ctx.body, {"entry"}, {"resolution", "memo"})
    fields.text(ctx.body, "memo", bytes_max=policy.memo_bytes_max, required=False)
    pending = _waiting(ctx)
    rules = current_policy(ctx.state)
    if not ctx.signer_key.roles & rules.approval_roles:
        allowed = ", ".join(sorted(rules.approval_roles))
        raise PolicyError(f"this ledger's policy lets only {allowed} keys approve payments",
                          signer=ctx.signed.signer)
    if ctx.signed.signer == pending.recorder:
        raise SameKey(f"the key that recorded entry {pending.seq} may not approve it",
                      seq=pending.seq)
    if pending.level == "major":
        _check_major(ctx, pending, rules)
    elif "resolution" in ctx.body:
        raise DomainError(f"entry {pending.seq} is not a major matter; approve it without a "
                          "resolution")
    check_money_accounts(ctx.state, pending.postings)


@decide_approved.applier
def apply_approved(state: LedgerState, entry: Entry) -> Effects:
    body = entry.statement.body
    pending = state.pending[body["entry"]]
    state.pending[pending.seq] = replace(pending, status="approved", decided_seq=entry.seq,
                                         resolution=body.get("resolution"))
    # The payment moves now, at the approval's seq, counted on its own date.
    moved = apply_money(state, entry.seq, pending.seq, pending.recorder, pending.postings,
                        pending.date, state.entry_projects.get(pending.seq))
    return (PaymentDecided(entry.seq, pending.seq, "approved"), *moved)


@statement_type("entry.rejected")
def decide_rejected(ctx: Context) -> None:
    fields.only_fields(ctx.body, {"entry", "reason"})
    fields.text(ctx.body, "reason", bytes_max=policy.memo_bytes_max)
    _waiting(ctx)


@decide_rejected.applier
def apply_rejected(state: LedgerState, entry: Entry) -> Effects:
    pending = state.pending[entry.statement.body["entry"]]
    state.pending[pending.seq] = replace(pending, status="rejected", decided_seq=entry.seq)
    return (PaymentDecided(entry.seq, pending.seq, "rejected"),
            *contract_payments.take_back(state, entry.seq, pending.seq))
