"""Residents ask about anything of the ledger (an asset, a fund, a budget, a resolution,
a contract, the ledger itself) and rate the answer with the receipt code they got when asking."""

from __future__ import annotations

import hashlib
from functools import partial

import pytest

from ledger.domain import questions
from ledger.errors import DomainError, FormatError, NotFound, OutOfOrder, PolicyError
from tests.builders.community import YUAN
from tests.builders.contracts import sign, works_body


def receipt(code: str) -> str:
    return hashlib.sha256(code.encode()).hexdigest()


@pytest.mark.parametrize("kind, ref", [("fund", "activity"), ("budget", "general/2026"),
                                       ("asset", "shop-1"), ("ledger", None)])
def test_a_question_may_be_about_a_fund_a_budget_an_asset_or_the_ledger(town, kind, ref):
    town.register_shop("shop-1")
    town.submit(town.committee.budget("general", 2026, 50_000 * YUAN))
    seq = town.submit(town.intake.ask(kind, ref, "这是什么? what is this?"))
    [row] = questions.board(town.state)
    assert (row["seq"], row["about"]) == (seq, {"kind": kind, "ref": ref})


def test_a_question_may_be_about_a_resolution(town):
    resolution = town.resolve("other", None)
    town.submit(town.intake.ask("resolution", resolution, "谁投了反对票?"))
    assert questions.board(town.state)[0]["about"] == {"kind": "resolution", "ref": resolution}


def test_a_question_may_be_about_a_contract_and_only_one_that_was_signed(town):
    town.grant("renovation", 500_000 * YUAN)
    contract = sign(town, works_body())
    town.refused(town.intake.ask("contract", contract + 1, "?"), NotFound,
                 f"no contract {contract + 1}")
    town.refused(town.intake.ask("contract", "works-1", "?"), FormatError, "integer")
    town.submit(town.intake.ask("contract", contract, "工程款付了多少? how much is paid?"))
    assert questions.board(town.state)[0]["about"] == {"kind": "contract", "ref": contract}


def test_a_question_about_something_this_ledger_lacks_is_refused(town):
    town.refused(town.intake.ask("fund", "nosuchfund", "?"), NotFound, "no fund nosuchfund")
    town.refused(town.intake.ask("budget", "general/2031", "?"), NotFound, "no budget")
    town.refused(town.intake.ask("budget", "general-2031", "?"), FormatError, "FUND/YEAR")
    town.refused(town.intake.ask("asset", "shop 1", "?"), FormatError, "must be a code")
    town.refused(town.intake.ask("resolution", 1, "?"), NotFound, "no resolution 1")
    town.refused(town.intake.ask("fund", 3, "?"), FormatError, "must be a code")
    town.refused(town.intake.sign("question.asked", {"about": {"kind": "ledger", "ref": 1},
                                                     "text": "?"}), FormatError, "unknown")


def closed_question(town, code: str = "ABCD-EFGH-JKLM-NPQR") -> int:
    seq = town.grant("general", 1_000 * YUAN).seq
    question = town.submit(town.intake.ask("entry", seq, "?", receipt_sha256=receipt(code)))
    town.submit(town.committee.answer(question, "答复 answer"))
    return question


def test_the_asker_rates_a_closed_question_once_with_their_receipt_code(town):
    question = closed_question(town)
    town.refused(town.intake.rate(question, "satisfied", "ABCD-EFGH-JKLM-NPQR"), OutOfOrder,
                 "not closed yet")
    town.submit(town.committee.close_question(question))
    town.submit(town.intake.rate(question, "basically_satisfied", "ABCD-EFGH-JKLM-NPQR"))
    assert questions.board(town.state)[0]["rating"] == "basically_satisfied"
    town.refused(town.intake.rate(question, "satisfied", "ABCD-EFGH-JKLM-NPQR"), OutOfOrder,
                 "already rated")


def test_a_rating_with_another_code_or_by_another_key_is_refused(town):
    question = closed_question(town)
    town.submit(town.committee.close_question(question))
    town.refused(town.intake.rate(question, "dissatisfied", "WXYZ-WXYZ-WXYZ-WXYZ"), DomainError,
                 "not the one question")
    town.refused(town.committee.rate(question, "satisfied", "ABCD-EFGH-JKLM-NPQR"), PolicyError,
                 "role intake")
    town.refused(town.intake.rate(question, "great", "ABCD-EFGH-JKLM-NPQR"), FormatError,
                 "rating must be one of")


def test_a_question_asked_without_a_receipt_code_cannot_be_rated(town):
    seq = town.grant("general", 1_000 * YUAN).seq
    question = town.submit(town.intake.ask("entry", seq, "?"))
    town.submit(town.committee.answer(question, "答复"))
    town.submit(town.committee.close_question(question))
    town.refused(town.intake.rate(question, "satisfied", ""), FormatError, "receipt_code")
    town.refused(town.intake.rate(question, "satisfied", "ABCD"), DomainError,
                 "not the one question")


SEALED = hashlib.sha256(b"a sealed bundle").hexdigest()


def test_a_confidential_report_must_be_sealed_to_exactly_todays_supervisors_and_auditors(town):
    auditor = town.new_key(["auditor"], "审计", "auditor")
    readers = sorted([town.supervisor.key.key_id, auditor.key.key_id])
    filed = partial(town.intake.sign, "confidential.filed")
    town.refused(filed({"sealed_sha256": SEALED, "recipients": readers[:1]}), DomainError,
                 "exactly the active supervisor and auditor keys")
    town.refused(filed({"sealed_sha256": SEALED, "recipients": readers[::-1]}), DomainError,
                 "key-id order")
    town.refused(filed({"sealed_sha256": SEALED,
                        "recipients": [*readers, town.committee.key.key_id]}), DomainError,
                 "exactly")
    town.refused(town.committee.sign("confidential.filed", {"sealed_sha256": SEALED,
                                                            "recipients": readers}),
                 PolicyError, "role intake")
    town.submit(filed({"sealed_sha256": SEALED, "recipients": readers}))
    town.submit(town.admin.revoke_key(auditor.key.key_id, "left"))
    town.refused(filed({"sealed_sha256": SEALED, "recipients": readers}), DomainError,
                 "exactly")
