"""Tree heads and RFC 9162 proofs of a stored ledger.

Every node a proof needs is a perfect subtree stored beside the entry that
completed it (see ledger.log.store), so each answer costs ONE batched query,
whatever the tree size: the query that reads the nodes also reads the tree's
last entry, which proves the tree lies within the log without a lookup of the
log's size. Only a request outside the log pays for that lookup, to raise
ProofError (or LedgerNotFound) with a message that names the limit crossed.
"""

from __future__ import annotations

from typing import Callable

from ledger.format import merkle
from ledger.errors import LedgerNotFound, ProofError
from ledger.log.store import LogReader

Nodes = dict[tuple[int, int], bytes]


def log_size(reader: LogReader, slug: str) -> int:
    """The number of stored entries; an unknown ledger is LedgerNotFound."""
    size = reader.size(slug)
    if size == 0:
        raise LedgerNotFound(f"ledger {slug!r} does not exist", ledger=slug)
    return size


def _check_size(reader: LogReader, slug: str, size: int, what: str = "size") -> None:
    if size < 0:
        raise ProofError(f"{what} {size} is negative", size=size)
    current = log_size(reader, slug)
    if size > current:
        raise ProofError(f"{what} {size} is beyond the log, which has {current} entries",
                         size=size, log_size=current)


class _BeyondLog(Exception):
    """The tree's last entry is not stored."""


def _within_log(reader: LogReader, slug: str, size: int, what: str,
                build: Callable[[Callable[[list[tuple[int, int]]], Nodes]], list[bytes]]
                ) -> list[bytes]:
    """``build(get_nodes)`` for the tree of ``size`` entries, refused if that tree is not
    within the log. The check rides on the node query; a proof that needs no node (a
    tree of one entry) checks the size on its own."""
    asked = False

    def get_nodes(wanted: list[tuple[int, int]]) -> Nodes:
        nonlocal asked
        asked = True
        found = reader.tree_nodes(slug, size, wanted)
        if found is None:
            raise _BeyondLog
        return found

    try:
        proof = build(get_nodes)
    except _BeyondLog:
        _check_size(reader, slug, size, what)  # raises, naming the log's size...
        asked = False  # ...unless the entry was appended in between: then it is there now
        proof = build(lambda wanted: reader.merkle_nodes(slug, wanted))
    if not asked:
        _check_size(reader, slug, size, what)
    return proof


def root_at(reader: LogReader, slug: str, size: int) -> bytes:
    """The Merkle root of the ledger's first ``size`` entries."""
    if size <= 0:
        _check_size(reader, slug, size)
        return merkle.EMPTY_ROOT
    return _within_log(reader, slug, size, "size",
                       lambda get_nodes: [merkle.root_at(size, get_nodes)])[0]


def inclusion(reader: LogReader, slug: str, seq: int, size: int) -> list[bytes]:
    """Audit path of entry ``seq`` in the tree of ``size`` entries."""
    if size <= 0:
        raise ProofError(f"size must be at least 1, got {size}", seq=seq, size=size)
    if not 0 <= seq < size:
        raise ProofError(f"seq {seq} is not in a tree of size {size} (need 0 <= seq < size)",
                         seq=seq, size=size)
    return _within_log(reader, slug, size, "size",
                       lambda get_nodes: merkle.inclusion_proof(seq, size, get_nodes))


def consistency(reader: LogReader, slug: str, old: int, new: int) -> list[bytes]:
    """Proof that the tree of ``old`` entries is a prefix of the tree of ``new``."""
    if old <= 0:
        raise ProofError(f"from must be at least 1, got {old}: every tree extends the empty one",
                         **{"from": old, "to": new})
    if old > new:
        raise ProofError(f"from {old} is larger than to {new}", **{"from": old, "to": new})
    if old == new:
        _check_size(reader, slug, new, "to")
        return []
    return _within_log(reader, slug, new, "to",
                       lambda get_nodes: merkle.consistency_proof(old, new, get_nodes))
