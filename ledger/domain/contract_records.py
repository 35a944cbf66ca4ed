"""The contract register's records (合同台账, docs/governance.md "Contracts").

Like every record in ``records.py`` they are frozen and written over under the
same key: ``state.contracts[seq]`` is a contract's latest state, keyed by the
seq of its ``contract.signed``; ``state.contract_payments[seq]`` is what an
``entry.posted`` naming a contract or a project counted towards it.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

LINE_KINDS = ("rent", "instalment", "final", "retention")


@dataclass(frozen=True)
class ScheduleLine:
    """One amount due: ``settled`` counts the money that moved for it (held
    payments count once approved; reversals take theirs back)."""

    due_on: str
    amount: int
    kind: str                     # one of LINE_KINDS
    settled: int = 0

    @property
    def open(self) -> int:
        return self.amount - self.settled


@dataclass(frozen=True)
class Contract:
    seq: int
    direction: str                # "receivable" (a lease: money comes in) | "payable"
    party_kind: str
    party_name: str
    party_id: str
    subject: str
    fund: str
    total: int
    starts: str
    ends: str
    lines: tuple[ScheduleLine, ...]
    contract_sha256: str
    asset: str | None = None
    trade: int | None = None
    project: str | None = None
    resolution: int | None = None  # the resolution a major contract rests on
    winning_price: int | None = None  # a lease from a trade: the winning bid (a year's rent)
    annual_rent: int | None = None    # a periodic schedule: its amount over a year
    retention_account: str | None = None
    committed: int = 0            # a payable's payments naming it that stand, held ones too
    status: str = "active"        # "active" | "ended"
    accepted_seq: int | None = None
    ended_on: str | None = None
    history: tuple[int, ...] = ()

    def then(self, seq: int, **changes: Any) -> Contract:
        return replace(self, history=self.history + (seq,), **changes)

    @property
    def settled(self) -> int:
        return sum(line.settled for line in self.lines)


@dataclass(frozen=True)
class ContractPayment:
    """What one ``entry.posted`` counted towards a contract and its lines (``lines``:
    (line index, amount)) and towards a project's cumulative payments."""

    seq: int
    contract: int | None
    project: str | None
    amount: int
    lines: tuple[tuple[int, int], ...] = ()
    moved: bool = False           # its money moved (not held, or approved)
    counted: bool = True          # false once reversed or rejected
