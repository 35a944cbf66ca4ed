"""The street office's page (街道总览): every community on this server in one table.

It translates ``GET /v1/overview`` (``api.routers.overview.street_overview``, the
same read model and rule) and decides nothing. Sorting is server-side: each column
header is a plain link (``?sort=<indicator>&order=asc|desc``: the current column's
link turns the order round), so it works without JavaScript; the two "after N days"
settings are a GET form. A bad setting answers 400 with the reason above the form
and the defaults below it, as the transactions filter does. The table scrolls inside
its own box on a phone; the page never scrolls sideways.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from api.routers.overview import street_overview
from api.routers.web import PAGE, View, _number, render
from ledger.errors import FormatError
from ledger.format.money import format_amount
from projections import overview as read_model
from projections.risk_grade import parse_condition

router = APIRouter(tags=["web"], include_in_schema=False)

# The table's columns: (sort key, 中文, English); the grade's column comes second.
COLUMNS = (("name", "社区", "Community"), ("grade", "等级", "Grade"),
           ("disclosure_period_rate", "上月公开率", "Disclosure rate, last month"),
           ("disclosures_overdue", "逾期未公开", "Overdue disclosures"),
           ("findings_open", "未销号发现", "Open findings"),
           ("findings_overdue", "逾期未整改", "Overdue rectifications"),
           ("red_flags_open", "未处理风险提示", "Open red flags"),
           ("cash_unconfirmed", "出纳未确认", "Unconfirmed by the cashier"),
           ("arrears_amount", "欠缴租金（元）", "Rent in arrears (yuan)"),
           ("questions_unanswered", "未答复提问", "Unanswered questions"),
           ("satisfaction_rate", "满意率", "Satisfaction"),
           ("last_entry_at", "最近记账", "Last entry"))
# How a rule's indicator reads in a reason (the grade's column) and in the rule section.
INDICATOR_LABELS = {
    "disclosure_rate": ("公开率", "disclosure rate"),
    "disclosure_period_rate": ("上月公开率", "last month's disclosure rate"),
    "disclosures_overdue": ("逾期未公开", "overdue disclosures"),
    "findings_open": ("未销号发现", "open findings"),
    "findings_overdue": ("逾期未整改", "overdue rectifications"),
    "red_flags_open": ("未处理风险提示", "open red flags"),
    "cash_unconfirmed": ("出纳未确认", "entries unconfirmed by the cashier"),
    "arrears_contracts": ("欠缴合同", "contracts in arrears"),
    "arrears_amount": ("欠缴租金", "rent in arrears"),
    "questions_unanswered": ("未答复提问", "unanswered questions"),
    "satisfaction_rate": ("满意率", "satisfaction rate"),
    "satisfaction_rated": ("评价数", "rated answers"),
}
SYMBOLS = {">=": "≥", ">": ">", "<=": "≤", "<": "<"}


def condition_words(text: str) -> tuple[str, str]:
    """A rule's condition as a person reads it, (中文, English): rates in percent,
    amounts in yuan (``red_flags_open >= 3`` -> 未处理风险提示 ≥ 3)."""
    condition = parse_condition(text)
    zh, en = INDICATOR_LABELS[condition.indicator]
    if condition.indicator.endswith("_rate"):
        number = f"{condition.threshold * 100:f}"
        if "." in number:
            number = number.rstrip("0").rstrip(".")
        number_zh = number_en = number + "%"
    elif condition.indicator.endswith("_amount"):
        fen = int(condition.threshold)  # a fraction of a fen compares as the next whole one
        number_zh = f"{format_amount(fen, 'CNY')} 元"
        number_en = f"{format_amount(fen, 'CNY')} yuan"
    else:
        number_zh = number_en = str(condition.threshold)
    symbol = SYMBOLS[condition.op]
    return f"{zh} {symbol} {number_zh}", f"{en} {symbol} {number_en}"


def _choices(query: Any) -> dict[str, Any]:
    """The page's settings from its query, each checked (FormatError names the bad one)."""
    sort = query.get("sort") or "grade"
    if sort not in read_model.SORT_KEYS:
        raise FormatError(f"sort must be one of {', '.join(read_model.SORT_KEYS)}",
                          field="sort")
    order = query.get("order") or None
    if order not in (None, "asc", "desc"):
        raise FormatError("order must be asc or desc", field="order")
    days = {name: _number(query.get(name), name, 0, read_model.DAYS_MAX)
            for name in ("unconfirmed_days", "unanswered_days")}
    return {"sort": sort, "order": order,
            "unconfirmed_days": days["unconfirmed_days"]
            if days["unconfirmed_days"] is not None else read_model.UNCONFIRMED_DAYS_DEFAULT,
            "unanswered_days": days["unanswered_days"]
            if days["unanswered_days"] is not None else read_model.UNANSWERED_DAYS_DEFAULT}


def sort_links(result: dict[str, Any]) -> dict[str, dict[str, str | None]]:
    """Per column: the link that sorts by it (the current one: the other way round) and
    its aria-sort ("ascending", "descending", or None when not sorted by it)."""
    kept = {"unconfirmed_days": result["unconfirmed_days"],
            "unanswered_days": result["unanswered_days"]}
    links = {}
    for key, _, _ in COLUMNS:
        current = key == result["sort"]
        order = (("asc" if result["order"] == "desc" else "desc") if current
                 else read_model.default_order(key))
        links[key] = {"href": "?" + urlencode({**kept, "sort": key, "order": order}),
                      "aria": (("ascending" if result["order"] == "asc" else "descending")
                               if current else None)}
    return links


@router.get("/overview", **PAGE)
def overview_page(request: Request, view: View) -> HTMLResponse:
    error = None
    try:
        chosen = _choices(request.query_params)
    except FormatError as bad:
        error = bad.message
        chosen = _choices({})
    result = street_overview(request, view, request.app.state.ledger, **chosen)
    settings = {"unconfirmed_days": result["unconfirmed_days"],
                "unanswered_days": result["unanswered_days"]}
    csv_url = f"{request.scope.get('root_path', '')}/v1/overview?" + urlencode(
        {**settings, "sort": result["sort"], "order": result["order"], "format": "csv"})
    return render(request, "overview.html", 400 if error else 200, result=result,
                  error=error, columns=COLUMNS, links=sort_links(result), csv_url=csv_url,
                  words={text: condition_words(text)
                         for text in result["rule"]["priority_when"]})
