"""Reading the log over real HTTP: entries, checkpoints, and proofs that a client
verifies with ledger.format.merkle against the signed checkpoint root."""

from __future__ import annotations

import base64

import pytest

from ledger.format import merkle
from ledger.format.checkpoints import verify_checkpoint
from projections.worker import catch_up
from tests.e2e.http.test_posting_statements import assert_problem, grant, leaves


def hashes(body) -> list[bytes]:
    return [base64.b64decode(h) for h in body["hashes"]]


def checkpoint(http, town, **params):
    response = http.get(f"/v1/ledgers/{town.slug}/checkpoint", params=params)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "text/plain; charset=utf-8"
    return verify_checkpoint(response.text, town.log_signer.verifier())


def grow(http, town, count):
    for i in range(count):
        assert http.post(f"/v1/ledgers/{town.slug}/statements",
                         json=grant(town, 100 + i).to_json()).status_code == 201


def test_the_checkpoint_is_signed_by_the_ledgers_log_key_over_the_stored_root(
        http, town, checkpoints):
    checkpoints.issue(town.slug)
    cp = checkpoint(http, town)
    assert cp.origin == f"sunledger.example/{town.slug}" and cp.size == 14
    leaf_hashes = [merkle.leaf_hash(leaf) for leaf in leaves(http, town)]
    assert cp.root == merkle.root_from_leaf_hashes(leaf_hashes)


def test_every_inclusion_proof_verifies_against_the_checkpoint_root(http, town, checkpoints):
    grow(http, town, 7)
    checkpoints.issue(town.slug)
    cp = checkpoint(http, town)
    for seq, leaf in enumerate(leaves(http, town)):
        body = http.get(f"/v1/ledgers/{town.slug}/proofs/inclusion",
                        params={"seq": seq, "size": cp.size}).json()
        assert (body["seq"], body["size"]) == (seq, cp.size)
        assert merkle.verify_inclusion(merkle.leaf_hash(leaf), seq, cp.size, hashes(body),
                                       cp.root)
        assert not merkle.verify_inclusion(merkle.leaf_hash(leaf + b" "), seq, cp.size,
                                           hashes(body), cp.root)


def test_consistency_proofs_link_every_kept_checkpoint_to_the_latest(http, town, checkpoints):
    kept = []
    for step in (1, 2, 5):
        grow(http, town, step)
        checkpoints.issue(town.slug)
        kept.append(checkpoint(http, town))
    latest = kept[-1]
    for old in kept:
        again = checkpoint(http, town, size=old.size)
        assert again.root == old.root
        body = http.get(f"/v1/ledgers/{town.slug}/proofs/consistency",
                        params={"from": old.size, "to": latest.size}).json()
        assert (body["from"], body["to"]) == (old.size, latest.size)
        assert merkle.verify_consistency(old.size, latest.size, old.root, latest.root,
                                         hashes(body))


@pytest.mark.parametrize("path, params, words", [
    ("inclusion", {"seq": 14, "size": 14}, "seq 14 is not in a tree of size 14"),
    ("inclusion", {"seq": 0, "size": 15}, "size 15 is beyond the log, which has 14 entries"),
    ("consistency", {"from": 5, "to": 3}, "from 5 is larger than to 3"),
    ("consistency", {"from": 3, "to": 99}, "to 99 is beyond the log, which has 14 entries"),
])
def test_a_proof_outside_the_log_is_a_400_that_says_why(http, town, path, params, words):
    response = http.get(f"/v1/ledgers/{town.slug}/proofs/{path}", params=params)
    assert words in assert_problem(response, 400, "bad-proof-request")["detail"]


@pytest.mark.parametrize("path, params, name", [
    ("inclusion", {"seq": 0, "size": 0}, "size"),
    ("consistency", {"from": 0, "to": 3}, "from"),
])
def test_a_size_of_zero_is_out_of_the_published_range(http, town, path, params, name):
    # Every tree extends the empty one: the schema says sizes start at 1 (a 422, as
    # for any parameter out of its declared range).
    response = http.get(f"/v1/ledgers/{town.slug}/proofs/{path}", params=params)
    assert name in assert_problem(response, 422, "invalid-request")["detail"]


def test_a_proof_with_missing_parameters_is_a_422_problem(http, town):
    response = http.get(f"/v1/ledgers/{town.slug}/proofs/inclusion", params={"seq": 1})
    assert "size" in assert_problem(response, 422, "invalid-request")["detail"]


def test_entries_are_pages_of_leaf_bytes_one_per_line(http, town):
    everything = leaves(http, town)
    response = http.get(f"/v1/ledgers/{town.slug}/entries", params={"start": 3, "limit": 4})
    assert response.headers["content-type"] == "application/x-ndjson"
    assert response.content.splitlines() == everything[3:7]
    beyond = http.get(f"/v1/ledgers/{town.slug}/entries", params={"start": 99})
    assert beyond.status_code == 200 and beyond.content == b""


def test_a_page_of_more_than_1000_entries_is_refused(http, town):
    response = http.get(f"/v1/ledgers/{town.slug}/entries", params={"limit": 1001})
    assert "1000" in assert_problem(response, 422, "invalid-request")["detail"]


def test_a_checkpoint_never_signed_is_404(http, town, checkpoints):
    assert_problem(http.get(f"/v1/ledgers/{town.slug}/checkpoint"), 404, "not-found")
    checkpoints.issue(town.slug)
    response = http.get(f"/v1/ledgers/{town.slug}/checkpoint", params={"size": 9})
    assert "size 9" in assert_problem(response, 404, "not-found")["detail"]


def test_an_unknown_ledger_is_404_everywhere(http):
    for path in ("entries", "checkpoint", "proofs/inclusion?seq=0&size=1",
                 "proofs/inclusion?seq=1&size=5", "proofs/consistency?from=1&to=1",
                 "proofs/consistency?from=1&to=3"):
        assert_problem(http.get(f"/v1/ledgers/nowhere/{path}"), 404, "ledger-not-found")
        assert_problem(http.get(f"/v1/ledgers/Not_A_Slug/{path}"), 422, "invalid-request")


def test_the_ledger_list_names_each_ledger_with_its_size_and_log_key(http, town, app):
    catch_up(app)  # the list is the read model's
    listed = {item["ledger"]: item for item in http.get("/v1/ledgers").json()["ledgers"]}
    assert listed[town.slug]["size"] == 14
    assert listed[town.slug]["log_key"] == town.log_signer.verifier().vkey


def test_health_answers_ok_and_an_unknown_path_is_a_problem(http):
    assert http.get("/healthz").json() == {"status": "ok"}
    assert_problem(http.get("/v2/anything"), 404, "no-such-resource")
    assert_problem(http.delete("/healthz"), 405, "method-not-allowed")


def test_a_witness_cosignature_is_posted_checked_and_served_with_the_checkpoint(
        settings, app, town):
    import httpx

    from api.app import ApiOptions, create_app
    from ledger.format.notes import SignatureLine, cosign, parse_signature_line, split_note
    from ledger.witness.cosigner import new_witness_signer
    from tests.builders.server import running

    witness = new_witness_signer("witness.example/jiedao")
    stranger = new_witness_signer("witness.example/self-declared")
    api = create_app(settings, application=app, witnesses=[witness.verifier().vkey],
                     options=ApiOptions(public_rate_per_minute=0))
    body = split_note(api.state.checkpoints.issue(town.slug))[0]
    line = str(cosign(body, witness, 1_700_000_000)).rstrip("\n")
    url = f"/v1/ledgers/{town.slug}/checkpoint/cosignatures"
    name, key_hash, sig = parse_signature_line(line)
    forged = str(SignatureLine(name, key_hash, sig[:-1] + bytes([sig[-1] ^ 1]))).rstrip("\n")
    with running(api) as base, httpx.Client(base_url=base, timeout=30) as http:
        unsigned = http.get(f"/v1/ledgers/{town.slug}/checkpoint").text
        assert_problem(http.post(url, json={"size": 14, "cosignature": forged}), 422,
                       "bad-signature")
        assert_problem(http.post(url, json={"size": 14}), 422, "malformed")
        assert_problem(http.post(url, json={"size": 99, "cosignature": line}), 404, "not-found")
        self_declared = {"size": 14, "cosignature": str(cosign(body, stranger, 5)).rstrip("\n"),
                         "witness_key": stranger.verifier().vkey}
        assert_problem(http.post(url, json=self_declared), 403, "unknown-key")
        assert http.get(f"/v1/ledgers/{town.slug}/checkpoint").text == unsigned
        accepted = http.post(url, json={"size": 14, "cosignature": line,
                                        "witness_key": witness.verifier().vkey})
        assert accepted.status_code == 200 and accepted.text.endswith(line + "\n")
        assert http.get(f"/v1/ledgers/{town.slug}/checkpoint").text == accepted.text
