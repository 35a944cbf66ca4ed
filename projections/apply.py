"""One notification into the view: decode, place, dispatch, log.

What an entry means comes from the domain: ``ledger.domain.replay`` on the
ledger's state (projections/states.py) returns its effects, and the writers
in ``projections/handlers`` turn them into rows. Nothing read from the log is
trusted, and a projection failure never hides money: if the view cannot take
an entry (unreadable, out of place, missing before it, off the chain, or one
the domain or a writer or the database refuses), that ledger's view STOPS at
the last entry it could take. Its position stays there with the reason
(``view_ledgers.stopped_at``, ``stopped_reason``), a finding records it, later
entries of that ledger are not projected, and every public answer states the
size it reflects, so nothing after the stop is published as if complete.
Other ledgers carry on. A rebuild (``sunledger project --rebuild``), after the
cause is fixed, starts the ledger again from its first entry.
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
from projections import flags
from projections.handlers import At, write
from projections.handlers.common import add_finding

if TYPE_CHECKING:
    from projections.view import Tx

# The topics that carry entries; every other topic (nonce claims, checkpoints) is skipped.
ENTRY_TOPICS = tuple(topics_of(LedgerOpened, EntryRecorded))
# What replay or a writer raises on a body it cannot read (the log was checked when
# written, so these mean a damaged log or a bug; both are findings, not outages).
REASON_CHARS_MAX = 300
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
        _stop_stream(tx, notification.originator_id, "", stored.seq, "unreadable_entry",
                     {"error": str(error)})
        return
    if ledger_stream(entry.ledger) != notification.originator_id or entry.seq != stored.seq:
        _stop_stream(tx, notification.originator_id, entry.ledger, stored.seq, "misplaced_entry",
                     {"leaf_seq": entry.seq, "stream": str(notification.originator_id)})
        return
    apply_entry(tx, entry, db_errors)


def apply_entry(tx: Tx, entry: Entry, db_errors: tuple[type[BaseException], ...] | None) -> None:
    position = _position(tx, entry.ledger)
    if position.get("stopped_at") is not None:
        return  # the view of this ledger stopped earlier: nothing after it is shown
    if entry.seq < position["size"]:  # already applied: never twice
        add_finding(tx, entry.ledger, entry.seq, "repeated_entry", {"size": position["size"]})
        return
    if entry.seq > position["size"]:
        stop(tx, entry.ledger, position["size"], "missing_entries",
             {"from": position["size"], "to": entry.seq - 1})
        return
    if entry.prev != position["head"]:
        stop(tx, entry.ledger, entry.seq, "chain_break",
             {"prev": entry.prev, "head": position["head"]})
        return
    state = tx.domain.state(tx, entry.ledger, position["size"])
    if not knows(entry.statement.type):  # skipped: logged and tracked, not shown
        _log(tx, entry, signed(state, entry))
    elif db_errors is None:
        _project(tx, state, entry)
    elif not _project_guarded(tx, state, entry, db_errors):
        return
    tx.positions[entry.ledger] = {"size": entry.seq + 1, "head": entry.hash,
                                  "last_recorded_at": entry.recorded_at}
    tx.domain.advance(entry.ledger, entry.seq + 1)


def _project(tx: Tx, state: LedgerState, entry: Entry, *, isolated: bool = False) -> None:
    """Ask the domain what the entry means, write that, and move the state on.

    ``state`` is already the batch's fork (projections/states.py), so a failure
    that aborts the batch drops it whole. Only an ``isolated`` entry, one that
    may fail alone while the batch goes on, works on a fork of its own that the
    state takes over once the rows are written."""
    child = state.fork() if isolated else state
    effects = replay(child, entry)
    at = At(tx, entry, effects[0].role)
    write(at, effects[1:])
    flags.record(at, child, effects[1:])
    _log(tx, entry, effects[0])
    if isolated:
        state.absorb(child)


def _project_guarded(tx: Tx, state: LedgerState, entry: Entry, db_errors: tuple) -> bool:
    """Project inside a savepoint; if that fails, its half-written rows go, the
    state stays without the entry, and the ledger's view stops before it.
    Returns whether the entry went in."""
    mark = tx.mark()
    tx.run("SAVEPOINT view_entry")
    try:
        _project(tx, state, entry, isolated=True)
        projected = True
    except BODY_ERRORS + db_errors as error:
        tx.run("ROLLBACK TO SAVEPOINT view_entry")
        tx.restore(mark)
        stop(tx, entry.ledger, entry.seq, "unprojectable_entry",
             {"type": entry.statement.type, "error": f"{type(error).__name__}: {error}"})
        projected = False
    tx.run("RELEASE SAVEPOINT view_entry")
    return projected


def stop(tx: Tx, ledger: str, seq: int, kind: str, detail: dict) -> None:
    """Stop the ledger's view before ``seq`` (its position stays where it is) and
    say why, as a finding and in the ledger's row."""
    add_finding(tx, ledger, seq, kind, detail)
    position = _position(tx, ledger)
    position["stopped_at"] = seq
    position["stopped_reason"] = stop_reason(kind, detail)


def _stop_stream(tx: Tx, stream: UUID, claimed: str, seq: int, kind: str, detail: dict) -> None:
    """Stop the ledger the stream belongs to; a stream no ledger of the view owns
    gets the finding alone (under the ledger its leaf claims, if any)."""
    ledger = _ledger_of_stream(tx, stream)
    if ledger:
        stop(tx, ledger, seq, kind, detail)
    else:
        add_finding(tx, claimed, seq, kind, detail)


def stop_reason(kind: str, detail: dict) -> str:
    """One printable line (the detail may carry the entry's own text)."""
    words = kind.replace("_", " ") + ": " + "; ".join(f"{k} {v}" for k, v in
                                                      sorted(detail.items()))
    printable = "".join(c if c.isprintable() else "\ufffd" for c in words)
    return printable[:REASON_CHARS_MAX]


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
    row = tx.one("SELECT size, head, last_recorded_at, stopped_at, stopped_reason "
                 "FROM view_ledgers WHERE ledger = ?", (ledger,))
    if row is None:  # first sight: the row the ledger.opened handler fills in
        tx.run("INSERT INTO view_ledgers (ledger, stream, name, origin, currency, size, head, "
               "last_recorded_at) VALUES (?, ?, '', '', '', 0, ?, '')",
               (ledger, str(ledger_stream(ledger)), ZERO_HASH))
        row = {"size": 0, "head": ZERO_HASH, "last_recorded_at": "", "stopped_at": None,
               "stopped_reason": None}
    tx.positions[ledger] = row
    return row


def _ledger_of_stream(tx: Tx, stream: UUID) -> str:
    row = tx.one("SELECT ledger FROM view_ledgers WHERE stream = ?", (str(stream),))
    return row["ledger"] if row else ""
