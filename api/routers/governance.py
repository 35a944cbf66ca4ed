"""Governance for residents and auditors (docs/governance.md).

Residents (no sign-in, rate-limited per client like every public read): the
asset register with each asset's history and its tie to the books, asset
trades with their steps, notices, bids and disclosures, resolutions, matters
under 四议两公开 with their timelines, disclosures, and residents' questions with
how long each took.

Anyone may ask a question (``POST /v1/ledgers/{ledger}/questions``) without
signing in: the log's question intake (``ledger.log.intake``) signs
``question.asked`` with the ledger's intake key (a key file under the data dir,
made on first use, registered by the ledger's admin with ``sunledger intake-key
LEDGER``) and appends it; this router only translates HTTP to it and back. Asking
has its own, stricter limit per client: ``SUNLEDGER_QUESTIONS_PER_HOUR``
(default 6; 0 turns it off), a bucket that refills over the hour. A contact
given with a question is never stored or shown: only its keyed hash goes on
the log (``contact_hash``), so a resident can later show a question was theirs.

Auditors (signed in, the readers of the ``findings`` view): red flags, each with
the entries it rests on (``projections.governance_flags``: kept by the projection
as entries arrive, read from the view; the answer says the size it reflects).

Writing every other governance step is an ordinary signed statement
(``POST /v1/ledgers/{ledger}/statements``), checked by the ledger's rules.
"""

from __future__ import annotations

import math
import os
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, Query, Request
from fastapi.responses import JSONResponse

from api.auth import signed_in
from api.contract import (PUBLIC_READ, SIGNED_IN_READ, WRITE, LedgerSlug, MatterStatus,
                          QuestionStatus, TradeStatus, json_request, merged, problems,
                          question_schema)
from api.deps import (SEQ_MAX, Cursor, Intake, LedgerApp, Limit, View, existing_ledger,
                      json_body)
from api.limits import RateLimited, TokenBuckets, client_address, public_rate
from api.web_lang import LEDGER_TIME_ZONE, server_today
from ledger.domain import fields, policy
from ledger.errors import FormatError
from ledger.log.intake import QuestionIntake, contact_bytes_max, new_receipt_code
from projections import disclosure_schedule as schedule
from projections import governance, matters
from projections.governance_flags import FLAGS_PAGE_DEFAULT
from projections.paging import PAGE_SIZE_DEFAULT

QUESTIONS_PER_HOUR_DEFAULT = 6
question_body_bytes_max = 16 * 1024

residents = APIRouter(prefix="/v1/ledgers/{ledger}", tags=["residents: governance"],
                      dependencies=[Depends(public_rate)], responses=PUBLIC_READ)
asking = APIRouter(prefix="/v1/ledgers/{ledger}", tags=["residents: governance"])
auditors = APIRouter(prefix="/v1/ledgers/{ledger}/audit", tags=["audit (signed in)"],
                     responses=SIGNED_IN_READ)

# Patterns keep text the database cannot hold (a NUL byte) from ever reaching it.
GovLedger = LedgerSlug
AssetCode = Annotated[str, Path(pattern=f"^{fields.CODE_RE.pattern}$",
                                description="the asset's code, e.g. shop-1")]
Seq = Annotated[int, Path(ge=0, le=SEQ_MAX)]
TradeStatusFilter = Annotated[TradeStatus | None, Query(description="e.g. noticed, completed")]
QuestionStatusFilter = Annotated[QuestionStatus | None, Query()]
MatterStatusFilter = Annotated[MatterStatus | None, Query(
    description="the matter's latest step, e.g. reviewed, implemented; or rejected")]
FlagCursor = Annotated[str | None, Query(
    pattern=r"^-?[0-9]{1,19}:-?[0-9]{1,19}$", max_length=41,
    description="next_cursor of the page before; the list continues after it")]


@residents.get("/assets")
def list_assets(ledger: GovLedger, view: View) -> dict[str, Any]:
    """The asset register (三资): each asset's state and holder (people masked), and
    whether the register's book values tie to the asset accounts of the books."""
    return governance.assets(view, ledger)


@residents.get("/assets/{code}")
def one_asset(ledger: GovLedger, code: AssetCode, view: View) -> dict[str, Any]:
    """One asset: its state, its history (every statement about it) and its trades."""
    return governance.asset(view, ledger, code)


@residents.get("/trades")
def list_trades(ledger: GovLedger, view: View, status: TradeStatusFilter = None) -> dict[str, Any]:
    """Asset trades (三资交易), newest first."""
    return governance.trades(view, ledger, status)


@residents.get("/trades/{seq}")
def one_trade(ledger: GovLedger, seq: Seq, view: View) -> dict[str, Any]:
    """A trade with its steps, notice, bids (organisations shown, people masked), award,
    disclosures, the resolution it rests on and questions about it."""
    return governance.trade(view, ledger, seq)


@residents.get("/resolutions")
def list_resolutions(ledger: GovLedger, view: View) -> dict[str, Any]:
    """Residents' representative resolutions: votes, co-signing roles, disclosure."""
    return governance.resolutions(view, ledger)


@residents.get("/matters")
def list_matters(ledger: GovLedger, view: View, status: MatterStatusFilter = None,
                 cursor: Cursor = None, limit: Limit = PAGE_SIZE_DEFAULT) -> dict[str, Any]:
    """Matters under 四议两公开 in full (proposed, discussed, reviewed, resolved, the
    resolution published, the implementation result published), oldest first, a page at
    a time (``next_cursor``), each with its status and how many steps are done."""
    return matters.matters(view, ledger, status, cursor, limit)


@residents.get("/matters/{seq}")
def one_matter(ledger: GovLedger, seq: Seq, view: View) -> dict[str, Any]:
    """One matter (``seq``: its matter.proposed) with its timeline: each of the six steps
    with its name (zh, en), state (done, next, pending, never), seq, business date,
    document hash and the role that signed; and the resolution it rests on."""
    return matters.matter(view, ledger, seq)


@residents.get("/disclosures")
def list_disclosures(ledger: GovLedger, view: View) -> dict[str, Any]:
    """Every disclosure statement and the catalogue of what must be disclosed."""
    return governance.disclosures(view, ledger)


@residents.get("/disclosures/schedule")
def disclosure_schedule(ledger: GovLedger, view: View, app: LedgerApp) -> dict[str, Any]:
    """Every disclosure the catalogue makes due up to today (the server's clock, in the
    ledger's time zone): each periodic item once per period, each trade's award and
    completion and each resolution, with its due date and status (``on_time``,
    ``late``, ``overdue``, ``open``), and the disclosure rate (公开率) overall and per
    month of due dates."""
    return schedule.schedule(view, ledger, server_today(app), LEDGER_TIME_ZONE)


@residents.get("/questions")
def list_questions(ledger: GovLedger, view: View, status: QuestionStatusFilter = None,
                   cursor: Cursor = None, limit: Limit = PAGE_SIZE_DEFAULT) -> dict[str, Any]:
    """Residents' questions, oldest first, a page at a time (``next_cursor``), with
    their answers and how long each took (hours)."""
    return governance.questions(view, ledger, status, cursor, limit)


@residents.get("/questions/{seq}")
def one_question(ledger: GovLedger, seq: Seq, view: View) -> dict[str, Any]:
    """One question and its answers."""
    return governance.question(view, ledger, seq)


# --- asking ----------------------------------------------------------------------------


def question_buckets(per_hour: int) -> TokenBuckets:
    """Up to ``per_hour`` questions at once per client, refilled over an hour."""
    buckets = TokenBuckets(per_hour)
    buckets.refill_per_second = per_hour / 3600.0  # TokenBuckets counts per minute
    return buckets


def question_limiter(request: Request) -> TokenBuckets:
    state = request.app.state
    limiter = getattr(state, "question_limiter", None)
    if limiter is None:
        rate = os.environ.get("SUNLEDGER_QUESTIONS_PER_HOUR", "").strip()
        limiter = state.question_limiter = question_buckets(
            int(rate) if rate else QUESTIONS_PER_HOUR_DEFAULT)
    return limiter


async def question_rate(request: Request) -> None:
    limiter = question_limiter(request)
    wait = limiter.take(client_address(request))
    if wait > 0:
        raise RateLimited(f"too many questions from {client_address(request)}: at most "
                          f"{int(limiter.capacity)} an hour", retry_after=math.ceil(wait))


def question_parts(value: Any) -> tuple[Any, Any, Any]:
    """The JSON body's about, text and contact; the intake checks each of them."""
    if not isinstance(value, dict):
        raise FormatError("a question is {about: {kind, ref}, text, contact?}")
    fields.only_fields(value, {"about", "text"}, {"contact"})
    return value["about"], value["text"], value.get("contact")


@asking.post("/questions", status_code=201, dependencies=[Depends(question_rate)],
             responses=merged({200: {"description": "the same question, asked before"}},
                              WRITE, problems(429, s429="too many questions from this client "
                                                         "(with Retry-After)"),
                              problems(503, s503="the ledger's admin has not registered "
                                                 "this server's intake key yet")),
             openapi_extra=json_request(question_schema(policy.question_text_bytes_max,
                                                        contact_bytes_max),
                                        "the question; at most 16 KiB"))
async def ask_question(intake: Intake, ledger: Annotated[str, Depends(existing_ledger)],
                       body: Annotated[Any, Depends(json_body(question_body_bytes_max))],
                       ) -> JSONResponse:
    """Ask about anything of the ledger without signing in: an entry, trade, disclosure
    or resolution (``ref`` its seq), an asset, fund or project (``ref`` its code), a
    budget (``ref`` "FUND/YEAR") or the ledger itself (``{"kind": "ledger"}``), e.g.
    ``{"about": {"kind": "trade", "ref": 1500}, "text": "...", "contact": "optional"}``.
    The answer holds a ``receipt_code``: keep it to rate the answer once it is closed.
    The server signs the question with the ledger's intake key and puts it on the log;
    the contact is never stored or shown (only its keyed hash goes on the log)."""
    shown, created = await submit_question(intake, ledger, body)
    return JSONResponse(shown, status_code=201 if created else 200,
                        headers={"Location": f"/v1/ledgers/{ledger}/questions/{shown['seq']}"})


async def submit_question(intake: QuestionIntake, ledger: str,
                          body: Any) -> tuple[dict[str, Any], bool]:
    """Ask through the intake: (what to show the asker, whether it is new). The API and
    the residents' web form both come here, so both refuse and record the same; the
    caller has taken the asking rate's token."""
    code = new_receipt_code()
    receipt = await intake.ask_async(ledger, *question_parts(body), receipt_code=code)
    entry = receipt.entry
    asked = entry.statement.body
    shown = {"seq": entry.seq, "hash": entry.hash, "signer": entry.signed.signer,
             "about": asked["about"], "text": asked["text"], "status": "open",
             "asked_at": entry.recorded_at, "with_contact": "contact_hash" in asked,
             # Shown once, to the asker only: with it they rate the answer later.
             "receipt_code": code}
    return shown, receipt.created


# --- auditors --------------------------------------------------------------------------


@auditors.get("/red-flags", dependencies=[Depends(signed_in("findings"))])
def red_flags(ledger: Annotated[str, Depends(existing_ledger)], app: LedgerApp, view: View,
              cursor: FlagCursor = None, limit: Limit = FLAGS_PAGE_DEFAULT) -> dict[str, Any]:
    """Red flags (巡察): split payments (under the approval or the major threshold), one
    invoice on two entries, one key on both sides of a check, payments outside a
    project's period, round sums in cash, awards to a declared relative, register and
    books apart, a lease's rent below its winning bid, rent in arrears; each with the entries it rests on,
    oldest seqs first, a page at a time (``next_cursor``; ``counts`` counts them all).
    Kept by the projection as entries arrive: ``size`` is the log size the answer
    reflects, ``behind`` how many entries of the log (``log_size``) it has not taken yet."""
    return governance.red_flags(app, view, ledger, cursor, limit)


router = APIRouter()
for _part in (residents, asking, auditors):
    router.include_router(_part)
