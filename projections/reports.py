"""Financial statements: the balance sheet (资产负债表) at a date and the income statement
for a date range, per fund or in total, from the moved postings of the read model.

Both are sums of ``view_postings`` (what the figures count: held payments join only
once approved), grouped by account class and, where the ledger keeps a standard chart
(``ledger.charts``: 农村集体经济组织会计制度 or 民间非营利组织会计制度), by that standard's
lines; any other chart shows one line per account. Amounts are in the ledger's
currency only (postings in another currency are left out, as in the fund totals).

Income less expenses not yet closed (结转) into net assets is part of net assets: on
the standard's line for it (未分配收益; for a non-profit, 限定性净资产 for an earmarked
fund and 非限定性净资产 otherwise), or on a line of its own. So assets equal
liabilities plus net assets, per fund and in total, whatever the history.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from ledger.charts import Chart, chart_of, top_code
from ledger.errors import FormatError, NotFound
from projections.paging import check_date, require_ledger
from projections.rows import natural
from projections.view import FinanceView

BALANCE_CLASSES = ("asset", "liability", "net_assets")
INCOME_CLASSES = ("income", "expense")
SECTION_LABELS = {"asset": ("资产", "Assets"), "liability": ("负债", "Liabilities"),
                  "net_assets": ("净资产", "Net assets"), "income": ("收入", "Income"),
                  "expense": ("费用", "Expenses")}
VILLAGE_EQUITY = ("所有者权益", "Owners' equity")
SURPLUS_OWN_LINE = ("本期收支结余（未结转）", "Surplus not yet closed")
Sums = dict[tuple[str, str], int]  # (account, fund) -> signed sum, debit +


def _books(tx, ledger: str, fund: str | None) -> tuple[dict, dict, dict, Chart | None]:
    info = require_ledger(tx, ledger)
    accounts = {row["code"]: row for row in tx.all(
        "SELECT code, name_zh, name_en, class FROM view_accounts WHERE ledger = ?", (ledger,))}
    funds = {row["code"]: row for row in tx.all(
        "SELECT code, name_zh, name_en, restricted FROM view_funds WHERE ledger = ?",
        (ledger,))}
    if fund is not None and fund not in funds:
        raise NotFound(f"fund {fund} does not exist in ledger {ledger}", fund=fund)
    chart = chart_of((a["code"], a["name_zh"], a["class"]) for a in accounts.values())
    return info, accounts, funds, chart


# A closing entry (结转) moves only between income or expense and net assets: the income
# statement leaves it out, or a closed year would show no income at all.
NOT_CLOSING = (
    " AND NOT (p.account_class IN ('income', 'expense')"
    " AND EXISTS (SELECT 1 FROM view_postings c WHERE c.ledger = p.ledger AND c.seq = p.seq"
    " AND c.account_class = 'net_assets')"
    " AND NOT EXISTS (SELECT 1 FROM view_postings c WHERE c.ledger = p.ledger"
    " AND c.seq = p.seq AND c.account_class IN ('asset', 'liability')))")


def _sums(tx, ledger: str, currency: str, fund: str | None, since: str | None,
          until: str | None, *, closing: bool = True) -> Sums:
    where, args = "" if closing else NOT_CLOSING, [ledger, currency]
    for condition, value in (("fund = ?", fund), ("date >= ?", since), ("date <= ?", until)):
        if value is not None:
            where += f" AND {condition}"
            args.append(value)
    rows = tx.all("SELECT account, fund, SUM(amount) AS amount FROM view_postings p "
                  f"WHERE ledger = ? AND currency = ?{where} GROUP BY account, fund", args)
    return {(row["account"], row["fund"]): int(row["amount"]) for row in rows}


def _layout(chart: Chart | None, accounts: dict, section: str, statement: str
            ) -> list[tuple[str, str, tuple[str, ...]]]:
    """(中文, English, top-level codes) of each line of ``section``."""
    if chart is not None:
        lines = chart.balance_sheet if statement == "balance" else chart.income_statement
        return list(lines[section])
    tops: dict[str, Any] = {}
    for code in sorted(accounts):
        if accounts[code]["class"] == section:
            tops.setdefault(top_code(code), accounts.get(top_code(code), accounts[code]))
    return [(f"{code} {row['name_zh']}", f"{code} {row['name_en']}", (code,))
            for code, row in tops.items()]


def _by_top(accounts: dict, sums: Sums, section: str) -> dict[str, int]:
    """Natural-sign totals of ``section``'s accounts, by top-level code."""
    totals: dict[str, int] = defaultdict(int)
    for (account, _), signed in sums.items():
        if accounts[account]["class"] == section:
            totals[top_code(account)] += natural(section, signed)
    return totals


def _lines(chart: Chart | None, accounts: dict, sums: Sums, section: str,
           statement: str) -> list[dict[str, Any]]:
    totals = _by_top(accounts, sums, section)
    return [{"label_zh": zh, "label_en": en, "codes": list(codes),
             "amount": sum(totals.get(code, 0) for code in codes)}
            for zh, en, codes in _layout(chart, accounts, section, statement)]


def _by_restriction(lines: list[dict], section: str, accounts: dict, funds: dict,
                    sums: Sums) -> None:
    """Each line's amount split into 非限定性 (general funds) and 限定性 (earmarked funds):
    the columns of the non-profit 业务活动表."""
    for restricted, key in ((False, "unrestricted"), (True, "restricted")):
        part = {k: v for k, v in sums.items() if bool(funds[k[1]]["restricted"]) == restricted}
        totals = _by_top(accounts, part, section)
        for line in lines:
            line[key] = sum(totals.get(code, 0) for code in line["codes"])


def _surplus_by_fund(accounts: dict, sums: Sums) -> dict[str, int]:
    """Income less expenses per fund (natural signs): what is not yet closed."""
    surplus: dict[str, int] = defaultdict(int)
    for (account, fund), signed in sums.items():
        if accounts[account]["class"] in INCOME_CLASSES:
            surplus[fund] -= signed  # income is credited (-), expenses debited (+)
    return surplus


def _add_surplus(lines: list[dict], chart: Chart | None, funds: dict,
                 surplus: dict[str, int]) -> None:
    if chart is None:
        lines.append({"label_zh": SURPLUS_OWN_LINE[0], "label_en": SURPLUS_OWN_LINE[1],
                      "codes": [], "amount": 0, "surplus": 0})
    for fund, amount in surplus.items():
        kind = "restricted" if funds[fund]["restricted"] else "general"
        target = SURPLUS_OWN_LINE[0] if chart is None else chart.surplus_line[kind]
        line = next(line for line in lines if line["label_zh"] == target)
        line["amount"] += amount
        line["surplus"] = line.get("surplus", 0) + amount


def _section(section: str, chart: Chart | None, lines: list[dict]) -> dict[str, Any]:
    zh, en = SECTION_LABELS[section]
    if section == "net_assets" and chart is not None and chart.name == "village":
        zh, en = VILLAGE_EQUITY
    return {"class": section, "label_zh": zh, "label_en": en, "lines": lines,
            "total": sum(line["amount"] for line in lines)}


def _fund_totals(accounts: dict, funds: dict, sums: Sums) -> list[dict[str, Any]]:
    totals: dict[str, dict[str, int]] = {f: defaultdict(int) for f in funds}
    for (account, fund), signed in sums.items():
        account_class = accounts[account]["class"]
        shown = "net_assets" if account_class in INCOME_CLASSES else account_class
        totals[fund][shown] += natural(shown, signed)  # income/expense: as net assets move
    return [{"fund": code, "name_zh": funds[code]["name_zh"], "name_en": funds[code]["name_en"],
             **{c: totals[code][c] for c in BALANCE_CLASSES},
             "balanced": totals[code]["asset"] == totals[code]["liability"]
             + totals[code]["net_assets"]}
            for code in sorted(funds)]


def _head(info: dict, chart: Chart | None, fund: str | None) -> dict[str, Any]:
    return {"ledger": info["ledger"], "size": info["size"], "currency": info["currency"],
            "fund": fund, "chart": chart.name if chart else None,
            "standard": chart.title_zh if chart else None}


def balance_sheet(view: FinanceView, ledger: str, date: str | None = None,
                  fund: str | None = None) -> dict[str, Any]:
    """The balance sheet at ``date`` (entries dated on or before it; None: all), of one
    fund or (``fund=None``) of all funds together, with each fund's totals beside."""
    date = check_date(date, "date")
    with view.reading() as tx:
        info, accounts, funds, chart = _books(tx, ledger, fund)
        sums = _sums(tx, ledger, info["currency"], None, None, date)
    all_sums = sums
    if fund is not None:
        sums = {key: amount for key, amount in sums.items() if key[1] == fund}
    sections = {s: _lines(chart, accounts, sums, s, "balance") for s in BALANCE_CLASSES}
    _add_surplus(sections["net_assets"], chart, funds, _surplus_by_fund(accounts, sums))
    shown = [_section(s, chart, sections[s]) for s in BALANCE_CLASSES]
    assets, liabilities, net_assets = (section["total"] for section in shown)
    return {**_head(info, chart, fund), "date": date, "title_zh": "资产负债表",
            "title_en": "Balance sheet", "sections": shown, "assets": assets,
            "liabilities": liabilities, "net_assets": net_assets,
            "balanced": assets == liabilities + net_assets,
            "funds": _fund_totals(accounts, funds, all_sums)}


def income_statement(view: FinanceView, ledger: str, start: str | None = None,
                     end: str | None = None, fund: str | None = None) -> dict[str, Any]:
    """Income and expenses of entries dated from ``start`` to ``end`` (both included;
    None: open-ended), of one fund or of all, in the standard's layout; closing entries
    (结转) are left out. Each line also splits into ``unrestricted`` and ``restricted``
    (general and earmarked funds), the columns of the 业务活动表."""
    start, end = check_date(start, "from"), check_date(end, "to")
    if start is not None and end is not None and start > end:
        raise FormatError(f"from ({start}) is after to ({end})", field="from")
    with view.reading() as tx:
        info, accounts, funds, chart = _books(tx, ledger, fund)
        sums = _sums(tx, ledger, info["currency"], fund, start, end, closing=False)
    shown = []
    for section in INCOME_CLASSES:
        lines = _lines(chart, accounts, sums, section, "income")
        _by_restriction(lines, section, accounts, funds, sums)
        shown.append(_section(section, chart, lines))
    income, expenses = (section["total"] for section in shown)
    title = (chart.income_title_zh, chart.income_title_en) if chart else ("收入支出表",
                                                                          "Income statement")
    return {**_head(info, chart, fund), "from": start, "to": end, "title_zh": title[0],
            "title_en": title[1], "sections": shown, "income": income, "expenses": expenses,
            "surplus": income - expenses}
