"""POST statements: one signed statement, or an all-or-nothing batch (imports).

A new entry answers ``201 Created``; a retry of a statement already in the log
(same signer, nonce and statement) answers the same entry with ``200 OK``, so
a client that lost the first answer can tell "stored now" from "stored before"
while both mean success.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from fastapi.responses import Response

from api.contract import BATCH_SCHEMA, STATEMENT_SCHEMA, WRITE, json_request, merged, problems
from api.deps import BatchBody, LogAppender, SlugPath, StatementBody
from ledger.domain import policy
from ledger.log.application import Receipt
from ledger.errors import FormatError, WrongLedger
from ledger.format.statements import SignedStatement

router = APIRouter(prefix="/v1/ledgers/{ledger}", tags=["statements"])


def _signed(ledger: str, value: Any) -> SignedStatement:
    signed = SignedStatement.from_json(value)
    if signed.statement.ledger != ledger:
        raise WrongLedger(f"statement is for ledger {signed.statement.ledger!r}, "
                          f"posted to {ledger!r}")
    return signed


def receipt_bytes(receipt: Receipt) -> bytes:
    """A receipt as the answer's bytes, ``{"seq", "hash", "entry"}``, the stored leaf
    spliced in as it is (it is canonical JSON already): no parse and re-encoding of every
    entry on the write path."""
    return b'{"seq":%d,"hash":"%s","entry":%s}' % (receipt.seq, receipt.hash.encode("ascii"),
                                                   receipt.entry.leaf)


class RawJSON(Response):
    media_type = "application/json"


def receipt_response(receipt: Receipt, headers: dict[str, str] | None = None) -> Response:
    """201 for a new entry, 200 for a retry answered with the entry stored before."""
    return RawJSON(receipt_bytes(receipt), status_code=201 if receipt.created else 200,
                   headers=headers)


@router.post("/statements", status_code=201,
             responses=merged({200: {"description": "a retry: the entry stored before"}}, WRITE,
                              problems(403)),
             openapi_extra=json_request(STATEMENT_SCHEMA, "one signed statement "
                                        "(FORMAT.md section 4), at most 64 KiB"))
async def submit_statement(ledger: SlugPath, body: StatementBody,
                           appender: LogAppender) -> Response:
    receipt = await appender.append_async(_signed(ledger, body))  # group-committed
    return receipt_response(receipt, {"Location": f"/v1/ledgers/{ledger}/entries?start="
                                                  f"{receipt.seq}&limit=1"})


@router.post("/batches", status_code=201,
             responses=merged({200: {"description": "every statement was a retry"}}, WRITE,
                              problems(403)),
             openapi_extra=json_request(BATCH_SCHEMA, "up to 1000 signed statements, "
                                        "all stored or none, at most 4 MiB"))
def submit_batch(ledger: SlugPath, body: BatchBody, appender: LogAppender) -> Response:
    """``{"statements": [signed, ...]}``: all are stored, or none (the first refusal answers)."""
    items = body.get("statements") if isinstance(body, dict) else None
    if not isinstance(items, list) or set(body) != {"statements"}:
        raise FormatError('a batch is {"statements": [...]}')
    if not 1 <= len(items) <= policy.batch_statements_max:
        raise FormatError(f"a batch holds 1 to {policy.batch_statements_max} statements")
    signed = []
    for index, item in enumerate(items):
        try:
            signed.append(_signed(ledger, item))
        except FormatError as exc:
            raise FormatError(f"statements[{index}]: {exc}", index=index) from None
    receipts = appender.append_batch(signed)
    created = any(receipt.created for receipt in receipts)
    entries = b",".join(receipt_bytes(receipt) for receipt in receipts)
    return RawJSON(b'{"entries":[%s]}' % entries, status_code=201 if created else 200)
