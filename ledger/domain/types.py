"""The registry of statement types: for each, a ``decide`` that checks today's
rules and an ``apply`` that only changes state (what replay runs)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable, Protocol

from ledger.domain.effects import Effects
from ledger.domain.state import LedgerState
from ledger.format.statements import Entry, SignedStatement


class EntryReader(Protocol):
    def entry(self, seq: int) -> Entry: ...


@dataclass
class Context:
    """What a decision may look at: the state, the statement and earlier entries."""

    state: LedgerState
    signed: SignedStatement
    reader: EntryReader
    # The time the server will record this entry at (its recorded_at): what
    # deadlines such as an asset trade's notice period are measured on.
    recorded_at: str = ""

    @property
    def body(self) -> dict[str, Any]:
        return self.signed.statement.body

    @property
    def signer_key(self):  # -> KeyRecord
        return self.state.keys[self.signed.signer]


Decide = Callable[[Context], None]
Apply = Callable[[LedgerState, Entry], Effects]  # changes the state; says what it meant


@dataclass
class StatementType:
    name: str
    decide: Decide
    apply: Apply | None = None

    def applier(self, function: Apply) -> Apply:
        self.apply = function
        return function


STATEMENT_TYPES: dict[str, StatementType] = {}


def statement_type(name: str) -> Callable[[Decide], StatementType]:
    def register(decide: Decide) -> StatementType:
        assert name not in STATEMENT_TYPES, f"{name} registered twice"
        STATEMENT_TYPES[name] = StatementType(name, decide)
        return STATEMENT_TYPES[name]
    return register
