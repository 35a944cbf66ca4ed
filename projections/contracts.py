"""The contract register (合同台账) as residents and auditors read it: contracts
with what is due to date, settled, still owed and in arrears; one contract with
its schedule, the entries that settled it and its story; receivables (or
payables) with arrears first.

Read from the contract tables (projections/handlers/contracts.py); what is due
and overdue is asked of ``ledger.domain.contract_rules`` with ``today``, which
the caller gives (the server's day in the ledger's time zone): arrears depend
on the day they are asked, like the disclosure schedule.
"""

from __future__ import annotations

import json
import re
from datetime import date, timedelta
from typing import Any

from ledger.domain import contract_rules as rules
from ledger.errors import FormatError, NotFound
from projections.paging import (PAGE_SIZE_DEFAULT, check_cursor, check_limit, check_seq, page,
                                require_ledger)
from projections.view import Tx, FinanceView

DIRECTIONS = frozenset({"receivable", "payable"})
STATUSES = frozenset({"active", "ended"})
EXPIRING_DAYS_MAX = 3660
NO_ARREARS = "9999-12-31"  # sorts after every due date: contracts without arrears come last
RECEIVABLE_CURSOR_RE = re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}:[0-9]{1,16}$")
COLUMNS = ("seq, direction, party_kind, party_public, party_name, subject, fund, total, starts, "
           "ends, "
           "status, asset, trade, project, resolution, winning_price, annual_rent, "
           "contract_sha256, accepted_seq, ended_on, committed, settled, lines, recorded_at, "
           "last_seq")


def _lines(tx: Tx, ledger: str, contract: int) -> list[dict[str, Any]]:
    return tx.all("SELECT line, due_on, amount, kind, settled FROM view_contract_lines "
                  "WHERE ledger = ? AND contract = ? ORDER BY line", (ledger, contract))


def _shown(row: dict[str, Any], lines: list[dict[str, Any]], today: date,
           full_names: bool = False) -> dict[str, Any]:
    """A contract row with its position on ``today`` and its arrears; the party masked
    if a person, unless ``full_names`` (the auditors' view)."""
    kind, public, full = row.pop("party_kind"), row.pop("party_public"), row.pop("party_name")
    name = full if full_names else public
    overdue = rules.arrears(lines, today, row["ended_on"])
    return {**row, "party": {"kind": kind, "name": name},
            **rules.position(lines, today, row["ended_on"]),
            "arrears": [arrear.to_json() for arrear in overdue],
            "days_overdue": max((arrear.days_overdue for arrear in overdue), default=0)}


def check_direction(value: Any) -> str | None:
    if value is not None and value not in DIRECTIONS:
        raise FormatError("direction must be receivable or payable", field="direction")
    return value


def contracts(view: FinanceView, ledger: str, today: date, *, status: str | None = None,
              direction: str | None = None, expiring_within: int | None = None,
              cursor: int | None = None, limit: int = PAGE_SIZE_DEFAULT) -> dict[str, Any]:
    """Contracts by seq, a page at a time; ``expiring_within`` N days keeps the active
    ones whose term ends from today to today + N."""
    limit, cursor = check_limit(limit), check_cursor(cursor)
    if status is not None and status not in STATUSES:
        raise FormatError("status must be active or ended", field="status")
    check_direction(direction)
    where, params = "", []
    for sql, value in (("status = ?", status), ("direction = ?", direction),
                       ("seq > ?", cursor)):
        if value is not None:
            where, params = f"{where} AND {sql}", [*params, value]
    if expiring_within is not None:
        if not isinstance(expiring_within, int) or not 0 <= expiring_within <= EXPIRING_DAYS_MAX:
            raise FormatError(f"expiring_within must be 0 to {EXPIRING_DAYS_MAX} days",
                              field="expiring_within")
        last = (today + timedelta(days=expiring_within)).isoformat()
        where += " AND status = 'active' AND ends >= ? AND ends <= ?"
        params += [today.isoformat(), last]
    with view.reading() as tx:
        info = require_ledger(tx, ledger)
        rows = tx.all(f"SELECT {COLUMNS} FROM view_contracts WHERE ledger = ?{where} "
                      "ORDER BY seq LIMIT ?", [ledger, *params, limit + 1])
        items, next_cursor = page(rows, limit)
        shown = [_shown(row, _lines(tx, ledger, row["seq"]), today) for row in items]
    return {"ledger": ledger, "size": info["size"], "currency": info["currency"],
            "today": today.isoformat(), "items": shown, "next_cursor": next_cursor}


def contract(view: FinanceView, ledger: str, seq: int, today: date) -> dict[str, Any]:
    """One contract: its position today, every schedule line, the entries that settled
    it (``amount`` negative where a reversal or rejection took one back) and its steps."""
    check_seq(seq)
    with view.reading() as tx:
        info = require_ledger(tx, ledger)
        row = tx.one(f"SELECT {COLUMNS} FROM view_contracts WHERE ledger = ? AND seq = ?",
                     (ledger, seq))
        if row is None:
            raise NotFound(f"contract {seq} does not exist", contract=seq)
        lines = _lines(tx, ledger, seq)
        entries = tx.all("SELECT seq, entry, amount, lines FROM view_contract_entries "
                         "WHERE ledger = ? AND contract = ? ORDER BY seq", (ledger, seq))
        steps = tx.all("SELECT seq, type, signer_role, recorded_at, detail FROM view_gov_steps "
                       "WHERE ledger = ? AND subject = 'contract' AND ref = ? ORDER BY seq",
                       (ledger, str(seq)))
    return {"ledger": ledger, "size": info["size"], "currency": info["currency"],
            "today": today.isoformat(), **_shown(row, lines, today), "schedule": lines,
            "entries": [{**item, "lines": json.loads(item["lines"])} for item in entries],
            "steps": [{**step, "detail": json.loads(step["detail"])} for step in steps]}


def _receivable_cursor(cursor: Any) -> tuple[str, int] | None:
    if cursor is None:
        return None
    if not isinstance(cursor, str) or not RECEIVABLE_CURSOR_RE.fullmatch(cursor):
        raise FormatError("cursor must be the next_cursor of the page before", field="cursor")
    oldest, seq = cursor.split(":")
    return oldest, int(seq)


def receivables(view: FinanceView, ledger: str, today: date, *, direction: str = "receivable",
                cursor: str | None = None, limit: int = PAGE_SIZE_DEFAULT,
                full_names: bool = False) -> dict[str, Any]:
    """Contracts of one direction, those in arrears first (the oldest unpaid due date
    first), then the rest by seq; each with what is due, settled and owed today
    (parties' full names only for ``full_names``: the auditors' view)."""
    limit, after = check_limit(limit), _receivable_cursor(cursor)
    check_direction(direction)
    window, params = "", []
    if after is not None:
        window, params = " WHERE oldest > ? OR (oldest = ? AND seq > ?)", [after[0], *after]
    day = today.isoformat()
    with view.reading() as tx:
        info = require_ledger(tx, ledger)
        rows = tx.all(
            f"SELECT * FROM (SELECT {COLUMNS}, COALESCE((SELECT MIN(l.due_on) FROM "
            "view_contract_lines l WHERE l.ledger = c.ledger AND l.contract = c.seq AND "
            "l.due_on <= ? AND l.settled < l.amount AND (c.ended_on IS NULL OR "
            "l.due_on <= c.ended_on)), ?) AS oldest FROM view_contracts c WHERE c.ledger = ? "
            f"AND c.direction = ?) t{window} ORDER BY oldest, seq LIMIT ?",
            [day, NO_ARREARS, ledger, direction, *params, limit + 1])
        owing = tx.one("SELECT COUNT(*) AS n FROM view_contracts c WHERE c.ledger = ? AND "
                       "c.direction = ? AND EXISTS (SELECT 1 FROM view_contract_lines l WHERE "
                       "l.ledger = c.ledger AND l.contract = c.seq AND l.due_on <= ? AND "
                       "l.settled < l.amount AND (c.ended_on IS NULL OR l.due_on <= c.ended_on))",
                       (ledger, direction, day))
        more = len(rows) > limit
        rows = rows[:limit]
        shown = [_shown({k: v for k, v in row.items() if k != "oldest"},
                        _lines(tx, ledger, row["seq"]), today, full_names) for row in rows]
    last = rows[-1] if more else None
    return {"ledger": ledger, "size": info["size"], "currency": info["currency"],
            "today": day, "direction": direction, "items": shown,
            "in_arrears": owing["n"] if owing else 0,
            "next_cursor": f"{last['oldest']}:{last['seq']}" if last else None}


def arrears_by_ledger(tx: Tx, today: date) -> dict[str, tuple[int, int]]:
    """Per ledger, for the street office's overview: receivable contracts in arrears
    today and what they owe of what fell due. The query takes only the lines due by
    today and not fully settled; the domain's rule (``contract_rules.arrears``: an ended
    contract owes nothing due after its end) decides."""
    rows = tx.all("SELECT c.ledger, c.seq, c.ended_on, l.line, l.due_on, l.amount, l.settled "
                  "FROM view_contracts c JOIN view_contract_lines l ON l.ledger = c.ledger "
                  "AND l.contract = c.seq WHERE c.direction = 'receivable' AND l.due_on <= ? "
                  "AND l.settled < l.amount ORDER BY c.ledger, c.seq, l.line",
                  [today.isoformat()])
    lines: dict[tuple[str, int], list[dict[str, Any]]] = {}
    for row in rows:
        lines.setdefault((row["ledger"], row["seq"]), []).append(row)
    owed: dict[str, tuple[int, int]] = {}
    for (ledger, _), due in lines.items():
        unpaid = rules.arrears(due, today, due[0]["ended_on"])
        if unpaid:
            contracts_owing, amount = owed.get(ledger, (0, 0))
            owed[ledger] = (contracts_owing + 1,
                            amount + sum(arrear.amount - arrear.settled for arrear in unpaid))
    return owed
