"""Statements, signed statements and entries (FORMAT.md sections 3 and 4)."""

from __future__ import annotations

import hashlib
import re
import secrets
from dataclasses import dataclass, field
from datetime import datetime, timezone
from functools import cached_property
from typing import Any

from ledger.format import cjson
from ledger.errors import FormatError, SignatureError
from ledger.format.keys import PublicKey, SigningKey, b64decode, b64encode

SIGNING_CONTEXT = b"sunledger/statement/v1\n"
ZERO_HASH = "0" * 64
ENTRY_VERSION = 1

SLUG_RE = re.compile(r"[a-z0-9][a-z0-9-]{1,62}")
TYPE_RE = re.compile(r"[a-z][a-z0-9_]*\.[a-z][a-z0-9_]*")
NONCE_RE = re.compile(r"[A-Za-z0-9_-]{8,64}")
# re.ASCII: without it \d (and strptime) would accept full-width digits.
TIME_RE = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z", re.ASCII)
KEY_ID_RE = re.compile(r"[0-9a-f]{32}")
HASH_RE = re.compile(r"[0-9a-f]{64}")

STATEMENT_FIELDS = frozenset({"body", "ledger", "nonce", "signed_at", "type"})
ENTRY_FIELDS = frozenset({"ledger", "prev", "recorded_at", "seq", "sig", "signer", "statement", "v"})


def format_time(moment: datetime) -> str:
    """RFC 3339 UTC with exactly six fraction digits."""
    assert moment.tzinfo is not None, "times must be timezone-aware"
    return moment.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def parse_time(text: Any, what: str = "time") -> datetime:
    if not isinstance(text, str) or not TIME_RE.fullmatch(text):
        raise FormatError(f"{what} must look like 2026-11-22T09:30:00.000000Z, got {text!r}")
    try:  # fromisoformat: the shape is fixed by TIME_RE, and it is ~10x faster than strptime
        return datetime.fromisoformat(text).astimezone(timezone.utc)
    except ValueError:
        raise FormatError(f"{what} {text!r} is not a real date and time") from None


def utc_now() -> datetime:
    return datetime.now(timezone.utc)


def new_nonce() -> str:
    return secrets.token_urlsafe(12)


def _require(condition: bool, message: str) -> None:
    if not condition:
        raise FormatError(message)


@dataclass(frozen=True)
class Statement:
    ledger: str
    type: str
    body: dict[str, Any]
    signed_at: str
    nonce: str

    @classmethod
    def new(cls, ledger: str, type: str, body: dict[str, Any], *, nonce: str | None = None,
            signed_at: datetime | None = None) -> Statement:
        return cls.from_json({
            "ledger": ledger, "type": type, "body": body,
            "signed_at": format_time(signed_at or utc_now()), "nonce": nonce or new_nonce(),
        })

    @classmethod
    def from_json(cls, value: Any) -> Statement:
        _require(isinstance(value, dict), "statement must be a JSON object")
        _require(set(value) == STATEMENT_FIELDS,
                 f"statement must have exactly the fields {sorted(STATEMENT_FIELDS)}")
        ledger, type_, body = value["ledger"], value["type"], value["body"]
        _require(isinstance(ledger, str) and bool(SLUG_RE.fullmatch(ledger)),
                 f"statement.ledger {ledger!r} is not a ledger slug")
        _require(isinstance(type_, str) and bool(TYPE_RE.fullmatch(type_)),
                 f"statement.type {type_!r} is not <noun>.<verb>")
        _require(isinstance(body, dict), "statement.body must be an object")
        parse_time(value["signed_at"], "statement.signed_at")
        nonce = value["nonce"]
        _require(isinstance(nonce, str) and bool(NONCE_RE.fullmatch(nonce)),
                 "statement.nonce must be 8-64 characters of [A-Za-z0-9_-]")
        cjson.check(body)
        return cls(ledger, type_, body, value["signed_at"], nonce)

    def to_json(self) -> dict[str, Any]:
        return {"body": self.body, "ledger": self.ledger, "nonce": self.nonce,
                "signed_at": self.signed_at, "type": self.type}

    def canonical(self) -> bytes:
        """CJSON of the statement: what is signed, hashed for the nonce claim and
        embedded in the leaf. Not cached: ``body`` is a mutable dict."""
        return cjson.dumps(self.to_json())

    def signing_input(self, canonical: bytes | None = None) -> bytes:
        return SIGNING_CONTEXT + (self.canonical() if canonical is None else canonical)

    def sign(self, key: SigningKey) -> SignedStatement:
        return SignedStatement(self, key.key_id, b64encode(key.sign(self.signing_input())))


@dataclass(frozen=True)
class SignedStatement:
    """What a client submits: ``{"statement": ..., "signer": ..., "sig": ...}``."""

    statement: Statement
    signer: str
    sig: str

    @classmethod
    def from_json(cls, value: Any) -> SignedStatement:
        _require(isinstance(value, dict), "request must be a JSON object")
        _require(set(value) == {"statement", "signer", "sig"},
                 "request must have exactly the fields statement, signer, sig")
        signer, sig = value["signer"], value["sig"]
        _require(isinstance(signer, str) and bool(KEY_ID_RE.fullmatch(signer)),
                 "signer must be a key id (32 lowercase hex)")
        _require(isinstance(sig, str), "sig must be a base64 string")
        b64decode(sig, what="sig", length=64)
        return cls(Statement.from_json(value["statement"]), signer, sig)

    def to_json(self) -> dict[str, Any]:
        return {"statement": self.statement.to_json(), "signer": self.signer, "sig": self.sig}

    def verify(self, public: PublicKey, canonical: bytes | None = None) -> None:
        """Raise SignatureError unless ``sig`` verifies under ``public``.
        ``canonical``: the statement's CJSON if the caller already has it."""
        if public.key_id != self.signer:
            raise SignatureError("signer key id does not match the key", signer=self.signer)
        if not public.verify(b64decode(self.sig, what="sig", length=64),
                             self.statement.signing_input(canonical)):
            raise SignatureError("signature does not verify over the statement",
                                 signer=self.signer)

    @property
    def digest(self) -> str:
        """Identifies a retry of the same signed statement (signatures are not ids)."""
        return statement_digest(self.statement.canonical())


def statement_digest(canonical: bytes) -> str:
    """SHA-256 hex of a statement's CJSON: the nonce claim's record of what was signed."""
    return hashlib.sha256(canonical).hexdigest()


def entry_hash(leaf: bytes) -> str:
    """The RFC 9162 leaf hash of an entry's leaf bytes, as hex."""
    return hashlib.sha256(b"\x00" + leaf).hexdigest()


@dataclass(frozen=True)
class Entry:
    seq: int
    prev: str
    recorded_at: str
    signed: SignedStatement
    leaf: bytes = field(repr=False)

    @classmethod
    def build(cls, seq: int, prev: str, recorded_at: str, signed: SignedStatement,
              canonical: bytes | None = None) -> Entry:
        """The entry's leaf, CJSON of the eight fields. ``canonical`` (the statement's
        CJSON, if the caller has it) is spliced in rather than encoded again: keys sort
        as ledger < prev < recorded_at < seq < sig < signer < statement < v."""
        statement = signed.statement.canonical() if canonical is None else canonical
        head = cjson.dumps({"ledger": signed.statement.ledger, "prev": prev,
                            "recorded_at": recorded_at, "seq": seq, "sig": signed.sig,
                            "signer": signed.signer})
        leaf = b"%s,\"statement\":%s,\"v\":%d}" % (head[:-1], statement, ENTRY_VERSION)
        return cls(seq, prev, recorded_at, signed, leaf)

    @classmethod
    def from_leaf(cls, leaf: bytes) -> Entry:
        """Parse leaf bytes strictly: canonical form and exactly the FORMAT.md fields."""
        value = cjson.loads_canonical(leaf)
        _require(isinstance(value, dict) and set(value) == ENTRY_FIELDS,
                 f"entry must have exactly the fields {sorted(ENTRY_FIELDS)}")
        # type() check: True == 1 in Python, but "v":true is not version 1.
        _require(type(value["v"]) is int and value["v"] == ENTRY_VERSION,
                 f"entry v must be {ENTRY_VERSION}")
        seq = value["seq"]
        _require(isinstance(seq, int) and not isinstance(seq, bool) and seq >= 0,
                 "entry seq must be a non-negative integer")
        _require(isinstance(value["prev"], str) and bool(HASH_RE.fullmatch(value["prev"])),
                 "entry prev must be 64 lowercase hex")
        parse_time(value["recorded_at"], "entry.recorded_at")
        signed = SignedStatement.from_json(
            {"statement": value["statement"], "signer": value["signer"], "sig": value["sig"]})
        _require(value["ledger"] == signed.statement.ledger,
                 "entry.ledger differs from statement.ledger")
        return cls(seq, value["prev"], value["recorded_at"], signed, leaf)

    @cached_property
    def hash(self) -> str:  # cached: leaf is immutable bytes
        return entry_hash(self.leaf)

    @property
    def statement(self) -> Statement:
        return self.signed.statement

    @property
    def ledger(self) -> str:
        return self.signed.statement.ledger

    def to_json(self) -> dict[str, Any]:
        return cjson.loads(self.leaf)
