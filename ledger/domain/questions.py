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
import hashlib
import re
from typing import Any

from ledger.domain import policy
from ledger.domain import fields
from ledger.domain.assets import documents
from ledger.domain.records import Question
from ledger.domain.effects import Effects, QuestionAsked, QuestionStepped
from ledger.domain.types import Context, statement_type
from ledger.errors import DomainError, FormatError, NotFound, OutOfOrder
from ledger.domain.state import LedgerState
from ledger.format.statements import Entry, parse_time

# What a resident may ask about, by the kind of reference that names it: an
# entry's seq, a code, "FUND/YEAR" for a budget, or nothing for the ledger itself.
SEQ_KINDS = frozenset({"entry", "trade", "disclosure", "resolution", "contract"})
CODE_KINDS = frozenset({"asset", "fund", "project"})
ABOUT_KINDS = SEQ_KINDS | CODE_KINDS | {"budget", "ledger"}
SEQ_MAX = 2**53 - 1
# The satisfaction an asker gives a closed question (满意 / 基本满意 / 不满意).
SATISFACTION = ("satisfied", "basically_satisfied", "dissatisfied")
BUDGET_REF_RE = re.compile(r"([A-Za-z0-9][A-Za-z0-9_.-]{0,31})/([0-9]{4})")


def _about(ctx: Context) -> None:
    about = ctx.body["about"]
    if not isinstance(about, dict):
        raise FormatError("about must be an object {kind, ref}", field="about")
    kind = fields.choice(about, "kind", ABOUT_KINDS)
    if kind == "ledger":
        fields.only_fields(about, {"kind"})
        return
    fields.only_fields(about, {"kind", "ref"})
    if not _known(ctx.state, kind, about["ref"]):
        raise NotFound(f"there is no {kind} {about['ref']} in this ledger", kind=kind,
                       ref=about["ref"])


def _known(state: LedgerState, kind: str, ref: Any) -> bool:
    if kind in SEQ_KINDS:
        seq = fields.integer(ref, "about.ref", minimum=0, maximum=SEQ_MAX)
        return {"entry": seq < state.size, "trade": seq in state.trades,
                "disclosure": seq in state.disclosures,
                "resolution": seq in state.resolutions,
                "contract": seq in state.contracts}[kind]
    if kind in CODE_KINDS:
        code = fields.code({"about.ref": ref}, "about.ref")
        return code in {"asset": state.assets, "fund": state.funds,
                        "project": state.projects}[kind]
    match = BUDGET_REF_RE.fullmatch(ref) if isinstance(ref, str) else None
    if match is None:
        raise FormatError("a budget is named FUND/YEAR, e.g. general/2026", field="about.ref")
    return (match[1], int(match[2])) in state.budgets


@statement_type("question.asked")
def decide_asked(ctx: Context) -> None:
    fields.only_fields(ctx.body, {"about", "text"}, {"contact_hash", "receipt_sha256"})
    fields.text(ctx.body, "text", bytes_max=policy.question_text_bytes_max)
    for name in ("contact_hash", "receipt_sha256"):
        if name in ctx.body:
            fields.sha256_hex(ctx.body[name], name)
    _about(ctx)


@decide_asked.applier
def apply_asked(state: LedgerState, entry: Entry) -> Effects:
    body = entry.statement.body
    about = body["about"]
    question = state.questions[entry.seq] = Question(
        entry.seq, about["kind"], about.get("ref"), entry.recorded_at,
        receipt_sha256=body.get("receipt_sha256", ""))
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


@statement_type("question.rated")
def decide_rated(ctx: Context) -> None:
    """The asker's satisfaction with a closed question, relayed by the intake. The
    receipt code itself goes on the log: anyone can check that it hashes to the
    ``receipt_sha256`` the question was asked with, so only the asker could rate."""
    fields.only_fields(ctx.body, {"question", "rating", "receipt_code"})
    fields.choice(ctx.body, "rating", frozenset(SATISFACTION))
    code = fields.text(ctx.body, "receipt_code", bytes_max=64)
    seq = fields.integer(ctx.body["question"], "question", minimum=0, maximum=SEQ_MAX)
    question = ctx.state.questions.get(seq)
    if question is None:
        raise NotFound(f"entry {seq} is not a question", question=seq)
    if question.status != "closed":
        raise OutOfOrder(f"question {seq} is not closed yet; rate it once it is closed",
                         question=seq)
    if question.rating:
        raise OutOfOrder(f"question {seq} is already rated", question=seq)
    if not question.receipt_sha256 or receipt_hash(code) != question.receipt_sha256:
        raise DomainError("this receipt code is not the one question "
                          f"{seq} was asked with", question=seq)


def receipt_hash(code: str) -> str:
    return hashlib.sha256(code.encode("utf-8")).hexdigest()


@decide_rated.applier
def apply_rated(state: LedgerState, entry: Entry) -> Effects:
    body = entry.statement.body
    question = state.questions[body["question"]]
    question = state.questions[question.seq] = replace(question, rating=body["rating"])
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
             "rating": q.rating or None,
             "hours_to_answer": _hours(q.asked_at, q.answered_at),
             "hours_to_close": _hours(q.asked_at, q.closed_at)}
            for q in sorted(state.questions.values(), key=lambda q: q.seq)]
