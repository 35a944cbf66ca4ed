"""The document store on both real stores: a resolution's minutes, named on the log by
their SHA-256, uploaded by the committee and read back byte for byte; every refusal
(wrong bytes, a hash nobody named, a role that may not sign the naming type, too
big, not a kept type) stores nothing and leaves the log as it was."""

from __future__ import annotations

import hashlib

import pytest

from ledger.domain import policy
from ledger.errors import (DocumentMismatch, DocumentNotFound, DocumentNotNamed,
                           DocumentTooLarge, DocumentType, PolicyError, RevokedKey)
from ledger.log.documents import DocumentStore
from tests.builders.refusals import LogView

MINUTES = "居民代表会议纪要\n2026-02-10 到会 22 人, 同意 20 人\nMinutes of the meeting\n".encode()


def sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def record_minutes(town, minutes: bytes = MINUTES) -> int:
    return town.submit(town.committee.record_resolution(
        "other", None, "居民代表会议决议", "2026-02-10", 25, 22, 20, 1, 1, sha(minutes)))


@pytest.fixture
def store(town) -> DocumentStore:
    return DocumentStore(town.app)


def refused(store, town, error, key_id, sha256, content, declared=""):
    """Upload must fail with ``error``, store nothing under either hash, change no entry."""
    before = LogView.of(town.app, town.slug)
    with pytest.raises(error):
        store.put(town.slug, key_id, sha256, content, declared)
    assert store.kept_among(town.slug, [sha256, sha(content)]) == set()
    assert LogView.of(town.app, town.slug) == before


def test_minutes_named_on_the_log_are_kept_and_read_back_byte_for_byte(store, town):
    record_minutes(town)
    kept = store.put(town.slug, town.committee.key_id, sha(MINUTES), MINUTES, "text/plain")
    assert kept.created and kept.media_type == "text/plain"
    read = store.get(town.slug, sha(MINUTES))
    assert read.content == MINUTES and read.media_type == "text/plain"
    assert store.kept_among(town.slug, [sha(MINUTES), "0" * 64]) == {sha(MINUTES)}


def test_uploading_the_same_document_again_changes_nothing_and_answers_the_same(store, town):
    record_minutes(town)
    store.put(town.slug, town.committee.key_id, sha(MINUTES), MINUTES)
    again = store.put(town.slug, town.committee.key_id, sha(MINUTES), MINUTES, "text/csv")
    assert not again.created and again.media_type == "text/plain" and again.content == MINUTES


def test_bytes_that_do_not_hash_to_the_named_sha256_are_refused_and_nothing_is_stored(
        store, town):
    record_minutes(town)
    forged = MINUTES.replace(b"20", b"21")
    refused(store, town, DocumentMismatch, town.committee.key_id, sha(MINUTES), forged)
    with pytest.raises(DocumentNotFound):
        store.get(town.slug, sha(MINUTES))


def test_a_document_no_entry_names_is_refused(store, town):
    refused(store, town, DocumentNotNamed, town.committee.key_id, sha(MINUTES), MINUTES)


def test_a_key_whose_role_may_not_sign_the_naming_type_may_not_upload(store, town):
    record_minutes(town)
    refused(store, town, PolicyError, town.agent.key_id, sha(MINUTES), MINUTES)


def test_a_revoked_key_may_no_longer_upload(store, town):
    record_minutes(town)
    town.submit(town.admin.revoke_key(town.committee.key_id, "left the committee"))
    refused(store, town, RevokedKey, town.committee.key_id, sha(MINUTES), MINUTES)


def test_a_document_over_the_size_limit_is_refused(store, town):
    big = b"a" * (policy.document_bytes_max + 1)
    record_minutes(town, big)
    refused(store, town, DocumentTooLarge, town.committee.key_id, sha(big), big)


@pytest.mark.parametrize("content, declared", [
    (b"\x00\x01binary\xff", ""),                     # neither a kept binary kind nor text
    (b"plain words", "application/pdf"),             # text said to be a PDF
    (b"not json", "application/json"),               # said to be JSON, is not
    (b"%PDF-1.7\n...\n%%EOF\n", "image/png"),         # a PDF said to be an image
    (b"<html><script>x</script></html>", "text/html"),  # a type the store never keeps
])
def test_bytes_of_a_kind_the_store_does_not_keep_are_refused(store, town, content, declared):
    record_minutes(town, content)
    refused(store, town, DocumentType, town.committee.key_id, sha(content), content, declared)


def test_a_pdf_is_told_by_its_bytes_whatever_the_client_declares(store, town):
    pdf = b"%PDF-1.7\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n"
    record_minutes(town, pdf)
    kept = store.put(town.slug, town.committee.key_id, sha(pdf), pdf, "application/octet-stream")
    assert kept.media_type == "application/pdf"


def test_documents_of_one_ledger_are_not_served_for_another(store, town):
    record_minutes(town)
    store.put(town.slug, town.committee.key_id, sha(MINUTES), MINUTES)
    with pytest.raises(DocumentNotFound):
        store.get("another-town", sha(MINUTES))
