"""四议两公开 in full: a matter's life as signed steps (docs/governance.md, "Matters").

A matter is proposed (提议: by the party branch or the committee; the committee signs,
the body says who proposed), discussed at the joint meeting of the party branch, the
committee and the supervisory committee (商议), reviewed by the party members' meeting
(审议), resolved by the residents' representatives (决议: a ``resolution.recorded``
naming it as its ``proposal``), the resolution published (决议公开: that resolution's
``resolution.disclosed``) and the implementation result published (实施结果公开:
``matter.implemented``). Its id is the seq of its ``matter.proposed``.

Each step comes after the one before it (``out-of-order`` otherwise) and is dated on
or after it. What a proposal is about is what a resolution may be about (``subject``,
the same kinds and refs as a resolution's ``matter``), and the resolution that names
it must be about the same thing.

The procedure is opt-in: a resolution may name no proposal at all, as before. A policy
with ``full_procedure_for_major`` makes a resolution about a major matter (a held major
payment, a trade, a contract or project at or above the major threshold) name a
proposal that went through discussion and review, else it is refused
(``approval-required``). Only resolutions recorded while such a policy is in force are
held to it.
"""

from __future__ import annotations

from typing import Any

from ledger.domain import dates, fields, policy
from ledger.domain.effects import Disclosed, Effects, MatterProposed, MatterStepped
from ledger.domain.records import Disclosure, Matter, Resolution, current_policy
from ledger.domain.state import LedgerState
from ledger.domain.types import Context, statement_type
from ledger.errors import ApprovalRequired, DomainError, FormatError, NotFound, OutOfOrder
from ledger.format.statements import Entry

# What a resolution (and so a proposal) may be about.
MATTER_KINDS = frozenset({"entry", "trade", "policy", "contract", "project", "other"})
PROPOSERS = frozenset({"party_branch", "committee"})
SEQ_MAX = 2**53 - 1


# --- what a matter is about ------------------------------------------------------------


def check_subject(ctx: Context, value: Any, name: str) -> tuple[str, int | None]:
    """``{kind, ref?}`` naming something a residents' resolution may decide: a pending
    major payment (``entry``), a trade right after its proposal, a signed or about-to-be
    signed contract, a registered project, the policy, or anything else."""
    if not isinstance(value, dict):
        raise FormatError(f"{name} must be an object {{kind, ref}}", field=name)
    kind = fields.choice(value, "kind", MATTER_KINDS)
    if kind in ("policy", "other") or (kind == "contract" and "ref" not in value):
        # a contract without ref: one about to be signed (it cites the resolution)
        fields.only_fields(value, {"kind"})
        return kind, None
    fields.only_fields(value, {"kind", "ref"})
    ref = fields.integer(value["ref"], f"{name}.ref", minimum=0, maximum=SEQ_MAX)
    if kind == "contract" and ref not in ctx.state.contracts:
        raise NotFound(f"contract {ref} does not exist", contract=ref)
    if kind == "project" and not any(p.seq == ref for p in ctx.state.projects.values()):
        raise NotFound(f"entry {ref} is not a project.registered", project=ref)
    if kind in ("contract", "project"):
        return kind, ref
    if kind == "entry":
        pending = ctx.state.pending.get(ref)
        if pending is None or pending.level != "major" or pending.status != "pending":
            raise DomainError(f"entry {ref} is not a major-matter payment waiting for approval",
                              seq=ref)
        return kind, ref
    trade = ctx.state.trades.get(ref)
    if trade is None:
        raise NotFound(f"trade {ref} does not exist", trade=ref)
    if trade.status != "proposed":
        raise OutOfOrder(f"trade {ref} is {trade.status}; its resolution is recorded right after "
                         "the proposal", trade=ref, status=trade.status)
    return kind, ref


def major_matter(state: LedgerState, kind: str, ref: int | None) -> bool:
    """Is a resolution about (kind, ref) one about a major matter (三重一大)? A held
    payment about which a resolution is recorded is a major one, and so is every trade;
    a contract about to be signed cites a resolution only when it is worth the major
    threshold; a signed contract is major at or above it, a project when its budget is
    (or it has none: its payments may reach it)."""
    threshold = current_policy(state).major_threshold
    if kind in ("entry", "trade") or (kind == "contract" and ref is None):
        return True
    if threshold is None:
        return False
    if kind == "contract":
        return state.contracts[ref].total >= threshold
    if kind == "project":
        project = next(p for p in state.projects.values() if p.seq == ref)
        return project.budget is None or project.budget >= threshold
    return False


def matter_of(ctx: Context) -> Matter:
    seq = fields.integer(ctx.body.get("matter"), "matter", minimum=0, maximum=SEQ_MAX)
    matter = ctx.state.matters.get(seq)
    if matter is None:
        raise NotFound(f"entry {seq} is not a proposed matter (matter.proposed)", matter=seq)
    return matter


def _expect(matter: Matter, status: str, step: str) -> None:
    if matter.status != status:
        raise OutOfOrder(f"matter {matter.seq} is {matter.status}; it is {step} once it is "
                         f"{status}", matter=matter.seq, status=matter.status)


def _not_before(matter: Matter, day: str, name: str) -> None:
    if day < matter.last_date:
        raise DomainError(f"{name} {day} is before matter {matter.seq}'s last step, on "
                          f"{matter.last_date}", matter=matter.seq, field=name)


# --- 提议 proposed ------------------------------------------------------------------------


@statement_type("matter.proposed")
def decide_proposed(ctx: Context) -> None:
    body = ctx.body
    fields.only_fields(body, {"proposed_by", "subject", "title", "proposed_on",
                              "proposal_sha256"}, {"memo"})
    fields.choice(body, "proposed_by", PROPOSERS)
    fields.text(body, "title", bytes_max=policy.name_bytes_max)
    dates.business_date(ctx, "proposed_on")
    fields.sha256_hex(body["proposal_sha256"], "proposal_sha256")
    fields.text(body, "memo", bytes_max=policy.memo_bytes_max, required=False)
    check_subject(ctx, body["subject"], "subject")


@decide_proposed.applier
def apply_proposed(state: LedgerState, entry: Entry) -> Effects:
    body = entry.statement.body
    subject = body["subject"]
    matter = state.matters[entry.seq] = Matter(
        entry.seq, body["proposed_by"], subject["kind"], subject.get("ref"), body["title"],
        body["proposed_on"], history=(entry.seq,))
    return (MatterProposed(entry.seq, matter, body["proposed_on"], body["proposal_sha256"]),)


# --- 商议 discussed, 审议 reviewed ----------------------------------------------------------


@statement_type("matter.discussed")
def decide_discussed(ctx: Context) -> None:
    body = ctx.body
    fields.only_fields(body, {"matter", "meeting_date", "minutes_sha256", "outcome"})
    day = dates.business_date(ctx, "meeting_date")
    fields.sha256_hex(body["minutes_sha256"], "minutes_sha256")
    fields.text(body, "outcome", bytes_max=policy.memo_bytes_max)
    matter = matter_of(ctx)
    _expect(matter, "proposed", "discussed (商议)")
    _not_before(matter, day, "meeting_date")


@decide_discussed.applier
def apply_discussed(state: LedgerState, entry: Entry) -> Effects:
    body = entry.statement.body
    matter = state.matters[body["matter"]]
    matter = state.matters[matter.seq] = matter.then(
        entry.seq, status="discussed", discussed_seq=entry.seq, discussed_on=body["meeting_date"])
    return (MatterStepped(entry.seq, matter, "discussed", body["meeting_date"],
                          body["minutes_sha256"]),)


@statement_type("matter.reviewed")
def decide_reviewed(ctx: Context) -> None:
    body = ctx.body
    fields.only_fields(body, {"matter", "meeting_date", "minutes_sha256"}, {"note"})
    day = dates.business_date(ctx, "meeting_date")
    fields.sha256_hex(body["minutes_sha256"], "minutes_sha256")
    fields.text(body, "note", bytes_max=policy.memo_bytes_max, required=False)
    matter = matter_of(ctx)
    _expect(matter, "discussed", "reviewed (审议)")
    _not_before(matter, day, "meeting_date")


@decide_reviewed.applier
def apply_reviewed(state: LedgerState, entry: Entry) -> Effects:
    body = entry.statement.body
    matter = state.matters[body["matter"]]
    matter = state.matters[matter.seq] = matter.then(
        entry.seq, status="reviewed", reviewed_seq=entry.seq, reviewed_on=body["meeting_date"])
    return (MatterStepped(entry.seq, matter, "reviewed", body["meeting_date"],
                          body["minutes_sha256"]),)


# --- 决议 resolved and 决议公开 published: steps of resolution.recorded / .disclosed ------


def check_proposal(ctx: Context, kind: str, ref: int | None) -> None:
    """For a ``resolution.recorded`` about (kind, ref): the proposal it names went
    through discussion and review and is about the same thing; or, naming none, the
    policy does not ask for the full procedure for this matter."""
    body = ctx.body
    if "proposal" not in body:
        rules = current_policy(ctx.state)
        if rules.full_procedure_for_major and major_matter(ctx.state, kind, ref):
            raise ApprovalRequired(
                f"the policy (seq {rules.seq}) requires the full procedure (四议两公开) for "
                f"major matters, and {kind}{'' if ref is None else f' {ref}'} is one: the "
                "resolution must name its proposal (body.proposal, a matter.proposed) after "
                "the matter was discussed (matter.discussed) and reviewed (matter.reviewed)",
                policy=rules.seq, matter={"kind": kind, "ref": ref})
        return
    seq = fields.integer(body["proposal"], "proposal", minimum=0, maximum=SEQ_MAX)
    matter = ctx.state.matters.get(seq)
    if matter is None:
        raise NotFound(f"entry {seq} is not a proposed matter (matter.proposed)", proposal=seq)
    _expect(matter, "reviewed", "resolved by the residents' representatives (决议)")
    if (matter.subject_kind, matter.subject_ref) != (kind, ref):
        raise DomainError(f"matter {seq} is about {matter.subject_kind}"
                          f"{'' if matter.subject_ref is None else f' {matter.subject_ref}'}; "
                          "its resolution must be about the same", proposal=seq)
    _not_before(matter, body["meeting_date"], "meeting_date")


def resolved(state: LedgerState, entry: Entry, resolution: Resolution) -> Effects:
    """A resolution naming its proposal was recorded: the matter is resolved, or
    rejected when the resolution did not pass."""
    body = entry.statement.body
    matter = state.matters[resolution.proposal]
    matter = state.matters[matter.seq] = matter.then(
        entry.seq, status="resolved" if resolution.passed else "rejected",
        resolution=resolution.seq, resolved_on=body["meeting_date"])
    return (MatterStepped(entry.seq, matter, "resolved", body["meeting_date"],
                          body["minutes_sha256"]),)


def check_published(ctx: Context, resolution: Resolution) -> None:
    """A resolution that resolved a matter is published on or after its meeting."""
    if resolution.proposal is not None:
        _not_before(ctx.state.matters[resolution.proposal], ctx.body["published_on"],
                    "published_on")


def published(state: LedgerState, entry: Entry, resolution: Resolution) -> Effects:
    """The resolution of a matter was disclosed: the matter's resolution is published
    (a rejected matter stays rejected, its resolution public)."""
    if resolution.proposal is None:
        return ()
    body = entry.statement.body
    matter = state.matters[resolution.proposal]
    status = "published" if matter.status == "resolved" else matter.status
    matter = state.matters[matter.seq] = matter.then(
        entry.seq, status=status, published_seq=entry.seq, published_on=body["published_on"])
    return (MatterStepped(entry.seq, matter, "published", body["published_on"],
                          body["sheet_sha256"]),)


# --- 实施结果公开 implemented ---------------------------------------------------------------


@statement_type("matter.implemented")
def decide_implemented(ctx: Context) -> None:
    body = ctx.body
    fields.only_fields(body, {"matter", "published_on", "result_sha256"}, {"where", "memo"})
    day = dates.business_date(ctx, "published_on")
    fields.sha256_hex(body["result_sha256"], "result_sha256")
    fields.text(body, "where", bytes_max=policy.label_bytes_max, required=False)
    fields.text(body, "memo", bytes_max=policy.memo_bytes_max, required=False)
    matter = matter_of(ctx)
    _expect(matter, "published", "implemented and its result published (实施结果公开)")
    _not_before(matter, day, "published_on")


@decide_implemented.applier
def apply_implemented(state: LedgerState, entry: Entry) -> Effects:
    """The implementation result is published: the matter's last step, and a disclosure
    (item ``resolutions``, subject the matter, stage ``implementation``)."""
    body = entry.statement.body
    matter = state.matters[body["matter"]]
    matter = state.matters[matter.seq] = matter.then(
        entry.seq, status="implemented", implemented_seq=entry.seq,
        implemented_on=body["published_on"])
    disclosure = state.disclosures[entry.seq] = Disclosure(
        entry.seq, "resolutions", body["result_sha256"], body["published_on"],
        ("matter", matter.seq, "implementation"))
    return (MatterStepped(entry.seq, matter, "implemented", body["published_on"],
                          body["result_sha256"]), Disclosed(entry.seq, disclosure))
