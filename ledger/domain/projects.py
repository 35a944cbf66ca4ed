"""Projects of a fund (e.g. one micro-renovation under the renovation fund), with
the period they run for: payments may name their project, disclosures may be
per project, and auditors flag payments dated outside the project's period."""

from __future__ import annotations

from ledger.domain import policy
from ledger.domain import dates, fields
from ledger.domain.records import Project
from ledger.domain.effects import Effects, ProjectRegistered
from ledger.domain.types import Context, statement_type
from ledger.errors import DomainError, UnknownFund
from ledger.domain.state import LedgerState
from ledger.format.statements import Entry


@statement_type("project.registered")
def decide_project_registered(ctx: Context) -> None:
    body = ctx.body
    fields.only_fields(body, {"code", "fund", "name_zh", "name_en", "starts", "ends"},
                       {"memo", "budget"})
    if "budget" in body:
        fields.amount(body["budget"], "budget", maximum=policy.amount_max_fen)
    code, fund = fields.code(body, "code"), fields.code(body, "fund")
    fields.text(body, "name_zh", bytes_max=policy.name_bytes_max)
    fields.text(body, "name_en", bytes_max=policy.name_bytes_max)
    fields.text(body, "memo", bytes_max=policy.memo_bytes_max, required=False)
    starts, ends = dates.planned_date(ctx, "starts"), dates.planned_date(ctx, "ends")
    if fund not in ctx.state.funds:
        raise UnknownFund(f"fund {fund} does not exist", fund=fund)
    if ends < starts:
        raise DomainError(f"the project ends ({ends}) before it starts ({starts})")
    if code in ctx.state.projects:
        raise DomainError(f"project {code} already exists", project=code)


@decide_project_registered.applier
def apply_project_registered(state: LedgerState, entry: Entry) -> Effects:
    body = entry.statement.body
    project = Project(body["code"], body["fund"], body["name_zh"], body["name_en"],
                      body["starts"], body["ends"], entry.seq, body.get("budget"))
    state.projects[project.code] = project
    return (ProjectRegistered(entry.seq, project),)
