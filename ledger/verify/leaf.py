"""Strict parsing of one leaf for the verifier, fast.

``Entry.from_leaf`` is the reference: it walks every value in Python three
times (parse, re-encode, body check) and re-encodes the statement to check its
signature, which costs about as much as the Ed25519 check itself.
``parse_leaf`` accepts a leaf only when one C-speed parse (orjson), a walk that
refuses what canonical JSON cannot hold (floats, big integers, non-ASCII keys, deep
nesting), one C-speed canonical re-encoding compared byte for byte, and the field
checks prove that ``Entry.from_leaf`` would accept it too;
anything it is not sure of goes to ``Entry.from_leaf``, whose answer (and
error message) is final. So the fast path may be stricter than the reference,
never laxer; tests/unit/test_tamper_properties.py checks that on
arbitrary damaged leaves and bodies.

The signing input is cut out of the leaf instead of re-encoded: in a
canonical leaf the statement object is encoded exactly as CJSON(statement),
and it is the value of ``"statement"``, the second-last key before ``"v"``.
Nothing before that key can hold a quote (slug, hex, time, integer, base64).
"""

from __future__ import annotations

import hashlib
from datetime import datetime
from typing import Any, NamedTuple

import orjson

from ledger.format.cjson import plainly_valid
from ledger.errors import FormatError
from ledger.format.keys import b64decode
from ledger.verify.figures import money_facts
from ledger.format.statements import (ENTRY_FIELDS, ENTRY_VERSION, HASH_RE, KEY_ID_RE, NONCE_RE,
                               SIGNING_CONTEXT, SLUG_RE, STATEMENT_FIELDS, TIME_RE, TYPE_RE,
                               Entry)

# Statement types whose body the key registry needs; other bodies stay in the worker.
REGISTRY_TYPES = frozenset({"ledger.opened", "key.registered", "key.revoked",
                            "ledger.log_key_rotated"})
_STATEMENT_KEY = b',"statement":'
_TAIL = b',"v":%d}' % ENTRY_VERSION


class LeafFacts(NamedTuple):
    """What the sequential checks need from a leaf (small, so cheap to send between processes)."""

    seq: int
    prev: str
    recorded_at: str
    ledger: str
    signer: str
    nonce: str
    type: str
    body: dict[str, Any] | None  # only for REGISTRY_TYPES
    money: tuple | None = None   # what the figures need (ledger.verify.figures.money_facts)


class Parsed(NamedTuple):
    facts: LeafFacts
    message: bytes  # the signing input: context prefix + CJSON(statement)
    sig: bytes


class _NotSure(Exception):
    """The fast path cannot vouch for this leaf; ask Entry.from_leaf."""


def leaf_hash(leaf: bytes) -> bytes:
    return hashlib.sha256(b"\x00" + leaf).digest()


def parse_leaf(leaf: bytes) -> Parsed:
    """Facts, signing input and raw signature of a leaf; FormatError if it is not an entry."""
    try:
        return _fast_parse(leaf)
    except (_NotSure, ValueError, TypeError, KeyError, AttributeError, RecursionError,
            UnicodeError, FormatError):
        pass
    entry = Entry.from_leaf(leaf)  # raises the authoritative FormatError
    return _parsed_from_entry(entry)


def _parsed_from_entry(entry: Entry) -> Parsed:
    statement = entry.statement
    facts = LeafFacts(entry.seq, entry.prev, entry.recorded_at, entry.ledger, entry.signed.signer,
                      statement.nonce, statement.type,
                      statement.body if statement.type in REGISTRY_TYPES else None,
                      money_facts(statement.type, statement.body))
    return Parsed(facts, statement.signing_input(), b64decode(entry.signed.sig, length=64))


def _fast_parse(leaf: bytes) -> Parsed:
    if type(leaf) is not bytes:
        raise _NotSure
    # orjson refuses bad UTF-8, lone surrogates, NaN and integers past 64 bits (ValueError).
    value = orjson.loads(leaf)
    # orjson's parse lets floats and 64-bit integers through; this walk does not (it also
    # refuses nesting at DEPTH_MAX, one level stricter than the reference: allowed).
    if type(value) is not dict or value.keys() != ENTRY_FIELDS or not plainly_valid(value, 0):
        raise _NotSure
    # Re-encoding catches duplicate keys, spacing, key order and escapes: for every string
    # orjson writes exactly the bytes json.dumps(ensure_ascii=False) writes
    # (tests/unit/test_verify_leaf_encoding.py tries every code point).
    if orjson.dumps(value, option=orjson.OPT_SORT_KEYS) != leaf:
        raise _NotSure
    facts, sig = _entry_fields(value)
    start = leaf.index(_STATEMENT_KEY) + len(_STATEMENT_KEY)
    if not leaf.endswith(_TAIL):
        raise _NotSure
    return Parsed(facts, SIGNING_CONTEXT + leaf[start:-len(_TAIL)], sig)


def _entry_fields(value: dict[str, Any]) -> tuple[LeafFacts, bytes]:
    statement, seq, prev = value["statement"], value["seq"], value["prev"]
    ok = (type(value["v"]) is int and value["v"] == ENTRY_VERSION
          and type(seq) is int and seq >= 0
          and type(prev) is str and HASH_RE.fullmatch(prev)
          and _is_time(value["recorded_at"])
          and type(value["signer"]) is str and KEY_ID_RE.fullmatch(value["signer"])
          and type(value["sig"]) is str
          and type(statement) is dict and statement.keys() == STATEMENT_FIELDS)
    if not ok:
        raise _NotSure
    ledger, type_, nonce = statement["ledger"], statement["type"], statement["nonce"]
    ok = (type(ledger) is str and SLUG_RE.fullmatch(ledger) and value["ledger"] == ledger
          and type(type_) is str and TYPE_RE.fullmatch(type_)
          and type(statement["body"]) is dict
          and _is_time(statement["signed_at"])
          and type(nonce) is str and NONCE_RE.fullmatch(nonce))
    if not ok:
        raise _NotSure
    sig = b64decode(value["sig"], what="sig", length=64)
    body = statement["body"] if type_ in REGISTRY_TYPES else None
    facts = LeafFacts(seq, prev, value["recorded_at"], ledger, value["signer"], nonce, type_, body,
                      money_facts(type_, statement["body"]))
    return facts, sig


def _is_time(text: Any) -> bool:
    """TIME_RE plus a real date. Once TIME_RE has pinned the shape, fromisoformat rejects
    exactly what strptime does (day 31 of April, hour 24, second 60), at a tenth of the cost."""
    if type(text) is not str or not TIME_RE.fullmatch(text):
        return False
    datetime.fromisoformat(text[:-1])  # ValueError -> the reference decides
    return True
