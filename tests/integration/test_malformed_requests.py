"""Malformed requests on both stores: refused before or at the ledger, nothing stored.

A request travels as JSON text; these tests feed the text a client could send
through the same parsing the API uses (cjson.loads + SignedStatement.from_json),
and Python values that bypass that parsing straight into the application.
"""

from __future__ import annotations

import json

import pytest

from ledger.format import cjson
from ledger.client import posting
from ledger.errors import FormatError
from ledger.format.keys import b64encode
from ledger.format.statements import SIGNING_CONTEXT, SignedStatement, Statement
from tests.builders.community import STREET_OFFICE
from tests.builders.refusals import LogView, assert_refused


def request_text(community, amount_text: str = "1000") -> str:
    """The JSON text of a correctly signed grant, with the amounts spelled ``amount_text``."""
    lines = [posting("1002", "general", "debit", 1000), posting("4001", "general", "credit", 1000)]
    signed = community.agent.post("2026-03-01", "grant", STREET_OFFICE, lines)
    return json.dumps(signed.to_json(), ensure_ascii=False).replace('"amount": 1000',
                                                                    f'"amount": {amount_text}')


def parse_request(text: str) -> SignedStatement:
    return SignedStatement.from_json(cjson.loads(text))


def test_the_request_text_helper_gives_an_acceptable_request(community):
    receipt = community.app.submit(parse_request(request_text(community)))
    assert receipt.created and receipt.entry.statement.body["postings"][0]["amount"] == 1000


@pytest.mark.parametrize("amount_text, message", [
    ("1000.0", "float 1000.0 is not allowed"),
    ("1e3", "float 1e3 is not allowed"),
    ("9007199254740992", "outside"),
    ("1" + "0" * 400, "outside"),
    ("NaN", "NaN is not allowed"),
    ("Infinity", "Infinity is not allowed"),
])
def test_amounts_that_are_not_safe_integers_in_json_text_are_refused(community, amount_text, message):
    before = LogView.of(community.app, community.slug)
    with pytest.raises(FormatError, match=message):
        parse_request(request_text(community, amount_text))
    assert LogView.of(community.app, community.slug) == before


@pytest.mark.parametrize("text, message", [
    ('{"statement": {', "not JSON"),
    ("", "not JSON"),
    ('{"statement": {}, "signer": "a", "signer": "b", "sig": ""}', "duplicate object key 'signer'"),
    ('[1, 2]', "request must be a JSON object"),
    ('{"statement": {}, "signer": "00", "sig": "AA=="}', "signer must be a key id"),
])
def test_broken_request_text_is_refused_with_a_message(community, text, message):
    before = LogView.of(community.app, community.slug)
    with pytest.raises(FormatError, match=message):
        parse_request(text)
    assert LogView.of(community.app, community.slug) == before


def test_a_duplicate_key_inside_the_statement_is_refused(community):
    text = request_text(community).replace('"memo": ""', '"memo": "", "memo": "second"')
    assert '"memo": "second"' in text
    with pytest.raises(FormatError, match="duplicate object key 'memo'"):
        parse_request(text)


def test_a_python_float_amount_is_refused_when_signing(community):
    lines = [posting("1002", "general", "debit", 10.0), posting("4001", "general", "credit", 10.0)]
    with pytest.raises(FormatError, match="floats are not allowed"):
        community.agent.post("2026-03-01", "grant", STREET_OFFICE, lines)


def test_a_python_float_amount_smuggled_past_parsing_is_refused_by_the_application(community):
    """A statement built without from_json and signed over float-bearing JSON."""
    good = community.agent.post("2026-03-01", "grant", STREET_OFFICE, [
        posting("1002", "general", "debit", 10), posting("4001", "general", "credit", 10)])
    body = json.loads(json.dumps(good.statement.body))
    for line in body["postings"]:
        line["amount"] = 10.0
    statement = Statement(good.statement.ledger, "entry.posted", body, good.statement.signed_at,
                          good.statement.nonce)
    message = SIGNING_CONTEXT + json.dumps(statement.to_json(), sort_keys=True,
                                           separators=(",", ":"), ensure_ascii=False).encode()
    forged = SignedStatement(statement, good.signer, b64encode(community.agent.key.sign(message)))
    assert_refused(community.app, community.slug, forged, FormatError, "floats are not allowed")


def test_a_python_int_beyond_2_53_is_refused_when_signing(community):
    lines = [posting("1002", "general", "debit", 2**53), posting("4001", "general", "credit", 2**53)]
    with pytest.raises(FormatError, match="outside"):
        community.agent.post("2026-03-01", "grant", STREET_OFFICE, lines)


def test_a_boolean_amount_is_refused(community):
    lines = [posting("1002", "general", "debit", True), posting("4001", "general", "credit", True)]
    signed = community.agent.post("2026-03-01", "grant", STREET_OFFICE, lines)
    assert_refused(community.app, community.slug, signed, FormatError,
                   r"postings\[0\].amount must be an integer")


def test_a_string_amount_is_refused(community):
    lines = [posting("1002", "general", "debit", "10.00"),
             posting("4001", "general", "credit", "10.00")]
    signed = community.agent.post("2026-03-01", "grant", STREET_OFFICE, lines)
    assert_refused(community.app, community.slug, signed, FormatError, "must be an integer")


@pytest.mark.parametrize("date", ["2026-02-30", "2026/03/01", "２０２６-03-01", ""])
def test_an_impossible_or_misspelt_date_is_refused(community, date):
    lines = [posting("1002", "general", "debit", 5), posting("4001", "general", "credit", 5)]
    signed = community.agent.post(date, "grant", STREET_OFFICE, lines)
    assert_refused(community.app, community.slug, signed, FormatError, "date")


def test_a_statement_over_the_size_limit_is_refused_and_changes_nothing(community, monkeypatch):
    from ledger.domain import policy
    lines = [posting("1002", "general", "debit", 1, memo="m" * 400),
             posting("4001", "general", "credit", 1, memo="m" * 400)] * 32
    oversize = community.agent.post("2026-01-05", "grant", {"kind": "organisation", "name": "x"},
                                    lines)
    before = community.log_size()
    monkeypatch.setattr(policy, "statement_bytes_max", 4096)
    with pytest.raises(FormatError, match="the limit is 4096"):
        community.app.submit(oversize)
    assert community.log_size() == before


def test_a_failing_listener_does_not_hide_a_stored_entry(community):
    def broken_listener(state):
        raise RuntimeError("listener broke")

    community.app.after_append.append(broken_listener)
    receipt = community.grant("general", 1_000)
    assert receipt.created and community.log_size() == receipt.seq + 1
