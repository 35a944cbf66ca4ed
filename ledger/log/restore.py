"""Putting back entries a restored database lost, from a newer copy of the log.

A database restored from an older backup lacks the entries written since; the
server refuses writes on it (``ledger.log.kept_checkpoint``). The operator
brings them back from an audit bundle exported later (``sunledger export
--bundle``): every entry of the bundle the store already holds must be the
stored one byte for byte; every newer one must chain to the one before it,
carry a valid signature of a key the ledger had then, and the tree must reach
the checkpoint this server kept with the same root. Only then are the entries
written, all in one transaction, under every writer's lock; anything else
changes nothing.
"""

from __future__ import annotations

from typing import Iterable

from ledger.domain.types import STATEMENT_TYPES
from ledger.errors import CheckpointError, FormatError, LedgerError
from ledger.format.statements import Entry, parse_time
from ledger.log.application import LedgerApplication, _declared_key
from ledger.log.kept_checkpoint import check_extends_kept, read_kept
from ledger.log.store import entry_event, nonce_event


def restore_entries(app: LedgerApplication, slug: str, leaves: Iterable[bytes]) -> int:
    """Write the entries of ``leaves`` (seq order, from 0) that the store lacks; return
    how many. Raises (and writes nothing) if any entry does not belong."""
    kept = read_kept(app.settings, slug)
    with app.writes_held(slug) as state:
        fork = state.fork()
        stored_size = fork.size
        events: list = []
        for seq, leaf in enumerate(leaves):
            entry = _parse(leaf, seq)
            if seq < stored_size:
                if app.reader.entry(slug, seq).leaf != entry.leaf:
                    raise CheckpointError(f"entry {seq} of the bundle is not the stored entry "
                                          f"{seq} of {slug}: not the same log", seq=seq)
                continue
            _check_entry(fork, entry, slug)
            kind = STATEMENT_TYPES[entry.statement.type]
            assert kind.apply is not None
            kind.apply(fork, entry)
            nodes = fork.record_position(entry)
            if kept is not None and fork.size == kept.size and fork.frontier.root() != kept.root:
                raise CheckpointError(f"the bundle's tree at size {kept.size} is not the one "
                                      "this server signed", size=kept.size)
            moment = parse_time(entry.recorded_at)
            events += [entry_event(slug, entry, nodes, moment), nonce_event(entry, moment)]
        if kept is not None and fork.size < kept.size:
            raise CheckpointError(f"the bundle ends at size {fork.size}; this server signed "
                                  f"size {kept.size}: bring a newer bundle", size=fork.size)
        if events:
            app.save(*events)
            state.absorb(fork)
        check_extends_kept(app.settings, app.reader, slug, state.size)
        return len(events) // 2


def _parse(leaf: bytes, seq: int) -> Entry:
    try:
        entry = Entry.from_leaf(leaf)
    except LedgerError as exc:
        raise FormatError(f"entry {seq} of the bundle does not parse: {exc}", seq=seq) from None
    if entry.seq != seq:
        raise FormatError(f"line {seq + 1} of the bundle holds entry {entry.seq}", seq=seq)
    return entry


def _check_entry(fork, entry: Entry, slug: str) -> None:
    """The chain and the signature, against the ledger as it stood before ``entry``."""
    if entry.statement.ledger != slug:
        raise FormatError(f"entry {entry.seq} is of ledger {entry.statement.ledger!r}",
                          seq=entry.seq)
    if entry.prev != fork.head:
        raise CheckpointError(f"entry {entry.seq} does not chain to entry {entry.seq - 1}",
                              seq=entry.seq)
    if entry.statement.type not in STATEMENT_TYPES:
        raise FormatError(f"entry {entry.seq} has an unknown type", seq=entry.seq)
    if entry.seq == 0:
        key = _declared_key(entry.statement.body, entry.signed.signer)
    else:
        record = fork.keys.get(entry.signed.signer)
        if record is None:
            raise CheckpointError(f"entry {entry.seq} is signed by a key the ledger does not "
                                  "know", seq=entry.seq)
        key = record.public
    entry.signed.verify(key)
