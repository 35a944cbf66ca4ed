"""Resolutions (四议两公开), disclosures (公开), the disclosure catalogue and
residents' questions (质询) as read tables: ``view_resolutions``,
``view_disclosures``, ``view_catalogues``, ``view_questions``, with each one's
story in ``view_gov_steps``. Whether a resolution passed, who co-signed it and
what state a question is in come from the domain's records in the effects; a
question's contact hash is never copied anywhere.
"""

from __future__ import annotations

from ledger.domain.effects import (CatalogueSet, ConfidentialFiled, ConfidentialHandled,
                                   Disclosed, QuestionAsked, QuestionStepped,
                                   ResolutionRecorded, ResolutionStepped)
from projections.handlers import At, writes
from projections.handlers.common import detail_json
from projections.handlers.governance_common import add_step

DISCLOSURE_INSERT = (
    "INSERT INTO view_disclosures (ledger, seq, type, item, published_on, sheet_sha256, place, "
    "subject_kind, subject_ref, stage, period, fund, project, income, spending, recorded_at) "
    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")


# --- resolutions -------------------------------------------------------------------


@writes(ResolutionRecorded)
def resolution_recorded(at: At, recorded: ResolutionRecorded) -> None:
    body, resolution = at.body, recorded.resolution
    at.tx.run("INSERT INTO view_resolutions (ledger, seq, matter_kind, matter_ref, title, "
              "meeting_date, representatives, attendance, votes_for, votes_against, "
              "votes_abstain, passed, minutes_sha256, cosigned_roles, cosigners, disclosed_seq, "
              "recorded_at, proposal) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, '', 0, NULL, "
              "?, ?)",
              (at.ledger, resolution.seq, resolution.matter_kind, resolution.matter_ref,
               resolution.title, str(body["meeting_date"]), int(body["representatives"]),
               int(body["attendance"]), int(body["votes_for"]), int(body["votes_against"]),
               int(body["votes_abstain"]), int(resolution.passed), str(body["minutes_sha256"]),
               at.entry.recorded_at, resolution.proposal))
    add_step(at, "resolution", resolution.seq)


@writes(ResolutionStepped)
def resolution_stepped(at: At, stepped: ResolutionStepped) -> None:
    resolution = stepped.resolution
    at.tx.run("UPDATE view_resolutions SET cosigned_roles = ?, cosigners = ?, disclosed_seq = ? "
              "WHERE ledger = ? AND seq = ?",
              (",".join(sorted(resolution.cosigned_roles)), len(resolution.cosigners),
               resolution.disclosed_seq, at.ledger, resolution.seq))
    add_step(at, "resolution", resolution.seq)


# --- disclosures ---------------------------------------------------------------------


@writes(CatalogueSet)
def catalogue_set(at: At, effect: CatalogueSet) -> None:
    items = at.body["items"]
    if not isinstance(items, list):
        raise TypeError("items must be a list")
    at.tx.run("INSERT INTO view_catalogues (ledger, seq, items, recorded_at) VALUES "
              "(?, ?, ?, ?)", (at.ledger, effect.seq, detail_json(items), at.entry.recorded_at))


@writes(Disclosed)
def disclosed(at: At, effect: Disclosed) -> None:
    """A periodic sheet, a trade's notice, award or completion, or a resolution;
    the place, period and totals are what the statement says."""
    body, disclosure = at.body, effect.disclosure
    kind, ref, stage = disclosure.subject or (None, None, None)
    totals = body.get("totals") or {}
    at.tx.run(DISCLOSURE_INSERT,
              (at.ledger, disclosure.seq, at.entry.statement.type, disclosure.item,
               disclosure.published_on, disclosure.sheet_sha256, str(body.get("where", "")),
               kind, ref, stage, body.get("period"), body.get("fund"), body.get("project"),
               totals.get("income"), totals.get("spending"), at.entry.recorded_at))


# --- residents' questions -------------------------------------------------------------


@writes(QuestionAsked)
def question_asked(at: At, asked: QuestionAsked) -> None:
    question = asked.question
    # A seq goes in about_ref (what the entry, trade and disclosure pages join on),
    # a code or FUND/YEAR in about_code; a question about the ledger has neither.
    ref, code = ((question.about_ref, None) if isinstance(question.about_ref, int)
                 else (None, question.about_ref))
    at.tx.run("INSERT INTO view_questions (ledger, seq, about_kind, about_ref, about_code, "
              "text, status, asked_at, answered_at, closed_at, answers, rating) VALUES "
              "(?, ?, ?, ?, ?, ?, ?, ?, NULL, NULL, 0, NULL)",
              (at.ledger, question.seq, question.about_kind, ref, code,
               str(at.body["text"]), question.status, question.asked_at))
    add_step(at, "question", question.seq)


@writes(QuestionStepped)
def question_stepped(at: At, stepped: QuestionStepped) -> None:
    question = stepped.question
    at.tx.run("UPDATE view_questions SET status = ?, answers = ?, answered_at = ?, "
              "closed_at = ?, rating = ? WHERE ledger = ? AND seq = ?",
              (question.status, len(question.answers), question.answered_at or None,
               question.closed_at or None, question.rating or None, at.ledger, question.seq))
    add_step(at, "question", question.seq)


# --- confidential reports ---------------------------------------------------------------


@writes(ConfidentialFiled)
def confidential_filed(at: At, filed: ConfidentialFiled) -> None:
    report = filed.report
    at.tx.run("INSERT INTO view_confidential (ledger, seq, filed_at, readers, handled_on) "
              "VALUES (?, ?, ?, ?, NULL)",
              (at.ledger, report.seq, report.filed_at, len(report.recipients)))


@writes(ConfidentialHandled)
def confidential_handled(at: At, handled: ConfidentialHandled) -> None:
    at.tx.run("UPDATE view_confidential SET handled_on = ? WHERE ledger = ? AND seq = ?",
              (handled.report.handled_on, at.ledger, handled.report.seq))
