"""POST statements over real HTTP: what is stored, what is refused, and that a
refusal leaves the log exactly as it was."""

from __future__ import annotations

import base64
import json

from api.errors import PROBLEM_BASE
from ledger.client import posting
from ledger.format.statements import entry_hash
from tests.builders.community import STREET_OFFICE

PROBLEM = "application/problem+json"


def grant(town, amount=500_000, **kw):
    lines = [posting("1002", "activity", "debit", amount),
             posting("4001", "activity", "credit", amount)]
    return town.agent.post("2026-01-05", "grant", STREET_OFFICE, lines, memo="拨款", **kw)


def leaves(http, town) -> list[bytes]:
    body = http.get(f"/v1/ledgers/{town.slug}/entries", params={"limit": 1000}).content
    return body.splitlines()


def post(http, town, signed):
    return http.post(f"/v1/ledgers/{town.slug}/statements", json=signed.to_json())


def assert_problem(response, status, code):
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == PROBLEM
    problem = response.json()
    assert problem["type"] == PROBLEM_BASE + code
    assert problem["status"] == status and problem["detail"]
    return problem


def test_a_signed_statement_becomes_the_next_entry_and_answers_201(http, town):
    before = leaves(http, town)
    response = post(http, town, grant(town))
    assert response.status_code == 201
    body = response.json()
    after = leaves(http, town)
    assert body["seq"] == len(before) == 14 and len(after) == 15
    assert after[14] == json.dumps(body["entry"], ensure_ascii=False, sort_keys=True,
                                   separators=(",", ":")).encode()
    assert body["hash"] == entry_hash(after[14])
    assert body["entry"]["prev"] == entry_hash(before[-1])


def test_retrying_the_same_signed_statement_answers_the_same_entry_with_200(http, town):
    signed = grant(town)
    first = post(http, town, signed)
    again = post(http, town, signed)
    assert (first.status_code, again.status_code) == (201, 200)
    assert again.json() == first.json()
    assert len(leaves(http, town)) == 15


def test_a_replayed_nonce_on_a_different_statement_is_409_and_the_log_is_unchanged(http, town):
    first = grant(town, 100, nonce="nonce-0001")
    assert post(http, town, first).status_code == 201
    before = leaves(http, town)
    problem = assert_problem(post(http, town, grant(town, 999, nonce="nonce-0001")), 409,
                             "replayed-nonce")
    assert "nonce-0001" in problem["detail"]
    assert leaves(http, town) == before


def test_a_bad_signature_is_refused_and_the_log_is_unchanged(http, town):
    before = leaves(http, town)
    document = grant(town).to_json()
    sig = bytearray(base64.b64decode(document["sig"]))
    sig[0] ^= 1
    document["sig"] = base64.b64encode(bytes(sig)).decode()
    response = http.post(f"/v1/ledgers/{town.slug}/statements", json=document)
    assert_problem(response, 422, "bad-signature")
    assert leaves(http, town) == before


def test_a_statement_changed_after_signing_is_refused(http, town):
    document = grant(town).to_json()
    document["statement"]["body"]["postings"][0]["amount"] = 1
    document["statement"]["body"]["postings"][1]["amount"] = 1
    response = http.post(f"/v1/ledgers/{town.slug}/statements", json=document)
    assert_problem(response, 422, "bad-signature")
    assert len(leaves(http, town)) == 14


def test_an_unregistered_key_is_403(http, town):
    from ledger.client import Signer
    from ledger.format.keys import SigningKey

    stranger = Signer(SigningKey.generate(), town.slug)
    lines = [posting("1002", "general", "debit", 1), posting("4001", "general", "credit", 1)]
    response = post(http, town, stranger.post("2026-01-05", "grant", STREET_OFFICE, lines))
    assert_problem(response, 403, "unknown-key")
    assert len(leaves(http, town)) == 14


def test_a_statement_for_another_ledger_is_refused_at_this_ledgers_address(http, town):
    other = town.agent.__class__(town.agent.key, "another-town")
    lines = [posting("1002", "general", "debit", 1), posting("4001", "general", "credit", 1)]
    signed = other.post("2026-01-05", "grant", STREET_OFFICE, lines)
    assert_problem(post(http, town, signed), 422, "wrong-ledger")


def test_posting_to_an_unknown_ledger_is_404(http, town):
    from ledger.client import Signer

    stranger = Signer(town.agent.key, "no-such-town")
    lines = [posting("1002", "general", "debit", 1), posting("4001", "general", "credit", 1)]
    signed = stranger.post("2026-01-05", "grant", STREET_OFFICE, lines)
    response = http.post("/v1/ledgers/no-such-town/statements", json=signed.to_json())
    assert_problem(response, 404, "ledger-not-found")


def test_malformed_json_is_a_422_problem(http, town):
    response = http.post(f"/v1/ledgers/{town.slug}/statements", content=b'{"statement": ',
                         headers={"content-type": "application/json"})
    problem = assert_problem(response, 422, "malformed")
    assert "not JSON" in problem["detail"]


def test_a_float_amount_is_refused_not_rounded(http, town):
    document = grant(town).to_json()
    raw = json.dumps(document).replace('"amount": 500000', '"amount": 500000.0')
    response = http.post(f"/v1/ledgers/{town.slug}/statements", content=raw.encode(),
                         headers={"content-type": "application/json"})
    assert "float" in assert_problem(response, 422, "malformed")["detail"]


def test_a_body_over_64_kib_is_413_and_stores_nothing(http, town):
    signed = grant(town).to_json()
    signed["statement"]["body"]["memo"] = "长" * 30_000  # 90 kB of UTF-8
    response = http.post(f"/v1/ledgers/{town.slug}/statements", json=signed)
    assert_problem(response, 413, "body-too-large")
    assert len(leaves(http, town)) == 14


def test_a_chunked_body_over_the_limit_is_413_too(http, town):
    def chunks():
        yield b'{"statement": "'
        for _ in range(100):
            yield b"x" * 1024

    response = http.post(f"/v1/ledgers/{town.slug}/statements", content=chunks(),
                         headers={"content-type": "application/json"})
    assert_problem(response, 413, "body-too-large")


def test_a_batch_is_stored_in_order_with_consecutive_seqs(http, town):
    batch = [grant(town, 100 + i).to_json() for i in range(5)]
    response = http.post(f"/v1/ledgers/{town.slug}/batches", json={"statements": batch})
    assert response.status_code == 201
    assert [e["seq"] for e in response.json()["entries"]] == [14, 15, 16, 17, 18]
    again = http.post(f"/v1/ledgers/{town.slug}/batches", json={"statements": batch})
    assert again.status_code == 200 and again.json() == response.json()


def test_a_batch_with_one_bad_statement_stores_none_of_them(http, town):
    batch = [grant(town, 100 + i).to_json() for i in range(4)]
    batch[2]["sig"] = batch[1]["sig"]
    response = http.post(f"/v1/ledgers/{town.slug}/batches", json={"statements": batch})
    assert_problem(response, 422, "bad-signature")
    assert len(leaves(http, town)) == 14


def test_a_batch_must_be_a_list_of_statements(http, town):
    response = http.post(f"/v1/ledgers/{town.slug}/batches", json=[grant(town).to_json()])
    assert_problem(response, 422, "malformed")
    empty = http.post(f"/v1/ledgers/{town.slug}/batches", json={"statements": []})
    assert_problem(empty, 422, "malformed")
