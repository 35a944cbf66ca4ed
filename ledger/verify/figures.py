"""Recomputing the figures (FORMAT.md section 10) from the leaves alone, and holding
every figures note to them.

The worker reads each money-moving statement's body into a small tuple
(``money_facts``, in parallel with parsing); the sequential pass feeds those to a
``FiguresTally`` in seq order and keeps its rows at every size a figures note
names. Nothing here asks ``ledger.domain``: a bug in the domain's balances shows
as a difference, named by (account, fund, currency).

Statements the domain would never have accepted are read as follows (the spec
assumes they do not exist): a posting that is not ``{account, fund, side,
amount[, currency]}`` makes its entry move nothing; an account never opened has
debit as its normal side; an ``entry.approved`` or ``entry.rejected`` counts only
for an entry held before it, and only its first decision counts.
"""

from __future__ import annotations

import base64
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from ledger.errors import LedgerError
from ledger.format.figures import (CREDIT_NORMAL, FiguresNote, Row, check_document,
                                   differences, document, document_hash, row_order, rows_of,
                                   verify_figures)
from ledger.format.notes import split_note
from ledger.verify.report import Code, Finding

MONEY_TYPES = frozenset({"ledger.opened", "account.opened", "policy.set", "entry.posted",
                         "entry.reversed", "entry.approved", "entry.rejected"})
MONEY_KINDS = ("cash", "bank")
_SIDES = {"debit": 1, "credit": -1}
Posting = tuple[str, str, "str | None", int]  # (account, fund, currency or None, debit+/credit-)


def money_facts(type_: str, body: Any) -> tuple | None:
    """What the figures need from one statement, as a small picklable tuple; None if it
    moves nothing (or cannot be read)."""
    if type_ not in MONEY_TYPES or not isinstance(body, dict):
        return None
    if type_ == "entry.posted" or type_ == "entry.reversed":
        postings = _postings(body.get("postings"))
        return None if postings is None else (type_, postings)
    if type_ == "ledger.opened":
        currency = body.get("currency")
        return (type_, currency) if isinstance(currency, str) else None
    if type_ == "account.opened":
        code, class_, kind = body.get("code"), body.get("class"), body.get("kind")
        return (type_, code, class_, kind) if isinstance(code, str) else None
    if type_ == "policy.set":
        threshold = body.get("approval_threshold")
        return (type_, threshold) if type(threshold) is int else None
    seq = body.get("entry")  # entry.approved, entry.rejected
    return (type_, seq) if type(seq) is int else None


def _postings(value: Any) -> tuple[Posting, ...] | None:
    if not isinstance(value, list):
        return None
    found = []
    for p in value:
        if not isinstance(p, dict):
            return None
        account, fund, side, amount = p.get("account"), p.get("fund"), p.get("side"), p.get("amount")
        currency = p.get("currency")
        if not (isinstance(account, str) and isinstance(fund, str) and side in _SIDES
                and type(amount) is int and (currency is None or isinstance(currency, str))):
            return None
        found.append((account, fund, currency, _SIDES[side] * amount))
    return tuple(found)


Move = tuple[int, int, tuple[Posting, ...]]  # (entry moved, seq it moved at, its postings)


class FiguresTally:
    """Balances moved so far, fed ``money_facts`` in seq order. With ``keep_moves``,
    ``moves`` lists every entry that moved, in the order it moved (an export in
    another format follows the same rule, so it cannot drift from the figures)."""

    def __init__(self, keep_moves: bool = False) -> None:
        self.moves: list[Move] | None = [] if keep_moves else None
        self.currency = ""
        self.classes: dict[str, Any] = {}
        self.money_accounts: set[str] = set()
        self.threshold: int | None = None
        self.held: dict[int, tuple[Posting, ...]] = {}
        self.signed: dict[tuple[str, str, str], int] = defaultdict(int)

    def take(self, seq: int, facts: tuple) -> None:
        type_ = facts[0]
        if type_ == "entry.posted":
            if self.threshold is not None and self._payment(facts[1]) >= self.threshold:
                self.held[seq] = facts[1]
            else:
                self._move(seq, seq, facts[1])
        elif type_ == "entry.reversed":
            self._move(seq, seq, facts[1])
        elif type_ == "entry.approved" or type_ == "entry.rejected":
            postings = self.held.pop(facts[1], None)
            if postings is not None and type_ == "entry.approved":
                self._move(facts[1], seq, postings)
        elif type_ == "account.opened" and facts[1] not in self.classes:  # opened once
            self.classes[facts[1]] = facts[2]
            if facts[3] in MONEY_KINDS:
                self.money_accounts.add(facts[1])
        elif type_ == "policy.set":
            self.threshold = facts[1]
        elif type_ == "ledger.opened" and seq == 0:
            self.currency = facts[1]

    def _payment(self, postings: tuple[Posting, ...]) -> int:
        total = sum(signed for account, _, currency, signed in postings
                    if account in self.money_accounts and (currency or self.currency) == self.currency)
        return max(0, -total)

    def _move(self, entry: int, seq: int, postings: tuple[Posting, ...]) -> None:
        if self.moves is not None:
            self.moves.append((entry, seq, postings))
        for account, fund, currency, signed in postings:
            self.signed[(account, fund, currency or self.currency)] += signed

    def rows(self) -> tuple[Row, ...]:
        """The document's rows now: every touched triple, on its account's normal side."""
        rows = [(account, fund, currency,
                 -amount if self.classes.get(account) in CREDIT_NORMAL else amount)
                for (account, fund, currency), amount in self.signed.items()]
        return tuple(sorted(rows, key=row_order))


@dataclass(frozen=True)
class FiguresClaim:
    """A published figures note (and the document beside it, if at hand), unverified."""

    note: str
    published: dict | None = None  # the document the server or bundle shows
    size: int | None = None         # read from the note's text before the entries
    problem: str = ""


def read_figures_claim(note: str | bytes, published: Any = None) -> FiguresClaim:
    try:
        text = note.decode("utf-8") if isinstance(note, bytes) else note
        size = FiguresNote.parse(split_note(text)[0]).size
    except (LedgerError, UnicodeError) as exc:
        return FiguresClaim(str(note), None, None, f"the figures note is unreadable: {exc}")
    try:
        doc = check_document(published) if published is not None else None
    except LedgerError as exc:
        return FiguresClaim(text, None, size, f"the published figures document is unreadable: "
                                              f"{exc}")
    return FiguresClaim(text, doc, size)


def check_figures(claim: FiguresClaim, *, slug: str, rows: tuple[Row, ...] | None,
                  root: bytes | None, log_vkey: str | None) -> list[Finding]:
    """Findings (code figures-mismatch) for one figures note against the recomputed rows."""
    size = claim.size
    if size is None or claim.problem:
        return [_finding(size, claim.problem)]
    if rows is None or root is None:
        return [_finding(size, f"the figures note signs size {size} but the log has fewer "
                               "entries")]
    try:
        if log_vkey is None:
            raise LedgerError("genesis declares no usable log key; give one")
        signed = verify_figures(claim.note, log_vkey)
    except LedgerError as exc:
        return [_finding(size, f"the figures note of size {size} is not signed by the log "
                               f"key: {exc}")]
    findings = []
    if signed.root != root:
        findings.append(_finding(size, f"the figures note signs root {_b64(signed.root)}, but "
                                       f"the first {size} entries hash to {_b64(root)}"))
    expected = document(slug, size, root, rows)
    if claim.published is not None:
        findings.extend(_published_findings(claim.published, expected, signed))
    elif signed.doc_hash != document_hash(expected):
        findings.append(_finding(size, f"the figures note signs document hash "
                                       f"{_b64(signed.doc_hash)}, but the entries give "
                                       f"{_b64(document_hash(expected))}"))
    return findings


def _published_findings(published: dict, expected: dict, signed: FiguresNote) -> list[Finding]:
    size = signed.size
    findings = [_finding(size, f"({account}, {fund}, {currency}) is "
                               f"{_shown(want)} by the entries but {_shown(got)} in the "
                               "published figures")
                for (account, fund, currency), want, got in differences(rows_of(expected),
                                                                         rows_of(published))]
    for name in ("ledger", "root", "size"):
        if published[name] != expected[name]:
            findings.append(_finding(size, f"the published figures say {name} "
                                           f"{published[name]!r}, not {expected[name]!r}"))
    if document_hash(published) != signed.doc_hash:
        findings.append(_finding(size, "the published figures document is not the one the "
                                       "figures note signs (its SHA-256 differs)"))
    elif not findings and signed.doc_hash != document_hash(expected):
        findings.append(_finding(size, "the figures note signs a document the entries do not "
                                       "give"))
    return findings


def _shown(amount: int | None) -> str:
    return "absent" if amount is None else str(amount)


def _b64(raw: bytes) -> str:
    return base64.b64encode(raw).decode()


def _finding(size: int | None, message: str) -> Finding:
    return Finding(None, Code.FIGURES_MISMATCH, message, checkpoint_size=size)
