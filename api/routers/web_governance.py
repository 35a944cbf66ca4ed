"""The residents' governance pages (居民): asset trades, matters under 四议两公开 with
their timelines, disclosures and questions.

Like ``api.routers.web`` (whose helpers these reuse), the routes translate the
public read models (``projections.governance``: people already masked) and
decide nothing. The one write is the question form: a plain HTML POST that
goes through ``api.routers.governance.submit_question`` to the log's question
intake (``ledger.log.intake``), the code path of
``POST /v1/ledgers/{ledger}/questions``, under the same per-client asking
rate, so the page and the API refuse and record exactly the same questions.
A refused question re-shows the questions page with the reason and the text
kept (nothing is appended); an accepted one redirects (303) back to the list.
"""

from __future__ import annotations

import asyncio
import re
import time
from typing import Any
from urllib.parse import parse_qsl, urlencode

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from starlette.concurrency import run_in_threadpool

from api.deps import SEQ_MAX, Intake, read_body
from api.limits import RateLimited
from api.routers.governance import question_body_bytes_max, question_rate, submit_question
from api.routers.web_receipt import RECEIPT_COOKIE, forget_receipt, remember_receipt, take_receipt
from api.routers.web import (PAGE, View, _number, api_base, error_page, ledger_info,
                             render)
from ledger.domain import policy
from ledger.domain.questions import ABOUT_KINDS, SEQ_KINDS
from ledger.errors import FormatError, LedgerError, NotFound
from projections import governance, matters, periods, queries
from projections.view import FinanceView

# Percent-encoding makes each UTF-8 byte of Chinese text three bytes of form body:
# room for the longest question policy allows, which the shared check then applies.
form_body_bytes_max = 4 * question_body_bytes_max
form_fields_max = 8
view_wait_seconds = 2.0  # how long an accepted question waits to show on the list
view_wait_step_seconds = 0.05
question_page_items = 50  # questions per page of the residents' list
# What a "ask about this" link may prefill as the subject: a seq, a code or FUND/YEAR.
CODE_OR_SEQ_RE = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,31}(/[0-9]{4})?")
reconciliation_page_items = 120  # ten years of monthly statements on the page
matter_page_items = 100  # matters per page of the residents' list

router = APIRouter(tags=["web"], include_in_schema=False)


def pager_urls(cursor: int | None, next_cursor: int | None) -> dict[str, str | None]:
    """The pager macro's links for a list read a page at a time by seq cursor."""
    return {"next_url": None if next_cursor is None else "?" + urlencode({"cursor": next_cursor}),
            "first_url": "?" if cursor is not None else None}


def awarded_bids(view: FinanceView, ledger: str) -> dict[int, dict[str, Any]]:
    """Each awarded trade's winning bid (one query; the trades list has only its seq)."""
    with view.reading() as tx:
        rows = tx.all("SELECT b.trade, b.amount, b.bidder_kind, b.bidder_public FROM view_bids b "
                      "JOIN view_trades t ON t.ledger = b.ledger AND t.award_bid = b.seq "
                      "WHERE b.ledger = ?", (ledger,))
    return {row["trade"]: row for row in rows}


def disclosure_signers(view: FinanceView, ledger: str) -> dict[int, str]:
    """The role that signed each disclosure, from the view's log rows."""
    with view.reading() as tx:
        rows = tx.all("SELECT l.seq, l.signer_role FROM view_log l JOIN view_disclosures d "
                      "ON d.ledger = l.ledger AND d.seq = l.seq WHERE l.ledger = ?", (ledger,))
    return {row["seq"]: row["signer_role"] for row in rows}


def journal_refs(view: FinanceView, ledger: str) -> set[int]:
    """Questions' entry refs that are journal entries: only those have a page to link."""
    with view.reading() as tx:
        rows = tx.all("SELECT e.seq FROM view_entries e JOIN view_questions q ON "
                      "q.ledger = e.ledger AND q.about_kind = 'entry' AND q.about_ref = e.seq "
                      "WHERE e.ledger = ?", (ledger,))
    return {row["seq"] for row in rows}


@router.get("/ledgers/{ledger}/trades", **PAGE)
def trades(request: Request, ledger: str, view: View) -> HTMLResponse:
    try:
        info = ledger_info(view, ledger)
        items = governance.trades(view, ledger)["items"]
    except LedgerError as error:
        return error_page(request, error)
    return render(request, "trades.html", info=info, items=items,
                  winners=awarded_bids(view, ledger))


@router.get("/ledgers/{ledger}/trades/{seq}", **PAGE)
def trade(request: Request, ledger: str, seq: str, view: View) -> HTMLResponse:
    try:
        number = _number(seq, "seq", 0, SEQ_MAX)
        info = ledger_info(view, ledger)
        item = governance.trade(view, ledger, number)
    except FormatError:
        return error_page(request, NotFound(f"没有这项交易 there is no trade {seq[:24]!r}"))
    except LedgerError as error:
        return error_page(request, error)
    return render(request, "trade.html", info=info, item=item)


@router.get("/ledgers/{ledger}/matters", **PAGE)
def matters_page(request: Request, ledger: str, view: View) -> HTMLResponse:
    """Every matter under 四议两公开, with how far each has come (a page at a time)."""
    try:
        cursor = _number(request.query_params.get("cursor"), "cursor", 0, SEQ_MAX)
    except FormatError:
        cursor = None
    try:
        info = ledger_info(view, ledger)
        found = matters.matters(view, ledger, cursor=cursor, limit=matter_page_items)
    except LedgerError as error:
        return error_page(request, error)
    return render(request, "matters.html", info=info, found=found,
                  **pager_urls(cursor, found["next_cursor"]))


@router.get("/ledgers/{ledger}/matters/{seq}", **PAGE)
def matter_page(request: Request, ledger: str, seq: str, view: View) -> HTMLResponse:
    """One matter's six steps: those done (date, entry, signing role, document), the next
    one and those to come."""
    try:
        number = _number(seq, "seq", 0, SEQ_MAX)
        info = ledger_info(view, ledger)
        item = matters.matter(view, ledger, number)
    except FormatError:
        return error_page(request, NotFound(f"没有这个事项 there is no matter {seq[:24]!r}"))
    except LedgerError as error:
        return error_page(request, error)
    hashes = [step["sha256"] for step in item["timeline"] if step["sha256"]]
    return render(request, "matter.html", info=info, item=item,
                  kept=request.app.state.documents.kept_among(ledger, hashes),
                  api=api_base(request, ledger))


@router.get("/ledgers/{ledger}/disclosures", **PAGE)
def disclosures(request: Request, ledger: str, view: View) -> HTMLResponse:
    try:
        info = ledger_info(view, ledger)
        found = governance.disclosures(view, ledger)
    except LedgerError as error:
        return error_page(request, error)
    catalogue = {row["code"]: row for row in (found["catalogue"] or {}).get("items", [])}
    return render(request, "disclosures.html", info=info, items=found["items"],
                  catalogue=catalogue, signers=disclosure_signers(view, ledger),
                  kept=kept_sheets(request, ledger, found["items"]),
                  api=api_base(request, ledger))


def kept_sheets(request: Request, ledger: str, disclosures: list[dict[str, Any]]) -> set[str]:
    """The sheets of ``disclosures`` the document store keeps (one query): only those
    get a download link and a hash check."""
    return request.app.state.documents.kept_among(
        ledger, [row["sheet_sha256"] for row in disclosures])


@router.get("/ledgers/{ledger}/books", **PAGE)
def books(request: Request, ledger: str, view: View) -> HTMLResponse:
    """Closed months (结账) and the bank reconciliation sheets, for residents and auditors."""
    try:
        info = ledger_info(view, ledger)
        months = periods.periods(view, ledger)
        sheets = periods.reconciliations(view, ledger, limit=reconciliation_page_items)
    except LedgerError as error:
        return error_page(request, error)
    return render(request, "books.html", info=info, months=months, sheets=sheets)


def prefilled(request: Request) -> dict[str, str]:
    """"Ask about this" links name the subject in the query; anything odd is dropped."""
    query, form = request.query_params, {}
    if query.get("kind") in ABOUT_KINDS:
        form["kind"] = query["kind"]
    ref = query.get("ref", "")
    if CODE_OR_SEQ_RE.fullmatch(ref):
        form["ref"] = ref
    return form


def questions_page(request: Request, view: FinanceView, info: dict[str, Any],
                   form: dict[str, str], refused: LedgerError | None = None,
                   status_code: int = 200,
                   rating_refused: tuple[int, LedgerError] | None = None) -> HTMLResponse:
    try:  # after a redirect: the question just asked or rated, to point out
        asked = None if refused else _number(request.query_params.get("asked"), "asked", 0,
                                             SEQ_MAX)
        rated = _number(request.query_params.get("rated"), "rated", 0, SEQ_MAX)
    except FormatError:
        asked = rated = None
    try:  # a page at a time: anyone may ask, so the list is never shown whole
        cursor = _number(request.query_params.get("cursor"), "cursor", 0, SEQ_MAX)
    except FormatError:
        cursor = None
    pointed = asked or rated or (rating_refused[0] if rating_refused else None)
    if cursor is None and pointed:  # the page that starts at that question
        cursor = pointed - 1
    found = governance.questions(view, info["ledger"], cursor=cursor,
                                 limit=question_page_items)
    return render(request, "questions.html", status_code, info=info, found=found, form=form,
                  **pager_urls(cursor, found["next_cursor"]),
                  refused=refused, asked=asked, rated=rated, rating_refused=rating_refused,
                  receipt_code=take_receipt(request, asked),
                  journal=journal_refs(view, info["ledger"]),
                  kinds=sorted(ABOUT_KINDS), text_bytes_max=policy.question_text_bytes_max)


@router.get("/ledgers/{ledger}/questions", **PAGE)
def questions(request: Request, ledger: str, view: View) -> HTMLResponse:
    try:
        info = ledger_info(view, ledger)
        page = questions_page(request, view, info, prefilled(request))
    except LedgerError as error:
        return error_page(request, error)
    if RECEIPT_COOKIE in request.cookies:  # shown once: a reload does not show it again
        forget_receipt(page, request, ledger)
        page.headers["Cache-Control"] = "no-store"
    return page


async def read_form(request: Request, bytes_max: int = form_body_bytes_max) -> dict[str, str]:
    """The urlencoded form (no multipart: a question is text), size-limited like the API."""
    raw = await read_body(request, bytes_max)
    try:
        pairs = parse_qsl(raw.decode("ascii"), keep_blank_values=True, errors="strict",
                          max_num_fields=form_fields_max)
    except ValueError as bad:  # not ASCII, not UTF-8 once unquoted, or too many fields
        raise FormatError("the form could not be read") from bad
    return dict(pairs)


def question_from(form: dict[str, str]) -> dict[str, Any]:
    """The form as the API's JSON body, for the shared check (which says what is wrong)."""
    kind, written = form.get("kind", ""), form.get("ref", "").strip()
    about: dict[str, Any] = {"kind": kind}
    if kind in SEQ_KINDS:
        about["ref"] = _number(written, "about.ref", 0, SEQ_MAX)
        if about["ref"] is None:
            raise FormatError(f"say which {kind} the question is about (its number)",
                              field="about.ref")
    elif kind != "ledger":  # a code, or FUND/YEAR for a budget: the ledger checks it
        about["ref"] = written
    body: dict[str, Any] = {"about": about, "text": form.get("text", "")}
    if form.get("contact", "").strip():
        body["contact"] = form["contact"]
    return body


def refusal_status(error: LedgerError) -> int:
    # "Try later" keeps its own status (429, 503); anything else is "check what you wrote".
    return error.status if error.status == 429 or error.status >= 500 else 400


def refused_form(page: HTMLResponse, error: LedgerError) -> HTMLResponse:
    """A form's page re-shown after a refusal; asked too often, it says when to try again."""
    if isinstance(error, RateLimited):
        page.headers["Retry-After"] = str(error.details["retry_after"])
    return page


async def wait_for_view(view: FinanceView, ledger: str, seq: int) -> None:
    """Give the projection a moment to take the new question, so the list the asker is
    sent to shows it; if it is slower, that page says the question is on its way."""
    deadline = time.monotonic() + view_wait_seconds
    while time.monotonic() < deadline:
        status = await run_in_threadpool(queries.status, view, ledger)
        if status["projections"][0]["size"] > seq:
            return
        await asyncio.sleep(view_wait_step_seconds)


@router.post("/ledgers/{ledger}/questions", response_class=HTMLResponse)
async def ask(request: Request, ledger: str, view: View, intake: Intake) -> Response:
    try:
        info = await run_in_threadpool(ledger_info, view, ledger)
    except LedgerError as error:
        return error_page(request, error)
    form: dict[str, str] = {}
    try:
        await question_rate(request)  # the API's limiter: one budget per client, not two
        form = await read_form(request)
        shown, _ = await submit_question(intake, ledger, question_from(form))
    except LedgerError as error:  # bad input, unknown subject, too often: nothing appended
        form.pop("contact", None)  # never echoed back, even to the asker
        return refused_form(await run_in_threadpool(questions_page, request, view, info, form,
                                                    error, refusal_status(error)), error)
    await wait_for_view(view, ledger, shown["seq"])
    where = f"{request.scope.get('root_path', '')}/ledgers/{ledger}/questions"
    redirect = RedirectResponse(f"{where}?{urlencode({'asked': shown['seq']})}#q-{shown['seq']}",
                                status_code=303)
    remember_receipt(redirect, request, ledger, shown["seq"], shown["receipt_code"])
    return redirect
