"""Tree heads and RFC 9162 proofs of a stored ledger.

Every node a proof needs is a perfect subtree stored beside the entry that
completed it (see ledger.log.store), so each answer costs one size lookup and
ONE batched node query, whatever the tree size. Requests outside the log
raise ProofError with a message that names the limit that was crossed.
"""

from __future__ import annotations

from functools import partial

from ledger.format import merkle
from ledger.errors import LedgerNotFound, ProofError
from ledger.log.store import LogReader


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


def root_at(reader: LogReader, slug: str, size: int) -> bytes:
    """The Merkle root of the ledger's first ``size`` entries."""
    _check_size(reader, slug, size)
    return merkle.root_at(size, partial(reader.merkle_nodes, slug))


def inclusion(reader: LogReader, slug: str, seq: int, size: int) -> list[bytes]:
    """Audit path of entry ``seq`` in the tree of ``size`` entries."""
    if size <= 0:
        raise ProofError(f"size must be at least 1, got {size}", seq=seq, size=size)
    if not 0 <= seq < size:
        raise ProofError(f"seq {seq} is not in a tree of size {size} (need 0 <= seq < size)",
                         seq=seq, size=size)
    _check_size(reader, slug, size)
    return merkle.inclusion_proof(seq, size, partial(reader.merkle_nodes, slug))


def consistency(reader: LogReader, slug: str, old: int, new: int) -> list[bytes]:
    """Proof that the tree of ``old`` entries is a prefix of the tree of ``new``."""
    if old <= 0:
        raise ProofError(f"from must be at least 1, got {old}: every tree extends the empty one",
                         **{"from": old, "to": new})
    if old > new:
        raise ProofError(f"from {old} is larger than to {new}", **{"from": old, "to": new})
    _check_size(reader, slug, new, "to")
    if old == new:
        return []
    return merkle.consistency_proof(old, new, partial(reader.merkle_nodes, slug))
