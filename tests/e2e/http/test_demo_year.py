"""The demo's year over real HTTP, on both stores (issue 11 done-when): contracts,
receivables, reconciliations and the two reports answer with the demo's figures, the
balance sheet balances per fund and in total, and the beancount export bean-checks
clean and equals GET /figures (the governance showcase: governance/test_demo_showcase.py).

Every expected figure is worked out here from the signed statements on the log
(``DemoYear.statements``), by plain sums over postings: never by the ledger's
read models or the demo's planning code."""

from __future__ import annotations

import subprocess
import sys
from collections import defaultdict
from pathlib import Path

import pytest

from tests.builders.cli import Cli
from tests.builders.demo_year import CREDIT_NORMAL, STORES, DemoYear, served_demo_year


@pytest.fixture(scope="module", params=STORES)
def year(request, tmp_path_factory):
    yield from served_demo_year(request, tmp_path_factory)


def test_every_payment_the_policy_held_was_approved_so_every_entry_counts(year):
    """What the sums below rest on: no journal entry of the demo waits or was rejected."""
    held = {body["entry"] for _, body in year.of_type("entry.approved")}
    assert held and not year.of_type("entry.rejected")
    approval = year.of_type("policy.set")[0][1]["approval_threshold"]
    money = {code for _, body in year.of_type("account.opened") if body.get("kind")
             for code in [body["code"]]}
    for seq, body in year.of_type("entry.posted"):
        out = -sum((1 if p["side"] == "debit" else -1) * p["amount"]
                   for p in body["postings"] if p["account"] in money)
        assert out < approval or seq in held, seq


def test_the_demo_keeps_its_books_on_the_standard_npo_chart(year):
    sheet = year.get("reports/balance-sheet")
    assert (sheet["chart"], sheet["standard"]) == ("npo", "民间非营利组织会计制度")
    codes = {code.split(".")[0] for code in year.accounts()}
    assert {"1001", "1002", "2202", "3101", "3102", "4401", "5101"} <= codes


def test_the_balance_sheet_has_the_demos_figures_and_balances_per_fund_and_in_total(year):
    classes, restricted = year.accounts(), year.restricted_funds()
    sheet = year.get("reports/balance-sheet")
    totals: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for (account, fund), amount in year.balances().items():
        kind = classes[account]
        shown = -amount if kind in CREDIT_NORMAL else amount
        # Income less expenses not yet carried (结转) stand in the fund's net assets.
        section = {"income": "net_assets", "expense": "net_assets"}.get(kind, kind)
        totals[fund][section] += shown if kind != "expense" else -shown
    for fund in totals.values():
        for section in ("asset", "liability", "net_assets"):
            fund.setdefault(section, 0)
    by_fund = {row["fund"]: row for row in sheet["funds"]}
    assert set(by_fund) == set(totals)
    for fund, expected in totals.items():
        row = by_fund[fund]
        assert (row["asset"], row["liability"], row["net_assets"]) == (
            expected["asset"], expected["liability"], expected["net_assets"]), fund
        assert row["asset"] == row["liability"] + row["net_assets"] and row["balanced"], fund
    assert sheet["assets"] == sum(t["asset"] for t in totals.values())
    assert sheet["liabilities"] == sum(t["liability"] for t in totals.values())
    assert sheet["net_assets"] == sum(t["net_assets"] for t in totals.values())
    assert sheet["assets"] == sheet["liabilities"] + sheet["net_assets"] and sheet["balanced"]
    restricted_surplus = sum(t["net_assets"] for f, t in totals.items() if f in restricted)
    [net] = [s for s in sheet["sections"] if s["class"] == "net_assets"]
    lines = {line["label_zh"]: line["amount"] for line in net["lines"]}
    assert lines["限定性净资产"] == restricted_surplus  # earmarked funds are restricted
    assert sheet["liabilities"] > 0  # a retention held and rent received ahead


def test_the_income_statement_has_the_demos_income_and_spending_by_standard_line(year):
    classes = year.accounts()
    expected: dict[str, int] = defaultdict(int)
    for (account, _), amount in year.balances().items():
        if classes[account] in ("income", "expense"):
            sign = -1 if classes[account] == "income" else 1
            expected[account.split(".")[0]] += sign * amount
    report = year.get("reports/income-statement")
    shown = {code: line["amount"] for section in report["sections"]
             for line in section["lines"] for code in line["codes"]}
    for code, amount in expected.items():
        assert shown[code] == amount, code
    assert all(shown[code] == 0 for code in shown if code not in expected)
    assert shown["4401"] > 0 and shown["5101"] > 0


def _money_moved(year: DemoYear, body: dict) -> int:
    """What an entry brought into cash and bank (negative: what it paid out)."""
    money = {code for _, b in year.of_type("account.opened") if b.get("kind")
             for code in [b["code"]]}
    return sum((1 if p["side"] == "debit" else -1) * p["amount"]
               for p in body["postings"] if p["account"] in money)


def test_contracts_show_each_contracts_total_and_what_was_settled_under_it(year):
    signed = dict(year.of_type("contract.signed"))
    settled: dict[int, int] = defaultdict(int)
    for _, body in year.of_type("entry.posted"):
        if "contract" in body:
            settled[body["contract"]] += abs(_money_moved(year, body))
    accepted = {body["contract"] for _, body in year.of_type("contract.accepted")}
    shown = {item["seq"]: item for item in year.get("contracts", limit=100)["items"]}
    assert set(shown) == set(signed)
    kinds = {body["direction"] for body in signed.values()}
    assert kinds == {"receivable", "payable"}
    for seq, body in signed.items():
        item = shown[seq]
        assert (item["total"], item["settled"], item["direction"]) == (
            body["total"], settled[seq], body["direction"]), seq
        assert (item["accepted_seq"] is not None) == (seq in accepted), seq
    works = [seq for seq, body in signed.items() if "retention" in body]
    assert len(works) >= 3 and accepted  # instalments, acceptance and a retention


def test_receivables_show_one_tenant_in_arrears_and_the_others_paid_up(year):
    answer = year.get("receivables")
    leases = dict(year.of_type("contract.signed"))
    items = answer["items"]
    assert {item["seq"] for item in items} == {
        seq for seq, body in leases.items() if body["direction"] == "receivable"}
    in_arrears = [item for item in items if item["arrears"]]
    assert len(in_arrears) == 1
    [owing] = in_arrears
    assert owing["party"]["name"].startswith("菜鸟驿站")
    paid = sum(_money_moved(year, body) for _, body in year.of_type("entry.posted")
               if body.get("contract") == owing["seq"])
    assert owing["outstanding"] == owing["due_to_date"] - paid > 0
    assert sum(a["open"] for a in owing["arrears"]) == owing["outstanding"]
    assert all(item["outstanding"] == 0 for item in items if item is not owing)


def test_each_month_is_closed_and_reconciled_with_the_difference_in_transit(year):
    statements = dict(year.of_type("bank.statement_recorded"))
    closed = [body["month"] for _, body in year.of_type("period.close_cosigned")]
    assert len(statements) == len(closed) >= 3
    confirmed = {body["entry"]: body["date"] for _, body in year.of_type("entry.confirmed")}
    answer = year.get("reconciliations")
    assert {item["seq"] for item in answer["items"]} == set(statements)
    explained_somewhere = False
    for item in answer["items"]:
        body = statements[item["seq"]]
        book = sum(amount for (account, _), amount in year.balances(body["date"]).items()
                   if account == body["account"])
        assert (item["bank_balance"], item["book_balance"]) == (body["balance"], book)
        assert item["unexplained"] == 0 and item["reconciled"]
        assert item["explained"] == body["balance"] - book  # what the bank has not shown
        for transit in item["in_transit"]:  # booked, and on the bank's next statement
            assert transit["entry"] in confirmed and confirmed[transit["entry"]] > body["date"]
        assert sum(t["amount"] for t in item["in_transit"]) == book - body["balance"]
        explained_somewhere |= item["explained"] != 0
    assert explained_somewhere
    periods = {row["month"]: row["status"] for row in year.get("periods")["items"]}
    assert all(periods[month] == "closed" for month in closed)


def test_the_beancount_export_bean_checks_clean_and_equals_get_figures(year, tmp_path):
    path = tmp_path / "books.beancount"
    Cli(year.settings).ok("export", year.slug, "--beancount", str(path))
    bean_check = Path(sys.executable).with_name("bean-check")
    checked = subprocess.run([str(bean_check), str(path)], capture_output=True, text=True)
    assert checked.returncode == 0 and checked.stdout + checked.stderr == "", checked.stderr
    figures = year.get("figures")["figures"]
    exported = _beancount_balances(path)
    shown = {(account, fund): amount for account, fund, _, amount in figures["balances"]}
    classes = year.accounts()
    for (account, fund), amount in shown.items():
        sign = -1 if classes[account] in CREDIT_NORMAL else 1
        assert sign * exported.pop((account, fund)) == amount, (account, fund)
    assert not any(exported.values())


def _beancount_balances(path: Path) -> dict[tuple[str, str], int]:
    """(code, fund) -> the file's sum in fen, read back through each open's metadata."""
    from beancount import loader
    from beancount.core import data

    entries, errors, _ = loader.load_file(str(path))
    assert not errors
    names = {e.account: (e.meta["code"], e.meta["fund"]) for e in entries
             if isinstance(e, data.Open)}
    sums: dict[tuple[str, str], int] = defaultdict(int)
    for entry in entries:
        if isinstance(entry, data.Transaction):
            for posting in entry.postings:
                sums[names[posting.account]] += int(posting.units.number * 100)
    return sums
