"""PUT and GET .../documents/{sha256} through a real server: the committee uploads the
minutes a resolution names, anyone downloads them with the headers that keep a
browser from reading them as anything else; a signed-in upload of other bytes, of a
hash nobody named, or by a role that may not sign the naming type is a problem+json
refusal that stores nothing."""

from __future__ import annotations

import hashlib

from ledger.log.tokens import issue_token

MINUTES = "居民代表会议纪要 2026-02-10\n同意 20, 反对 1, 弃权 1\n".encode()
PNG = (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00"
       b"\x00\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N"
       b"\x00\x00\x00\x00IEND\xaeB`\x82")


def sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def named(town, content: bytes) -> None:
    town.submit(town.committee.record_resolution(
        "other", None, "居民代表会议决议", "2026-02-10", 25, 22, 20, 1, 1, sha(content)))


def put(http, town, signer, sha256: str, content: bytes, media_type: str = "text/plain"):
    token = issue_token(signer.key, town.slug)
    return http.put(f"/v1/ledgers/{town.slug}/documents/{sha256}", content=content,
                    headers={"Authorization": f"Bearer {token}", "Content-Type": media_type})


def test_minutes_uploaded_by_the_committee_download_byte_for_byte_as_an_attachment(http, town):
    named(town, MINUTES)
    stored = put(http, town, town.committee, sha(MINUTES), MINUTES)
    assert stored.status_code == 201, stored.text
    assert stored.json()["media_type"] == "text/plain" and stored.json()["created"] is True
    got = http.get(f"/v1/ledgers/{town.slug}/documents/{sha(MINUTES)}")
    assert got.status_code == 200 and got.content == MINUTES
    assert sha(got.content) == sha(MINUTES)
    assert got.headers["content-type"] == "text/plain; charset=utf-8"
    assert got.headers["x-content-type-options"] == "nosniff"
    assert got.headers["cache-control"] == "public, max-age=31536000, immutable"
    assert got.headers["content-disposition"].startswith("attachment;")
    again = put(http, town, town.committee, sha(MINUTES), MINUTES)
    assert again.status_code == 200 and again.json()["created"] is False


def test_an_image_is_served_inline_with_its_own_type(http, town):
    named(town, PNG)
    assert put(http, town, town.committee, sha(PNG), PNG, "image/png").status_code == 201
    got = http.get(f"/v1/ledgers/{town.slug}/documents/{sha(PNG)}")
    assert got.headers["content-type"] == "image/png"
    assert got.headers["content-disposition"].startswith("inline;")


def test_bytes_that_hash_to_something_else_are_refused_and_nothing_is_served(http, town):
    named(town, MINUTES)
    refused = put(http, town, town.committee, sha(MINUTES), MINUTES + b"forged")
    assert refused.status_code == 422
    assert refused.headers["content-type"] == "application/problem+json"
    assert refused.json()["type"].endswith("/document-hash-mismatch")
    for sha256 in (sha(MINUTES), sha(MINUTES + b"forged")):
        assert http.get(f"/v1/ledgers/{town.slug}/documents/{sha256}").status_code == 404


def test_uploads_need_a_sign_in_and_a_role_that_may_sign_the_naming_type(http, town):
    named(town, MINUTES)
    url = f"/v1/ledgers/{town.slug}/documents/{sha(MINUTES)}"
    anonymous = http.put(url, content=MINUTES, headers={"Content-Type": "text/plain"})
    assert anonymous.status_code == 401
    agent = put(http, town, town.agent, sha(MINUTES), MINUTES)
    assert agent.status_code == 403 and agent.json()["type"].endswith("/forbidden-role")
    unnamed = put(http, town, town.committee, sha(b"other"), b"other")
    assert unnamed.status_code == 422 and unnamed.json()["type"].endswith("/document-not-named")
    assert http.get(url).status_code == 404


def test_a_declared_type_the_bytes_are_not_is_refused_with_415(http, town):
    named(town, MINUTES)
    refused = put(http, town, town.committee, sha(MINUTES), MINUTES, "application/pdf")
    assert refused.status_code == 415 and refused.json()["type"].endswith("/document-type")


def test_a_document_address_that_is_not_a_sha256_is_a_422(http, town):
    assert http.get(f"/v1/ledgers/{town.slug}/documents/not-a-hash").status_code == 422
