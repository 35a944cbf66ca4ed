"""The residents' pages (居民): HTML over the public read models, zh-CN first.

Routes translate, they don't decide: every figure comes from
``projections.queries`` (the views, never the aggregates), the checkpoint
from the log's ``CheckpointLog``. Amounts stay integer fen until the
template's ``yuan`` filter formats them. Pages work without JavaScript (the
language and text-size choices are links, remembered in cookies: ``api.web_lang``);
only the "核验 Verify" button needs it (``static/verify.js`` recomputes the
RFC 9162 root in the browser), and the community page's "核验余额 Verify the
balances" (``static/figures.js`` holds the page to the signed figures of
FORMAT.md section 10, so the balances state the log size they reflect), and each
kept disclosure sheet's "核验哈希 Check the hash" (``static/documents.js`` re-hashes
the downloaded sheet against the hash on the log).
Unknown ledgers and seqs answer an HTML 404, not the API's problem+json,
because a person reads it.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Request
from fastapi.responses import FileResponse, HTMLResponse, Response
from fastapi.templating import Jinja2Templates
from markupsafe import Markup

from api.deps import SEQ_MAX, Checkpoints, Reader
from api.labels import code_for, label
from api.limits import public_rate
from api.read_routing import read_side
from ledger.domain import fields
from api.web_charts import GEOMETRY, budget_through_year, monthly_flows
from api.web_lang import (LEDGER_TIME_ZONE, local_date, local_time, reading, remember,
                          server_today, switch_url, today)
from ledger.log.checkpointing import CheckpointLog
from ledger.format.checkpoints import Checkpoint
from ledger.errors import FormatError, LedgerError, LedgerNotFound, NotFound
from ledger.format.money import format_amount
from ledger.format.notes import split_note
from projections import disclosure_schedule, governance, inspection, queries
from projections import contracts
from projections.entry_story import entry_story
from projections.view import FinanceView, open_view

API_DIR = Path(__file__).resolve().parents[1]
TEMPLATES = Jinja2Templates(directory=API_DIR / "templates")
STATIC_DIR = API_DIR / "static"
STATIC_TYPES = {".css": "text/css; charset=utf-8", ".js": "text/javascript; charset=utf-8"}
latest_items_max = 10
latest_sheets_max = 5  # the latest disclosures on the community page, each with its sheet
arrears_items_max = 5  # contracts in arrears named on the community page (the rest: /contracts)
page_items_default = 20
page_items_max = 100

router = APIRouter(tags=["web"], include_in_schema=False)
PAGE = {"response_class": HTMLResponse, "dependencies": [Depends(public_rate)]}


def yuan(minor: int | None, currency: str = "CNY") -> str:
    """Integer fen -> "1,234.56" (integer arithmetic in ledger.format.money, never floats)."""
    return "—" if minor is None else format_amount(minor, currency)


TEMPLATES.env.filters["yuan"] = yuan
# Every {{ value }} a page shows: unprintable characters (a memo's U+202E or ESC,
# from a log signed before the text rule) become visible escapes, then HTML escaping.
def _shown(value: object) -> object:
    if not isinstance(value, str) or not fields.UNSAFE_IN_PROSE_RE.search(value):
        return value
    # Markup (a macro's HTML) stays Markup: the escapes are plain printable text.
    return Markup(fields.shown(value)) if isinstance(value, Markup) else fields.shown(value)


TEMPLATES.env.finalize = _shown
TEMPLATES.env.filters["local_time"] = local_time
TEMPLATES.env.filters["local_date"] = local_date
TEMPLATES.env.globals["label"] = label
TEMPLATES.env.globals["chart"] = GEOMETRY
TEMPLATES.env.globals["time_zone"] = LEDGER_TIME_ZONE.key


def current_year() -> int:
    """"This year" is the community's calendar year, in the ledger's time zone."""
    return today().year


def get_view(request: Request) -> FinanceView:
    # A replica's if the read went there; the app's view if create_app made one, else the
    # same per-application view it would.
    side = read_side(request.scope)
    if side is not None:
        return side.view
    return getattr(request.app.state, "view", None) or open_view(request.app.state.ledger)


View = Annotated[FinanceView, Depends(get_view)]


def render(request: Request, template: str, status_code: int = 200,
           **context: Any) -> HTMLResponse:
    context.setdefault("root", request.scope.get("root_path", ""))  # links work behind a prefix
    chosen = reading(request)
    other_lang = "en" if chosen.lang == "zh" else "zh"
    other_text = "normal" if chosen.text == "large" else "large"
    context.update(lang=chosen.lang, html_lang=chosen.html_lang, text_size=chosen.text,
                   lang_url=switch_url(request, lang=other_lang),
                   text_url=switch_url(request, text=other_text))
    response = TEMPLATES.TemplateResponse(request, template, context, status_code=status_code)
    remember(response, chosen)
    return response


def error_page(request: Request, error: LedgerError) -> HTMLResponse:
    # A person typed or followed the URL: "not there" or "not understood" is all they need.
    status = 404 if isinstance(error, (LedgerNotFound, NotFound)) else 400
    return render(request, "error.html", status, message=error.message, code=status)


def _number(text: str | None, name: str, low: int, high: int) -> int | None:
    """A query or path number typed by a person: digits only, within [low, high]."""
    if text is None or text == "":
        return None
    # The length check comes first: int() of a huge digit string is slow (and refused).
    if (len(text) > len(str(high)) or not text.isascii() or not text.isdigit()
            or not low <= int(text) <= high):
        raise FormatError(f"{name} must be a whole number from {low} to {high}", field=name)
    return int(text)


def _blank_is_none(value: str | None) -> str | None:
    """An empty form field means "no filter"."""
    if value is None:
        return None
    return value.strip() or None


# --- static files (a route, not a Mount: include_router drops mounts) ---------------

STATIC_FILES = {p.name: p for p in STATIC_DIR.iterdir() if p.suffix in STATIC_TYPES}


@router.get("/static/{name}")
def static_file(name: str) -> Response:
    path = STATIC_FILES.get(name)
    if path is None:
        return Response("not found", status_code=404, media_type="text/plain")
    return FileResponse(path, media_type=STATIC_TYPES[path.suffix],
                        headers={"Cache-Control": "public, max-age=300"})


# --- pages ----------------------------------------------------------------------------

@router.get("/", **PAGE)
def index(request: Request, view: View) -> HTMLResponse:
    # With a directory, the ledgers it places on this server, as /v1/ledgers lists them.
    served = getattr(request.app.state, "served", None)
    ledgers = [row for row in queries.ledgers(view) if served is None or served.serves(row["ledger"])]
    return render(request, "index.html", ledgers=ledgers)


def ledger_info(view: FinanceView, ledger: str) -> dict[str, Any]:
    for row in queries.ledgers(view):
        if row["ledger"] == ledger:
            return row
    raise LedgerNotFound(f"没有这个社区账本 there is no ledger {ledger!r} here", ledger=ledger)


def genesis_hash(view: FinanceView, ledger: str) -> str | None:
    """Entry 0's hash, the one printed on the notice board (from the view's log rows)."""
    with view.reading() as tx:
        row = tx.one("SELECT entry_hash FROM view_log WHERE ledger = ? AND seq = 0", (ledger,))
    return row["entry_hash"] if row else None


def latest_checkpoint(checkpoints: CheckpointLog, ledger: str) -> dict[str, Any] | None:
    note = checkpoints.latest(ledger)
    if note is None:
        return None
    body = split_note(note)[0]
    parsed = Checkpoint.parse(body)
    return {"size": parsed.size, "root_b64": body.splitlines()[2], "root_hex": parsed.root.hex(),
            "origin": parsed.origin, "note": note}


def fund_rows(balances: dict[str, Any], usage: dict[str, Any]) -> list[dict[str, Any]]:
    """Each fund: cash and bank held, this year's income and spending."""
    held: dict[tuple[str, str], int] = {}
    for row in balances["accounts"]:
        if row["kind"] and row["currency"] == balances["currency"]:
            key = (row["fund"], row["kind"])
            held[key] = held.get(key, 0) + row["balance"]
    flows = {row["fund"]: row for row in usage["by_fund"]}
    return [{**fund, "cash": held.get((fund["fund"], "cash"), 0),
             "bank": held.get((fund["fund"], "bank"), 0),
             "income": flows.get(fund["fund"], {}).get("income", 0),
             "spending": flows.get(fund["fund"], {}).get("spending", 0)}
            for fund in balances["funds"]]


def budget_rows(budgets: dict[str, Any]) -> list[dict[str, Any]]:
    """Budget beside actual, with the bar's width as a whole percent (integer math)."""
    rows = []
    for row in budgets["funds"]:
        percent = None if not row["budget"] else row["spent"] * 100 // row["budget"]
        rows.append({**row, "percent": percent,
                     "bar": 0 if percent is None else min(percent, 100)})
    return rows


def category_rows(usage: dict[str, Any], fund_names: dict[str, dict]) -> list[dict[str, Any]]:
    spent = [row for row in usage["by_category"] if row["spending"]]
    total = sum(row["spending"] for row in spent)
    return [{**row, "fund_name": fund_names.get(row["fund"]),
             "share": row["spending"] * 100 // total if total else 0}
            for row in sorted(spent, key=lambda r: (-r["spending"], r["fund"], r["category"]))]


def api_base(request: Request, ledger: str) -> str:
    return f"{request.scope.get('root_path', '')}/v1/ledgers/{ledger}"


@router.get("/ledgers/{ledger}", **PAGE)
def community(request: Request, ledger: str, view: View, reader: Reader,
              checkpoints: Checkpoints, year: str | None = None) -> HTMLResponse:
    try:
        chosen = _number(year, "year", 2000, 2100) or current_year()
        info = ledger_info(view, ledger)
        balances = queries.balances(view, ledger)
        usage = queries.fund_usage(view, ledger, chosen)
        budgets = queries.budget_vs_actual(view, ledger, chosen)
        latest = queries.transactions(view, ledger, limit=latest_items_max)
        today_there = server_today(request.app.state.ledger)
        disclosures_due = disclosure_schedule.schedule(view, ledger, today_there,
                                                       LEDGER_TIME_ZONE)
        sheets = governance.latest_disclosures(view, ledger, latest_sheets_max)
        findings = inspection.summary(view, ledger, today_there)
        rent_owed = contracts.receivables(view, ledger, today_there, limit=arrears_items_max)
    except LedgerError as error:
        return error_page(request, error)
    fund_names = {f["fund"]: f for f in balances["funds"]}
    status = queries.status(view, ledger, log_size=reader.size(ledger))["projections"][0]
    return render(request, "community.html", info=info, year=chosen, balances=balances,
                  flow_charts=monthly_flows(usage["by_month"], chosen),
                  budget_charts=budget_through_year(usage["by_month"], budgets["funds"], chosen),
                  funds=fund_rows(balances, usage), budgets=budget_rows(budgets),
                  categories=category_rows(usage, fund_names), usage_totals=usage["totals"],
                  latest=latest["items"], fund_names=fund_names,
                  checkpoint=latest_checkpoint(checkpoints, ledger),
                  genesis=genesis_hash(view, ledger), status=status,
                  disclosure_schedule=disclosures_due, api=api_base(request, ledger),
                  sheets=sheets, findings=findings,
                  kept=request.app.state.documents.kept_among(
                      ledger, [row["sheet_sha256"] for row in sheets]),
                  rent_arrears=[item for item in rent_owed["items"] if item["arrears"]],
                  rent_in_arrears=rent_owed["in_arrears"])


FILTER_FIELDS = ("fund", "category", "date_from", "date_to")


@router.get("/ledgers/{ledger}/transactions", **PAGE)
def transactions(request: Request, ledger: str, view: View) -> HTMLResponse:
    query = request.query_params
    form = {name: _blank_is_none(query.get(name)) for name in FILTER_FIELDS}
    try:
        info = ledger_info(view, ledger)
        funds = queries.chart(view, ledger)["funds"]
    except LedgerError as error:
        return error_page(request, error)
    error, page, limit = None, {"items": [], "next_cursor": None}, page_items_default
    try:
        limit = _number(query.get("limit"), "limit", 1, page_items_max) or page_items_default
        cursor = _number(query.get("cursor"), "cursor", 0, SEQ_MAX)
        # A person may type a category's label in either language, or its code.
        filters = queries.TransactionFilters(**{**form, "category": code_for(
            "category", form["category"])})
        page = queries.transactions(view, ledger, filters, cursor=cursor, limit=limit)
    except FormatError as bad:
        error = bad.message
    kept = {k: v for k, v in {**form, "limit": query.get("limit")}.items() if v}
    next_url = (None if page["next_cursor"] is None else
                "?" + urlencode({**kept, "cursor": page["next_cursor"]}))
    return render(request, "transactions.html", 400 if error else 200, info=info,
                  funds=funds, fund_names={f["code"]: f for f in funds}, form=form,
                  items=page["items"], next_url=next_url, error=error,
                  first_url=("?" + urlencode(kept)) if query.get("cursor") else None,
                  categories=known_categories(view, ledger))


def known_categories(view: FinanceView, ledger: str) -> list[str]:
    """Categories seen in the books, to suggest in the filter (a datalist, no JS; the
    template shows each by its label, which the filter takes as well as the code)."""
    usage = queries.fund_usage(view, ledger)
    return sorted({row["category"] for row in usage["by_category"]})


@router.get("/ledgers/{ledger}/transactions/{seq}", **PAGE)
def transaction(request: Request, ledger: str, seq: str, view: View) -> HTMLResponse:
    try:
        number = _number(seq, "seq", 0, SEQ_MAX)
        info = ledger_info(view, ledger)
        item = queries.transaction(view, ledger, number)
        funds = {f["code"]: f for f in queries.chart(view, ledger)["funds"]}
        story = entry_story(view, ledger, number)
    except FormatError:
        return error_page(request, NotFound(f"没有这一条 there is no entry {seq[:24]!r}"))
    except LedgerError as error:
        return error_page(request, error)
    return render(request, "transaction.html", info=info, item=item, fund_names=funds, story=story,
                  genesis=genesis_hash(view, ledger), api=api_base(request, ledger))
