"""Residents' representative resolutions (四议两公开): recorded, co-signed, disclosed.

A resolution is about one matter: a pending major payment (``entry``), an
asset trade right after its proposal (``trade``), a loosening of the ledger
policy (``policy``) or anything else (``other``). It passes when the meeting
had a quorum (policy.resolution_quorum of the representatives) and more than
half of those attending voted for it. A failed resolution stays on the log.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from ledger.domain import policy
from ledger.domain import dates, fields
from ledger.domain.records import Disclosure, Resolution, current_policy
from ledger.domain.effects import (Disclosed, Effects, ResolutionRecorded, ResolutionStepped,
                                   TradeStepped)
from ledger.domain.types import Context, statement_type
from ledger.errors import DomainError, FormatError, NotFound, OutOfOrder
from ledger.domain.state import LedgerState
from ledger.format.statements import Entry

MATTER_KINDS = frozenset({"entry", "trade", "policy", "contract", "project", "other"})
VOTES = ("votes_for", "votes_against", "votes_abstain")
RECORDED_FIELDS = {"matter", "title", "meeting_date", "representatives", "attendance",
                   *VOTES, "minutes_sha256"}
SEQ_MAX = 2**53 - 1


def passed(body: dict[str, Any]) -> bool:
    numerator, denominator = policy.resolution_quorum
    quorum = body["attendance"] * denominator >= body["representatives"] * numerator
    return quorum and body["votes_for"] * 2 > body["attendance"]


def _matter(ctx: Context) -> None:
    matter = ctx.body["matter"]
    if not isinstance(matter, dict):
        raise FormatError("matter must be an object {kind, ref}", field="matter")
    kind = fields.choice(matter, "kind", MATTER_KINDS)
    if kind in ("policy", "other") or (kind == "contract" and "ref" not in matter):
        # a contract without ref: one about to be signed (it cites the resolution)
        fields.only_fields(matter, {"kind"})
        return
    fields.only_fields(matter, {"kind", "ref"})
    ref = fields.integer(matter["ref"], "matter.ref", minimum=0, maximum=SEQ_MAX)
    if kind == "contract" and ref not in ctx.state.contracts:
        raise NotFound(f"contract {ref} does not exist", contract=ref)
    if kind == "project" and not any(p.seq == ref for p in ctx.state.projects.values()):
        raise NotFound(f"entry {ref} is not a project.registered", project=ref)
    if kind in ("contract", "project"):
        return
    if kind == "entry":
        pending = ctx.state.pending.get(ref)
        if pending is None or pending.level != "major" or pending.status != "pending":
            raise DomainError(f"entry {ref} is not a major-matter payment waiting for approval",
                              seq=ref)
        return
    trade = ctx.state.trades.get(ref)
    if trade is None:
        raise NotFound(f"trade {ref} does not exist", trade=ref)
    if trade.status != "proposed":
        raise OutOfOrder(f"trade {ref} is {trade.status}; its resolution is recorded right after "
                         "the proposal", trade=ref, status=trade.status)


@statement_type("resolution.recorded")
def decide_recorded(ctx: Context) -> None:
    body = ctx.body
    fields.only_fields(body, RECORDED_FIELDS)
    fields.text(body, "title", bytes_max=policy.name_bytes_max)
    dates.business_date(ctx, "meeting_date")
    fields.sha256_hex(body["minutes_sha256"], "minutes_sha256")
    seats = fields.integer(body["representatives"], "representatives", minimum=1,
                           maximum=policy.representatives_max)
    present = fields.integer(body["attendance"], "attendance", minimum=1, maximum=seats)
    votes = sum(fields.integer(body[name], name, minimum=0, maximum=present) for name in VOTES)
    if votes > present:
        raise DomainError(f"votes add up to {votes} but only {present} attended")
    _matter(ctx)


@decide_recorded.applier
def apply_recorded(state: LedgerState, entry: Entry) -> Effects:
    body = entry.statement.body
    matter = body["matter"]
    resolution = Resolution(entry.seq, matter["kind"], matter.get("ref"), body["title"],
                            passed(body), entry.signed.signer)
    state.resolutions[entry.seq] = resolution
    if not (matter["kind"] == "trade" and resolution.passed):
        return (ResolutionRecorded(entry.seq, resolution),)
    trade = state.trades[matter["ref"]]
    trade = state.trades[trade.seq] = trade.then(entry.seq, status="resolved",
                                                 resolution=entry.seq)
    return (ResolutionRecorded(entry.seq, resolution), TradeStepped(entry.seq, trade))


def resolution_of(ctx: Context) -> Resolution:
    seq = fields.integer(ctx.body.get("resolution"), "resolution", minimum=0, maximum=SEQ_MAX)
    resolution = ctx.state.resolutions.get(seq)
    if resolution is None:
        raise NotFound(f"entry {seq} is not a recorded resolution", resolution=seq)
    return resolution


@statement_type("resolution.cosigned")
def decide_cosigned(ctx: Context) -> None:
    fields.only_fields(ctx.body, {"resolution"}, {"memo"})
    fields.text(ctx.body, "memo", bytes_max=policy.memo_bytes_max, required=False)
    resolution = resolution_of(ctx)
    if not resolution.passed:
        raise DomainError(f"resolution {resolution.seq} did not pass; there is nothing to "
                          "co-sign", resolution=resolution.seq)
    if ctx.signed.signer in resolution.cosigners:
        raise OutOfOrder(f"this key already co-signed resolution {resolution.seq}",
                         resolution=resolution.seq)


@decide_cosigned.applier
def apply_cosigned(state: LedgerState, entry: Entry) -> Effects:
    resolution = state.resolutions[entry.statement.body["resolution"]]
    roles = state.keys[entry.signed.signer].roles & policy.SIGNING_ROLES["resolution.cosigned"]
    resolution = state.resolutions[resolution.seq] = replace(
        resolution, cosigners=resolution.cosigners | {entry.signed.signer},
        cosigned_roles=resolution.cosigned_roles | roles)
    return (ResolutionStepped(entry.seq, resolution),)


@statement_type("resolution.disclosed")
def decide_disclosed(ctx: Context) -> None:
    fields.only_fields(ctx.body, {"resolution", "published_on", "sheet_sha256"}, {"where"})
    dates.business_date(ctx, "published_on")
    fields.sha256_hex(ctx.body["sheet_sha256"], "sheet_sha256")
    fields.text(ctx.body, "where", bytes_max=policy.label_bytes_max, required=False)
    resolution = resolution_of(ctx)
    if resolution.disclosed_seq is not None:
        raise OutOfOrder(f"resolution {resolution.seq} was already disclosed at seq "
                         f"{resolution.disclosed_seq}", resolution=resolution.seq)
    required = current_policy(ctx.state).major_roles
    if resolution.passed and not resolution.cosigned_by(required):
        raise OutOfOrder(f"resolution {resolution.seq} is disclosed once it is co-signed by "
                         f"{' and '.join(sorted(required))}", resolution=resolution.seq)


@decide_disclosed.applier
def apply_disclosed(state: LedgerState, entry: Entry) -> Effects:
    body = entry.statement.body
    resolution = state.resolutions[body["resolution"]]
    resolution = state.resolutions[resolution.seq] = replace(resolution, disclosed_seq=entry.seq)
    disclosure = state.disclosures[entry.seq] = Disclosure(
        entry.seq, "resolutions", body["sheet_sha256"], body["published_on"],
        ("resolution", resolution.seq, "resolution"))
    return (ResolutionStepped(entry.seq, resolution), Disclosed(entry.seq, disclosure))
