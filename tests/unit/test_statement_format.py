"""Statements, signed statements and entries (FORMAT.md 3 and 4) against the xinzhu vectors."""

from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone

import pytest

from ledger.format import cjson
from ledger.errors import FormatError, SignatureError
from ledger.format.keys import SigningKey, b64decode, b64encode
from ledger.format.statements import (SIGNING_CONTEXT, ZERO_HASH, Entry, SignedStatement, Statement,
                               entry_hash, format_time, parse_time)
from tests.vectors import load_json, vector_path

XINZHU = load_json("ledger-xinzhu.json")
LEAVES = vector_path("ledger-xinzhu.ndjson").read_bytes().splitlines()
ADMIN = SigningKey(bytes.fromhex(XINZHU["key_seeds_hex"]["admin"]))


def vector_entry(seq: int) -> Entry:
    return Entry.from_leaf(LEAVES[seq])


def good_statement(**changes) -> dict:
    value = {"ledger": "xinzhu", "type": "entry.posted", "body": {"memo": "x"},
             "signed_at": "2026-11-22T09:30:00.000000Z", "nonce": "n0nce-0001"}
    value.update(changes)
    return value


# --- the vectors ---------------------------------------------------------------------


def test_seq_1_signing_input_is_the_published_hex():
    statement = vector_entry(1).statement
    assert statement.signing_input().hex() == XINZHU["statement_signing_input_seq1_hex"]
    assert statement.signing_input().startswith(SIGNING_CONTEXT)


def test_seq_1_signing_input_is_context_plus_cjson_of_the_statement_in_the_leaf():
    leaf = json.loads(LEAVES[1])
    assert vector_entry(1).statement.signing_input() == SIGNING_CONTEXT + cjson.dumps(leaf["statement"])


@pytest.mark.parametrize("seq", range(4))
def test_vector_leaves_parse_and_hash_to_the_published_entry_hashes(seq):
    entry = vector_entry(seq)
    assert entry.seq == seq
    assert entry.hash == XINZHU["entry_hashes"][seq]
    assert entry_hash(LEAVES[seq]) == XINZHU["entry_hashes"][seq]
    assert entry.prev == (XINZHU["entry_hashes"][seq - 1] if seq else ZERO_HASH)


@pytest.mark.parametrize("seq", range(4))
def test_vector_signatures_verify_under_the_admin_key(seq):
    entry = vector_entry(seq)
    assert entry.signed.signer == XINZHU["key_ids"]["admin"]
    entry.signed.verify(ADMIN.public)


@pytest.mark.parametrize("seq", range(4))
def test_rebuilding_a_vector_entry_from_its_parts_gives_the_same_leaf_bytes(seq):
    entry = vector_entry(seq)
    rebuilt = Entry.build(entry.seq, entry.prev, entry.recorded_at, entry.signed)
    assert rebuilt.leaf == LEAVES[seq]


def test_resigning_a_vector_statement_gives_the_published_signature():
    # Ed25519 is deterministic: same key, same input, same signature.
    entry = vector_entry(2)
    assert entry.statement.sign(ADMIN).sig == entry.signed.sig


# --- statements ------------------------------------------------------------------------


def test_statement_from_json_accepts_the_format_shape():
    statement = Statement.from_json(good_statement())
    assert statement.to_json() == good_statement()


@pytest.mark.parametrize("changes, message", [
    ({"ledger": "Xinzhu"}, "not a ledger slug"),
    ({"ledger": "x"}, "not a ledger slug"),
    ({"type": "posted"}, "not <noun>.<verb>"),
    ({"type": "Entry.Posted"}, "not <noun>.<verb>"),
    ({"body": []}, "body must be an object"),
    ({"signed_at": "2026-11-22T09:30:00Z"}, "signed_at must look like"),
    ({"signed_at": "2026-11-22 09:30:00.000000Z"}, "signed_at must look like"),
    ({"signed_at": "2026-02-30T09:30:00.000000Z"}, "is not a real date"),
    ({"signed_at": "２０２６-11-22T09:30:00.000000Z"}, "signed_at must look like"),
    ({"nonce": "short"}, "nonce must be 8-64"),
    ({"nonce": "has space 1"}, "nonce must be 8-64"),
    ({"nonce": "x" * 65}, "nonce must be 8-64"),
    ({"body": {"amount": 1.5}}, "floats are not allowed"),
    ({"body": {"amount": 2**53}}, "outside"),
])
def test_statement_from_json_refuses_bad_fields_with_a_message_naming_them(changes, message):
    with pytest.raises(FormatError, match=message):
        Statement.from_json(good_statement(**changes))


def test_statement_must_have_exactly_the_five_fields():
    with pytest.raises(FormatError, match="exactly the fields"):
        Statement.from_json({**good_statement(), "extra": 1})
    value = good_statement()
    del value["nonce"]
    with pytest.raises(FormatError, match="exactly the fields"):
        Statement.from_json(value)
    with pytest.raises(FormatError, match="must be a JSON object"):
        Statement.from_json([good_statement()])


def test_digest_identifies_the_statement_not_the_signature():
    statement = Statement.from_json(good_statement())
    one, other = statement.sign(ADMIN), statement.sign(SigningKey(b"\x05" * 32))
    assert one.digest == other.digest
    changed = Statement.from_json(good_statement(nonce="n0nce-0002")).sign(ADMIN)
    assert changed.digest != one.digest


# --- signed statements -------------------------------------------------------------------


def signed_json() -> dict:
    return Statement.from_json(good_statement()).sign(ADMIN).to_json()


def test_signed_statement_round_trips_through_json():
    value = signed_json()
    signed = SignedStatement.from_json(json.loads(json.dumps(value)))
    assert signed.to_json() == value
    signed.verify(ADMIN.public)


def test_one_flipped_bit_in_the_signature_fails_verification():
    value = signed_json()
    raw = bytearray(b64decode(value["sig"]))
    raw[10] ^= 0x01
    signed = SignedStatement.from_json({**value, "sig": b64encode(bytes(raw))})
    with pytest.raises(SignatureError, match="does not verify"):
        signed.verify(ADMIN.public)


def test_a_changed_statement_fails_verification():
    value = signed_json()
    value["statement"]["body"] = {"memo": "y"}
    with pytest.raises(SignatureError, match="does not verify"):
        SignedStatement.from_json(value).verify(ADMIN.public)


def test_verifying_against_a_key_other_than_the_signer_is_refused():
    signed = SignedStatement.from_json(signed_json())
    with pytest.raises(SignatureError, match="does not match"):
        signed.verify(SigningKey(b"\x05" * 32).public)


@pytest.mark.parametrize("changes, message", [
    ({"signer": "D6B226C037F1DCC3CE66C028ED3AE368"}, "signer must be a key id"),
    ({"signer": "abc"}, "signer must be a key id"),
    ({"sig": 5}, "sig must be a base64 string"),
    ({"sig": "not base64!"}, "sig is not standard base64"),
    ({"sig": b64encode(b"\x00" * 63)}, "sig must be 64 bytes"),
])
def test_signed_statement_from_json_refuses_bad_signer_or_sig(changes, message):
    with pytest.raises(FormatError, match=message):
        SignedStatement.from_json({**signed_json(), **changes})


def test_signed_statement_must_have_exactly_statement_signer_sig():
    with pytest.raises(FormatError, match="exactly the fields"):
        SignedStatement.from_json({**signed_json(), "seq": 3})


@pytest.mark.parametrize("text", ['{"statement":', '{"statement":{}, "statement":{}}',
                                  '{"a": NaN}', '{"a": 1.0}'])
def test_broken_request_text_is_a_format_error_before_any_field_is_read(text):
    with pytest.raises(FormatError):
        SignedStatement.from_json(cjson.loads(text))


# --- entries -------------------------------------------------------------------------------


@pytest.mark.parametrize("body", [
    {}, {"memo": "新竹 \"Lü\" \\ \n\t\u2028 \x7f"}, {"z": [1, {"b": None, "a": True}], "a": -7},
])
def test_build_splices_the_statement_exactly_as_encoding_the_whole_entry_would(body):
    signed = Statement.from_json(good_statement(body=body)).sign(ADMIN)
    entry = Entry.build(12, "ab" * 32, "2026-11-22T09:30:00.123456Z", signed)
    document = {"ledger": "xinzhu", "prev": "ab" * 32, "recorded_at": "2026-11-22T09:30:00.123456Z",
                "seq": 12, "sig": signed.sig, "signer": signed.signer,
                "statement": signed.statement.to_json(), "v": 1}
    assert entry.leaf == cjson.dumps(document)
    assert Entry.from_leaf(entry.leaf) == entry


def test_the_entry_hash_follows_the_leaf_bytes():
    entry = vector_entry(0)
    assert entry.hash == entry_hash(entry.leaf) == XINZHU["entry_hashes"][0]


def test_from_leaf_refuses_non_canonical_bytes():
    spaced = json.dumps(json.loads(LEAVES[0]), ensure_ascii=False).encode()
    with pytest.raises(FormatError, match="canonical"):
        Entry.from_leaf(spaced)


@pytest.mark.parametrize("field, value, message", [
    ("v", 2, "v must be 1"),
    ("v", True, "v must be 1"),
    ("seq", -1, "seq must be a non-negative integer"),
    ("seq", True, "seq must be a non-negative integer"),
    ("prev", "ab", "prev must be 64 lowercase hex"),
    ("ledger", "other", "differs from statement.ledger"),
    ("recorded_at", "yesterday", "recorded_at must look like"),
])
def test_from_leaf_refuses_wrong_entry_fields(field, value, message):
    document = json.loads(LEAVES[1])
    document[field] = value
    with pytest.raises(FormatError, match=message):
        Entry.from_leaf(cjson.dumps(document))


def test_from_leaf_refuses_extra_or_missing_fields():
    document = json.loads(LEAVES[1])
    with pytest.raises(FormatError, match="exactly the fields"):
        Entry.from_leaf(cjson.dumps({**document, "extra": 1}))
    del document["v"]
    with pytest.raises(FormatError, match="exactly the fields"):
        Entry.from_leaf(cjson.dumps(document))


# --- time ----------------------------------------------------------------------------------


def test_format_time_has_six_fraction_digits_in_utc():
    moment = datetime(2026, 11, 22, 17, 30, tzinfo=timezone(timedelta(hours=8)))
    assert format_time(moment) == "2026-11-22T09:30:00.000000Z"
    assert parse_time(format_time(moment)) == moment


def test_parse_time_names_what_it_parses():
    with pytest.raises(FormatError, match="statement.signed_at must look like"):
        parse_time("now", "statement.signed_at")
