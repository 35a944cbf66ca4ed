"""One notification into the view: decode, place, dispatch, log.

What an entry means comes from the domain: ``ledger.domain.replay`` on the
ledger's state (projections/states.py) returns its effects, and the writers
in ``projections/handlers`` turn them into rows. Nothing read from the log is
trusted: an unreadable leaf, an entry in the wrong place, a broken chain or
an entry the domain or a writer cannot make sense of becomes a row in
``view_findings`` and the projection moves on, so one bad entry never stops
every view behind it; such an entry leaves the state as it was, like the rows.
"""

from __future__ import annotations

from typing import TYPE_CHECKING
from uuid import UUID

from eventsourcing.persistence import Notification

from ledger.domain import knows, replay, signed
from ledger.domain.effects import Signed
from ledger.domain.state import LedgerState
from ledger.errors import LedgerError
from ledger.format.statements import ZERO_HASH, Entry
from ledger.log.store import (EntryRecorded, LedgerOpened, decode_stored, ledger_stream,
                              topics_of)
from projections.handlers import At, write
from projections.handlers.common import add_finding

if TYPE_CHECKING:
    from projections.view import Tx

# The topics that carry entries; every other topic (nonce claims, checkpoints) is skipped.
ENTRY_TOPICS = tuple(topics_of(LedgerOpened, EntryRecorded))
# What replay or a writer raises on a body it cannot read (the log was checked when
# written, so these mean a damaged log or a bug; both are findings, not outages).
BODY_ERRORS = (LookupError, TypeError, ValueError, ArithmeticError, AttributeError, LedgerError)


def apply_notification(tx: Tx, notification: Notification,
                       db_errors: tuple[type[BaseException], ...] | None) -> None:
    """``db_errors`` None: entries are projected bare (a failure aborts the
    batch); otherwise each in a savepoint, and these errors, with BODY_ERRORS,
    become findings."""
    if notification.topic not in ENTRY_TOPICS:
        return
    stored = decode_stored(notification)
    try:
        entry = stored.entry()
    except (LedgerError, ValueError, TypeError) as error:
        ledger = _ledger_of_stream(tx, notification.originator_id)
        add_finding(tx, ledger, stored.seq, "unreadable_entry", {"error": str(error)})
        return
    if ledger_stream(entry.ledger) != notification.originator_id or entry.seq != stored.seq:
        add_finding(tx, entry.ledger, stored.seq, "misplaced_entry",
                    {"leaf_seq": entry.seq, "stream": str(notification.originator_id)})
        return
    apply_entry(tx, entry, db_errors)


def apply_entry(tx: Tx, entry: Entry, db_errors: tuple[type[BaseException], ...] | None) -> None:
    position = _position(tx, entry.ledger)
    if entry.seq < position["size"]:  # already applied: never twice
        add_finding(tx, entry.ledger, entry.seq, "repeated_entry", {"size": position["size"]})
        return
    if entry.seq > position["size"]:
        add_finding(tx, entry.ledger, entry.seq, "missing_entries",
                    {"from": position["size"], "to": entry.seq - 1})
    elif entry.prev != position["head"]:
        add_finding(tx, entry.ledger, entry.seq, "chain_break",
                    {"prev": entry.prev, "head": position["head"]})
    state = tx.domain.state(tx, entry.ledger, position["size"])
    if not knows(entry.statement.type):  # skipped: logged and tracked, not shown
        _log(tx, entry, signed(state, entry))
    elif db_errors is None:
        _project(tx, state, entry)
    else:
        _project_guarded(tx, state, entry, db_errors)
    tx.positions[entry.ledger] = {"size": entry.seq + 1, "head": entry.hash,
                                  "last_recorded_at": entry.recorded_at}
    tx.domain.advance(entry.ledger, entry.seq + 1)


def _project(tx: Tx, state: LedgerState, entry: Entry) -> None:
    """Ask the domain what the entry means (on a fork of the ledger's state),
    write that, and only then let the state take the entry over."""
    child = state.fork()
    effects = replay(child, entry)
    role = effects[0].role
    write(At(tx, entry, role), effects[1:])
    _log(tx, entry, effects[0])
    state.absorb(child)


def _project_guarded(tx: Tx, state: LedgerState, entry: Entry, db_errors: tuple) -> None:
    """Project inside a savepoint: if it fails, its half-written rows go, the
    state stays without the entry, and the entry becomes a finding."""
    mark = tx.mark()
    tx.run("SAVEPOINT view_entry")
    try:
        _project(tx, state, entry)
    except BODY_ERRORS + db_errors as error:
        tx.run("ROLLBACK TO SAVEPOINT view_entry")
        tx.restore(mark)
        add_finding(tx, entry.ledger, entry.seq, "unprojectable_entry",
                    {"type": entry.statement.type, "error": f"{type(error).__name__}: {error}"})
        _log(tx, entry, signed(state, entry))
    tx.run("RELEASE SAVEPOINT view_entry")


def _log(tx: Tx, entry: Entry, signer: Signed) -> None:
    tx.defer("INSERT INTO view_log (ledger, seq, type, signer, signer_role, recorded_at, "
             "entry_hash) VALUES (?, ?, ?, ?, ?, ?, ?)",
             (entry.ledger, entry.seq, entry.statement.type, signer.signer, signer.role,
              entry.recorded_at, entry.hash))


def _position(tx: Tx, ledger: str) -> dict:
    """The ledger's applied size and head, from this batch or the table."""
    position = tx.positions.get(ledger)
    if position is not None:
        return position
    row = tx.one("SELECT size, head, last_recorded_at FROM view_ledgers WHERE ledger = ?",
                 (ledger,))
    if row is None:  # first sight: the row the ledger.opened handler fills in
        tx.run("INSERT INTO view_ledgers (ledger, stream, name, origin, currency, size, head, "
               "last_recorded_at) VALUES (?, ?, '', '', '', 0, ?, '')",
               (ledger, str(ledger_stream(ledger)), ZERO_HASH))
        row = {"size": 0, "head": ZERO_HASH, "last_recorded_at": ""}
    tx.positions[ledger] = row
    return row


def _ledger_of_stream(tx: Tx, stream: UUID) -> str:
    row = tx.one("SELECT ledger FROM view_ledgers WHERE stream = ?", (str(stream),))
    return row["ledger"] if row else ""
