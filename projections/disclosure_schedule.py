"""The disclosure schedule: every disclosure the catalogue makes due, with its status,
and the disclosure rate (公开率) per month of due dates.

Read from the small governance tables (catalogues, disclosures, trade steps), never the
log; when something is due and whether it came on time is decided by
``ledger.domain.disclosure_schedule``. ``today`` and the ledger's time zone come from
the caller: "overdue" depends on the day it is asked.
"""

from __future__ import annotations

import json
from collections import defaultdict
from datetime import date, datetime, tzinfo
from typing import Any

from ledger.domain import disclosure_schedule as rules
from projections.paging import require_ledger
from projections.view import FinanceView, Tx

# Per-event items the schedule can follow: the catalogue item, the subject its
# disclosures name, and the steps that make one due (step type -> disclosed stage).
EVENT_ITEMS = {"asset_trades": ("trade", {"trade.awarded": "award",
                                          "trade.completed": "completion"}),
               "resolutions": ("resolution", {"resolution.recorded": "resolution"})}


def local_day(recorded_at: str, zone: tzinfo) -> date:
    return datetime.fromisoformat(recorded_at.replace("Z", "+00:00")).astimezone(zone).date()


def schedule(view: FinanceView, ledger: str, today: date, zone: tzinfo) -> dict[str, Any]:
    with view.reading() as tx:
        require_ledger(tx, ledger)
        rows, not_scheduled = due_rows(tx, ledger, today, zone)
    return {"ledger": ledger, "today": today.isoformat(),
            "due_days_after_period": rules.DUE_DAYS_AFTER_PERIOD,
            "due_days_after_event": rules.DUE_DAYS_AFTER_EVENT,
            "counts": {status: sum(row["status"] == status for row in rows)
                       for status in rules.STATUSES},
            "rates": _rates(rows), "items": rows, "not_scheduled": not_scheduled}


def due_rows(tx: Tx, ledger: str, today: date, zone: tzinfo
             ) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Every disclosure due up to ``today`` with its status, by due date; and the
    catalogue items no rule can date. Reads in the caller's transaction (the street
    office's overview asks it of every ledger in one snapshot)."""
    catalogues = tx.all("SELECT seq, items, recorded_at FROM view_catalogues "
                        "WHERE ledger = ? ORDER BY seq", [ledger])
    published = tx.all("SELECT seq, item, published_on, period, fund, project, "
                       "subject_kind, subject_ref, stage FROM view_disclosures "
                       "WHERE ledger = ? ORDER BY seq", [ledger])
    steps = tx.all("SELECT subject, ref, type, recorded_at FROM view_gov_steps "
                   "WHERE ledger = ? AND type IN ('trade.awarded', 'trade.completed', "
                   "'resolution.recorded') ORDER BY seq", [ledger])
    items, not_scheduled = _catalogue(catalogues, zone)
    rows = _periodic(items, published, today) + _events(items, published, steps, zone, today)
    rows.sort(key=lambda row: (row["due_on"], row["item"], row.get("period") or "",
                               row.get("ref") or 0))
    return rows, not_scheduled


def judged(rows: list[dict[str, Any]], month: str) -> dict[str, Any]:
    """What the street office's overview reads of a schedule (``due_rows``): the rate
    over every due disclosure, the rate of those due in ``month`` ("2026-05"; None when
    none was), and how many are overdue."""
    return {"rate": rules.rate_of([row["status"] for row in rows]).rate,
            "month_rate": rules.rate_of([row["status"] for row in rows
                                         if row["due_on"][:7] == month]).rate,
            "overdue": sum(row["status"] == "overdue" for row in rows)}


def _catalogue(catalogues: list[dict], zone: tzinfo) -> tuple[dict[str, dict], list[dict]]:
    """The newest catalogue's items, each with the day it was first listed."""
    if not catalogues:
        return {}, []
    first_listed: dict[str, date] = {}
    for row in catalogues:
        for item in json.loads(row["items"]):
            first_listed.setdefault(item["code"], local_day(row["recorded_at"], zone))
    items, not_scheduled = {}, []
    for item in json.loads(catalogues[-1]["items"]):
        shown = {"item": item["code"], "name_zh": item["name_zh"], "name_en": item["name_en"],
                 "frequency": item["frequency"]}
        scheduled = item["frequency"] in rules.PERIOD_KINDS or (
            item["code"] in EVENT_ITEMS and item["frequency"] == "per_event")
        if scheduled:
            items[item["code"]] = {**shown, "listed_on": first_listed[item["code"]]}
        else:
            not_scheduled.append(shown)
    return items, not_scheduled


def _row(item: dict, due_on: date, found: list[dict], today: date, **what: Any
         ) -> dict[str, Any]:
    first = min((date.fromisoformat(d["published_on"]) for d in found), default=None)
    return {"item": item["item"], "name_zh": item["name_zh"], "name_en": item["name_en"],
            "frequency": item["frequency"], **what, "due_on": due_on.isoformat(),
            "status": rules.status(due_on, first, today),
            "published": [{"seq": d["seq"], "published_on": d["published_on"],
                           "fund": d["fund"], "project": d["project"]} for d in found]}


def _periodic(items: dict[str, dict], published: list[dict], today: date) -> list[dict]:
    by_period: dict[tuple[str, str], list[dict]] = defaultdict(list)
    for row in published:
        if row["period"]:
            by_period[(row["item"], row["period"])].append(row)
    rows = []
    for code, item in items.items():
        if item["frequency"] not in rules.PERIOD_KINDS:
            continue
        for period in rules.due_periods(item["frequency"], item["listed_on"], today):
            rows.append(_row(item, rules.period_due_on(period), by_period[(code, period)],
                             today, period=period))
    return rows


def _events(items: dict[str, dict], published: list[dict], steps: list[dict],
            zone: tzinfo, today: date) -> list[dict]:
    disclosed: dict[tuple[str, int, str], list[dict]] = defaultdict(list)
    for row in published:
        if row["subject_kind"]:
            disclosed[(row["subject_kind"], row["subject_ref"], row["stage"])].append(row)
    rows = []
    for code, (subject, stages) in EVENT_ITEMS.items():
        item = items.get(code)
        if item is None or item["frequency"] != "per_event":
            continue
        for step in steps:
            happened = local_day(step["recorded_at"], zone)
            if step["subject"] != subject or step["type"] not in stages \
                    or happened < item["listed_on"]:
                continue
            ref, stage = int(step["ref"]), stages[step["type"]]
            rows.append(_row(item, rules.event_due_on(happened), disclosed[(subject, ref, stage)],
                             today, subject=subject, ref=ref, stage=stage,
                             happened_on=happened.isoformat()))
    return rows


def _rates(rows: list[dict]) -> dict[str, Any]:
    by_month: dict[str, list[str]] = defaultdict(list)
    for row in rows:
        by_month[row["due_on"][:7]].append(row["status"])

    def shown(rate: rules.Rate) -> dict[str, Any]:
        return {"due": rate.due, "published": rate.published, "on_time": rate.on_time,
                "rate": rate.rate, "on_time_rate": rate.on_time_rate}

    return {"overall": shown(rules.rate_of([row["status"] for row in rows])),
            "by_month": [{"month": month, **shown(rules.rate_of(statuses))}
                         for month, statuses in sorted(by_month.items())]}
