"""Public read models: what residents see. Plain dicts and lists, integers in
minor units, ISO dates. Every function takes the view (``open_view(app)``)
and reads in one snapshot. People's names are masked here ("张*"); only the
audit views (``projections.audit``, re-exported below) show them in full.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from ledger.errors import FormatError, NotFound
from projections.paging import (PAGE_SIZE_DEFAULT, TransactionFilters, check_cursor,
                                check_date, check_seq, check_limit, check_year, page,
                                require_ledger, seq_window)
from projections.rows import CLASSES, ENTRY_COLUMNS, natural, public_entry
from projections.view import FinanceView

def ledgers(view: FinanceView) -> list[dict[str, Any]]:
    with view.reading() as tx:
        return tx.all("SELECT ledger, name, origin, currency, size, last_recorded_at, log_key "
                      "FROM view_ledgers WHERE size > 0 ORDER BY ledger")


def chart(view: FinanceView, ledger: str) -> dict[str, Any]:
    """Funds and accounts with their names (zh-CN and English)."""
    with view.reading() as tx:
        info = require_ledger(tx, ledger)
        return {"ledger": ledger, "size": info["size"], "funds": _funds(tx, ledger),
                "accounts": tx.all("SELECT code, name_zh, name_en, class, kind FROM "
                                   "view_accounts WHERE ledger = ? ORDER BY code", (ledger,))}


def _funds(tx, ledger: str) -> list[dict[str, Any]]:
    rows = tx.all("SELECT code, name_zh, name_en, restricted, purpose FROM view_funds "
                  "WHERE ledger = ? ORDER BY code", (ledger,))
    return [{**row, "restricted": bool(row["restricted"])} for row in rows]


def _signed_balances(tx, ledger: str, as_of: str | None) -> list[dict[str, Any]]:
    if as_of is None:
        return tx.all("SELECT account, fund, currency, balance FROM view_balances "
                      "WHERE ledger = ?", (ledger,))
    return tx.all("SELECT account, fund, currency, SUM(amount) AS balance FROM view_postings "
                  "WHERE ledger = ? AND date <= ? GROUP BY account, fund, currency",
                  (ledger, as_of))


def balances(view: FinanceView, ledger: str, as_of: str | None = None) -> dict[str, Any]:
    """Balances per account and fund, and per fund and account class.

    ``as_of=None`` counts every recorded entry; a date counts entries dated
    on or before it. Balances are in the account's natural sign (credit
    classes positive when in credit); fund and class totals are in the
    ledger's currency; ``money`` is what the fund holds in cash and bank.
    """
    as_of = check_date(as_of, "as_of")
    with view.reading() as tx:
        info = require_ledger(tx, ledger)
        accounts = {row["code"]: row for row in tx.all(
            "SELECT code, name_zh, name_en, class, kind FROM view_accounts WHERE ledger = ?",
            (ledger,))}
        funds, signed = _funds(tx, ledger), _signed_balances(tx, ledger, as_of)
    rows, per_fund, per_class = [], defaultdict(lambda: defaultdict(int)), defaultdict(int)
    for row in sorted(signed, key=lambda r: (r["account"], r["fund"], r["currency"])):
        if not row["balance"]:
            continue
        acct = accounts[row["account"]]
        shown = natural(acct["class"], row["balance"])
        rows.append({"account": row["account"], "name_zh": acct["name_zh"],
                     "name_en": acct["name_en"], "class": acct["class"], "kind": acct["kind"],
                     "fund": row["fund"], "currency": row["currency"], "balance": shown})
        if row["currency"] == info["currency"]:
            per_fund[row["fund"]][acct["class"]] += shown
            per_fund[row["fund"]]["money"] += shown if acct["kind"] else 0
            per_class[acct["class"]] += shown
    fund_rows = [{"fund": f["code"], "name_zh": f["name_zh"], "name_en": f["name_en"],
                  "restricted": f["restricted"], "money": per_fund[f["code"]]["money"],
                  "classes": {c: per_fund[f["code"]][c] for c in CLASSES}} for f in funds]
    return {"ledger": ledger, "as_of": as_of, "currency": info["currency"],
            "size": info["size"], "accounts": rows, "funds": fund_rows,
            "classes": {c: per_class[c] for c in CLASSES}}


def _year_range(year: int | None) -> tuple[str, list[Any]]:
    if year is None:
        return "", []
    return " AND month >= ? AND month <= ?", [f"{year:04d}-01", f"{year:04d}-12"]


# Income is credited (negative), spending debited (positive); view_flows holds both.
INCOME_SPENDING = (
    "SUM(CASE WHEN account_class = 'income' THEN -amount ELSE 0 END) AS income, "
    "SUM(CASE WHEN account_class = 'expense' THEN amount ELSE 0 END) AS spending")
# Each grouping is summed by the database (a range of one year's flow rows, a few
# hundred): fetching the rows to sum them here was most of the endpoint's time.
USAGE_GROUPS = {"by_fund": ("fund",), "by_category": ("fund", "category"),
                "by_month": ("fund", "month"),
                "by_counterparty": ("fund", "counterparty_kind", "counterparty")}
USAGE_COLUMNS = {"fund": "fund", "category": "category", "month": "month",
                 "counterparty_kind": "counterparty_kind",
                 "counterparty": "counterparty_public"}


def usage_sql(keys: tuple[str, ...], where: str) -> str:
    columns = [USAGE_COLUMNS[key] for key in keys]
    selected = ", ".join(f"{column} AS {key}" for key, column in zip(keys, columns))
    return (f"SELECT {selected}, {INCOME_SPENDING} FROM view_flows "
            f"WHERE ledger = ? AND currency = ?{where} GROUP BY {', '.join(columns)}")


def fund_usage(view: FinanceView, ledger: str, year: int | None = None,
               fund: str | None = None) -> dict[str, Any]:
    """Income and spending (reversals netted) by fund, and within each fund by
    category, month and (masked) counterparty; in the ledger's currency."""
    year = check_year(year)
    where, params = _year_range(year)
    if fund is not None:
        where, params = where + " AND fund = ?", params + [fund]
    result: dict[str, Any] = {"ledger": ledger, "year": year, "fund": fund}
    with view.reading() as tx:
        info = require_ledger(tx, ledger)
        result["currency"], result["size"] = info["currency"], info["size"]
        for name, keys in USAGE_GROUPS.items():
            rows = tx.all(usage_sql(keys, where), [ledger, info["currency"], *params])
            # Sorted here, not by ORDER BY: PostgreSQL's collation is not code-point order.
            result[name] = sorted(rows, key=lambda row, keys=keys: [row[k] for k in keys])
    result["totals"] = {"income": sum(r["income"] for r in result["by_fund"]),
                        "spending": sum(r["spending"] for r in result["by_fund"])}
    return result


USAGE_BY_FUND_SQL = (f"SELECT fund, {INCOME_SPENDING} FROM view_flows "
                     "WHERE ledger = ? AND currency = ?{where} GROUP BY fund")


def budget_vs_actual(view: FinanceView, ledger: str, year: int) -> dict[str, Any]:
    """Each fund's budget for ``year`` beside what it actually spent and received."""
    if check_year(year) is None:
        raise FormatError("year is required", field="year")
    where, params = _year_range(year)
    with view.reading() as tx:
        info = require_ledger(tx, ledger)
        funds = _funds(tx, ledger)
        budgets = {row["fund"]: row for row in tx.all(
            "SELECT fund, amount, seq FROM view_budgets WHERE ledger = ? AND year = ?",
            (ledger, year))}
        actual = {row["fund"]: row for row in tx.all(USAGE_BY_FUND_SQL.format(where=where),
                                                       [ledger, info["currency"], *params])}
    rows = []
    for fund in funds:
        budget = budgets.get(fund["code"])
        spent = actual.get(fund["code"], {}).get("spending", 0)
        amount = budget["amount"] if budget else None
        rows.append({"fund": fund["code"], "name_zh": fund["name_zh"],
                     "name_en": fund["name_en"], "budget": amount,
                     "budget_seq": budget["seq"] if budget else None, "spent": spent,
                     "income": actual.get(fund["code"], {}).get("income", 0),
                     "remaining": None if amount is None else amount - spent,
                     "over_budget": amount is not None and spent > amount})
    return {"ledger": ledger, "size": info["size"], "year": year, "currency": info["currency"],
            "funds": rows,
            "totals": {"budget": sum(r["budget"] or 0 for r in rows),
                       "spent": sum(r["spent"] for r in rows),
                       "income": sum(r["income"] for r in rows)}}


def transactions(view: FinanceView, ledger: str, filters: TransactionFilters | None = None,
                 cursor: int | None = None, limit: int = PAGE_SIZE_DEFAULT,
                 order: str = "desc") -> dict[str, Any]:
    """The public transaction list, newest first by default; ``next_cursor`` is
    None on the last page, else pass it back as ``cursor``."""
    filters = filters or TransactionFilters()
    limit, cursor = check_limit(limit), check_cursor(cursor)
    window, window_params, direction = seq_window(cursor, order)
    where, params = filters.where()
    with view.reading() as tx:
        info = require_ledger(tx, ledger)
        rows = tx.all(f"SELECT {ENTRY_COLUMNS} FROM view_entries e WHERE e.ledger = ?"
                      f"{where}{window} ORDER BY e.seq {direction} LIMIT ?",
                      [ledger, *params, *window_params, limit + 1])
    items, next_cursor = page(rows, limit)
    return {"ledger": ledger, "size": info["size"], "items": [public_entry(r) for r in items],
            "next_cursor": next_cursor}


def transaction(view: FinanceView, ledger: str, seq: int) -> dict[str, Any]:
    """One journal entry with its posting lines (public form)."""
    seq = check_seq(seq)
    with view.reading() as tx:
        info = require_ledger(tx, ledger)
        row = tx.one(f"SELECT {ENTRY_COLUMNS} FROM view_entries e WHERE e.ledger = ? "
                     "AND e.seq = ?", (ledger, seq))
        if row is None:
            raise NotFound(f"entry {seq} of {ledger} is not a journal entry", seq=seq)
        lines = tx.all("SELECT p.line, p.account, a.name_zh, a.name_en, p.account_class, "
                       "p.fund, p.currency, p.side, p.amount FROM view_postings p JOIN "
                       "view_accounts a ON a.ledger = p.ledger AND a.code = p.account "
                       "WHERE p.ledger = ? AND p.seq = ? ORDER BY p.line", (ledger, seq))
    return {**public_entry(row), "ledger": ledger, "size": info["size"],
            "postings": [{**line, "amount": abs(line["amount"])} for line in lines]}


def log_key_rotations(view: FinanceView, ledger: str) -> list[int]:
    """The seqs of the ledger's ``ledger.log_key_rotated`` entries, oldest first."""
    with view.reading() as tx:
        require_ledger(tx, ledger)
        return [row["seq"] for row in tx.all(
            "SELECT seq FROM view_log WHERE ledger = ? AND type = 'ledger.log_key_rotated' "
            "ORDER BY seq", [ledger])]


def status(view: FinanceView, ledger: str, log_size: int | None = None) -> dict[str, Any]:
    """How far each projection has come for ``ledger`` (``log_size`` from the log,
    if the caller has it, adds ``behind``), and where and why it stopped if it
    could not take an entry. Never raises for an unknown ledger."""
    position = view.position()
    with view.reading() as tx:
        row = tx.one("SELECT size, head, last_recorded_at, stopped_at, stopped_reason "
                     "FROM view_ledgers WHERE ledger = ?", (ledger,)) or {}
    size, stopped_at = row.get("size", 0), row.get("stopped_at")
    behind = None if log_size is None else max(log_size - size, 0)
    return {"ledger": ledger, "projections": [{
        "name": view.name, "size": size, "head": row.get("head"),
        "last_recorded_at": row.get("last_recorded_at"),
        "notification_id": position, "behind": behind,
        "up_to_date": None if behind is None else behind == 0 and stopped_at is None,
        "stopped_at": stopped_at, "stopped_reason": row.get("stopped_reason"),
        "message": stopped_message(stopped_at, row.get("stopped_reason"))}]}


def stopped_message(stopped_at: int | None, reason: str | None) -> str | None:
    """What the status and the web page say of a stopped view (None while it follows)."""
    if stopped_at is None:
        return None
    return f"behind at seq {stopped_at}: {reason}"


from projections.audit import (activity_by_signer, findings, general_ledger,  # noqa: E402
                               journal, pending_approvals, reversals, trial_balance,
                               unconfirmed)

__all__ = ["ledgers", "chart", "balances", "fund_usage", "budget_vs_actual", "transactions",
           "transaction", "status", "TransactionFilters", "journal", "general_ledger",
           "trial_balance", "activity_by_signer", "unconfirmed", "pending_approvals", "reversals",
           "findings"]
