"""What each statement type means. Importing this package registers them all."""

from ledger.domain import accounts, journal, registry  # noqa: F401
from ledger.domain import (approvals, assets, bank, confidential, disclosures,  # noqa: F401
                           inspection, interests, matters, periods, projects, questions,
                           resolutions, trades)
from ledger.domain.documents import note_named
from ledger.domain import contract_payments, contract_steps, contracts  # noqa: F401
from ledger.domain.effects import Effects, Signed
from ledger.domain.policy import signing_role
from ledger.domain.state import LedgerState
from ledger.domain.types import STATEMENT_TYPES
from ledger.format.statements import Entry


def knows(statement_type: str) -> bool:
    return statement_type in STATEMENT_TYPES


def apply_entry(state: LedgerState, entry: Entry) -> Effects:
    """The state changes of one entry whose type's rules were met (now or when it was
    appended): its type's own, and the documents it names. Its effects."""
    kind = STATEMENT_TYPES[entry.statement.type]
    assert kind.apply is not None, f"{entry.statement.type} has no apply"
    effects = kind.apply(state, entry)
    note_named(state, entry)
    return effects


def replay(state: LedgerState, entry: Entry) -> Effects:
    """Apply one stored entry: state changes only, no rules re-run. Returns what
    the entry meant: ``Signed`` first, then the type's own effects."""
    effects = apply_entry(state, entry)
    state.record_position(entry)
    return (signed(state, entry), *effects)


def signed(state: LedgerState, entry: Entry) -> Signed:
    """Who signed ``entry`` and in which role (roles never change once registered;
    a key declared by ``ledger.opened`` is known once that entry is applied)."""
    record = state.keys.get(entry.signed.signer)
    role = signing_role(record.roles, entry.statement.type) if record else ""
    return Signed(entry.seq, entry.signed.signer, role)
