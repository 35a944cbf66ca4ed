"""The standard charts of accounts a ledger may be opened with, and their statements' lines.

- ``village``: 《农村集体经济组织会计制度》 (财会〔2023〕14号, in force from 2024-01-01),
  three-digit codes, statements 资产负债表 and 收益及收益分配表 (``ledger.charts.village``).
- ``npo``: 《民间非营利组织会计制度》 (财会〔2004〕7号), four-digit codes, statements
  资产负债表 and 业务活动表 (``ledger.charts.npo``).

This is reference data, not a rule of the log: ``sunledger init --chart`` opens the
chart as ordinary ``account.opened`` statements, and the reports group balances by
its lines. A sub-account by counterparty or project is ``<code>.<suffix>`` (e.g.
``211.01`` or ``2202.renovation-a``): it reports on its parent's line.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable, Mapping

from ledger.charts import npo, village

Line = tuple[str, str, tuple[str, ...]]  # 中文, English, top-level codes


@dataclass(frozen=True)
class ChartAccount:
    code: str
    name_zh: str
    name_en: str
    account_class: str
    kind: str | None


@dataclass(frozen=True)
class Chart:
    name: str
    title_zh: str
    title_en: str
    source: str
    accounts: tuple[ChartAccount, ...]
    balance_sheet: Mapping[str, tuple[Line, ...]]
    income_statement: Mapping[str, tuple[Line, ...]]
    income_title_zh: str
    income_title_en: str
    surplus_line: Mapping[str, str]  # "restricted" / "general" fund -> net-assets line

    def account(self, code: str) -> ChartAccount | None:
        return next((a for a in self.accounts if a.code == code), None)


def _accounts(rows: Iterable[tuple[str, str, str, str, str | None]]) -> tuple[ChartAccount, ...]:
    return tuple(ChartAccount(*row) for row in rows)


CHARTS: dict[str, Chart] = {
    "village": Chart(
        "village", "农村集体经济组织会计制度", "Accounting system for rural collective "
        "economic organisations", "财政部 财会〔2023〕14号, in force from 2024-01-01",
        _accounts(village.ACCOUNTS), village.BALANCE_SHEET, village.INCOME_STATEMENT,
        "收益及收益分配表", "Statement of surplus and its distribution", village.SURPLUS_LINE),
    "npo": Chart(
        "npo", "民间非营利组织会计制度", "Accounting system for non-profit organisations",
        "财政部 财会〔2004〕7号, in force from 2005-01-01",
        _accounts(npo.ACCOUNTS), npo.BALANCE_SHEET, npo.INCOME_STATEMENT,
        "业务活动表", "Statement of activities", npo.SURPLUS_LINE),
}


def top_code(code: str) -> str:
    """The standard account a code reports under: ``211.01`` -> ``211``."""
    return code.split(".", 1)[0]


def chart_of(accounts: Iterable[tuple[str, str, str]]) -> Chart | None:
    """The standard chart a ledger's accounts follow, or None for a chart of its own.

    ``accounts`` is (code, 中文 name, class) of every opened account. A ledger follows a
    standard when each top-level account is in the standard's table with the same
    name and class, and each sub-account sits under one of them with its class."""
    accounts = list(accounts)
    for chart in CHARTS.values():
        if accounts and all(_fits(chart, code, name_zh, class_)
                            for code, name_zh, class_ in accounts):
            return chart
    return None


def _fits(chart: Chart, code: str, name_zh: str, account_class: str) -> bool:
    standard = chart.account(top_code(code))
    if standard is None or standard.account_class != account_class:
        return False
    return "." in code or standard.name_zh == name_zh
