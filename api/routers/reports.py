"""GET the financial statements in the ledger's standard layout: the balance sheet
(资产负债表) at a date and the income statement (收益及收益分配表 / 业务活动表 / 收入支出表)
for a date range, per fund (``fund``) or in total. JSON, or CSV with ``format=csv``:
one row per line and total, money in yuan."""

from __future__ import annotations

from typing import Annotated, Any, Iterator

from fastapi import APIRouter, Depends, Query

from api.contract import DATE_PATTERN, PUBLIC_READ, merged
from api.csv import SIZED_RESPONSES, csv_response, size_header
from api.deps import DateText, Format, Text, View, ViewLedger, answer
from api.limits import public_rate
from projections import reports

router = APIRouter(prefix="/v1/ledgers/{ledger}/reports", tags=["residents"],
                   dependencies=[Depends(public_rate)])
RESPONSES = merged(SIZED_RESPONSES, PUBLIC_READ)
_DATE = {"pattern": DATE_PATTERN, "json_schema_extra": {"format": "date"}}
From = Annotated[str | None, Query(alias="from", description="first day counted", **_DATE)]
To = Annotated[str | None, Query(alias="to", description="last day counted", **_DATE)]

CSV_COLUMNS = ["类别", "项目", "item", "科目", "amount"]
TOTALS = {"asset": "资产总计", "liability": "负债合计", "net_assets": "净资产合计",
          "income": "收入合计", "expense": "费用合计"}


def statement_rows(report: dict[str, Any]) -> Iterator[dict[str, Any]]:
    """A statement as spreadsheet rows: its lines, each section's total, the result."""
    for section in report["sections"]:
        for line in section["lines"]:
            yield {"类别": section["label_zh"], "项目": line["label_zh"], "item": line["label_en"],
                   "科目": ";".join(line["codes"]), "amount": line["amount"]}
        yield {"类别": section["label_zh"], "项目": TOTALS[section["class"]],
               "item": f"Total {section['label_en'].lower()}", "科目": "",
               "amount": section["total"]}
    if "surplus" in report and "liabilities" not in report:
        yield {"类别": "", "项目": "结余", "item": "Surplus", "科目": "",
               "amount": report["surplus"]}


def _filename(ledger: str, name: str, fund: str | None, *dates: str | None) -> str:
    parts = [ledger, name, *(part for part in (fund, *dates) if part)]
    return "-".join(parts) + ".csv"


@router.get("/balance-sheet", responses=RESPONSES)
def balance_sheet(ledger: ViewLedger, view: View, date: DateText = None, fund: Text = None,
                  format: Format = "json") -> Any:
    """Assets, liabilities and net assets at ``date`` (entries dated up to it; all when
    absent), on the lines of the ledger's standard chart, with each fund's totals;
    income less expenses not yet closed counts in net assets, so ``balanced`` holds."""
    report = reports.balance_sheet(view, ledger, date, fund)
    if format == "csv":
        return csv_response(statement_rows(report), _filename(ledger, "balance-sheet", fund,
                                                              date), CSV_COLUMNS,
                            headers=size_header(report), currency=report["currency"])
    return answer(report, headers=size_header(report))


@router.get("/income-statement", responses=RESPONSES)
def income_statement(ledger: ViewLedger, view: View, date_from: From = None,
                     date_to: To = None, fund: Text = None, format: Format = "json") -> Any:
    """Income and expenses of entries dated ``from`` .. ``to`` (both included), on the
    lines of the ledger's standard chart; closing entries (结转) are left out."""
    report = reports.income_statement(view, ledger, date_from, date_to, fund)
    if format == "csv":
        return csv_response(statement_rows(report), _filename(
            ledger, "income-statement", fund, date_from, date_to), CSV_COLUMNS,
            headers=size_header(report), currency=report["currency"])
    return answer(report, headers=size_header(report))
