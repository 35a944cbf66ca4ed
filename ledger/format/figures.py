"""Figures: the signed balances a log implies at one tree size (FORMAT.md section 10).

The figures document is the CJSON object ``{"balances": [[account, fund,
currency, balance], ...], "ledger", "root", "size"}`` with rows sorted by
account, fund, currency in UTF-8 byte order; its hash is SHA-256 of its CJSON.
The figures note is a signed note by the log key (the checkpoint's key name)
over five lines: ``sunledger/figures/v1``, the origin, the size, the base64
root and the base64 document hash. The first line keeps it from ever reading
as a checkpoint, and a checkpoint from ever reading as figures.
"""

from __future__ import annotations

import base64
import hashlib
import re
from dataclasses import dataclass
from typing import Any, Iterable, Mapping

from ledger.errors import FormatError
from ledger.format import cjson
from ledger.format.notes import Signer, Verifier, open_log_note, sign_note

FIGURES_LINE = "sunledger/figures/v1"
DEBIT_NORMAL = frozenset({"asset", "expense"})
CREDIT_NORMAL = frozenset({"liability", "net_assets", "income"})
DOCUMENT_FIELDS = frozenset({"balances", "ledger", "root", "size"})
_DECIMAL = re.compile(r"0|[1-9][0-9]*")

Row = tuple[str, str, str, int]  # (account, fund, currency, balance on the normal side)


def normal_sign(account_class: str) -> int:
    """+1 where a debit adds to the balance (asset, expense), -1 where a credit does."""
    if account_class in DEBIT_NORMAL:
        return 1
    if account_class in CREDIT_NORMAL:
        return -1
    raise FormatError(f"unknown account class {account_class!r}")


def row_order(row: Any) -> tuple[bytes, bytes, bytes]:
    return (row[0].encode("utf-8"), row[1].encode("utf-8"), row[2].encode("utf-8"))


def rows_from_signed(signed: Mapping[tuple[str, str, str], int],
                     classes: Mapping[str, str]) -> list[Row]:
    """Rows from signed sums (debit +, credit -) per (account, fund, currency), each turned
    to its account's normal side by ``classes`` (account code -> class); sorted."""
    rows = [(account, fund, currency, normal_sign(classes[account]) * amount)
            for (account, fund, currency), amount in signed.items()]
    return sorted(rows, key=row_order)


def document(ledger: str, size: int, root: bytes, rows: Iterable[Row]) -> dict[str, Any]:
    """The figures document (rows are sorted here, whatever order they come in)."""
    if len(root) != 32:
        raise FormatError("a figures root is 32 bytes")
    balances = [[a, f, c, b] for a, f, c, b in sorted(rows, key=row_order)]
    return {"balances": balances, "ledger": ledger, "root": base64.b64encode(root).decode(),
            "size": size}


def document_bytes(doc: Mapping[str, Any]) -> bytes:
    return cjson.dumps(dict(doc))


def document_hash(doc: Mapping[str, Any]) -> bytes:
    return hashlib.sha256(document_bytes(doc)).digest()


def check_document(doc: Any) -> dict[str, Any]:
    """A published figures document, checked for shape (not for truth); FormatError if not."""
    if not isinstance(doc, dict) or set(doc) != DOCUMENT_FIELDS:
        raise FormatError("a figures document has exactly balances, ledger, root and size")
    cjson.check(doc)
    size, balances = doc["size"], doc["balances"]
    if type(size) is not int or size < 0 or not isinstance(doc["ledger"], str):
        raise FormatError("figures size is a non-negative integer and ledger a string")
    _b64_32(doc["root"], "figures root")
    if not isinstance(balances, list):
        raise FormatError("figures balances is a list of rows")
    for row in balances:
        if not (isinstance(row, list) and len(row) == 4 and all(isinstance(x, str) for x in row[:3])
                and type(row[3]) is int):
            raise FormatError(f"a figures row is [account, fund, currency, balance]: {row!r:.80}")
    if [row_order(r) for r in balances] != sorted(set(row_order(r) for r in balances)):
        raise FormatError("figures rows must be sorted by account, fund, currency, without repeats")
    return doc


def rows_of(doc: Mapping[str, Any]) -> dict[tuple[str, str, str], int]:
    """A document's balances as (account, fund, currency) -> balance."""
    return {(a, f, c): b for a, f, c, b in doc["balances"]}


@dataclass(frozen=True)
class FiguresNote:
    """The text of a figures note: what the log key signs."""

    origin: str
    size: int
    root: bytes
    doc_hash: bytes

    def __post_init__(self) -> None:
        if not self.origin or any(ord(c) < 0x20 for c in self.origin):
            raise FormatError(f"bad figures origin {self.origin!r}")
        if not 0 <= self.size < 1 << 64:
            raise FormatError(f"figures size out of range: {self.size}")
        if len(self.root) != 32 or len(self.doc_hash) != 32:
            raise FormatError("figures root and document hash are 32 bytes each")

    @classmethod
    def of(cls, origin: str, doc: Mapping[str, Any]) -> FiguresNote:
        return cls(origin, doc["size"], base64.b64decode(doc["root"]), document_hash(doc))

    def text(self) -> str:
        lines = [FIGURES_LINE, self.origin, str(self.size),
                 base64.b64encode(self.root).decode(), base64.b64encode(self.doc_hash).decode()]
        return "".join(line + "\n" for line in lines)

    @classmethod
    def parse(cls, text: str) -> FiguresNote:
        """Strictly parse the five lines (the note text, signatures removed)."""
        if not isinstance(text, str) or not text.endswith("\n"):
            raise FormatError("figures text must end in a newline")
        lines = text[:-1].split("\n")
        if not lines or lines[0] != FIGURES_LINE:
            raise FormatError(f"figures text must begin with the line {FIGURES_LINE!r}")
        if len(lines) != 5:
            raise FormatError(f"figures text has exactly 5 lines, not {len(lines)}")
        _, origin, size, root, doc_hash = lines
        if not _DECIMAL.fullmatch(size):
            raise FormatError(f"figures size {size[:24]!r} is not a decimal without leading zeros")
        return cls(origin, int(size), _b64_32(root, "figures root"),
                   _b64_32(doc_hash, "figures document hash"))


def _b64_32(text: Any, what: str) -> bytes:
    try:
        raw = base64.b64decode(text, validate=True) if isinstance(text, str) else b""
    except ValueError:
        raw = b""
    if len(raw) != 32 or base64.b64encode(raw).decode() != text:
        raise FormatError(f"{what} must be the canonical base64 of 32 bytes")
    return raw


def sign_figures(origin: str, doc: Mapping[str, Any], log_signer: Signer) -> str:
    """The signed figures note for ``doc``, by the log key (whose name is the origin)."""
    if log_signer.name != origin:
        raise FormatError(f"log key {log_signer.name!r} cannot sign for origin {origin!r}")
    return sign_note(FiguresNote.of(origin, doc).text(), log_signer)


def verify_figures(note: str | bytes, log_vkey: Verifier | str) -> FiguresNote:
    """Open a figures note signed by the log key; other signatures are ignored.

    Raises SignatureError (no valid log signature) or FormatError (not a note,
    not figures, or origin is not the log key's name).
    """
    text, log = open_log_note(note, log_vkey)
    figures = FiguresNote.parse(text)
    if figures.origin != log.name:
        raise FormatError(f"figures origin {figures.origin!r} is not the log key's name "
                          f"{log.name!r}")
    return figures


def differences(expected: Mapping[tuple[str, str, str], int],
                published: Mapping[tuple[str, str, str], int]) -> list[tuple[tuple[str, str, str],
                                                                            int | None, int | None]]:
    """(triple, expected or None, published or None) for every triple that differs, sorted."""
    triples = sorted(set(expected) | set(published), key=row_order)
    return [(t, expected.get(t), published.get(t)) for t in triples
            if expected.get(t) != published.get(t)]
