"""Residents' questions (质询): asked through the public API, answered and closed
by the committee or the supervisors, all on the log.

The server signs ``question.asked`` with its intake key (role ``intake``) on
behalf of an anonymous resident. Contact details never reach the log: the
API may keep them privately and put only a salted SHA-256 (``contact_hash``)
here, or nothing. Times are the entries' recorded_at, so how long a question
waited is measured by the server's clock, the same for everyone.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from ledger.domain import policy
from ledger.domain import fields
from ledger.domain.assets import documents
from ledger.domain.records import Question
from ledger.domain.effects import Effects, QuestionAsked, QuestionStepped
from ledger.domain.types import Context, statement_type
from ledger.errors import FormatError, NotFound, OutOfOrder
from ledger.domain.state import LedgerState
from ledger.format.statements import Entry, parse_time

ABOUT_KINDS = frozenset({"entry", "trade", "disclosure"})
SEQ_MAX = 2**53 - 1


def _about(ctx: Context) -> None:
    about = ctx.body["about"]
    if not isinstance(about, dict):
        raise FormatError("about must be an object {kind, ref}", field="about")
    fields.only_fields(about, {"kind", "ref"})
    kind = fields.choice(about, "kind", ABOUT_KINDS)
    ref = fields.integer(about["ref"], "about.ref", minimum=0, maximum=SEQ_MAX)
    known = {"entry": ref < ctx.state.size, "trade": ref in ctx.state.trades,
             "disclosure": ref in ctx.state.disclosures}[kind]
    if not known:
        raise NotFound(f"there is no {kind} {ref} in this ledger", kind=kind, ref=ref)


@statement_type("question.asked")
def decide_asked(ctx: Context) -> None:
    fields.only_fields(ctx.body, {"about", "text"}, {"contact_hash"})
    fields.text(ctx.body, "text", bytes_max=policy.question_text_bytes_max)
    if "contact_hash" in ctx.body:
        fields.sha256_hex(ctx.body["contact_hash"], "contact_hash")
    _about(ctx)


@decide_asked.applier
def apply_asked(state: LedgerState, entry: Entry) -> Effects:
    about = entry.statement.body["about"]
    question = state.questions[entry.seq] = Question(entry.seq, about["kind"], about["ref"],
                                                     entry.recorded_at)
    return (QuestionAsked(entry.seq, question),)


def question_of(ctx: Context) -> Question:
    seq = fields.integer(ctx.body.get("question"), "question", minimum=0, maximum=SEQ_MAX)
    question = ctx.state.questions.get(seq)
    if question is None:
        raise NotFound(f"entry {seq} is not a question", question=seq)
    if question.status == "closed":
        raise OutOfOrder(f"question {seq} is already closed", question=seq)
    return question


@statement_type("question.answered")
def decide_answered(ctx: Context) -> None:
    fields.only_fields(ctx.body, {"question", "text"}, {"documents"})
    fields.text(ctx.body, "text", bytes_max=policy.answer_text_bytes_max)
    documents(ctx.body)
    question_of(ctx)


@decide_answered.applier
def apply_answered(state: LedgerState, entry: Entry) -> Effects:
    question = state.questions[entry.statement.body["question"]]
    question = state.questions[question.seq] = replace(
        question, status="answered", answers=question.answers + (entry.seq,),
        answered_at=question.answered_at or entry.recorded_at)
    return (QuestionStepped(entry.seq, question),)


@statement_type("question.closed")
def decide_closed(ctx: Context) -> None:
    fields.only_fields(ctx.body, {"question"}, {"note"})
    fields.text(ctx.body, "note", bytes_max=policy.memo_bytes_max, required=False)
    question = question_of(ctx)
    if question.status != "answered":
        raise OutOfOrder(f"question {question.seq} has no answer yet; answer it before closing "
                         "it", question=question.seq)


@decide_closed.applier
def apply_closed(state: LedgerState, entry: Entry) -> Effects:
    question = state.questions[entry.statement.body["question"]]
    question = state.questions[question.seq] = replace(question, status="closed",
                                                       closed_at=entry.recorded_at)
    return (QuestionStepped(entry.seq, question),)


def _hours(start: str, end: str) -> float | None:
    if not end:
        return None
    return round((parse_time(end) - parse_time(start)).total_seconds() / 3600, 2)


def board(state: LedgerState) -> list[dict[str, Any]]:
    """Every question of the ledger with how long it took (hours), oldest first."""
    return [{"seq": q.seq, "about": {"kind": q.about_kind, "ref": q.about_ref},
             "status": q.status, "asked_at": q.asked_at, "answers": list(q.answers),
             "answered_at": q.answered_at or None, "closed_at": q.closed_at or None,
             "hours_to_answer": _hours(q.asked_at, q.answered_at),
             "hours_to_close": _hours(q.asked_at, q.closed_at)}
            for q in sorted(state.questions.values(), key=lambda q: q.seq)]
