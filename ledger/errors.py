"""One hierarchy of expected failures.

Each error carries data (keyword fields) so the CLI can print one line and
the API can map it to a problem+json document with a stable ``type``.
Programmer errors are ``assert``s, never these.
"""

from __future__ import annotations

from typing import Any


class LedgerError(Exception):
    """An expected, user-facing failure. ``code`` is stable and public."""

    code = "ledger-error"
    status = 400

    def __init__(self, message: str, **details: Any) -> None:
        super().__init__(message)
        self.message = message
        self.details = details

    def __str__(self) -> str:
        return self.message


class FormatError(LedgerError):
    """Input is not in the FORMAT.md shape (canonical JSON, fields, encodings)."""

    code = "malformed"
    status = 422


class UnsafeText(FormatError):
    """A text field holds a character that could hide or fake what a reader sees:
    NUL and other control characters, bidirectional overrides, non-characters."""

    code = "unsafe-text"


class BusinessDateOutOfRange(FormatError):
    """A business date after the signing day (plus the policy's allowance), or
    before the ledger's opening year minus the bound for opening balances."""

    code = "date-out-of-range"


class StatementFailed(LedgerError):
    """Deciding this one statement hit a bug (not the input's fault as far as the
    server can tell). Only this statement fails: the others of its batch go on."""

    code = "statement-failed"
    status = 500


class SignatureError(LedgerError):
    code = "bad-signature"
    status = 422


class UnknownKey(LedgerError):
    code = "unknown-key"
    status = 403


class RevokedKey(LedgerError):
    code = "revoked-key"
    status = 403


class PolicyError(LedgerError):
    """The signer's role may not sign this statement type."""

    code = "forbidden-role"
    status = 403


class WrongLedger(LedgerError):
    code = "wrong-ledger"
    status = 422


class ClockSkew(LedgerError):
    code = "clock-skew"
    status = 422


class ReplayedNonce(LedgerError):
    code = "replayed-nonce"
    status = 409


class Conflict(LedgerError):
    """Another writer appended first and retries ran out."""

    code = "conflict"
    status = 409


class LedgerNotFound(LedgerError):
    code = "ledger-not-found"
    status = 404


class LedgerExists(LedgerError):
    code = "ledger-exists"
    status = 409


class DomainError(LedgerError):
    """A statement is well formed and signed but breaks a bookkeeping rule."""

    code = "rule-violated"
    status = 422


class UnbalancedEntry(DomainError):
    code = "unbalanced"


class UnknownAccount(DomainError):
    code = "unknown-account"


class UnknownFund(DomainError):
    code = "unknown-fund"


class InsufficientFunds(DomainError):
    code = "insufficient-funds"


class AlreadyReversed(DomainError):
    code = "already-reversed"


class NotFound(LedgerError):
    code = "not-found"
    status = 404


class ProofError(LedgerError):
    """A proof was asked for a size or seq the log does not have."""

    code = "bad-proof-request"
    status = 400


class CheckpointError(LedgerError):
    code = "bad-checkpoint"
    status = 422


class LogBehind(LedgerError):
    """The database lacks entries (or holds others) that a checkpoint this server
    signed covers: a restore of an older backup. Writes wait for ``sunledger restore``."""

    code = "log-behind-checkpoint"
    status = 503


# --- governance: approvals, asset trades, disclosures, questions ---------------


class OutOfOrder(DomainError):
    """A step of a procedure (trade, approval, question) taken in the wrong state."""

    code = "out-of-order"
    status = 409


class ApprovalRequired(DomainError):
    """A payment at or above a threshold lacks its approval or resolution."""

    code = "approval-required"


class SameKey(DomainError):
    """One key may not both record and approve the same matter."""

    code = "same-key"


class DisclosureRequired(DomainError):
    """A step needs a disclosure (公开) that has not been published yet."""

    code = "disclosure-required"


class NoticePeriodOpen(DomainError):
    """An award was attempted before the public notice period ended."""

    code = "notice-period-open"


class NoticeClosed(DomainError):
    """A bid arrived after the public notice period closed."""

    code = "notice-closed"


class RevisionNeedsReason(DomainError):
    """A second budget for the same fund and year revises the first: it must say why."""

    code = "revision-needs-reason"


class AwardNeedsReason(DomainError):
    """Awarding to anything but the highest valid bid needs a written reason."""

    code = "award-needs-reason"


class LedgerElsewhere(LedgerError):
    """The directory of ledgers places this ledger on another database: this server does
    not serve it (the answer names the database and, if the directory gives one, the
    server that does)."""

    code = "ledger-elsewhere"
    status = 404


class DirectoryError(LedgerError):
    """The directory of ledgers cannot be read: not JSON, an unknown version, a ledger
    placed on a database it does not list."""

    code = "bad-directory"
    status = 500


class RiskRuleError(LedgerError):
    """The street office's risk rule (``SUNLEDGER_RISK_RULE``) cannot be read or is not
    a rule: the server refuses to start with it (projections/risk_grade.py)."""

    code = "bad-risk-rule"
    status = 500


# --- documents (ledger/domain/documents.py) ------------------------------------


class DocumentMismatch(LedgerError):
    """The uploaded bytes do not hash to the SHA-256 the upload names."""

    code = "document-hash-mismatch"
    status = 422


class DocumentNotNamed(LedgerError):
    """No entry of the ledger names this SHA-256 as a document the store keeps."""

    code = "document-not-named"
    status = 422


class DocumentTooLarge(LedgerError):
    code = "document-too-large"
    status = 413


class DocumentType(LedgerError):
    """The bytes are none of the kinds the store keeps, or not the kind declared."""

    code = "document-type"
    status = 415


class DocumentNotFound(NotFound):
    code = "document-not-found"


class PeriodClosed(DomainError):
    """A business date falls in a month that is closed (结账): the correction goes
    into the open month and names what it corrects."""

    code = "period-closed"
    status = 409
