"""Residents' voice on the web page: the satisfaction rating of a closed question (with
the receipt code shown once when it was asked, ``api.routers.web_receipt``) and the
confidential report form (举报).

The rating and the report go through the same intake calls as the API
(``POST .../questions/{seq}/rating``, ``POST .../confidential``) under the same
per-client limit. A report's text is sealed to the supervisory committee's and
the auditors' keys before anything is stored; the page never shows it again
(only the sender's refused form keeps it, answered ``no-store``).
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from starlette.concurrency import run_in_threadpool

from api.deps import SEQ_MAX, Intake
from api.routers.governance import question_rate
from api.routers.web import PAGE, View, _number, error_page, ledger_info, render
from api.routers.web_governance import (pager_urls, questions_page, read_form, refusal_status,
                                         refused_form, wait_for_view)
from api.routers.web_receipt import questions_path
from ledger.errors import FormatError, LedgerError
from ledger.log import sealed_reports
from projections import confidential
from projections.view import FinanceView

report_page_items = 50
# Percent-encoding makes each UTF-8 byte of Chinese text three bytes of form body.
report_form_bytes_max = 3 * sealed_reports.report_text_bytes_max + 1024
NO_STORE = {"Cache-Control": "no-store"}

router = APIRouter(tags=["web"], include_in_schema=False)


@router.post("/ledgers/{ledger}/questions/{seq}/rating", response_class=HTMLResponse)
async def rate(request: Request, ledger: str, seq: str, view: View, intake: Intake) -> Response:
    try:
        info = await run_in_threadpool(ledger_info, view, ledger)
        question = _number(seq, "question", 0, SEQ_MAX)
        if question is None:
            raise FormatError("say which question to rate")
    except LedgerError as error:
        return error_page(request, error)
    try:
        await question_rate(request)  # one budget per client with asking and the API
        form = await read_form(request)
        receipt = await intake.rate_async(ledger, question, form.get("rating", ""),
                                          form.get("receipt_code", "").strip().upper())
    except LedgerError as error:  # a wrong code, not closed, rated already: nothing appended
        return refused_form(await run_in_threadpool(
            questions_page, request, view, info, {}, None, refusal_status(error),
            rating_refused=(question, error)), error)
    await wait_for_view(view, ledger, receipt.entry.seq)
    where = questions_path(request, ledger)
    return RedirectResponse(f"{where}?{urlencode({'rated': question})}#q-{question}",
                            status_code=303)


def reports_page(request: Request, view: FinanceView, info: dict[str, Any],
                 text: str = "", refused: LedgerError | None = None,
                 status_code: int = 200) -> HTMLResponse:
    try:
        cursor = _number(request.query_params.get("cursor"), "cursor", 0, SEQ_MAX)
        filed = None if refused else _number(request.query_params.get("filed"), "filed", 0,
                                             SEQ_MAX)
    except FormatError:
        cursor = filed = None
    found = confidential.confidential_reports(view, info["ledger"], cursor, report_page_items)
    page = render(request, "confidential.html", status_code, info=info, found=found,
                  text=text, refused=refused, filed=filed,
                  **pager_urls(cursor, found["next_cursor"]),
                  text_bytes_max=sealed_reports.report_text_bytes_max)
    page.headers.update(NO_STORE)
    return page


@router.get("/ledgers/{ledger}/confidential", **PAGE)
def reports(request: Request, ledger: str, view: View) -> HTMLResponse:
    try:
        return reports_page(request, view, ledger_info(view, ledger))
    except LedgerError as error:
        return error_page(request, error)


@router.post("/ledgers/{ledger}/confidential", response_class=HTMLResponse)
async def file_report(request: Request, ledger: str, view: View, intake: Intake) -> Response:
    try:
        info = await run_in_threadpool(ledger_info, view, ledger)
    except LedgerError as error:
        return error_page(request, error)
    text = ""
    try:
        await question_rate(request)
        form = await read_form(request, report_form_bytes_max)
        text = form.get("text", "")
        receipt = await intake.file_report_async(ledger, text)
    except LedgerError as error:  # nothing sealed is kept, nothing appended
        return refused_form(await run_in_threadpool(reports_page, request, view, info, text,
                                                    error, refusal_status(error)), error)
    seq = receipt.entry.seq
    await wait_for_view(view, ledger, seq)
    where = f"{request.scope.get('root_path', '')}/ledgers/{ledger}/confidential"
    return RedirectResponse(f"{where}?{urlencode({'filed': seq})}#r-{seq}", status_code=303)
