"""Resolutions (四议两公开), disclosures (公开), the disclosure catalogue and
residents' questions (质询) as read tables: ``view_resolutions``,
``view_disclosures``, ``view_catalogues``, ``view_questions``, with each one's
story in ``view_gov_steps``. Mirrors ``ledger.domain.{resolutions,disclosures,
questions}``; a question's contact hash is never copied anywhere.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ledger.domain import policy
from ledger.domain.resolutions import passed
from ledger.format.statements import Entry
from projections.handlers import handles
from projections.handlers.common import detail_json, signer_role
from projections.handlers.governance_assets import trade_resolved, update_trade
from projections.handlers.governance_common import add_step, require, seq_of

if TYPE_CHECKING:
    from projections.view import Tx

DISCLOSURE_INSERT = (
    "INSERT INTO view_disclosures (ledger, seq, type, item, published_on, sheet_sha256, place, "
    "subject_kind, subject_ref, stage, period, fund, project, income, spending, recorded_at) "
    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")


# --- resolutions -------------------------------------------------------------------


@handles("resolution.recorded")
def resolution_recorded(tx: Tx, entry: Entry) -> None:
    body = entry.statement.body
    matter = body["matter"]
    ref = matter.get("ref")
    ok = passed(body)
    tx.run("INSERT INTO view_resolutions (ledger, seq, matter_kind, matter_ref, title, "
           "meeting_date, representatives, attendance, votes_for, votes_against, votes_abstain, "
           "passed, minutes_sha256, cosigned_roles, cosigners, disclosed_seq, recorded_at) "
           "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, '', 0, NULL, ?)",
           (entry.ledger, entry.seq, str(matter["kind"]), ref, str(body["title"]),
            str(body["meeting_date"]), int(body["representatives"]), int(body["attendance"]),
            int(body["votes_for"]), int(body["votes_against"]), int(body["votes_abstain"]),
            int(ok), str(body["minutes_sha256"]), entry.recorded_at))
    add_step(tx, entry, "resolution", entry.seq)
    if matter["kind"] == "trade" and ok:
        trade_resolved(tx, entry, seq_of(ref, "matter.ref"))


def _resolution(tx: Tx, ledger: str, seq: object) -> dict:
    return require(tx, "SELECT seq, cosigned_roles, cosigners FROM view_resolutions "
                   "WHERE ledger = ? AND seq = ?", (ledger, seq_of(seq, "resolution")),
                   f"resolution {seq}")


@handles("resolution.cosigned")
def resolution_cosigned(tx: Tx, entry: Entry) -> None:
    row = _resolution(tx, entry.ledger, entry.statement.body["resolution"])
    allowed = policy.SIGNING_ROLES["resolution.cosigned"]
    roles = {r for r in row["cosigned_roles"].split(",") if r}
    roles |= {r for r in signer_role(tx, entry).split(",") if r in allowed}
    tx.run("UPDATE view_resolutions SET cosigned_roles = ?, cosigners = cosigners + 1 "
           "WHERE ledger = ? AND seq = ?", (",".join(sorted(roles)), entry.ledger, row["seq"]))
    add_step(tx, entry, "resolution", row["seq"])


@handles("resolution.disclosed")
def resolution_disclosed(tx: Tx, entry: Entry) -> None:
    body = entry.statement.body
    row = _resolution(tx, entry.ledger, body["resolution"])
    tx.run("UPDATE view_resolutions SET disclosed_seq = ? WHERE ledger = ? AND seq = ?",
           (entry.seq, entry.ledger, row["seq"]))
    tx.run(DISCLOSURE_INSERT,
           (entry.ledger, entry.seq, entry.statement.type, "resolutions",
            str(body["published_on"]), str(body["sheet_sha256"]), str(body.get("where", "")),
            "resolution", row["seq"], "resolution", None, None, None, None, None,
            entry.recorded_at))
    add_step(tx, entry, "resolution", row["seq"])


# --- disclosures ---------------------------------------------------------------------


@handles("disclosure.catalogue_set")
def catalogue_set(tx: Tx, entry: Entry) -> None:
    items = entry.statement.body["items"]
    if not isinstance(items, list):
        raise TypeError("items must be a list")
    tx.run("INSERT INTO view_catalogues (ledger, seq, items, recorded_at) VALUES (?, ?, ?, ?)",
           (entry.ledger, entry.seq, detail_json(items), entry.recorded_at))


@handles("disclosure.published")
def disclosure_published(tx: Tx, entry: Entry) -> None:
    body = entry.statement.body
    subject, totals = body.get("subject"), body.get("totals") or {}
    tx.run(DISCLOSURE_INSERT,
           (entry.ledger, entry.seq, entry.statement.type, str(body["item"]),
            str(body["published_on"]), str(body["sheet_sha256"]), str(body.get("where", "")),
            subject["kind"] if subject else None, subject["ref"] if subject else None,
            subject["stage"] if subject else None, body.get("period"), body.get("fund"),
            body.get("project"), totals.get("income"), totals.get("spending"),
            entry.recorded_at))
    if subject and subject["kind"] == "trade":
        column = "award_disclosure" if subject["stage"] == "award" else "completion_disclosure"
        update_trade(tx, entry, seq_of(subject["ref"], "subject.ref"), **{column: entry.seq})


# --- residents' questions -------------------------------------------------------------


@handles("question.asked")
def question_asked(tx: Tx, entry: Entry) -> None:
    body = entry.statement.body
    about = body["about"]
    tx.run("INSERT INTO view_questions (ledger, seq, about_kind, about_ref, text, status, "
           "asked_at, answered_at, closed_at, answers) VALUES (?, ?, ?, ?, ?, 'open', ?, NULL, "
           "NULL, 0)", (entry.ledger, entry.seq, str(about["kind"]),
                        seq_of(about["ref"], "about.ref"), str(body["text"]), entry.recorded_at))
    add_step(tx, entry, "question", entry.seq)


def _question(tx: Tx, entry: Entry) -> int:
    seq = seq_of(entry.statement.body["question"], "question")
    require(tx, "SELECT seq FROM view_questions WHERE ledger = ? AND seq = ?",
            (entry.ledger, seq), f"question {seq}")
    return seq


@handles("question.answered")
def question_answered(tx: Tx, entry: Entry) -> None:
    seq = _question(tx, entry)
    tx.run("UPDATE view_questions SET status = 'answered', answers = answers + 1, "
           "answered_at = COALESCE(answered_at, ?) WHERE ledger = ? AND seq = ?",
           (entry.recorded_at, entry.ledger, seq))
    add_step(tx, entry, "question", seq)


@handles("question.closed")
def question_closed(tx: Tx, entry: Entry) -> None:
    seq = _question(tx, entry)
    tx.run("UPDATE view_questions SET status = 'closed', closed_at = ? WHERE ledger = ? "
           "AND seq = ?", (entry.recorded_at, entry.ledger, seq))
    add_step(tx, entry, "question", seq)
