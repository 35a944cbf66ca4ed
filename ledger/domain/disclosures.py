"""Disclosures (公开): the catalogue of what must be public, and disclosure
statements signed by the committee.

A periodic disclosure (monthly ``2026-03``, quarterly ``2026-Q1`` or yearly
``2026``; per fund or per project) carries the SHA-256 of the printed sheet
(ledger/domain/sheets.py renders it from the log) and its totals; the ledger
refuses totals that differ from its own monthly flows, so a sheet on the
notice board can be checked against the log. A trade disclosure (stage
``award`` or ``completion``) is a step of the trade procedure (trades.py).
Resolutions are disclosed with ``resolution.disclosed`` (resolutions.py).
"""

from __future__ import annotations

import re
from typing import Any

from ledger.domain import policy
from ledger.domain import dates, fields
from ledger.domain.records import Catalogue, Disclosure, Flow
from ledger.domain.effects import CatalogueSet, Disclosed, Effects, TradeStepped
from ledger.domain.types import Context, statement_type
from ledger.errors import DomainError, FormatError, NotFound, OutOfOrder, UnknownFund
from ledger.domain.state import LedgerState
from ledger.format.statements import Entry

FREQUENCIES = frozenset({"monthly", "quarterly", "yearly", "per_project", "per_event"})
PERIODIC_ITEMS = frozenset({"fund_flows", "livelihood_funds"})
PERIOD_RE = re.compile(r"(\d{4})(?:-(0[1-9]|1[0-2])|-Q([1-4]))?", re.ASCII)
STAGES = {"award": frozenset({"awarded", "contracted", "settled", "completed"}),
          "completion": frozenset({"completed"})}
SEQ_MAX = 2**53 - 1
# The four items DOMAIN.md says must be public: the catalogue a new ledger starts from
# (`sunledger disclosure catalogue` without a file, and the demo).
STANDARD_CATALOGUE = [
    {"code": "fund_flows", "name_zh": "资金收支", "name_en": "Fund income and spending",
     "frequency": "monthly"},
    {"code": "livelihood_funds", "name_zh": "惠民资金使用", "name_en": "Livelihood-fund use",
     "frequency": "quarterly"},
    {"code": "asset_trades", "name_zh": "三资交易", "name_en": "Asset trades",
     "frequency": "per_event"},
    {"code": "resolutions", "name_zh": "决议", "name_en": "Resolutions", "frequency": "per_event"},
]


def period_months(period: Any) -> list[str]:
    """The months ("YYYY-MM") a period covers: "2026-03", "2026-Q1" or "2026"."""
    match = PERIOD_RE.fullmatch(period) if isinstance(period, str) else None
    if match is None:
        raise FormatError("period must be a month 2026-03, a quarter 2026-Q1 or a year 2026",
                          field="period")
    year, month, quarter = match.groups()
    if month:
        return [f"{year}-{month}"]
    first, count = ((int(quarter) - 1) * 3 + 1, 3) if quarter else (1, 12)
    return [f"{year}-{m:02d}" for m in range(first, first + count)]


def flows_for(state: LedgerState, scope: str, code: str, months: list[str]) -> Flow:
    total = Flow()
    for month in months:
        total = total.plus(state.flows.get((scope, code, month), Flow()))
    return total


def current_catalogue(state: LedgerState) -> Catalogue | None:
    return state.catalogues[max(state.catalogues)] if state.catalogues else None


@statement_type("disclosure.catalogue_set")
def decide_catalogue_set(ctx: Context) -> None:
    fields.only_fields(ctx.body, {"items"}, {"memo"})
    fields.text(ctx.body, "memo", bytes_max=policy.memo_bytes_max, required=False)
    items = ctx.body["items"]
    if not isinstance(items, list) or not 1 <= len(items) <= policy.catalogue_items_max:
        raise FormatError(f"items must list 1 to {policy.catalogue_items_max} items",
                          field="items")
    codes = []
    for item in items:
        if not isinstance(item, dict):
            raise FormatError("each catalogue item must be an object", field="items")
        fields.only_fields(item, {"code", "name_zh", "name_en", "frequency"})
        codes.append(fields.code(item, "code"))
        fields.text(item, "name_zh", bytes_max=policy.name_bytes_max)
        fields.text(item, "name_en", bytes_max=policy.name_bytes_max)
        fields.choice(item, "frequency", FREQUENCIES)
    if len(set(codes)) != len(codes):
        raise FormatError("a catalogue item code appears twice", field="items")
    missing = policy.MANDATORY_DISCLOSURES - set(codes)
    if missing:
        raise DomainError(f"the catalogue must include {', '.join(sorted(missing))} (these are "
                          "always public)", missing=sorted(missing))


@decide_catalogue_set.applier
def apply_catalogue_set(state: LedgerState, entry: Entry) -> Effects:
    codes = frozenset(item["code"] for item in entry.statement.body["items"])
    state.catalogues[entry.seq] = Catalogue(entry.seq, codes)
    return (CatalogueSet(entry.seq, state.catalogues[entry.seq]),)


def _scope(ctx: Context) -> tuple[str, str]:
    """("fund", code) or ("project", code): exactly one of body.fund and body.project."""
    if ("fund" in ctx.body) == ("project" in ctx.body):
        raise FormatError("a periodic disclosure names exactly one of fund and project")
    if "fund" in ctx.body:
        fund = fields.code(ctx.body, "fund")
        if fund not in ctx.state.funds:
            raise UnknownFund(f"fund {fund} does not exist", fund=fund)
        return "fund", fund
    project = fields.code(ctx.body, "project")
    if project not in ctx.state.projects:
        raise NotFound(f"project {project} is not registered", project=project)
    return "project", project


def _check_totals(ctx: Context) -> None:
    months = period_months(ctx.body.get("period"))
    scope, code = _scope(ctx)
    totals = ctx.body["totals"]
    if not isinstance(totals, dict):
        raise FormatError("totals must be an object {income, spending}", field="totals")
    fields.only_fields(totals, {"income", "spending"})
    limit = policy.amount_max_fen
    claimed = Flow(fields.integer(totals["income"], "totals.income", minimum=-limit, maximum=limit),
                   fields.integer(totals["spending"], "totals.spending", minimum=-limit,
                                  maximum=limit))
    actual = flows_for(ctx.state, scope, code, months)
    if claimed != actual:
        raise DomainError(f"totals differ from the ledger for {scope} {code} in "
                          f"{ctx.body['period']}: the log has income {actual.income} and "
                          f"spending {actual.spending}", income=actual.income,
                          spending=actual.spending)


def _check_subject(ctx: Context) -> None:
    subject = ctx.body["subject"]
    if not isinstance(subject, dict):
        raise FormatError("subject must be an object {kind, ref, stage}", field="subject")
    fields.only_fields(subject, {"kind", "ref", "stage"})
    fields.choice(subject, "kind", {"trade"})
    stage = fields.choice(subject, "stage", frozenset(STAGES))
    ref = fields.integer(subject["ref"], "subject.ref", minimum=0, maximum=SEQ_MAX)
    trade = ctx.state.trades.get(ref)
    if trade is None:
        raise NotFound(f"trade {ref} does not exist", trade=ref)
    if trade.status not in STAGES[stage]:
        raise OutOfOrder(f"trade {ref} is {trade.status}; its {stage} is disclosed once it is "
                         f"{' or '.join(sorted(STAGES[stage]))}", trade=ref)
    done = trade.award_disclosure if stage == "award" else trade.completion_disclosure
    if done is not None:
        raise OutOfOrder(f"the {stage} of trade {ref} was already disclosed at seq {done}",
                         trade=ref)


@statement_type("disclosure.published")
def decide_published(ctx: Context) -> None:
    body = ctx.body
    fields.only_fields(body, {"item", "published_on", "sheet_sha256"},
                       {"where", "period", "fund", "project", "totals", "subject"})
    item = fields.code(body, "item")
    dates.business_date(ctx, "published_on")
    fields.sha256_hex(body["sheet_sha256"], "sheet_sha256")
    fields.text(body, "where", bytes_max=policy.label_bytes_max, required=False)
    catalogue = current_catalogue(ctx.state)
    if catalogue is None:
        raise OutOfOrder("this ledger has no disclosure catalogue yet "
                         "(disclosure.catalogue_set)")
    if item not in catalogue.items:
        raise DomainError(f"{item} is not in the disclosure catalogue", item=item)
    if item == "resolutions":
        raise DomainError("resolutions are disclosed with resolution.disclosed")
    if "subject" in body and "totals" in body:
        raise FormatError("a disclosure has either a subject or totals, not both")
    if (item == "asset_trades") != ("subject" in body):
        raise FormatError("asset_trades disclosures, and only they, name a subject trade")
    if item in PERIODIC_ITEMS and "totals" not in body:
        raise FormatError(f"{item} disclosures carry totals for a period", field="totals")
    if "subject" in body:
        _check_subject(ctx)
    elif "totals" in body:
        _check_totals(ctx)
    elif {"period", "fund", "project"} & set(body):
        raise FormatError("period, fund and project go with totals")


@decide_published.applier
def apply_published(state: LedgerState, entry: Entry) -> Effects:
    body = entry.statement.body
    subject = body.get("subject")
    key = (subject["kind"], subject["ref"], subject["stage"]) if subject else None
    totals = body.get("totals")
    scope = ("fund", body["fund"]) if "fund" in body else (
        ("project", body["project"]) if "project" in body else None)
    disclosure = state.disclosures[entry.seq] = Disclosure(
        entry.seq, body["item"], body["sheet_sha256"], body["published_on"], key,
        scope=scope if totals else None, period=body.get("period", "") if totals else "",
        totals=Flow(totals["income"], totals["spending"]) if totals else None)
    if not subject:
        return (Disclosed(entry.seq, disclosure),)
    trade = state.trades[subject["ref"]]
    field = "award_disclosure" if subject["stage"] == "award" else "completion_disclosure"
    trade = state.trades[trade.seq] = trade.then(entry.seq, **{field: entry.seq})
    return (Disclosed(entry.seq, disclosure), TradeStepped(entry.seq, trade))
