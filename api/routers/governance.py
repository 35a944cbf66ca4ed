"""Governance for residents and auditors (docs/governance.md).

Residents (no sign-in, rate-limited per client like every public read): the
asset register with each asset's history and its tie to the books, asset
trades with their steps, notices, bids and disclosures, resolutions,
disclosures, and residents' questions with how long each took.

Anyone may ask a question (``POST /v1/ledgers/{ledger}/questions``) without
signing in: the server signs ``question.asked`` with the ledger's intake key
(``ledger.keystore.intake_keys``: a key file under the data dir, made on first use,
registered by the ledger's admin with ``sunledger intake-key LEDGER``). Asking
has its own, stricter limit per client: ``SUNLEDGER_QUESTIONS_PER_HOUR``
(default 6; 0 turns it off), a bucket that refills over the hour. A contact
given with a question is never stored or shown: only its keyed hash goes on
the log (``contact_hash``), so a resident can later show a question was theirs.

Auditors (signed in, the readers of the ``findings`` view): red flags, each with
the entries it rests on (``projections.governance_flags``: computed from the
log, cached per log size).

Writing every other governance step is an ordinary signed statement
(``POST /v1/ledgers/{ledger}/statements``), checked by the ledger's rules.
"""

from __future__ import annotations

import math
import os
import re
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, Query, Request
from fastapi.responses import JSONResponse
from starlette.concurrency import run_in_threadpool

from api.auth import signed_in
from api.deps import SEQ_MAX, Committer, LedgerApp, View, existing_ledger, json_body
from api.groupcommit import GroupCommitter
from api.limits import RateLimited, TokenBuckets, client_address, public_rate
from ledger.domain import policy
from ledger.keystore import intake_keys
from ledger.log.application import LedgerApplication
from ledger.client import Signer
from ledger.domain import fields
from ledger.errors import FormatError
from ledger.format.keys import SigningKey
from ledger.format.statements import SLUG_RE
from projections import governance

QUESTIONS_PER_HOUR_DEFAULT = 6
question_body_bytes_max = 16 * 1024
contact_bytes_max = 200
CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")  # not \t \n \r

residents = APIRouter(prefix="/v1/ledgers/{ledger}", tags=["residents: governance"],
                      dependencies=[Depends(public_rate)])
asking = APIRouter(prefix="/v1/ledgers/{ledger}", tags=["residents: governance"])
auditors = APIRouter(prefix="/v1/ledgers/{ledger}/audit", tags=["audit (signed in)"])

# Patterns keep text the database cannot hold (a NUL byte) from ever reaching it.
GovLedger = Annotated[str, Path(pattern=f"^{SLUG_RE.pattern}$",
                                 description="the ledger's slug, e.g. xinzhu")]
AssetCode = Annotated[str, Path(pattern=f"^{fields.CODE_RE.pattern}$",
                                description="the asset's code, e.g. shop-1")]
Seq = Annotated[int, Path(ge=0, le=SEQ_MAX)]
TradeStatus = Annotated[str | None, Query(pattern="^[a-z_]{1,32}$",
                                          description="e.g. noticed, completed")]
QuestionStatus = Annotated[str | None, Query(pattern="^(open|answered|closed)$")]


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
def list_trades(ledger: GovLedger, view: View, status: TradeStatus = None) -> dict[str, Any]:
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


@residents.get("/disclosures")
def list_disclosures(ledger: GovLedger, view: View) -> dict[str, Any]:
    """Every disclosure statement and the catalogue of what must be disclosed."""
    return governance.disclosures(view, ledger)


@residents.get("/questions")
def list_questions(ledger: GovLedger, view: View,
                   status: QuestionStatus = None) -> dict[str, Any]:
    """Residents' questions with their answers and how long each took (hours)."""
    return governance.questions(view, ledger, status)


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


def question_body(value: Any) -> tuple[dict[str, Any], str | None]:
    """The statement body a question becomes, and the contact (if any), checked."""
    if not isinstance(value, dict):
        raise FormatError("a question is {about: {kind, ref}, text, contact?}")
    fields.only_fields(value, {"about", "text"}, {"contact"})
    fields.text(value, "text", bytes_max=policy.question_text_bytes_max)
    contact = fields.text(value, "contact", bytes_max=contact_bytes_max, required=False)
    for name in ("text", "contact"):
        if CONTROL_CHARACTERS.search(value.get(name) or ""):
            raise FormatError(f"{name} must not contain control characters", field=name)
    return {"about": value["about"], "text": value["text"]}, contact or None


def _registered_intake_key(request: Request, app: LedgerApplication,
                           ledger: str) -> SigningKey:
    """The server's intake key for ``ledger`` (made on first use), which the ledger's
    admin must have registered (503 ``intake-not-registered`` until then)."""
    key, _ = intake_keys.load_or_create_intake_key(request.app.state.settings, ledger)
    intake_keys.require_registered(app.state(ledger), key)
    return key


@asking.post("/questions", status_code=201, dependencies=[Depends(question_rate)],
             responses={429: {"description": "too many questions from this client"},
                        503: {"description": "the ledger's admin has not registered this "
                                             "server's intake key yet"}})
async def ask_question(request: Request, app: LedgerApp, committer: Committer,
                       ledger: Annotated[str, Depends(existing_ledger)],
                       body: Annotated[Any, Depends(json_body(question_body_bytes_max))],
                       ) -> JSONResponse:
    """Ask about an entry, an asset trade or a disclosure, without signing in:
    ``{"about": {"kind": "trade", "ref": 1500}, "text": "...", "contact": "optional"}``.
    The server signs the question with the ledger's intake key and puts it on the log;
    the contact is never stored or shown (only its keyed hash goes on the log)."""
    shown, created = await submit_question(request, app, committer, ledger, body)
    return JSONResponse(shown, status_code=201 if created else 200,
                        headers={"Location": f"/v1/ledgers/{ledger}/questions/{shown['seq']}"})


async def submit_question(request: Request, app: LedgerApplication, committer: GroupCommitter,
                          ledger: str, body: Any) -> tuple[dict[str, Any], bool]:
    """Check a question, sign it with the intake key and append it: (what to show the
    asker, whether it is new). One path for the API and the residents' web form, so
    both refuse and record the same; the caller has taken the asking rate's token."""
    statement_body, contact = question_body(body)
    key = await run_in_threadpool(_registered_intake_key, request, app, ledger)
    if contact:
        statement_body["contact_hash"] = intake_keys.contact_hash(key, ledger, contact)
    receipt = await committer.submit_async(Signer(key, ledger).sign("question.asked",
                                                                    statement_body))
    entry = receipt.entry
    shown = {"seq": entry.seq, "hash": entry.hash, "signer": entry.signed.signer,
             "about": statement_body["about"], "text": statement_body["text"],
             "status": "open", "asked_at": entry.recorded_at, "with_contact": bool(contact)}
    return shown, receipt.created


# --- auditors --------------------------------------------------------------------------


@auditors.get("/red-flags", dependencies=[Depends(signed_in("findings"))],
              responses={401: {"description": "not signed in"},
                         403: {"description": "this key's role may not read findings"}})
def red_flags(ledger: Annotated[str, Depends(existing_ledger)], app: LedgerApp
              ) -> dict[str, Any]:
    """Red flags (巡察): split payments, one invoice on two entries, one key on both sides
    of a check, payments outside a project's period, round sums in cash, awards to a
    declared relative, register and books apart; each with the entries it rests on."""
    return governance.red_flags(app, ledger)


router = APIRouter()
for _part in (residents, asking, auditors):
    router.include_router(_part)
