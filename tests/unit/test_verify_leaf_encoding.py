"""The verifier's fast parser leans on orjson: its canonical re-encoding must be the
reference's byte for byte (json.dumps with sorted keys, no spaces, UTF-8 as is), and
what orjson's parse lets through but canonical JSON forbids must send a leaf to the
reference (Entry.from_leaf), never be accepted."""

from __future__ import annotations

import json

import orjson
import pytest

from ledger.errors import FormatError
from ledger.format.statements import Entry
from ledger.verify.leaf import _fast_parse, parse_leaf
from tests.unit.test_tamper_properties import LEAVES


def reference_encoding(value) -> bytes:
    return json.dumps(value, ensure_ascii=False, sort_keys=True,
                      separators=(",", ":")).encode("utf-8")


def test_every_code_point_is_written_as_the_reference_writes_it():
    every = "".join(chr(cp) for cp in range(0x110000) if not 0xD800 <= cp <= 0xDFFF)
    value = {"b": every, "a": [every[:300], {"z": every[-300:], "y": -(2**53 - 1)}]}
    assert orjson.dumps(value, option=orjson.OPT_SORT_KEYS) == reference_encoding(value)


def with_body(body_text: str) -> bytes:
    """LEAVES[4] with its statement's body replaced by raw JSON text (maybe not canonical)."""
    leaf = LEAVES[4]
    document = json.loads(leaf)
    marker = '"__body__"'
    document["statement"]["body"] = "__body__"
    return reference_encoding(document).replace(marker.encode(), body_text.encode("utf-8"))


@pytest.mark.parametrize("body", [
    '{"amount":1.0}',                 # integral float: canonical JSON has none
    '{"amount":1e2}',
    '{"amount":9007199254740992}',    # 2^53: past ±(2^53-1)
    '{"amount":9223372036854775807}',  # 2^63-1: orjson reads it, canonical JSON does not
    '{"amount":-0}',
    '{"a":1,"a":1}',                  # a duplicate key
    '{"b":1,"a":2}',                  # keys out of order
    '{"名":1}',                       # a non-ASCII key
    '{"t":"\\u001B"}',                # an upper-case escape (canonical: \\u001b)
    '{"t":"\\u00e9"}',                # an escape where the character itself belongs
    '{"t":"\\/"}',
    '{"t":"\\ud800"}',                # a lone surrogate
    '{ "a":1}',
    '{"d":' + "[" * 40 + "]" * 40 + "}",  # deeper than canonical JSON's 32 levels
])
def test_what_canonical_json_forbids_is_never_vouched_for_by_the_fast_path(body):
    leaf = with_body(body)
    with pytest.raises(Exception):
        _fast_parse(leaf)
    with pytest.raises(FormatError):  # and the reference, which decides, refuses it
        parse_leaf(leaf)


def test_a_canonical_leaf_is_read_by_the_fast_path_as_the_reference_reads_it():
    for leaf in LEAVES[:20]:
        parsed, entry = _fast_parse(leaf), Entry.from_leaf(leaf)
        assert parsed.message == entry.statement.signing_input()
        assert (parsed.facts.seq, parsed.facts.prev, parsed.facts.recorded_at, parsed.facts.type) \
            == (entry.seq, entry.prev, entry.recorded_at, entry.statement.type)
