"""The rules of the document store and of inspection findings, as pure functions: what
kind a document's bytes are (never what the client says alone), which statement fields
name a kept document, and when a finding is overdue."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pytest

import ledger.domain  # noqa: F401  (registers every statement type)
from ledger.domain import documents, inspection, policy
from ledger.domain.inspection_deadlines import is_overdue
from ledger.domain.types import STATEMENT_TYPES
from ledger.errors import DocumentType

PDF = b"%PDF-1.7\n1 0 obj << >> endobj\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + b"\x00" * 17
JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 16 + b"\xff\xd9"
ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize("content, declared, kind", [
    (PDF, "", "application/pdf"),
    (PDF, "application/octet-stream", "application/pdf"),
    (PNG, "image/png; charset=binary", "image/png"),
    (JPEG, "", "image/jpeg"),
    ("公开表\n收入 1,000.00\n".encode(), "", "text/plain"),
    ("项目,金额\n活动,100.00\n".encode(), "text/csv", "text/csv"),
    (b'{"totals": {"income": 1}}', "application/json", "application/json"),
    (b'{"looks": "like json"}', "", "text/plain"),  # text is plain unless declared
    (b"%PDF-1.7 cut short", "", "text/plain"),       # no %%EOF: not a PDF, only text
])
def test_a_document_is_the_kind_its_bytes_are(content, declared, kind):
    assert documents.media_type_of(content, declared) == kind


@pytest.mark.parametrize("content, declared", [
    (b"\x00\x01\x02", ""),                  # binary that is none of the kept kinds
    (b"\xff\xfe not utf-8", "text/plain"),  # not UTF-8
    (b"ESC \x1b[31m red", ""),              # text with a control character
    (PNG, "application/pdf"),              # a PNG said to be a PDF
    (b"plain", "image/jpeg"),               # text said to be an image
    (b"{not json", "application/json"),
    (b"<svg onload=alert(1)>", "image/svg+xml"),  # a kind the store never keeps
    (b"%PDF-1.7 cut short", "application/pdf"),  # a PDF without its end is not one
])
def test_bytes_that_are_not_a_kept_kind_or_not_the_declared_one_are_refused(content, declared):
    with pytest.raises(DocumentType):
        documents.media_type_of(content, declared)


def test_every_document_field_is_a_sha256_field_of_a_registered_type():
    for kind, names in documents.DOCUMENT_FIELDS.items():
        assert kind in STATEMENT_TYPES and kind in policy.SIGNING_ROLES, kind
        assert all(name.endswith("_sha256") for name in names), kind
    assert documents.PERSONAL_DATA_ALLOWED <= set(documents.DOCUMENT_FIELDS)


def test_only_a_contract_may_hold_personal_data_and_the_docs_say_which():
    named = documents.NamedDocument("0" * 64, 5, frozenset({"trade.contract_signed"}))
    assert named.personal_data_allowed
    sheet = documents.NamedDocument("0" * 64, 5, frozenset({"disclosure.published"}))
    assert not sheet.personal_data_allowed
    governance = (ROOT / "docs" / "governance.md").read_text("utf-8")
    rows = re.findall(r"^\| `([a-z_.]+)` \| `([a-z0-9_]+)` \| (yes|no)", governance, re.M)
    assert {(kind, field) for kind, field, _ in rows} == {
        (kind, field) for kind, names in documents.DOCUMENT_FIELDS.items() for field in names}
    assert {kind for kind, _, may in rows if may == "yes"} == documents.PERSONAL_DATA_ALLOWED


@pytest.mark.parametrize("status, deadline, overdue", [
    ("assigned", "2026-03-09", True),
    ("reopened", "2026-03-09", True),
    ("assigned", "2026-03-10", False),   # due today is not yet overdue
    ("rectified", "2026-03-01", False),
    ("closed", "2026-03-01", False),
    ("open", None, False),
])
def test_a_finding_is_overdue_when_awaiting_rectification_past_its_deadline(
        status, deadline, overdue):
    assert is_overdue(status, deadline, date(2026, 3, 10)) is overdue


def test_a_red_flag_id_names_one_of_the_codes_the_red_flags_use():
    source = "\n".join(path.read_text("utf-8") for path in
                       [ROOT / "ledger/domain/redflags.py", ROOT / "ledger/domain/flag_rules.py",
                        *sorted(
                           (ROOT / "projections/flags").glob("*.py"))])
    used = set(re.findall(r'(?:Finding\(\s*|put\([^,]+, [^,]+, |CODE = )"([a-z-]+)"', source))
    assert used <= inspection.RED_FLAG_CODES
    # and every code a finding may name is one the red flags' code writes somewhere
    assert all(f'"{code}"' in source for code in inspection.RED_FLAG_CODES)
