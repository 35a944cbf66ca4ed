"""The domain state behind the view: one ``LedgerState`` per ledger, replayed up
to the view's position, so rows are written from the effects the domain itself
returns (``ledger.domain.replay``) and never from a second reading of a body.

Effects are not stored (docs/effects.md): a transaction works on forks of the
committed states, and the view hands the forks back with ``Batch.commit``
only after its rows are committed, so a rolled-back batch never leaves the
memory ahead of the rows. The committed states are keyed by the view size they
stand for; a view that another process moved on (or a rebuild reset) is caught
up, inside the transaction, from the stored entries, without writing rows.
"""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING, Any, Iterator
from uuid import UUID

from eventsourcing.persistence import StoredEvent
from psycopg.sql import SQL

from ledger.domain import knows, replay
from ledger.domain.state import LedgerState
from ledger.format.statements import Entry
from ledger.log.store import StoredLeaf, decode_stored, ledger_stream

if TYPE_CHECKING:
    from projections.view import Tx

READ_PAGE = 1000


class DomainStates:
    """The committed states of one view object (one per application)."""

    def __init__(self, recorder: Any) -> None:
        self.recorder = recorder  # the application's event recorder: the stored entries
        self.committed: dict[str, tuple[int, LedgerState]] = {}  # ledger -> (view size, state)
        # One batch at a time per view object: the database serialises writers
        # only until commit, and the forks are taken over just after it.
        self.lock = threading.Lock()

    def batch(self) -> Batch:
        return Batch(self)

    def forget(self) -> None:
        self.committed.clear()


class Batch:
    """The states one transaction works on."""

    def __init__(self, states: DomainStates) -> None:
        self.states = states
        self.forks: dict[str, tuple[LedgerState, LedgerState]] = {}  # ledger -> (base, fork)
        self.sizes: dict[str, int] = {}

    def state(self, tx: Tx, ledger: str, size: int) -> LedgerState:
        """The ledger's state at view size ``size`` (the view's row, read in ``tx``)."""
        if ledger in self.forks:
            return self.forks[ledger][1]
        size_known, base = self.states.committed.get(ledger, (0, None))
        if base is None or size_known > size:  # new to us, or the view was reset
            size_known, base = 0, LedgerState(ledger)
        fork = base.fork()
        replay_stored(tx, self.states.recorder, fork, size_known, size)
        self.forks[ledger] = (base, fork)
        self.sizes[ledger] = size
        return fork

    def projected(self) -> dict[str, LedgerState]:
        """The states this batch works on, by ledger (as of the entries it applied)."""
        return {ledger: fork for ledger, (_, fork) in self.forks.items()}

    def advance(self, ledger: str, size: int) -> None:
        self.sizes[ledger] = size

    def commit(self) -> None:
        """Take over what the batch applied: call only once its rows are committed."""
        for ledger, (base, fork) in self.forks.items():
            base.absorb(fork)
            self.states.committed[ledger] = (self.sizes[ledger], base)
        self.forks.clear()


def replay_stored(tx: Tx, recorder: Any, state: LedgerState, start: int, stop: int) -> None:
    """Replay the stored entries ``start`` to ``stop`` (exclusive), writing no rows:
    the view projected every one of them (a ledger's view stops at the first
    entry it cannot take, projections/apply.py), so their rows are there."""
    if start >= stop:
        return
    for leaf in _stored(tx, recorder, ledger_stream(state.slug), start, stop):
        entry = leaf.entry()
        if knows(entry.statement.type):
            replay(state, entry)


def stored_entries(tx: Tx, recorder: Any, stream: UUID, seqs: list[int]) -> list[Entry]:
    """The stored entries at ``seqs`` (sorted), read in runs of consecutive seqs."""
    found: list[Entry] = []
    start = 0
    for end in range(1, len(seqs) + 1):
        if end == len(seqs) or seqs[end] != seqs[end - 1] + 1:
            found += [leaf.entry() for leaf in _stored(tx, recorder, stream, seqs[start],
                                                       seqs[end - 1] + 1)]
            start = end
    return found


def _stored(tx: Tx, recorder: Any, stream: UUID, start: int, stop: int) -> Iterator[StoredLeaf]:
    """The ledger's stored entries, read in the view's own transaction (one
    snapshot with the view's position; SQLite's pool would not lend a reader to
    a thread that holds the writer). Versions are seqs + 1."""
    position = start
    while position < stop:
        limit = min(READ_PAGE, stop - position)
        if tx.postgres:
            statement = recorder.select_events_statement + SQL(
                " AND originator_version > %s AND originator_version <= %s "
                "ORDER BY originator_version ASC LIMIT %s")
            tx.cursor.execute(statement, (stream, position, position + limit, limit))
        else:
            statement = (recorder.select_events_statement + "AND originator_version>? AND "
                         "originator_version<=? ORDER BY originator_version ASC LIMIT ?")
            tx.cursor.execute(statement, (stream.hex, position, position + limit, limit))
        rows = tx.cursor.fetchall()
        for row in rows:
            yield decode_stored(StoredEvent(originator_id=stream,
                                            originator_version=row["originator_version"],
                                            topic=row["topic"], state=bytes(row["state"])))
        if len(rows) < limit:
            return
        position += limit
