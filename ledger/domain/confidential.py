"""Confidential reports (举报): a resident's report that only the supervisory
committee and the auditors may read.

The server's intake seals the text to every active supervisor and auditor key
(X25519 sealed boxes, ``ledger.log.sealed_reports``) and signs
``confidential.filed`` with only the hash of the sealed bundle and the key ids
it was sealed to. The decision checks that those are exactly today's
supervisor and auditor keys, so no reader can be left out or slipped in. A
supervisor records ``confidential.handled``; the public sees only "handled on
date D".
"""

from __future__ import annotations

from dataclasses import replace

from ledger.domain import dates, fields
from ledger.domain.effects import ConfidentialFiled, ConfidentialHandled, Effects
from ledger.domain.records import ConfidentialReport
from ledger.domain.state import LedgerState
from ledger.domain.types import Context, statement_type
from ledger.errors import DomainError, FormatError, NotFound, OutOfOrder
from ledger.format.statements import Entry

READER_ROLES = frozenset({"supervisor", "auditor"})
SEQ_MAX = 2**53 - 1


def reader_key_ids(state: LedgerState) -> list[str]:
    """The key ids a report filed now is sealed to, sorted."""
    return sorted(record.key_id for record in state.keys.values()
                  if record.active() and record.roles & READER_ROLES)


@statement_type("confidential.filed")
def decide_filed(ctx: Context) -> None:
    fields.only_fields(ctx.body, {"sealed_sha256", "recipients"})
    fields.sha256_hex(ctx.body["sealed_sha256"], "sealed_sha256")
    recipients = ctx.body["recipients"]
    if not isinstance(recipients, list) or not all(isinstance(r, str) for r in recipients):
        raise FormatError("recipients must be a list of key ids", field="recipients")
    readers = reader_key_ids(ctx.state)
    if not readers:
        raise DomainError("this ledger has no supervisor or auditor key to read a report")
    if recipients != readers:
        raise DomainError("a report must be sealed to exactly the active supervisor and "
                          "auditor keys, in key-id order", expected=readers)


@decide_filed.applier
def apply_filed(state: LedgerState, entry: Entry) -> Effects:
    body = entry.statement.body
    report = state.confidential[entry.seq] = ConfidentialReport(
        entry.seq, entry.recorded_at, body["sealed_sha256"], tuple(body["recipients"]))
    return (ConfidentialFiled(entry.seq, report),)


@statement_type("confidential.handled")
def decide_handled(ctx: Context) -> None:
    fields.only_fields(ctx.body, {"report", "handled_on"})
    seq = fields.integer(ctx.body["report"], "report", minimum=0, maximum=SEQ_MAX)
    report = ctx.state.confidential.get(seq)
    if report is None:
        raise NotFound(f"entry {seq} is not a confidential report", report=seq)
    if report.handled_on:
        raise OutOfOrder(f"report {seq} was already handled on {report.handled_on}",
                         report=seq)
    handled_on = dates.business_date(ctx, "handled_on")
    filed_on = dates.local_day(report.filed_at).isoformat()
    if handled_on < filed_on:
        raise DomainError(f"report {seq} was filed on {filed_on}; "
                          "it cannot be handled before that", report=seq)


@decide_handled.applier
def apply_handled(state: LedgerState, entry: Entry) -> Effects:
    body = entry.statement.body
    report = state.confidential[body["report"]]
    report = state.confidential[report.seq] = replace(report, handled_on=body["handled_on"])
    return (ConfidentialHandled(entry.seq, report),)
