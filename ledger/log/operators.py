"""Opening a ledger is the operator's act, not any caller's.

A ``ledger.opened`` statement verifies under a key it declares itself, so on its
own it proves nothing about who may open a ledger: anyone could take a slug (a
lookalike of the real community, or the real one before ``sunledger init``).
Over HTTP the server therefore takes ``ledger.opened`` only when its signer is
one of the operator keys it is configured to trust: ``<data_dir>/operators``,
one public key per line (the base64 line of a ``.pub`` file, as ``sunledger
keys new`` prints it; ``#`` starts a comment). Without that file no ledger can
be opened over HTTP at all. ``sunledger init`` on the server's own machine
appends through the application directly and needs no listing: whoever can
run it already holds the database.

The check runs before the statement reaches the log, so a refused opening
reserves nothing: no entry, no state, the slug stays free.
"""

from __future__ import annotations

from concurrent.futures import Future
from pathlib import Path
from typing import Iterable, Sequence

from ledger.errors import LedgerError, LedgerNotFound
from ledger.format.keys import PublicKey
from ledger.format.statements import SignedStatement
from ledger.log.appender import Appender
from ledger.log.application import Receipt
from ledger.settings import Settings

OPENED = "ledger.opened"


class NotAnOperator(LedgerError):
    code = "not-an-operator"
    status = 403


def operators_file(settings: Settings) -> Path:
    return Path(settings.data_dir) / "operators"


def load_operator_keys(settings: Settings) -> frozenset[str]:
    """The key ids of ``<data_dir>/operators``; empty if there is no such file."""
    path = operators_file(settings)
    if not path.exists():
        return frozenset()
    lines = (line.split("#", 1)[0].strip() for line in
             path.read_text(encoding="utf-8").splitlines())
    return operator_key_ids(line for line in lines if line)


def operator_key_ids(public_keys: Iterable[str]) -> frozenset[str]:
    """Key ids of base64 Ed25519 public keys (a malformed one is a FormatError)."""
    return frozenset(PublicKey.from_b64(key).key_id for key in public_keys)


def check_opening(signed: SignedStatement, operators: frozenset[str]) -> None:
    """Refuse ``ledger.opened`` unless an operator signed it (its signature is then
    checked by the application, against the key the statement declares)."""
    if signed.statement.type == OPENED and signed.signer not in operators:
        raise NotAnOperator(f"only the server's operator may open a ledger; key "
                            f"{signed.signer} is not listed in DATA_DIR/operators",
                            signer=signed.signer, ledger=signed.statement.ledger)


class GuardedAppender(Appender):
    """The appender the HTTP API writes through: the same front door, with openings
    taken only from operators, and statements for a ledger that does not exist
    refused before any queue (or worker thread) is made for it."""

    def __init__(self, *args, operators: frozenset[str], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.operators = operators

    def append(self, signed: SignedStatement) -> Future[Receipt]:
        try:
            self._check(signed)
        except LedgerError as refused:
            future: Future[Receipt] = Future()
            future.set_exception(refused)
            return future
        return super().append(signed)

    def append_batch(self, statements: Sequence[SignedStatement]) -> list[Receipt]:
        for signed in statements:
            check_opening(signed, self.operators)
        return super().append_batch(statements)  # the application keeps nothing for a
        # made-up slug (LedgerApplication.append_many)

    def _check(self, signed: SignedStatement) -> None:
        check_opening(signed, self.operators)
        slug = signed.statement.ledger
        if signed.statement.type != OPENED and not self.app.exists(slug):
            raise LedgerNotFound(f"ledger {slug!r} does not exist", ledger=slug)
