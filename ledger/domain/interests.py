"""The conflict-of-interest register (利益冲突登记): ties between committee
members and outside parties (relatives, businesses). Declaring a tie blocks
nothing by itself; auditors' red flags (ledger/domain/redflags.py) match awards of
asset trades against it."""

from __future__ import annotations

from dataclasses import replace

from ledger.domain import policy
from ledger.domain import fields
from ledger.domain.assets import party
from ledger.domain.records import Interest
from ledger.domain.effects import Effects, InterestDeclared, InterestEnded
from ledger.domain.types import Context, statement_type
from ledger.errors import FormatError, NotFound, OutOfOrder
from ledger.domain.state import LedgerState
from ledger.format.statements import Entry

RELATIONS = frozenset({"spouse", "relative", "business", "employer", "other"})
SEQ_MAX = 2**53 - 1


@statement_type("interest.declared")
def decide_declared(ctx: Context) -> None:
    fields.only_fields(ctx.body, {"member", "party", "relation"}, {"note"})
    member = ctx.body["member"]
    if not isinstance(member, dict):
        raise FormatError("member must be an object {name, key_id?}", field="member")
    fields.only_fields(member, {"name"}, {"key_id"})
    fields.text(member, "name", bytes_max=policy.name_bytes_max)
    if "key_id" in member and (not isinstance(member["key_id"], str)
                               or member["key_id"] not in ctx.state.keys):
        raise NotFound(f"key {member['key_id']} is not registered here", key_id=member["key_id"])
    party(ctx.body, "party")
    fields.choice(ctx.body, "relation", RELATIONS)
    fields.text(ctx.body, "note", bytes_max=policy.memo_bytes_max, required=False)


@decide_declared.applier
def apply_declared(state: LedgerState, entry: Entry) -> Effects:
    body = entry.statement.body
    state.interests[entry.seq] = Interest(
        entry.seq, body["member"]["name"], body["member"].get("key_id", ""),
        body["party"]["name"], body["party"].get("id", ""), body["relation"])
    return (InterestDeclared(entry.seq, state.interests[entry.seq]),)


@statement_type("interest.ended")
def decide_ended(ctx: Context) -> None:
    fields.only_fields(ctx.body, {"interest", "reason"})
    fields.text(ctx.body, "reason", bytes_max=policy.memo_bytes_max)
    seq = fields.integer(ctx.body["interest"], "interest", minimum=0, maximum=SEQ_MAX)
    interest = ctx.state.interests.get(seq)
    if interest is None:
        raise NotFound(f"entry {seq} is not a declared interest", interest=seq)
    if interest.ended_seq is not None:
        raise OutOfOrder(f"interest {seq} already ended at seq {interest.ended_seq}")


@decide_ended.applier
def apply_ended(state: LedgerState, entry: Entry) -> Effects:
    interest = replace(state.interests[entry.statement.body["interest"]], ended_seq=entry.seq)
    state.interests[interest.seq] = interest
    return (InterestEnded(entry.seq, interest),)
