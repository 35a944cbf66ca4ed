"""The community page's charts over time: income and spending per fund month by month,
and budget against spending through the year, as inline SVG drawn on the server.
The bars must say what the table under them says, and both must equal sums this
test makes itself from the public transaction list (each entry's posting lines)."""

from __future__ import annotations

from collections import defaultdict

import httpx
import pytest

from api.web_charts import bar_height, plot_bottom, plot_top
from tests.builders.site import ACTIVITY_BUDGET, RENOVATION_BUDGET

pytestmark = pytest.mark.browser


def api(site, path: str) -> dict:
    response = httpx.get(site.url(path).replace("/ledgers/", "/v1/ledgers/"), timeout=30)
    assert response.status_code == 200, response.text
    return response.json()


def independent_monthly_sums(site) -> dict[tuple[str, str], dict[str, int]]:
    """(fund, "YYYY-MM") -> income and spending, from each entry's postings."""
    sums: dict[tuple[str, str], dict[str, int]] = defaultdict(lambda: {"income": 0,
                                                                        "spending": 0})
    for seq in api(site, "/transactions?limit=100")["items"]:
        entry = api(site, f"/transactions/{seq['seq']}")
        for line in entry["postings"]:
            sign = 1 if line["side"] == "debit" else -1
            key = (line["fund"], entry["date"][:7])
            if line["account_class"] == "income":
                sums[key]["income"] -= sign * line["amount"]
            elif line["account_class"] == "expense":
                sums[key]["spending"] += sign * line["amount"]
    return sums


def svg_bars(page, chart: str) -> dict[tuple[str, str], dict[str, int]]:
    return {(b["month"], b["series"]): b for b in page.locator(
        f"{chart} svg rect[data-series]").evaluate_all(
        """rects => rects.map(r => ({month: r.dataset.month, series: r.dataset.series,
             amount: Number(r.dataset.amount), height: Number(r.getAttribute('height')),
             y: Number(r.getAttribute('y'))}))""")}


def table_cells(page, chart: str) -> dict[tuple[str, str], int]:
    return {(c["month"], c["col"]): c["amount"] for c in page.locator(
        f"{chart} table.months tbody td[data-col]").evaluate_all(
        """cells => cells.map(c => ({month: c.closest('tr').dataset.month, col: c.dataset.col,
             amount: Number(c.dataset.amount)}))""")}


def test_monthly_bars_match_the_table_and_the_transactions(site, page):
    sums = independent_monthly_sums(site)
    page.goto(site.url())
    charts = page.locator("figure[data-chart=flows]")
    drawn_funds = charts.evaluate_all("fs => fs.map(f => f.dataset.fund)")
    assert drawn_funds == sorted({fund for fund, _ in sums})
    for fund in drawn_funds:
        chart = f'figure[data-chart=flows][data-fund="{fund}"]'
        bars, table = svg_bars(page, chart), table_cells(page, chart)
        assert len(bars) == len(table) == 24  # twelve months, income and spending
        largest = max(bar["amount"] for bar in bars.values())
        for (month, series), bar in bars.items():
            expected = sums.get((fund, month), {"income": 0, "spending": 0})[series]
            assert bar["amount"] == table[(month, series)] == expected, (fund, month, series)
            assert bar["height"] == bar_height(expected, largest)
            assert bar["y"] + bar["height"] == plot_bottom
        tallest = max(bars.values(), key=lambda bar: bar["amount"])
        assert tallest["height"] == plot_bottom - plot_top
        scale = page.locator(f"{chart} svg text.scale")  # the chart states its scale
        assert int(scale.get_attribute("data-amount")) == largest
    # The table shows the same numbers in yuan, as the page formats money.
    activity = 'figure[data-chart=flows][data-fund="activity"] table.months'
    january = page.locator(f'{activity} tr[data-month="{site.year}-01"] [data-col=income]')
    assert january.text_content() == "5,000.00"


def test_budget_chart_adds_up_spending_month_by_month_against_the_budget(site, page):
    sums = independent_monthly_sums(site)
    page.goto(site.url())
    drawn = page.locator("figure[data-chart=budget]").evaluate_all(
        "fs => fs.map(f => [f.dataset.fund, Number(f.dataset.budget)])")
    assert drawn == [["activity", ACTIVITY_BUDGET], ["renovation", RENOVATION_BUDGET]]
    chart = 'figure[data-chart=budget][data-fund="activity"]'
    bars, table = svg_bars(page, chart), table_cells(page, chart)
    to_date = 0
    for month in range(1, 13):
        key = f"{site.year}-{month:02d}"
        to_date += sums.get(("activity", key), {"spending": 0})["spending"]
        assert bars[(key, "spent_to_date")]["amount"] == table[(key, "spent_to_date")] == to_date
    line = page.locator(f"{chart} line.budget-line")
    assert int(line.get_attribute("data-amount")) == ACTIVITY_BUDGET
    largest = max(ACTIVITY_BUDGET, to_date)
    assert int(line.get_attribute("y1")) == plot_bottom - bar_height(ACTIVITY_BUDGET, largest)


def test_charts_need_no_script_and_fit_a_phone(site, browser):
    context = browser.new_context(viewport={"width": 390, "height": 844},
                                  java_script_enabled=False)
    tab = context.new_page()
    try:
        tab.goto(site.url())
        for box in tab.locator("figure.chart svg").evaluate_all(
                "svgs => svgs.map(s => s.getBoundingClientRect().toJSON())"):
            assert box["width"] > 300 and box["right"] <= 390
        assert tab.locator("figure.chart svg rect[data-series]").count() > 0
    finally:
        context.close()
