"""Documents the log names by SHA-256, and which of them the document store keeps.

A statement names a document by its hash only (a disclosure's sheet, a resolution's
minutes, a contract); the bytes are kept beside the log, content-addressed
(``ledger.log.documents``), so a resident downloads the sheet and checks it against
the hash on the log. Which fields of which types name such a document is
``DOCUMENT_FIELDS``; ``replay`` notes every hash they name in
``LedgerState.named_documents`` (the first seq, and the types that named it).

Who may upload: a registered, unrevoked key with a role that may sign one of the
types naming the hash (``policy.SIGNING_ROLES``), once that entry is on the log.
What: at most ``policy.document_bytes_max`` bytes of PDF, PNG, JPEG, or UTF-8 text
(plain, CSV or JSON), told by the bytes themselves, never by the declared type alone.

Documents are public. They never hold residents' personal data, except those named
by a type in ``PERSONAL_DATA_ALLOWED``: a lease or sale contract names its lessee
or buyer, who the award disclosure already names in public (三资交易). Receipts and
invoices of entries (``entry.posted`` documents), bids and asset deeds are not kept
here: they name private persons.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass

from ledger.domain import fields, policy
from ledger.domain.state import LedgerState
from ledger.errors import (DocumentMismatch, DocumentNotNamed, DocumentTooLarge, DocumentType,
                           PolicyError, RevokedKey, UnknownKey)
from ledger.format.statements import Entry

DOCUMENT_FIELDS: dict[str, tuple[str, ...]] = {
    "disclosure.published": ("sheet_sha256",),
    "resolution.recorded": ("minutes_sha256",),
    "resolution.disclosed": ("sheet_sha256",),
    "matter.proposed": ("proposal_sha256",),
    "matter.discussed": ("minutes_sha256",),
    "matter.reviewed": ("minutes_sha256",),
    "matter.implemented": ("result_sha256",),
    "trade.notice_published": ("notice_sha256",),
    "trade.contract_signed": ("contract_sha256",),
    "asset.valued": ("report_sha256",),
    "inspection.finding_rectified": ("evidence_sha256",),
}
PERSONAL_DATA_ALLOWED = frozenset({"trade.contract_signed"})

PDF, PNG, JPEG = "application/pdf", "image/png", "image/jpeg"
TEXT, CSV, JSON = "text/plain", "text/csv", "application/json"
MEDIA_TYPES = (PDF, PNG, JPEG, TEXT, CSV, JSON)
IMAGES = frozenset({PNG, JPEG})
UNDECLARED = frozenset({"", "application/octet-stream"})
# C0 controls other than tab, line feed and carriage return; DEL; C1 controls.
_CONTROL = frozenset(range(0x00, 0x20)) - {0x09, 0x0A, 0x0D} | {0x7F} | set(range(0x80, 0xA0))


@dataclass(frozen=True)
class NamedDocument:
    """A hash some entry named as a document: the first such entry, and every type
    that named it (whose signers may upload it)."""

    sha256: str
    seq: int
    types: frozenset[str]

    @property
    def personal_data_allowed(self) -> bool:
        return bool(self.types & PERSONAL_DATA_ALLOWED)


def named_in(entry: Entry) -> list[str]:
    """The document hashes ``entry`` names (none for most types)."""
    body = entry.statement.body
    return [body[name] for name in DOCUMENT_FIELDS.get(entry.statement.type, ())
            if isinstance(body.get(name), str)]


def note_named(state: LedgerState, entry: Entry) -> None:
    """Remember the documents ``entry`` names (replay calls this for every entry)."""
    for sha256 in named_in(entry):
        known = state.named_documents.get(sha256)
        types = frozenset({entry.statement.type})
        state.named_documents[sha256] = (NamedDocument(sha256, entry.seq, types) if known is None
                                         else NamedDocument(sha256, known.seq,
                                                            known.types | types))


def accept(state: LedgerState, key_id: str, sha256: str, data: bytes, declared: str) -> str:
    """Whether the key ``key_id`` may store ``data`` as the document ``sha256`` in this
    ledger: its media type, or the refusal (cheapest checks first)."""
    fields.sha256_hex(sha256, "sha256")
    if len(data) > policy.document_bytes_max:
        raise DocumentTooLarge(f"a document holds at most {policy.document_bytes_max} bytes; "
                               f"this one has {len(data)}", limit_bytes=policy.document_bytes_max)
    named = state.named_documents.get(sha256)
    if named is None:
        raise DocumentNotNamed(f"no entry of this ledger names {sha256} as a document the "
                               "store keeps (a sheet, minutes, a notice, a contract, an "
                               "appraisal, a finding's evidence); put the statement naming it "
                               "on the log first", sha256=sha256)
    _require_uploader(state, key_id, named)
    actual = sha256_of(data)
    if actual != sha256:
        raise DocumentMismatch(f"the bytes hash to {actual}, not to {sha256}", sha256=sha256,
                               actual=actual)
    return media_type_of(data, declared)


def sha256_of(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _require_uploader(state: LedgerState, key_id: str, named: NamedDocument) -> None:
    record = state.keys.get(key_id)
    if record is None:
        raise UnknownKey(f"key {key_id} is not registered in this ledger")
    if not record.active():
        raise RevokedKey(f"key {key_id} was revoked at seq {record.revoked_seq}")
    allowed = frozenset().union(*(policy.SIGNING_ROLES.get(t, frozenset())
                                  for t in named.types))
    if not record.roles & allowed:
        raise PolicyError(f"document {named.sha256} is named by {', '.join(sorted(named.types))}"
                          f"; it is uploaded by {', '.join(sorted(allowed))}, and this key "
                          f"has {', '.join(sorted(record.roles)) or 'no role'}",
                          signer=key_id)


def media_type_of(data: bytes, declared: str) -> str:
    """The media type the bytes are, checked against the declared one (if any)."""
    wanted = declared.split(";", 1)[0].strip().lower()
    if wanted not in UNDECLARED and wanted not in MEDIA_TYPES:
        raise DocumentType(f"{wanted} is not kept; documents are {', '.join(MEDIA_TYPES)}",
                           declared=wanted)
    binary = _binary_kind(data)
    if binary is not None:
        if wanted in UNDECLARED or wanted == binary:
            return binary
        raise DocumentType(f"the bytes are {binary}, not {wanted}", declared=wanted)
    if wanted in (PDF, PNG, JPEG):
        raise DocumentType(f"the bytes are not {wanted}", declared=wanted)
    text = _text(data)
    if wanted == JSON:
        try:
            json.loads(text)
        except ValueError:
            raise DocumentType("the bytes are not JSON", declared=wanted) from None
    return TEXT if wanted in UNDECLARED else wanted


def _binary_kind(data: bytes) -> str | None:
    if data.startswith(b"%PDF-") and b"%%EOF" in data[-1024:]:
        return PDF
    if data.startswith(b"\x89PNG\r\n\x1a\n") and b"IHDR" in data[8:16]:
        return PNG
    if data.startswith(b"\xff\xd8\xff") and data.endswith(b"\xff\xd9"):
        return JPEG
    return None


def _text(data: bytes) -> str:
    """UTF-8 text without control characters, or DocumentType."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        raise DocumentType("the bytes are none of PDF, PNG, JPEG or UTF-8 text") from None
    if any(ord(char) in _CONTROL for char in text):
        raise DocumentType("the text holds control characters")
    return text
