"""Inspection findings (巡察, 边巡边改) worked to the end, all on the log.

An auditor or supervisor raises a finding about an entry, a trade, a trade's
contract, a fund or a red flag (``inspection.finding_raised``); the raiser's side
gives it to an owner with a deadline (``inspection.finding_assigned``, again to
move the deadline); the community rectifies it with an evidence document
(``inspection.finding_rectified``: its SHA-256, the document kept by the document
store); the raiser's side closes it (``inspection.finding_closed``) or reopens it
(``inspection.finding_reopened``) for more work. Only a key holding the role the
finding was raised in may assign, reopen or close it: a supervisor's finding is
closed by the supervisors, an auditor's by the auditors.

These are not the projection's own findings (``/audit/findings``: what the read
model saw that it should not) nor red flags (patterns computed from the log): a
red flag becomes an inspection finding when someone raises one naming it.
When a finding is overdue is ``ledger.domain.inspection_deadlines``.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from ledger.domain import fields, policy
from ledger.domain.effects import Effects, FindingRaised, FindingStepped
from ledger.domain.records import Finding
from ledger.domain.state import LedgerState
from ledger.domain.types import Context, statement_type
from ledger.errors import FormatError, NotFound, OutOfOrder, PolicyError
from ledger.format.statements import Entry

ABOUT_KINDS = frozenset({"entry", "trade", "contract", "fund", "red_flag"})
# The codes of ledger/domain/redflags.py: a red flag is named "<code>:<subject>".
RED_FLAG_CODES = frozenset({"split-payment", "split-payment-major", "duplicate-document",
                            "same-key", "round-cash", "outside-project-period", "related-bidder",
                            "book-value-mismatch", "disclosure-mismatch", "bank-unreconciled",
                            "rent-below-winning-price", "arrears"})
RAISED = "inspection.finding_raised"
SEQ_MAX = 2**53 - 1
finding_entries_max = 64
red_flag_id_bytes_max = 200


def _seq(value: Any, name: str) -> int:
    return fields.integer(value, name, minimum=0, maximum=SEQ_MAX)


def _about(ctx: Context) -> tuple[str, str]:
    about = ctx.body["about"]
    if not isinstance(about, dict):
        raise FormatError("about must be an object {kind, ref}", field="about")
    fields.only_fields(about, {"kind", "ref"})
    kind = fields.choice(about, "kind", ABOUT_KINDS)
    if kind == "fund":
        fund = fields.code(about, "ref")
        if fund not in ctx.state.funds:
            raise NotFound(f"there is no fund {fund} in this ledger", kind=kind, ref=fund)
        return kind, fund
    if kind == "red_flag":
        return kind, _red_flag(about)
    ref = _seq(about["ref"], "about.ref")
    trade = ctx.state.trades.get(ref)
    known = {"entry": ref < ctx.state.size, "trade": trade is not None,
             "contract": trade is not None and bool(trade.contract_sha256)}[kind]
    if not known:
        raise NotFound(f"there is no {kind} {ref} in this ledger", kind=kind, ref=ref)
    return kind, str(ref)


def _red_flag(about: dict[str, Any]) -> str:
    ref = fields.text(about, "ref", bytes_max=red_flag_id_bytes_max)
    code, _, subject = ref.partition(":")
    if code not in RED_FLAG_CODES or not subject:
        raise FormatError(f"a red flag is named <code>:<subject> as /audit/red-flags gives its "
                          f"id; codes are {', '.join(sorted(RED_FLAG_CODES))}", field="about.ref")
    return ref


def _entries(ctx: Context, about_kind: str) -> None:
    """The entries a finding rests on (a red flag's seqs): each one on the log."""
    if "entries" not in ctx.body:
        if about_kind == "red_flag":
            raise FormatError("a finding about a red flag names the entries the flag names",
                              field="entries")
        return
    entries = ctx.body["entries"]
    if not isinstance(entries, list) or not 1 <= len(entries) <= finding_entries_max:
        raise FormatError(f"entries must list 1 to {finding_entries_max} seqs", field="entries")
    for seq in entries:
        if _seq(seq, "entries[]") >= ctx.state.size:
            raise NotFound(f"there is no entry {seq} in this ledger", seq=seq)


@statement_type(RAISED)
def decide_raised(ctx: Context) -> None:
    fields.only_fields(ctx.body, {"about", "title"}, {"detail", "entries"})
    fields.text(ctx.body, "title", bytes_max=policy.label_bytes_max)
    fields.text(ctx.body, "detail", bytes_max=policy.finding_detail_bytes_max, required=False)
    kind, _ = _about(ctx)
    _entries(ctx, kind)


@decide_raised.applier
def apply_raised(state: LedgerState, entry: Entry) -> Effects:
    about = entry.statement.body["about"]
    key = state.keys[entry.signed.signer]
    finding = state.inspection_findings[entry.seq] = Finding(
        entry.seq, about["kind"], str(about["ref"]),
        key.roles & policy.SIGNING_ROLES[RAISED], entry.recorded_at, history=(entry.seq,))
    return (FindingRaised(entry.seq, finding),)


def finding_of(ctx: Context, *, raisers_only: bool = False) -> Finding:
    """The finding the body names, not closed; with ``raisers_only``, the signer must
    hold a role the finding was raised in."""
    seq = _seq(ctx.body.get("finding"), "finding")
    finding = ctx.state.inspection_findings.get(seq)
    if finding is None:
        raise NotFound(f"entry {seq} is not an inspection finding", finding=seq)
    if finding.status == "closed":
        raise OutOfOrder(f"finding {seq} is already closed", finding=seq)
    if raisers_only and not ctx.signer_key.roles & finding.raised_roles:
        raisers = ", ".join(sorted(finding.raised_roles))
        raise PolicyError(f"finding {seq} was raised by the {raisers}; only they take it on "
                          "from here", finding=seq, signer=ctx.signed.signer)
    return finding


def _stepped(state: LedgerState, entry: Entry, **changes: Any) -> Effects:
    finding = state.inspection_findings[entry.statement.body["finding"]]
    finding = state.inspection_findings[finding.seq] = replace(
        finding, history=finding.history + (entry.seq,), **changes)
    return (FindingStepped(entry.seq, finding),)


@statement_type("inspection.finding_assigned")
def decide_assigned(ctx: Context) -> None:
    fields.only_fields(ctx.body, {"finding", "owner", "deadline"}, {"note"})
    fields.text(ctx.body, "owner", bytes_max=policy.name_bytes_max)
    fields.text(ctx.body, "note", bytes_max=policy.memo_bytes_max, required=False)
    deadline = fields.iso_date(ctx.body, "deadline")
    finding = finding_of(ctx, raisers_only=True)
    if finding.status == "rectified":
        raise OutOfOrder(f"finding {finding.seq} is rectified; close or reopen it",
                         finding=finding.seq)
    if deadline < finding.raised_at[:10]:
        raise FormatError(f"the deadline {deadline} is before the finding was raised",
                          field="deadline")


@decide_assigned.applier
def apply_assigned(state: LedgerState, entry: Entry) -> Effects:
    body = entry.statement.body
    finding = state.inspection_findings[body["finding"]]
    status = "reopened" if finding.status == "reopened" else "assigned"
    return _stepped(state, entry, status=status, owner=body["owner"], deadline=body["deadline"])


@statement_type("inspection.finding_rectified")
def decide_rectified(ctx: Context) -> None:
    fields.only_fields(ctx.body, {"finding", "evidence_sha256"}, {"note"})
    fields.sha256_hex(ctx.body["evidence_sha256"], "evidence_sha256")
    fields.text(ctx.body, "note", bytes_max=policy.memo_bytes_max, required=False)
    finding = finding_of(ctx)
    if finding.status not in ("assigned", "reopened"):
        raise OutOfOrder(f"finding {finding.seq} is {finding.status}; it is rectified once it "
                         "is assigned (or reopened)", finding=finding.seq)


@decide_rectified.applier
def apply_rectified(state: LedgerState, entry: Entry) -> Effects:
    return _stepped(state, entry, status="rectified", rectified_at=entry.recorded_at,
                    evidence_sha256=entry.statement.body["evidence_sha256"])


@statement_type("inspection.finding_reopened")
def decide_reopened(ctx: Context) -> None:
    fields.only_fields(ctx.body, {"finding", "reason"})
    fields.text(ctx.body, "reason", bytes_max=policy.memo_bytes_max)
    finding = finding_of(ctx, raisers_only=True)
    if finding.status != "rectified":
        raise OutOfOrder(f"finding {finding.seq} is {finding.status}; only a rectified "
                         "finding is reopened", finding=finding.seq)


@decide_reopened.applier
def apply_reopened(state: LedgerState, entry: Entry) -> Effects:
    return _stepped(state, entry, status="reopened", rectified_at="")


@statement_type("inspection.finding_closed")
def decide_closed(ctx: Context) -> None:
    fields.only_fields(ctx.body, {"finding"}, {"note"})
    fields.text(ctx.body, "note", bytes_max=policy.memo_bytes_max, required=False)
    finding = finding_of(ctx, raisers_only=True)
    if finding.status != "rectified":
        raise OutOfOrder(f"finding {finding.seq} is {finding.status}; it is closed once "
                         "rectified", finding=finding.seq)


@decide_closed.applier
def apply_closed(state: LedgerState, entry: Entry) -> Effects:
    return _stepped(state, entry, status="closed", closed_at=entry.recorded_at)
