"""Confidential reports (举报) over HTTP, and the asker's rating of a closed question.

``POST /v1/ledgers/{ledger}/confidential`` takes ``{"text": "..."}`` without
signing in (the same per-client limit as asking a question). The intake seals
the text to the ledger's active supervisor and auditor keys and puts only the
sealed bundle's hash and its readers on the log; the text is in no entry,
view, page or log line. Anyone sees that a report was filed and when it was
handled; the sealed bundle itself is served only to a signed-in supervisor or
auditor, who opens it with ``sunledger confidential read``.

``POST /v1/ledgers/{ledger}/questions/{seq}/rating`` takes ``{"rating",
"receipt_code"}``: the code the asker got when asking, which the ledger checks
against the question's ``receipt_sha256``.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path
from fastapi.responses import Response

from api.auth import signed_in
from api.contract import PUBLIC_READ, SIGNED_IN_READ, WRITE, json_request, merged, problems
from api.deps import SEQ_MAX, Cursor, Intake, LedgerApp, Limit, View, existing_ledger, json_body
from api.limits import public_rate
from api.routers.governance import question_rate
from api.routers.statements import receipt_response
from ledger.domain import fields
from ledger.errors import FormatError, NotFound
from ledger.log import sealed_reports
from projections import confidential
from projections.paging import PAGE_SIZE_DEFAULT

report_body_bytes_max = 64 * 1024
rating_body_bytes_max = 1024
Seq = Annotated[int, Path(ge=0, le=SEQ_MAX)]
Ledger = Annotated[str, Depends(existing_ledger)]

filing = APIRouter(prefix="/v1/ledgers/{ledger}", tags=["residents: governance"])
public = APIRouter(prefix="/v1/ledgers/{ledger}", tags=["residents: governance"],
                   dependencies=[Depends(public_rate)], responses=PUBLIC_READ)
readers = APIRouter(prefix="/v1/ledgers/{ledger}/audit", tags=["audit (signed in)"],
                    responses=SIGNED_IN_READ)

REPORT_SCHEMA = {"type": "object", "additionalProperties": False, "required": ["text"],
                 "properties": {"text": {"type": "string", "minLength": 1,
                                         "maxLength": sealed_reports.report_text_bytes_max}}}
RATING_SCHEMA = {"type": "object", "additionalProperties": False,
                 "required": ["rating", "receipt_code"],
                 "properties": {"rating": {"enum": ["satisfied", "basically_satisfied",
                                                    "dissatisfied"]},
                                "receipt_code": {"type": "string", "minLength": 1,
                                                 "maxLength": 64}}}


@filing.post("/confidential", status_code=201, dependencies=[Depends(question_rate)],
             responses=merged(WRITE, problems(429, s429="too many from this client")),
             openapi_extra=json_request(REPORT_SCHEMA, "the report; at most 64 KiB"))
async def file_report(intake: Intake, ledger: Ledger,
                      body: Annotated[Any, Depends(json_body(report_body_bytes_max))],
                      ) -> Response:
    """File a confidential report (举报) that only the supervisory committee and the
    auditors can read. The answer is the public entry: it holds no word of the text."""
    if not isinstance(body, dict):
        raise FormatError("a report is {text}")
    fields.only_fields(body, {"text"})
    receipt = await intake.file_report_async(ledger, body["text"])
    return receipt_response(receipt)


@filing.post("/questions/{seq}/rating", status_code=201, dependencies=[Depends(question_rate)],
             responses=merged(WRITE, problems(429, s429="too many from this client")),
             openapi_extra=json_request(RATING_SCHEMA, "the rating and the asker's code"))
async def rate_answer(intake: Intake, ledger: Ledger, seq: Seq,
                      body: Annotated[Any, Depends(json_body(rating_body_bytes_max))],
                      ) -> Response:
    """Rate a closed question (satisfied 满意, basically_satisfied 基本满意, dissatisfied
    不满意) with the receipt code given when it was asked; once per question."""
    if not isinstance(body, dict):
        raise FormatError("a rating is {rating, receipt_code}")
    fields.only_fields(body, {"rating", "receipt_code"})
    receipt = await intake.rate_async(ledger, seq, body["rating"], body["receipt_code"])
    return receipt_response(receipt)


@public.get("/confidential")
def list_reports(ledger: Ledger, view: View, cursor: Cursor = None,
                 limit: Limit = PAGE_SIZE_DEFAULT) -> dict[str, Any]:
    """Confidential reports, oldest first: when each was filed and the day it was
    handled (or null), a page at a time; never their text."""
    return confidential.confidential_reports(view, ledger, cursor, limit)


@readers.get("/confidential/{seq}/sealed", dependencies=[Depends(signed_in("confidential"))])
def sealed_report(ledger: Ledger, seq: Seq, app: LedgerApp) -> Response:
    """The sealed bundle of one report (canonical JSON, one sealed box per reader key);
    open it with ``sunledger confidential read LEDGER SEQ --key LABEL``."""
    report = app.state(ledger).confidential.get(seq)
    if report is None:
        raise NotFound(f"entry {seq} is not a confidential report", report=seq)
    bundle = sealed_reports.read_bundle(app.settings, ledger, report.sealed_sha256)
    return Response(bundle, media_type="application/json",
                    headers={"Cache-Control": "private, no-store"})


router = APIRouter()
for _part in (filing, public, readers):
    router.include_router(_part)
