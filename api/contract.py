"""The API contract in one place: the problem+json answers each route declares, the
parameter types every router shares, and the JSON schemas of the POST bodies.

The OpenAPI description (``/openapi.json``) is built from these, and
``tests/e2e/http/test_api_contract.py`` holds the server to it with schemathesis: a
parameter the schema allows must be taken, one it forbids must be refused, and every
answer's status, content type and body must be declared. So a bound here says exactly
what the code accepts; where the code counts UTF-8 bytes, the schema counts characters
at a quarter of the limit (a character is at most 4 bytes), which always fits.

POST bodies are read as raw bytes (statements are checked as canonical JSON, byte for
byte), so their schemas are declared through ``openapi_extra`` (``json_request``)
rather than parsed by FastAPI.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import Path, Query, Request
from pydantic import BaseModel, ConfigDict, Field

from api.errors import PROBLEM_MEDIA_TYPE, UnsupportedMediaType
from ledger.domain.records import MATTER_STATUSES, TRADE_STATUSES
from ledger.format.cjson import INT_MAX
from ledger.format.statements import KEY_ID_RE, NONCE_RE, SLUG_RE, TYPE_RE
from projections.paging import TEXT_FILTER_BYTES_MAX

SLUG_LENGTH_MAX = 63  # SLUG_RE: one leading character and at most 62 more


class ProblemDetails(BaseModel):
    """RFC 9457 problem details; the error's own data (``field``, ``seq``,
    ``retry_after`` ...) rides along as further members."""

    model_config = ConfigDict(extra="allow")
    type: str = Field(description="https://sunledger.example/problems/<code>: stable, "
                                  "what a client branches on")
    title: str
    status: int
    detail: str = Field(description="what was wrong, for a person")
    instance: str | None = Field(None, description="the request path")


# Inline rather than ``model=``: FastAPI would also declare the model as application/json.
PROBLEM_SCHEMA = ProblemDetails.model_json_schema()
WHY = {
    400: "a request the server cannot answer as asked (e.g. a proof between sizes that "
         "do not fit)",
    401: "no token, or a bad, expired or used one (with WWW-Authenticate: Bearer)",
    403: "the key is unknown, revoked, or its role may not do this",
    404: "no such ledger, or no such entry, checkpoint or record in it",
    409: "a conflict with the log: a nonce used before, a step out of order",
    413: "the request body is over its limit",
    415: "the body is not sent as application/json",
    422: "a parameter or body the server cannot take (out of range, malformed, or against "
         "the ledger's rules)",
    429: "too many requests from this client (with Retry-After)",
    503: "the server cannot take this now; try later",
}


def problems(*statuses: int, **why: str) -> dict[int | str, dict[str, Any]]:
    """A ``responses=`` table: each status answers problem+json; ``why`` (e.g.
    ``s404="..."``) overrides a description."""
    table: dict[int | str, dict[str, Any]] = {}
    for status in statuses:
        table[status] = {"description": why.get(f"s{status}", WHY[status]),
                         "content": {PROBLEM_MEDIA_TYPE: {"schema": PROBLEM_SCHEMA}}}
    return table


def merged(*tables: dict[int | str, dict[str, Any]]) -> dict[int | str, dict[str, Any]]:
    """Response tables laid over each other; a status's entries are merged."""
    out: dict[int | str, dict[str, Any]] = {}
    for table in tables:
        for status, entry in table.items():
            out[status] = {**out.get(status, {}), **entry}
    return out


# Every route that reads: the path or query may be refused (422), the ledger unknown (404).
READ = problems(404, 422)
PUBLIC_READ = problems(404, 422, 429)  # rate-limited per client
SIGNED_IN_READ = problems(401, 403, 404, 422)
WRITE = problems(404, 409, 413, 415, 422, 503)

# --- parameters --------------------------------------------------------------------------

LedgerSlug = Annotated[str, Path(pattern=f"^{SLUG_RE.pattern}$", max_length=SLUG_LENGTH_MAX,
                                 description="the ledger's slug, e.g. xinzhu")]
# An ISO date that exists (the pattern keeps out week dates and year 0; ``format: date``
# keeps out 2026-02-30): what projections.paging.check_date accepts.
DATE_PATTERN = (r"^(\d{3}[1-9]|\d{2}[1-9]\d|\d[1-9]\d{2}|[1-9]\d{3})"
                r"-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$")
DateText = Annotated[str | None, Query(pattern=DATE_PATTERN, json_schema_extra={"format": "date"},
                                       description="a date like 2026-03-31")]
# Free-text filters: no control characters (PostgreSQL cannot even hold a NUL in text).
PRINTABLE_PATTERN = r"^[^\x00-\x1f\x7f]*$"
# A code (fund, account, asset ...) and a budget's FUND/YEAR, as ledger.domain.fields checks.
CODE_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,31}$"
BUDGET_REF_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,31}/[0-9]{4}$"
TEXT_CHARS_MAX = TEXT_FILTER_BYTES_MAX // 4
Text = Annotated[str | None, Query(max_length=TEXT_CHARS_MAX, pattern=PRINTABLE_PATTERN)]
TradeStatus = Literal[TRADE_STATUSES]  # type: ignore[valid-type]
MatterStatus = Literal[MATTER_STATUSES]  # type: ignore[valid-type]
QuestionStatus = Literal["open", "answered", "closed"]

# --- POST bodies ---------------------------------------------------------------------------

JSON_MEDIA_TYPE = "application/json"


def require_json(request: Request) -> None:
    """POST bodies are JSON: anything else (text/plain, a form, no type) is refused before
    the body is read. ``application/json; charset=utf-8`` is fine; another charset is not."""
    raw = request.headers.get("content-type", "")
    media_type, _, params = raw.partition(";")
    charset = ""
    for param in params.split(";"):
        name, _, value = param.strip().partition("=")
        if name.strip().lower() == "charset":
            charset = value.strip().strip('"').lower()
    if media_type.strip().lower() != JSON_MEDIA_TYPE or charset not in ("", "utf-8"):
        raise UnsupportedMediaType(f"send the body as {JSON_MEDIA_TYPE} (UTF-8), not "
                                   f"{raw or 'without a Content-Type'}",
                                   content_type=raw or None)


def json_request(schema: dict[str, Any], description: str) -> dict[str, Any]:
    """``openapi_extra`` declaring a required application/json body of ``schema``."""
    return {"requestBody": {"required": True, "description": description,
                            "content": {JSON_MEDIA_TYPE: {"schema": schema}}}}


def _anchored(pattern: str) -> str:
    return f"^{pattern}$"


STATEMENT_SCHEMA: dict[str, Any] = {
    "type": "object", "additionalProperties": False,
    "required": ["statement", "signer", "sig"],
    "properties": {
        "statement": {
            "type": "object", "additionalProperties": False,
            "required": ["ledger", "type", "body", "signed_at", "nonce"],
            "properties": {
                "ledger": {"type": "string", "pattern": _anchored(SLUG_RE.pattern)},
                "type": {"type": "string", "pattern": _anchored(TYPE_RE.pattern),
                         "description": "<noun>.<verb>, e.g. journal.posted"},
                "body": {"type": "object", "description": "docs/statement-types.md"},
                "signed_at": {"type": "string", "description": "RFC 3339 UTC, e.g. "
                                                              "2026-03-31T08:00:00Z"},
                "nonce": {"type": "string", "pattern": _anchored(NONCE_RE.pattern)}}},
        "signer": {"type": "string", "pattern": _anchored(KEY_ID_RE.pattern),
                   "description": "the signing key's id"},
        "sig": {"type": "string", "description": "standard base64 of the 64-byte Ed25519 "
                                                 "signature (FORMAT.md section 4)"}}}
BATCH_SCHEMA: dict[str, Any] = {
    "type": "object", "additionalProperties": False, "required": ["statements"],
    "properties": {"statements": {"type": "array", "minItems": 1, "maxItems": 1000,
                                  "items": STATEMENT_SCHEMA}}}
COSIGNATURE_SCHEMA: dict[str, Any] = {
    "type": "object", "additionalProperties": False, "required": ["size", "cosignature"],
    "properties": {"size": {"type": "integer", "minimum": 1, "maximum": INT_MAX},
                   "cosignature": {"type": "string", "description": "— name base64"},
                   "witness_key": {"type": "string", "description": "the witness's "
                                   "verifier key (only if the log has no configured witnesses)"}}}
# Text a question may hold: no control characters but tab and line breaks, and at least
# one character that is not white space as Python's str.strip counts it.
QUESTION_TEXT = r"^[^\x00-\x08\x0b\x0c\x0e-\x1f\x7f]*$"
NOT_BLANK = ("[^\\t\\n\\x0b\\x0c\\r\\x1c-\\x1f \\x85\\xa0\\u1680\\u2000-\\u200a\\u2028\\u2029"
             "\\u202f\\u205f\\u3000]")


def question_schema(text_bytes_max: int, contact_bytes_max: int) -> dict[str, Any]:
    def text(bytes_max: int) -> dict[str, Any]:
        return {"type": "string", "maxLength": bytes_max, "allOf": [
            {"pattern": QUESTION_TEXT}, {"pattern": NOT_BLANK}],
            "description": f"at most {bytes_max} bytes of UTF-8"}

    return {"type": "object", "additionalProperties": False, "required": ["about", "text"],
            "properties": {
                "about": {"oneOf": [
                    {"type": "object", "additionalProperties": False,
                     "required": ["kind", "ref"],
                     "properties": {"kind": {"enum": ["entry", "trade", "disclosure",
                                                      "resolution", "contract"]},
                                    "ref": {"type": "integer", "minimum": 0,
                                            "maximum": INT_MAX}}},
                    {"type": "object", "additionalProperties": False,
                     "required": ["kind", "ref"],
                     "properties": {"kind": {"enum": ["asset", "fund", "project"]},
                                    "ref": {"type": "string", "pattern": CODE_PATTERN}}},
                    {"type": "object", "additionalProperties": False,
                     "required": ["kind", "ref"],
                     "properties": {"kind": {"const": "budget"},
                                    "ref": {"type": "string",
                                            "pattern": BUDGET_REF_PATTERN}}},
                    {"type": "object", "additionalProperties": False, "required": ["kind"],
                     "properties": {"kind": {"const": "ledger"}}}]},
                "text": text(text_bytes_max),
                "contact": {"anyOf": [text(contact_bytes_max), {"type": "null"}],
                            "description": "never stored: only its keyed hash"}}}
