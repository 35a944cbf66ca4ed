"""The street office's overview (街道总览): every community this server keeps, one row
each, with the indicators a street office watches and a risk grade.

Every figure is read from the view tables the projections already keep, in one
read-only snapshot, by a fixed number of grouped queries (plus the disclosure
schedule's three per ledger): nothing is read from the log and no query walks a
ledger's entries, only the few rows each indicator is about (through indexes: the
unconfirmed entries, the open questions, the rated ones). What is overdue is asked
of the domain's rules with ``today`` (the server's day in the ledger's time zone), as
the community page does. Indicators of a row (docs/governance.md, "The street
office's overview", says each in full):

- ``disclosure_rate``: the disclosure rate (公开率) over every due disclosure
  (``GET .../disclosures/schedule``'s ``rates.overall.rate``); ``disclosure_period``
  and ``disclosure_period_rate``: the last closed month (the month before today's)
  and the rate of the disclosures due in it (None when none was due);
  ``disclosures_overdue``: due disclosures not published, due date passed;
- ``findings_open``: inspection findings not closed (未销号); ``findings_overdue``:
  those past their rectification deadline (counts only, as the public summary);
- ``red_flags_open``: red flags (a count only: the flags are the auditors') that no
  closed inspection finding about them has dealt with;
- ``cash_unconfirmed``: cash and bank entries the cashier has not confirmed (as
  ``GET .../audit/unconfirmed``) dated ``unconfirmed_days`` or more days before today;
- ``arrears_contracts``, ``arrears_amount``: receivable contracts with lines due and
  not fully settled (``ledger.domain.contract_rules.arrears``), and what they owe;
- ``questions_unanswered``: residents' questions still open (no answer yet) asked
  ``unanswered_days`` or more days before today;
- ``satisfaction_rate``, ``satisfaction_rated``: the share of rated answers that
  satisfied (满意率) and how many were rated;
- ``last_entry_at``: when the ledger's latest entry was recorded.

The grade and its reasons come from ``projections.risk_grade``.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime, time, timedelta, tzinfo
from typing import Any, Callable, Iterable

from ledger.format.statements import format_time
from projections.contracts import arrears_by_ledger
from projections.disclosure_schedule import due_rows, judged
from projections.governance import satisfaction
from projections.inspection import open_and_overdue
from projections.risk_grade import DEFAULT_RULE, GRADES, PRIORITY, RiskRule
from projections.rows import MOVED_SQL
from projections.view import FinanceView, Tx

UNCONFIRMED_DAYS_DEFAULT = 7
UNANSWERED_DAYS_DEFAULT = 15
DAYS_MAX = 366
# What a list may be sorted by: the indicators, and who and what each row is.
SORT_KEYS = ("grade", "ledger", "name", "last_entry_at", "disclosure_rate",
             "disclosure_period_rate", "disclosures_overdue", "findings_open",
             "findings_overdue", "red_flags_open", "cash_unconfirmed", "arrears_contracts",
             "arrears_amount", "questions_unanswered", "satisfaction_rate")
# The order that puts the communities needing attention first, when none is asked for:
# low rates, names and the stalest last entry first; every count and amount high first.
ASCENDING_FIRST = frozenset({"ledger", "name", "last_entry_at", "disclosure_rate",
                             "disclosure_period_rate", "satisfaction_rate"})


def default_order(sort: str) -> str:
    return "asc" if sort in ASCENDING_FIRST else "desc"


def overview(view: FinanceView, today: date, now: datetime, zone: tzinfo, *,
             served: Callable[[str], bool] | None = None, rule: RiskRule = DEFAULT_RULE,
             unconfirmed_days: int = UNCONFIRMED_DAYS_DEFAULT,
             unanswered_days: int = UNANSWERED_DAYS_DEFAULT, sort: str = "grade",
             order: str | None = None) -> dict[str, Any]:
    """One row per ledger with entries in the views (``served``: only those it says this
    server serves), graded by ``rule`` and sorted by ``sort`` (rows without a value
    last, ties by ledger)."""
    period = previous_month(today)
    with view.reading() as tx:
        ledgers = [row for row in tx.all(
            "SELECT ledger, name, currency, size, last_recorded_at FROM view_ledgers "
            "WHERE size > 0 ORDER BY ledger") if served is None or served(row["ledger"])]
        wanted = {row["ledger"] for row in ledgers}
        findings = open_and_overdue(tx, today)
        flags = _counts(tx, RED_FLAGS_OPEN_SQL, [])
        unconfirmed = _counts(tx, UNCONFIRMED_SQL,
                              [(today - timedelta(days=unconfirmed_days)).isoformat()])
        unanswered = _counts(tx, UNANSWERED_SQL,
                             [_asked_before(today, unanswered_days, zone, now)])
        rated = _ratings(tx)
        arrears = arrears_by_ledger(tx, today)
        schedules = {ledger: judged(due_rows(tx, ledger, today, zone)[0], period)
                     for ledger in sorted(wanted)}
    rows = []
    for info in ledgers:
        ledger = info["ledger"]
        disclosed = schedules[ledger]
        open_findings, overdue_findings = findings.get(ledger, (0, 0))
        owed = arrears.get(ledger, (0, 0))
        liked = satisfaction(rated.get(ledger, {}))
        row: dict[str, Any] = {
            "ledger": ledger, "name": info["name"] or ledger, "currency": info["currency"],
            "size": info["size"], "last_entry_at": info["last_recorded_at"],
            "disclosure_rate": disclosed["rate"], "disclosure_period": period,
            "disclosure_period_rate": disclosed["month_rate"],
            "disclosures_overdue": disclosed["overdue"],
            "findings_open": open_findings, "findings_overdue": overdue_findings,
            "red_flags_open": flags.get(ledger, 0),
            "cash_unconfirmed": unconfirmed.get(ledger, 0),
            "arrears_contracts": owed[0], "arrears_amount": owed[1],
            "questions_unanswered": unanswered.get(ledger, 0),
            "satisfaction_rate": liked["rate"], "satisfaction_rated": liked["rated"]}
        row["grade"], row["reasons"] = rule.grade(row)
        rows.append(row)
    order = order or default_order(sort)
    return {"today": today.isoformat(), "disclosure_period": period,
            "unconfirmed_days": unconfirmed_days, "unanswered_days": unanswered_days,
            "sort": sort, "order": order, "rule": rule.to_json(),
            "counts": {grade: sum(row["grade"] == grade for row in rows) for grade in GRADES},
            "items": sorted_rows(rows, sort, order)}


def previous_month(today: date) -> str:
    """The last closed month: the calendar month before ``today``'s ("2026-05")."""
    last_day = today.replace(day=1) - timedelta(days=1)
    return f"{last_day.year:04d}-{last_day.month:02d}"


def sorted_rows(rows: list[dict[str, Any]], sort: str, order: str) -> list[dict[str, Any]]:
    """By ``sort`` in ``order``; rows without a value (no rate yet) last either way, and
    rows that tie by their ledger (so the order never depends on the database's)."""
    def value(row: dict[str, Any]) -> Any:
        if sort == "grade":
            return 1 if row["grade"] == PRIORITY else 0
        return row[sort]

    by_ledger = sorted(rows, key=lambda row: row["ledger"])
    present = [row for row in by_ledger if value(row) is not None]
    missing = [row for row in by_ledger if value(row) is None]
    # Python's sort is stable: the ledger order survives among equal values.
    return sorted(present, key=value, reverse=order == "desc") + missing


def _counts(tx: Tx, sql: str, params: list[Any]) -> dict[str, int]:
    return {row["ledger"]: row["n"] for row in tx.all(sql, params)}


# A red flag is open until an inspection finding about it (about.ref = its id,
# "<code>:<subject>") is closed (销号).
RED_FLAGS_OPEN_SQL = (
    "SELECT f.ledger, COUNT(*) AS n FROM view_red_flags f WHERE NOT EXISTS ("
    "SELECT 1 FROM view_inspection_findings i WHERE i.ledger = f.ledger AND "
    "i.about_kind = 'red_flag' AND i.about_ref = f.code || ':' || f.subject AND "
    "i.status = 'closed') GROUP BY f.ledger")
# The audit view's unconfirmed entries (projections.audit.unconfirmed), dated by then;
# the partial index view_entries_unconfirmed holds just these rows.
UNCONFIRMED_SQL = (
    "SELECT e.ledger, COUNT(*) AS n FROM view_entries e WHERE e.moves_money = 1 AND "
    f"e.confirmed_by IS NULL AND {MOVED_SQL} AND e.date <= ? GROUP BY e.ledger")
UNANSWERED_SQL = ("SELECT ledger, COUNT(*) AS n FROM view_questions WHERE status = 'open' "
                  "AND asked_at < ? GROUP BY ledger")


def _asked_before(today: date, days: int, zone: tzinfo, now: datetime) -> str:
    """The recorded_at before which a question was asked ``days`` or more days before
    ``today`` (the start of day today - days + 1 in the ledger's zone), never after now:
    with 0 days every open question counts."""
    start = datetime.combine(today - timedelta(days=days - 1), time(0), zone)
    return format_time(min(start, now + timedelta(microseconds=1)))


def _ratings(tx: Tx) -> dict[str, dict[str, int]]:
    rated: dict[str, dict[str, int]] = defaultdict(dict)
    for row in tx.all("SELECT ledger, rating, COUNT(*) AS n FROM view_questions "
                      "WHERE rating IS NOT NULL GROUP BY ledger, rating"):
        rated[row["ledger"]][row["rating"]] = row["n"]
    return rated


CSV_COLUMNS = ("ledger", "name", "grade", "reasons", "disclosure_rate", "disclosure_period",
               "disclosure_period_rate", "disclosures_overdue", "findings_open",
               "findings_overdue", "red_flags_open", "cash_unconfirmed", "arrears_contracts",
               "arrears_amount", "questions_unanswered", "satisfaction_rate",
               "satisfaction_rated", "last_entry_at", "size", "currency")


def csv_rows(rows: Iterable[dict[str, Any]]) -> Iterable[dict[str, Any]]:
    """The rows in the CSV's column order (``reasons`` joined with ``;`` by the writer)."""
    for row in rows:
        yield {column: row[column] for column in CSV_COLUMNS}
