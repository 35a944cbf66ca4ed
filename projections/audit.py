"""Audit views for the bookkeeping agent and auditors: the journal, the general
ledger of an account, the trial balance, activity per signer, entries the
cashier has not confirmed, reversals and findings. Unlike the public views
these show key ids, key labels and counterparties' full names.
"""

from __future__ import annotations

import json
from collections import defaultdict
from typing import Any

from ledger.errors import NotFound
from projections.paging import (PAGE_SIZE_DEFAULT, check_cursor, check_date,
                                check_limit, check_text, page, require_ledger, seq_window)
from projections.rows import ENTRY_COLUMNS, MOVED_SQL, natural, public_entry
from projections.view import FinanceView

FINDINGS_MAX = 1000


def _audit_entry(row: dict[str, Any]) -> dict[str, Any]:
    shown = public_entry(row)
    shown["counterparty"] = {**shown["counterparty"], "full_name": row["counterparty_name"]}
    return {**shown, "signer": row["signer"], "signer_label": row.get("signer_label")}


def _entries_page(view: FinanceView, ledger: str, condition: str, params: list[Any],
                  cursor: int | None, limit: int, with_lines: bool = False) -> dict[str, Any]:
    limit, cursor = check_limit(limit), check_cursor(cursor)
    window, window_params, _ = seq_window(cursor, "asc")
    with view.reading() as tx:
        require_ledger(tx, ledger)
        rows = tx.all(f"SELECT {ENTRY_COLUMNS}, k.label AS signer_label FROM view_entries e "
                      "LEFT JOIN view_keys k ON k.ledger = e.ledger AND k.key_id = e.signer "
                      f"WHERE e.ledger = ?{condition}{window} ORDER BY e.seq ASC LIMIT ?",
                      [ledger, *params, *window_params, limit + 1])
        items, next_cursor = page(rows, limit)
        lines: dict[int, list] = defaultdict(list)
        if with_lines and items:
            for line in tx.all("SELECT seq, line, account, account_class, fund, currency, side, "
                               "amount FROM view_postings WHERE ledger = ? AND seq >= ? AND "
                               "seq <= ? ORDER BY seq, line",
                               (ledger, items[0]["seq"], items[-1]["seq"])):
                lines[line.pop("seq")].append({**line, "amount": abs(line["amount"])})
    shown = [_audit_entry(r) | ({"postings": lines[r["seq"]]} if with_lines else {})
             for r in items]
    return {"ledger": ledger, "items": shown, "next_cursor": next_cursor}


def journal(view: FinanceView, ledger: str, cursor: int | None = None,
            limit: int = PAGE_SIZE_DEFAULT, date_from: str | None = None,
            date_to: str | None = None) -> dict[str, Any]:
    """Every journal entry (posted and reversals) in seq order, with its lines."""
    condition, params = "", []
    for sql, value in ((" AND e.date >= ?", check_date(date_from, "date_from")),
                       (" AND e.date <= ?", check_date(date_to, "date_to"))):
        if value is not None:
            condition, params = condition + sql, params + [value]
    return _entries_page(view, ledger, condition, params, cursor, limit, with_lines=True)


def unconfirmed(view: FinanceView, ledger: str, cursor: int | None = None,
                limit: int = PAGE_SIZE_DEFAULT) -> dict[str, Any]:
    """Entries that move cash or bank money and the cashier has not yet confirmed."""
    return _entries_page(view, ledger, " AND e.moves_money = 1 AND e.confirmed_by IS NULL "
                         f"AND {MOVED_SQL}", [], cursor, limit)


def pending_approvals(view: FinanceView, ledger: str, cursor: int | None = None,
                      limit: int = PAGE_SIZE_DEFAULT) -> dict[str, Any]:
    """Payments the policy holds for approval that nobody has approved or rejected."""
    return _entries_page(view, ledger, " AND e.approval = 'pending'", [], cursor, limit)


def reversals(view: FinanceView, ledger: str, cursor: int | None = None,
              limit: int = PAGE_SIZE_DEFAULT) -> dict[str, Any]:
    """Reversal entries, each beside the date and memo of the entry it reverses."""
    result = _entries_page(view, ledger, " AND e.type = 'reversal'", [], cursor, limit)
    seqs = [item["reverses"] for item in result["items"]]
    if seqs:
        with view.reading() as tx:
            originals = {row["seq"]: row for row in tx.all(
                "SELECT seq, date, memo, recorded_at FROM view_entries WHERE ledger = ? "
                "AND seq >= ? AND seq <= ? AND type = 'posted'", (ledger, min(seqs), max(seqs)))}
        for item in result["items"]:
            item["original"] = originals.get(item["reverses"])
    return result


def general_ledger(view: FinanceView, ledger: str, account: str, fund: str | None = None,
                   cursor: int | None = None, limit: int = PAGE_SIZE_DEFAULT) -> dict[str, Any]:
    """An account's postings in seq order with a running balance (natural sign, per
    currency); ``opening`` is the balance before the page."""
    check_text(account, "account")
    check_text(fund, "fund")
    limit, cursor = check_limit(limit), check_cursor(cursor)
    fund_sql, fund_params = (" AND p.fund = ?", [fund]) if fund is not None else ("", [])
    with view.reading() as tx:
        require_ledger(tx, ledger)
        info = tx.one("SELECT code, name_zh, name_en, class, kind FROM view_accounts "
                      "WHERE ledger = ? AND code = ?", (ledger, account))
        if info is None:
            raise NotFound(f"account {account} does not exist in {ledger}", account=account)
        opening = {row["currency"]: row["total"] for row in tx.all(
            "SELECT p.currency, SUM(p.amount) AS total FROM view_postings p WHERE p.ledger = ? "
            f"AND p.account = ?{fund_sql} AND p.seq <= ? GROUP BY p.currency",
            [ledger, account, *fund_params, -1 if cursor is None else cursor])}
        rows = tx.all("SELECT p.seq, p.line, p.type, p.date, p.fund, p.currency, p.side, "
                      "p.amount, p.category, p.reverses, e.counterparty_name, e.memo FROM "
                      "view_postings p JOIN view_entries e ON e.ledger = p.ledger AND "
                      f"e.seq = p.seq WHERE p.ledger = ? AND p.account = ?{fund_sql} "
                      "AND p.seq > ? ORDER BY p.seq, p.line LIMIT ?",
                      [ledger, account, *fund_params, -1 if cursor is None else cursor,
                       limit + 1])
    items, _ = page(rows, limit)
    running = defaultdict(int, opening)
    for item in items:
        running[item["currency"]] += item["amount"]
        item["amount"] = abs(item["amount"])
        item["balance"] = natural(info["class"], running[item["currency"]])
    next_cursor = items[-1]["seq"] if len(rows) > limit else None
    if next_cursor is not None and rows[limit]["seq"] == next_cursor:
        # The page ends inside an entry's lines and the next page starts after that
        # entry: end this page before it (unless it is all there is).
        items = [item for item in items if item["seq"] != next_cursor] or items
        next_cursor = items[-1]["seq"]
    return {"ledger": ledger, "account": info, "fund": fund,
            "opening": {c: natural(info["class"], v) for c, v in sorted(opening.items())},
            "items": items, "next_cursor": next_cursor}


def trial_balance(view: FinanceView, ledger: str, as_of: str | None = None) -> dict[str, Any]:
    """Debit and credit balances per account; ``balanced`` when, in every currency,
    debits equal credits and every fund nets to zero. The projection records
    each entry that broke the balance as a ``trial_balance`` finding."""
    as_of = check_date(as_of, "as_of")
    with view.reading() as tx:
        require_ledger(tx, ledger)
        if as_of is None:
            rows = tx.all("SELECT account, fund, currency, balance FROM view_balances "
                          "WHERE ledger = ?", (ledger,))
        else:
            rows = tx.all("SELECT account, fund, currency, SUM(amount) AS balance FROM "
                          "view_postings WHERE ledger = ? AND date <= ? "
                          "GROUP BY account, fund, currency", (ledger, as_of))
        names = {row["code"]: row for row in tx.all(
            "SELECT code, name_zh, name_en, class FROM view_accounts WHERE ledger = ?",
            (ledger,))}
        broken = _findings(tx, ledger, "trial_balance")
    per_account, per_fund, totals = defaultdict(int), defaultdict(int), {}
    for row in rows:
        per_account[(row["account"], row["currency"])] += row["balance"]
        per_fund[(row["fund"], row["currency"])] += row["balance"]
    accounts = []
    for (code, currency), balance in sorted(per_account.items()):
        info = names.get(code, {"name_zh": "", "name_en": "", "class": ""})
        accounts.append({"account": code, "name_zh": info["name_zh"],
                         "name_en": info["name_en"], "class": info["class"],
                         "currency": currency, "debit": max(balance, 0),
                         "credit": max(-balance, 0)})
        total = totals.setdefault(currency, {"currency": currency, "debit": 0, "credit": 0})
        total["debit"] += max(balance, 0)
        total["credit"] += max(-balance, 0)
    funds_off = [{"fund": fund, "currency": currency, "imbalance": amount}
                 for (fund, currency), amount in sorted(per_fund.items()) if amount]
    balanced = not funds_off and all(t["debit"] == t["credit"] for t in totals.values())
    return {"ledger": ledger, "as_of": as_of, "accounts": accounts,
            "totals": [totals[c] for c in sorted(totals)], "funds_out_of_balance": funds_off,
            "balanced": balanced, "findings": broken}


def activity_by_signer(view: FinanceView, ledger: str, date_from: str | None = None,
                       date_to: str | None = None) -> dict[str, Any]:
    """What each key signed (by statement type, by when it was recorded), and the
    total it posted; keys that signed nothing in the period are listed too."""
    date_from, date_to = check_date(date_from, "date_from"), check_date(date_to, "date_to")
    condition, params = "", []
    if date_from is not None:
        condition, params = " AND recorded_at >= ?", [date_from]
    if date_to is not None:  # recorded_at is RFC 3339 text: the whole day is <= this
        condition, params = condition + " AND recorded_at <= ?", params + [date_to + "T~"]
    with view.reading() as tx:
        require_ledger(tx, ledger)
        keys = tx.all("SELECT key_id, roles, label, registered_seq, revoked_seq FROM view_keys "
                      "WHERE ledger = ? ORDER BY registered_seq, key_id", (ledger,))
        counts = tx.all("SELECT signer, type, COUNT(*) AS entries, MIN(recorded_at) AS first, "
                        f"MAX(recorded_at) AS last FROM view_log WHERE ledger = ?{condition} "
                        "GROUP BY signer, type", [ledger, *params])
        posted = {row["signer"]: row["amount"] for row in tx.all(
            "SELECT signer, SUM(amount) AS amount FROM view_entries WHERE ledger = ? "
            f"AND type = 'posted'{condition} GROUP BY signer", [ledger, *params])}
    activity: dict[str, dict[str, Any]] = {}
    for key in keys:
        activity[key["key_id"]] = {**key, "roles": key["roles"].split(","), "entries": 0,
                                   "by_type": {}, "first_recorded_at": None,
                                   "last_recorded_at": None,
                                   "posted_amount": posted.get(key["key_id"], 0)}
    for row in sorted(counts, key=lambda r: (r["signer"], r["type"])):
        item = activity.setdefault(row["signer"], {
            "key_id": row["signer"], "roles": [], "label": "", "registered_seq": None,
            "revoked_seq": None, "entries": 0, "by_type": {}, "first_recorded_at": None,
            "last_recorded_at": None, "posted_amount": posted.get(row["signer"], 0)})
        item["entries"] += row["entries"]
        item["by_type"][row["type"]] = row["entries"]
        item["first_recorded_at"] = min(filter(None, [item["first_recorded_at"], row["first"]]))
        item["last_recorded_at"] = max(filter(None, [item["last_recorded_at"], row["last"]]))
    return {"ledger": ledger, "date_from": date_from, "date_to": date_to,
            "signers": list(activity.values())}


def findings(view: FinanceView, ledger: str, kind: str | None = None) -> dict[str, Any]:
    """What the projection saw that should not be (at most FINDINGS_MAX, oldest first)."""
    check_text(kind, "kind")
    with view.reading() as tx:
        require_ledger(tx, ledger)
        items = _findings(tx, ledger, kind, FINDINGS_MAX + 1)
    return {"ledger": ledger, "items": items[:FINDINGS_MAX],
            "truncated": len(items) > FINDINGS_MAX}


def _findings(tx, ledger: str, kind: str | None, limit: int = FINDINGS_MAX) -> list[dict]:
    condition, params = ("", []) if kind is None else (" AND kind = ?", [kind])
    rows = tx.all(f"SELECT seq, kind, detail FROM view_findings WHERE ledger = ?{condition} "
                  "ORDER BY seq, kind LIMIT ?", [ledger, *params, limit])
    return [{**row, "detail": json.loads(row["detail"])} for row in rows]
