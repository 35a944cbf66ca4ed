"""The dispatch table: one row writer per effect type.

The domain says what an entry means (``ledger.domain.replay`` returns typed
effects, ledger/domain/effects.py); a writer turns one effect into view rows,
inside the batch's transaction. It may read descriptive data from the entry
(a memo, a counterparty's name, documents) but never decides anything: what
moves, what waits and what state a trade is in all come in the effect. An
effect type without a writer changes no row (its entry still gets a
``view_log`` row). To show a new effect, add ``@writes(EffectType)`` functions
in a module here and import it at the bottom of this file.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Callable

from ledger.domain.effects import (BankStatementRecorded, Effect, InterestDeclared,
                                   InterestEnded, LogKeyRotated, ProjectPaid,
                                   ProjectRegistered, Signed)
from ledger.format.statements import Entry

if TYPE_CHECKING:
    from projections.view import Tx


@dataclass(frozen=True)
class At:
    """Where a writer writes: the transaction, the entry and the role it was signed in."""

    tx: Tx
    entry: Entry
    role: str

    @property
    def ledger(self) -> str:
        return self.entry.ledger

    @property
    def body(self) -> dict[str, Any]:
        return self.entry.statement.body


Writer = Callable[[At, Any], None]

# Effects no view table shows: ``Signed`` goes into view_log (projections/apply.py);
# log-key rotations, projects (and their cumulative payments) and declared interests
# are read from the domain state; bank statements' sheets are found again from it per
# batch (projections/periods.py).
SHOWN_NOWHERE = frozenset({Signed, ProjectRegistered, ProjectPaid, InterestDeclared,
                           InterestEnded, BankStatementRecorded})

WRITERS: dict[type[Effect], Writer] = {}


def writes(effect_type: type[Effect]) -> Callable[[Writer], Writer]:
    def register(writer: Writer) -> Writer:
        assert effect_type not in WRITERS, f"{effect_type.__name__} has two writers"
        WRITERS[effect_type] = writer
        return writer
    return register


def write(at: At, effects: tuple[Effect, ...]) -> None:
    for effect in effects:
        writer = WRITERS.get(type(effect))
        if writer is not None:
            writer(at, effect)


# Writer modules register themselves on import (they need ``writes`` above).
from projections.handlers import approvals, journal, registry  # noqa: E402,F401
from projections.handlers import governance_assets, governance_records  # noqa: E402,F401
from projections.handlers import inspection  # noqa: E402,F401
from projections.handlers import periods  # noqa: E402,F401
from projections.handlers import contracts  # noqa: E402,F401
from projections.handlers import matters  # noqa: E402,F401
