"""Red flags (巡察) as a read model: found as entries arrive, kept in view tables.

``ledger.domain.redflags.red_flags`` states the patterns over a whole log; the
view finds the same findings (codes, messages, seqs) incrementally, from the
effects each entry has and the domain state the projection already holds,
asking ``ledger.domain.flag_rules`` what each pattern means. Each new entry
reads only what it can change, through indexes: its counterparty's payments
in a date window (split payments), the entries sharing one of its documents,
the bids and award of its trade, the awards to a party it declares. The
register against the books is found again once per batch from the state.

Findings live in ``view_red_flags`` beside the other views, in the same
transaction as their rows and tracking, so a rebuild or a restart gives the
same findings whatever the batches were.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ledger.domain.effects import (BankStatementRecorded, Effect, EntryConfirmed, EntryPosted,
                                   EntryReversed, InterestDeclared, MoneyMoved, PaymentDecided)
from ledger.domain.state import LedgerState
from projections.flags import books, checks, payments

if TYPE_CHECKING:
    from projections.handlers import At
    from projections.view import Tx


def record(at: At, state: LedgerState, effects: tuple[Effect, ...]) -> None:
    """What entry ``at`` changes among the findings; ``state`` is just after it."""
    for effect in effects:
        if isinstance(effect, EntryPosted):
            if effect.reverses is None and at.entry.statement.type == "entry.posted":
                payments.entry_posted(at, state, effect.seq)
        elif isinstance(effect, (PaymentDecided, EntryReversed)):
            payments.restand(at.tx, state, at.ledger, effect.entry)
        elif isinstance(effect, InterestDeclared):
            checks.interest_declared(at.tx, state, at.ledger, effect.interest)
        if isinstance(effect, MoneyMoved):
            books.touch(at.tx, at.ledger, effect.date)
        elif isinstance(effect, EntryConfirmed):  # the entry's own date, or an earlier one
            books.touch(at.tx, at.ledger, min(effect.date, state.bank_book()[0][effect.entry][0]))
        elif isinstance(effect, BankStatementRecorded):
            books.touch(at.tx, at.ledger, effect.statement.date)
    if at.entry.statement.type == "trade.awarded":
        checks.awarded(at, state)
    checks.same_key(at, state)


def finish(tx: Tx, states: dict[str, LedgerState]) -> None:
    """At the batch's end, for each ledger it projected: the register against the
    books (a few rows from the state's assets and balances, whatever the log's size),
    disclosures against the ledger, the bank reconciliation sheets (projections/
    flags/books.py: a pass over the cash and bank entries per statement), and the
    contracts' findings (rent below the winning bid, arrears)."""
    for ledger, state in sorted(states.items()):
        checks.book_values(tx, state, ledger)
        books.disclosures(tx, state, ledger)
        books.reconciliations(tx, state, ledger)
        checks.contracts(tx, state, ledger)
