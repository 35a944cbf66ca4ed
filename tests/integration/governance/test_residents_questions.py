"""Residents' questions (质询): asked through the server's intake key, answered
and closed by the committee or the supervisors, with how long each took."""

from __future__ import annotations

from ledger.domain import questions
from ledger.errors import DomainError, FormatError, NotFound, OutOfOrder, PolicyError
from ledger.format.keys import SigningKey
from tests.builders.community import YUAN


def test_a_question_is_answered_then_closed_and_the_board_shows_the_wait(town, clock):
    seq = town.grant("general", 1_000 * YUAN).seq
    question = town.submit(town.intake.ask("entry", seq, "这笔钱用在哪里? Where did it go?"))
    assert questions.board(town.state)[0]["status"] == "open"
    clock.advance(days=2)
    town.submit(town.supervisor.answer(question, "见公开栏 see the notice board"))
    clock.advance(days=1)
    town.submit(town.committee.close_question(question, note="居民满意 resident satisfied"))
    [row] = questions.board(town.state)
    assert (row["status"], row["hours_to_answer"], row["hours_to_close"]) == ("closed", 48.0,
                                                                              72.0)


def test_only_the_intake_key_asks(town):
    seq = town.grant("general", 1_000 * YUAN).seq
    town.refused(town.committee.ask("entry", seq, "?"), PolicyError, "role intake")


def test_an_intake_key_may_hold_no_other_role(town):
    town.refused(town.admin.register_key(SigningKey.generate(), ["intake", "committee"],
                                         "greedy server key"),
                 DomainError, "may not hold both committee and intake")


def test_contact_details_never_reach_the_log(town):
    seq = town.grant("general", 1_000 * YUAN).seq
    signed = town.intake.sign("question.asked", {"about": {"kind": "entry", "ref": seq},
                                                 "text": "?", "contact": "13800000000"})
    town.refused(signed, FormatError, "unknown fields contact")
    town.refused(town.intake.ask("entry", seq, "?", contact_hash="13800000000"), FormatError,
                 "contact_hash must be a SHA-256")


def test_a_question_must_be_about_something_in_this_ledger(town):
    town.refused(town.intake.ask("entry", 10_000, "?"), NotFound, "no entry 10000")
    town.refused(town.intake.ask("trade", 1, "?"), NotFound, "no trade 1")
    town.refused(town.intake.ask("disclosure", 1, "?"), NotFound, "no disclosure 1")
    town.refused(town.intake.ask("person", 1, "?"), FormatError, "kind must be one of")


def test_closing_before_an_answer_and_answering_after_closing_are_refused(town):
    seq = town.grant("general", 1_000 * YUAN).seq
    question = town.submit(town.intake.ask("entry", seq, "?"))
    town.refused(town.committee.close_question(question), OutOfOrder, "has no answer yet")
    town.submit(town.committee.answer(question, "答复 answer"))
    town.submit(town.committee.answer(question, "补充 more"))
    town.submit(town.committee.close_question(question))
    town.refused(town.committee.answer(question, "late"), OutOfOrder, "already closed")
    town.refused(town.committee.close_question(question), OutOfOrder, "already closed")
    assert len(town.state.questions[question].answers) == 2


def test_the_agent_cannot_answer_and_text_has_a_limit(town):
    seq = town.grant("general", 1_000 * YUAN).seq
    question = town.submit(town.intake.ask("entry", seq, "?"))
    town.refused(town.agent.answer(question, "x"), PolicyError, "committee or supervisor")
    town.refused(town.intake.ask("entry", seq, "问" * 700), FormatError, "longer than 2000 bytes")
    town.refused(town.committee.answer(seq, "x"), NotFound, "is not a question")
