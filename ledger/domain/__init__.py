"""What each statement type means. Importing this package registers them all."""

from ledger.domain import accounts, journal, registry  # noqa: F401
from ledger.domain import (approvals, assets, disclosures, interests, projects,  # noqa: F401
                           questions, resolutions, trades)
from ledger.domain.state import LedgerState
from ledger.domain.types import STATEMENT_TYPES
from ledger.format.statements import Entry


def replay(state: LedgerState, entry: Entry) -> None:
    """Apply one stored entry: state changes only, no rules re-run."""
    kind = STATEMENT_TYPES[entry.statement.type]
    assert kind.apply is not None
    kind.apply(state, entry)
    state.record_position(entry)
