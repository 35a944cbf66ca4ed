"""Residents' representative resolutions (四议两公开): recorded, co-signed, disclosed.

A resolution is about one matter: a pending major payment (``entry``), an
asset trade right after its proposal (``trade``), a contract or project, a
loosening of the ledger policy (``policy``) or anything else (``other``). It
passes when the meeting had a quorum (policy.resolution_quorum of the
representatives) and more than half of those attending voted for it. A failed
resolution stays on the log.

A resolution may name the ``proposal`` it decides: a matter proposed, discussed
and reviewed (ledger/domain/matters.py); recording it is the matter's 决议 step,
disclosing it the matter's 决议公开. The policy may require that for major matters.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from ledger.domain import policy
from ledger.domain import dates, fields, matters
from ledger.domain.records import Disclosure, Resolution, current_policy
from ledger.domain.effects import (Disclosed, Effects, ResolutionRecorded, ResolutionStepped,
                                   TradeStepped)
from ledger.domain.types import Context, statement_type
from ledger.errors import DomainError, NotFound, OutOfOrder
from ledger.domain.state import LedgerState
from ledger.format.statements import Entry

MATTER_KINDS = matters.MATTER_KINDS
VOTES = ("votes_for", "votes_against", "votes_abstain")
RECORDED_FIELDS = {"matter", "title", "meeting_date", "representatives", "attendance",
                   *VOTES, "minutes_sha256"}
SEQ_MAX = 2**53 - 1


def passed(body: dict[str, Any]) -> bool:
    numerator, denominator = policy.resolution_quorum
    quorum = body["attendance"] * denominator >= body["representatives"] * numerator
    return quorum and body["votes_for"] * 2 > body["attendance"]


@statement_type("resolution.recorded")
def decide_recorded(ctx: Context) -> None:
    body = ctx.body
    fields.only_fields(body, RECORDED_FIELDS, {"proposal"})
    fields.text(body, "title", bytes_max=policy.name_bytes_max)
    dates.business_date(ctx, "meeting_date")
    fields.sha256_hex(body["minutes_sha256"], "minutes_sha256")
    seats = fields.integer(body["representatives"], "representatives", minimum=1,
                           maximum=policy.representatives_max)
    present = fields.integer(body["attendance"], "attendance", minimum=1, maximum=seats)
    votes = sum(fields.integer(body[name], name, minimum=0, maximum=present) for name in VOTES)
    if votes > present:
        raise DomainError(f"votes add up to {votes} but only {present} attended")
    kind, ref = matters.check_subject(ctx, body["matter"], "matter")
    matters.check_proposal(ctx, kind, ref)


@decide_recorded.applier
def apply_recorded(state: LedgerState, entry: Entry) -> Effects:
    body = entry.statement.body
    matter = body["matter"]
    resolution = Resolution(entry.seq, matter["kind"], matter.get("ref"), body["title"],
                            passed(body), entry.signed.signer, proposal=body.get("proposal"))
    state.resolutions[entry.seq] = resolution
    stepped = matters.resolved(state, entry, resolution) if resolution.proposal is not None \
        else ()
    if not (matter["kind"] == "trade" and resolution.passed):
        return (ResolutionRecorded(entry.seq, resolution), *stepped)
    trade = state.trades[matter["ref"]]
    trade = state.trades[trade.seq] = trade.then(entry.seq, status="resolved",
                                                 resolution=entry.seq)
    return (ResolutionRecorded(entry.seq, resolution), TradeStepped(entry.seq, trade), *stepped)


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
    matters.check_published(ctx, resolution)


@decide_disclosed.applier
def apply_disclosed(state: LedgerState, entry: Entry) -> Effects:
    body = entry.statement.body
    resolution = state.resolutions[body["resolution"]]
    resolution = state.resolutions[resolution.seq] = replace(resolution, disclosed_seq=entry.seq)
    disclosure = state.disclosures[entry.seq] = Disclosure(
        entry.seq, "resolutions", body["sheet_sha256"], body["published_on"],
        ("resolution", resolution.seq, "resolution"))
    return (ResolutionStepped(entry.seq, resolution), Disclosed(entry.seq, disclosure),
            *matters.published(state, entry, resolution))
