"""Charts over time for the community page, drawn on the server as inline SVG.

Only geometry lives here: the figures come from the read model
(``projections.queries.fund_usage``'s ``by_month`` rows and ``budget_vs_actual``),
and every bar carries the amount it stands for, so the table under each chart
shows exactly the same numbers. Heights are integer arithmetic on fen (a bar's
height is ``amount * plot_height // largest``), never floats.
"""

from __future__ import annotations

from typing import Any

MONTHS = 12
chart_width = 360
chart_height = 180
plot_top = 16           # room above the tallest bar for the scale label
plot_bottom = 150         # the baseline; month numbers sit under it
plot_left = 12
group_width = 28          # one month: two bars and a gap
bar_width = 11


def bar_height(amount: int, largest: int) -> int:
    """Whole SVG units; anything above zero gets at least one unit, so it shows."""
    if amount <= 0 or largest <= 0:
        return 0
    return max(1, amount * (plot_bottom - plot_top) // largest)


def _month_keys(year: int) -> list[str]:
    return [f"{year:04d}-{month:02d}" for month in range(1, MONTHS + 1)]


def _bars(rows: list[dict[str, Any]], series: tuple[str, ...], largest: int) -> list[dict]:
    bars = []
    for index, row in enumerate(rows):
        for position, name in enumerate(series):
            height = bar_height(row[name], largest)
            bars.append({"month": row["month"], "series": name, "amount": row[name],
                         "x": plot_left + index * group_width + position * bar_width,
                         "y": plot_bottom - height, "height": height, "width": bar_width - 1})
    return bars


def monthly_flows(by_month: list[dict[str, Any]], year: int) -> list[dict[str, Any]]:
    """One chart per fund that moved money in ``year``: income and spending each month."""
    per_fund: dict[str, dict[str, dict[str, int]]] = {}
    for row in by_month:
        months = per_fund.setdefault(row["fund"], {})
        months[row["month"]] = {"income": row["income"], "spending": row["spending"]}
    charts = []
    for fund in sorted(per_fund):
        rows = [{"month": key, **per_fund[fund].get(key, {"income": 0, "spending": 0})}
                for key in _month_keys(year)]
        largest = max(max(r["income"], r["spending"]) for r in rows)
        if largest <= 0:
            continue
        charts.append({"fund": fund, "rows": rows, "largest": largest,
                       "bars": _bars(rows, ("income", "spending"), largest),
                       "totals": {"income": sum(r["income"] for r in rows),
                                  "spending": sum(r["spending"] for r in rows)}})
    return charts


def budget_through_year(by_month: list[dict[str, Any]], budgets: list[dict[str, Any]],
                        year: int) -> list[dict[str, Any]]:
    """Each budgeted fund: spending to date at the end of each month, against the budget
    (drawn as a line across the chart)."""
    charts = []
    for budget in budgets:
        if not budget["budget"]:
            continue
        spent = {row["month"]: row["spending"] for row in by_month
                 if row["fund"] == budget["fund"]}
        rows, to_date = [], 0
        for key in _month_keys(year):
            to_date += spent.get(key, 0)
            rows.append({"month": key, "spent_to_date": to_date})
        largest = max(budget["budget"], to_date)
        line = plot_bottom - bar_height(budget["budget"], largest)
        charts.append({"fund": budget["fund"], "name_zh": budget["name_zh"],
                       "name_en": budget["name_en"], "budget": budget["budget"],
                       "rows": rows, "largest": largest, "budget_y": line,
                       "bars": _bars(rows, ("spent_to_date",), largest)})
    return charts


def month_label_x(index: int) -> int:
    return plot_left + index * group_width + bar_width


GEOMETRY = {"width": chart_width, "height": chart_height, "bottom": plot_bottom,
            "left": plot_left, "right": plot_left + MONTHS * group_width,
            "month_x": [month_label_x(i) for i in range(MONTHS)]}
