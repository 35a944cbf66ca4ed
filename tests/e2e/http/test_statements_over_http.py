"""GET /reports/balance-sheet and /reports/income-statement over real HTTP, on both
stores: the demo's statements (on the npo standard chart) balance per fund and in
total and hold the signed figures' totals; a ledger on the village standard chart shows the standard's lines;
bad ranges and unknown funds are clear problems."""

from __future__ import annotations

import uuid
from collections import defaultdict

import pytest

from ledger.charts import CHARTS
from ledger.client import posting
from ledger.demo.build import ENTRIES_MIN, build_demo
from ledger.format.money import parse_amount
from projections.worker import catch_up
from tests.builders.community import STREET_OFFICE, SUPPLIER, Community
from tests.builders.http import assert_problem, csv_rows

VILLAGE = [(a.code, a.name_zh, a.name_en, a.account_class, a.kind)
           for a in CHARTS["village"].accounts] + [
    ("211.01", "应付款—安居装修", "Payables: the builder", "liability", None)]


@pytest.fixture
def demo(app, api, checkpoints):
    built = build_demo(app, f"demo-{uuid.uuid4().hex[:8]}", entries=ENTRIES_MIN + 60)
    checkpoints.issue(built.ledger)
    catch_up(app)
    return built


def _get(http, slug: str, report: str, **params) -> dict:
    response = http.get(f"/v1/ledgers/{slug}/reports/{report}", params=params)
    assert response.status_code == 200, response.text
    assert response.headers["Sunledger-Size"] == str(response.json()["size"])
    return response.json()


def _figures_by_class(http, slug: str, size: int) -> dict[tuple[str | None, str], int]:
    """(fund or None for all, class) -> the signed figures summed, on the normal side."""
    classes = {a["account"]: a["class"] for a in http.get(f"/v1/ledgers/{slug}/funds").json()[
        "accounts"]}
    figures = http.get(f"/v1/ledgers/{slug}/figures", params={"size": size}).json()["figures"]
    totals: dict[tuple[str | None, str], int] = defaultdict(int)
    for account, fund, _currency, balance in figures["balances"]:
        if not balance:
            continue  # /funds lists the accounts that hold something
        for key in ((None, classes[account]), (fund, classes[account])):
            totals[key] += balance
    return totals


def test_the_demo_balance_sheet_balances_and_holds_the_signed_figures(http, demo):
    sheet = _get(http, demo.ledger, "balance-sheet")
    assert sheet["size"] == demo.size and sheet["chart"] == "npo" and sheet["balanced"]
    signed = _figures_by_class(http, demo.ledger, demo.size)
    for fund in (None, *(f["fund"] for f in sheet["funds"])):
        shown = sheet if fund is None else _get(http, demo.ledger, "balance-sheet", fund=fund)
        assert shown["balanced"] and shown["assets"] == shown["liabilities"] + shown["net_assets"]
        assert shown["assets"] == signed[(fund, "asset")] != 0 or fund is not None
        assert shown["assets"] == signed[(fund, "asset")]
        assert shown["liabilities"] == signed[(fund, "liability")]
        assert shown["net_assets"] == (signed[(fund, "net_assets")] + signed[(fund, "income")]
                                       - signed[(fund, "expense")])
    assert all(fund["balanced"] for fund in sheet["funds"])


def test_the_demo_income_statement_is_the_signed_income_less_expenses(http, demo):
    statement = _get(http, demo.ledger, "income-statement")
    signed = _figures_by_class(http, demo.ledger, demo.size)
    assert statement["income"] == signed[(None, "income")] > 0
    assert statement["expenses"] == signed[(None, "expense")] > 0
    assert statement["surplus"] == statement["income"] - statement["expenses"]
    first_half = _get(http, demo.ledger, "income-statement", **{"to": "2026-06-30"})
    second_half = _get(http, demo.ledger, "income-statement", **{"from": "2026-07-01"})
    assert first_half["surplus"] + second_half["surplus"] == statement["surplus"]


def test_the_statements_download_as_csv_in_yuan(http, demo):
    response = http.get(f"/v1/ledgers/{demo.ledger}/reports/balance-sheet",
                        params={"format": "csv", "date": "2026-06-30"})
    rows = csv_rows(response)
    assert response.headers["Sunledger-Size"] == str(demo.size)
    json_sheet = _get(http, demo.ledger, "balance-sheet", date="2026-06-30")
    totals = {row["项目"]: parse_amount(row["金额（元）"]) for row in rows}
    assert totals["资产总计"] == json_sheet["assets"]
    assert totals["负债合计"] == json_sheet["liabilities"]
    income = csv_rows(http.get(f"/v1/ledgers/{demo.ledger}/reports/income-statement",
                               params={"format": "csv"}))
    assert income[-1]["项目"] == "结余"


@pytest.fixture
def village(app, api) -> Community:
    town = Community.open(app, accounts=VILLAGE)
    for lines in ([("102", "debit", 500_000), ("503", "credit", 500_000)],
                  [("514", "debit", 120_000), ("102", "credit", 120_000)],
                  [("514", "debit", 80_000), ("211.01", "credit", 80_000)]):
        app.submit(town.agent.post("2026-03-01", "works", SUPPLIER if lines[0][0] == "514"
                                   else STREET_OFFICE,
                                   [posting(code, "renovation", side, amount)
                                    for code, side, amount in lines]))
    catch_up(app)
    return town


def _line(report: dict, section: str, label: str) -> dict:
    lines = next(s for s in report["sections"] if s["class"] == section)["lines"]
    return next(line for line in lines if line["label_zh"] == label)


def test_a_village_ledger_reports_on_the_standards_lines(http, village):
    sheet = _get(http, village.slug, "balance-sheet", fund="renovation")
    assert sheet["chart"] == "village" and sheet["balanced"]
    assert _line(sheet, "asset", "货币资金")["amount"] == 380_000
    assert _line(sheet, "liability", "应付款项")["amount"] == 80_000  # 211.01 under 211
    assert _line(sheet, "net_assets", "未分配收益")["amount"] == 300_000
    assert [s["label_zh"] for s in sheet["sections"]] == ["资产", "负债", "所有者权益"]
    statement = _get(http, village.slug, "income-statement", fund="renovation")
    assert statement["title_zh"] == "收益及收益分配表"
    assert _line(statement, "income", "补助收入")["amount"] == 500_000
    assert _line(statement, "expense", "公益支出")["amount"] == 200_000
    assert statement["surplus"] == 300_000
    assert _get(http, village.slug, "balance-sheet", fund="general")["assets"] == 0


def test_bad_ranges_and_unknown_funds_are_clear_problems(http, village):
    base = f"/v1/ledgers/{village.slug}/reports"
    assert_problem(http.get(f"{base}/income-statement",
                            params={"from": "2026-05-01", "to": "2026-04-01"}), 422, "malformed")
    assert_problem(http.get(f"{base}/balance-sheet", params={"fund": "nowhere"}), 404,
                   "not-found")
    assert_problem(http.get(f"{base}/balance-sheet", params={"date": "2026-02-30"}), 422,
                   "malformed")
    assert_problem(http.get("/v1/ledgers/no-such-ledger/reports/balance-sheet"), 404,
                   "ledger-not-found")


def test_the_notice_board_page_prints_both_statements_of_a_fund(http, village):
    page = http.get(f"/ledgers/{village.slug}/reports", params={"fund": "renovation"})
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    for text in ("资产负债表", "收益及收益分配表", "货币资金", "3,800.00", "农村集体经济组织会计制度",
                 "平衡"):
        assert text in page.text, text
    bad = http.get(f"/ledgers/{village.slug}/reports", params={"date": "2026-13-01"})
    assert bad.status_code == 400 and "date" in bad.text
    assert http.get(f"/ledgers/{village.slug}/reports", params={"fund": "x"}).status_code == 404


def test_a_non_profit_statement_of_activities_splits_restricted_and_unrestricted(
        http, app, api):
    npo = [(a.code, a.name_zh, a.name_en, a.account_class, a.kind)
           for a in CHARTS["npo"].accounts]
    town = Community.open(app, accounts=npo)
    for fund, amount in (("general", 40_000), ("activity", 90_000)):  # activity is earmarked
        app.submit(town.agent.post("2026-04-01", "donation", STREET_OFFICE, [
            posting("1002", fund, "debit", amount), posting("4101", fund, "credit", amount)]))
    app.submit(town.agent.post("2026-04-02", "activity", SUPPLIER, [
        posting("5101", "activity", "debit", 30_000), posting("1002", "activity", "credit", 30_000)]))
    catch_up(app)
    statement = _get(http, town.slug, "income-statement")
    assert statement["chart"] == "npo" and statement["title_zh"] == "业务活动表"
    donations = _line(statement, "income", "捐赠收入")
    assert (donations["unrestricted"], donations["restricted"], donations["amount"]) == (
        40_000, 90_000, 130_000)
    sheet = _get(http, town.slug, "balance-sheet")
    assert _line(sheet, "net_assets", "非限定性净资产")["amount"] == 40_000
    assert _line(sheet, "net_assets", "限定性净资产")["amount"] == 60_000
    assert sheet["balanced"]
    page = http.get(f"/ledgers/{town.slug}/reports").text
    assert "非限定性" in page and "民间非营利组织会计制度" in page
