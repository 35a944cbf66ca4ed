"""RFC 9162 section 2.1 Merkle tree hashes and proofs, over 32-byte hashes.

Storage model: a node ``(level, index)`` is the root of the *perfect* subtree
over leaves ``[index * 2**level, (index + 1) * 2**level)``. Only perfect
nodes are ever stored: they never change once complete, so a node written on
append is valid for every later tree size. The incomplete right edge of a
tree (or of a proof's sibling subtree) is folded on demand from its perfect
parts, which is what RFC 9162's "split at the largest power of two smaller
than n" amounts to.

Proof generation computes the full set of perfect nodes it needs first and
asks ``get_nodes`` for them in ONE call, so a database-backed store answers a
proof with a single query.

Consistency from size 0 is not defined by RFC 9162 (every tree trivially
extends the empty one), so asking for such a proof raises ``ProofError`` and
``verify_consistency`` rejects it: a client holding an empty tree has nothing
to check.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable, Mapping, Sequence

from ledger.errors import FormatError, ProofError

HASH_SIZE = 32
EMPTY_ROOT = hashlib.sha256(b"").digest()

NodeId = tuple[int, int]  # (level, index)
GetNodes = Callable[[list[NodeId]], Mapping[NodeId, bytes]]


def leaf_hash(data: bytes) -> bytes:
    return hashlib.sha256(b"\x00" + data).digest()


def node_hash(left: bytes, right: bytes) -> bytes:
    return hashlib.sha256(b"\x01" + left + right).digest()


def completing_seq(level: int, index: int) -> int:
    """The leaf whose append completes node (level, index)."""
    return ((index + 1) << level) - 1


def range_nodes(begin: int, end: int) -> list[NodeId]:
    """Left-to-right cover of leaves [begin, end) by maximal perfect subtrees."""
    nodes = []
    while begin < end:
        # Largest aligned power of two that starts at begin and fits.
        level = (begin & -begin).bit_length() - 1 if begin else (end - begin).bit_length() - 1
        while begin + (1 << level) > end:
            level -= 1
        nodes.append((level, begin >> level))
        begin += 1 << level
    return nodes


def perfect_nodes_for_size(size: int) -> list[NodeId]:
    """The perfect subtrees of a tree of ``size`` leaves, largest (leftmost) first."""
    return range_nodes(0, size)


def _fold(hashes: Sequence[bytes]) -> bytes:
    """Root of an RFC 9162 subtree from the roots of its perfect parts.

    Perfect parts shrink left to right, so the tree nests to the right:
    h0 . (h1 . (h2 . ...)).
    """
    root = hashes[-1]
    for h in reversed(hashes[:-1]):
        root = node_hash(h, root)
    return root


class CompactRange:
    """The frontier of a growing tree: the roots of ``perfect_nodes_for_size(size)``."""

    __slots__ = ("size", "_hashes")

    def __init__(self) -> None:
        self.size = 0
        self._hashes: list[bytes] = []

    @classmethod
    def from_nodes(cls, size: int, hashes: Sequence[bytes]) -> CompactRange:
        """Restore after a restart from the stored roots of perfect_nodes_for_size(size)."""
        if size < 0 or len(hashes) != size.bit_count():
            raise FormatError(f"a tree of size {size} needs {max(size, 0).bit_count()} frontier nodes, "
                              f"got {len(hashes)}")
        if any(len(h) != HASH_SIZE for h in hashes):
            raise FormatError("frontier hashes must be 32 bytes")
        cr = cls()
        cr.size, cr._hashes = size, list(hashes)
        return cr

    def append(self, leaf: bytes) -> list[bytes]:
        """Add a leaf hash; return the nodes it completes, level 0 upward.

        Leaf ``seq`` completes one node per trailing one-bit of ``seq``: each
        pairs the newest frontier root with the subtree just built.
        """
        if len(leaf) != HASH_SIZE:
            raise FormatError("leaf hash must be 32 bytes")
        completed = [leaf]
        h, n = leaf, self.size
        while n & 1:
            h = node_hash(self._hashes.pop(), h)
            completed.append(h)
            n >>= 1
        self._hashes.append(h)
        self.size += 1
        return completed

    def nodes(self) -> list[bytes]:
        """Frontier roots, in the order of perfect_nodes_for_size(size)."""
        return list(self._hashes)

    def root(self) -> bytes:
        return _fold(self._hashes) if self._hashes else EMPTY_ROOT


def _fetch(get_nodes: GetNodes, ranges: Sequence[tuple[int, int]]) -> list[bytes]:
    """Subtree roots of ``ranges`` (each an RFC 9162 subtree) with one lookup."""
    covers = [range_nodes(b, e) for b, e in ranges]
    wanted = sorted({n for cover in covers for n in cover})
    found = get_nodes(wanted) if wanted else {}
    missing = [n for n in wanted if n not in found]
    if missing:
        raise ProofError(f"node store lacks {len(missing)} node(s), first {missing[0]}: tree too small?",
                         missing=missing[0])
    return [_fold([found[n] for n in cover]) for cover in covers]


def _split(n: int) -> int:
    """Largest power of two strictly smaller than n (n >= 2)."""
    return 1 << ((n - 1).bit_length() - 1)


def _inclusion_ranges(index: int, size: int) -> list[tuple[int, int]]:
    """Leaf ranges of the RFC 9162 PATH(index, D[size]) hashes, bottom-up."""
    ranges = []
    begin, end = 0, size
    while end - begin > 1:
        k = _split(end - begin)
        if index < begin + k:
            ranges.append((begin + k, end))
            end = begin + k
        else:
            ranges.append((begin, begin + k))
            begin += k
    return ranges[::-1]


def _consistency_ranges(old: int, new: int) -> list[tuple[int, int]]:
    """Leaf ranges of RFC 9162 PROOF(old, D[new]) = SUBPROOF(old, D[new], true)."""
    ranges = []
    begin, m, n, whole = 0, old, new, True
    while m != n:
        k = _split(n)
        if m <= k:
            ranges.append((begin + k, begin + n))
            n = k
        else:
            ranges.append((begin, begin + k))
            begin, m, n, whole = begin + k, m - k, n - k, False
    if not whole:  # old tree's last subtree is not the old root itself: send it
        ranges.append((begin, begin + n))
    return ranges[::-1]


def inclusion_proof(index: int, size: int, get_nodes: GetNodes) -> list[bytes]:
    if size <= 0:
        raise ProofError(f"no inclusion proof in a tree of size {size}", seq=index, size=size)
    if not 0 <= index < size:
        raise ProofError(f"seq {index} is not in a tree of size {size}", seq=index, size=size)
    return _fetch(get_nodes, _inclusion_ranges(index, size))


def consistency_proof(old_size: int, new_size: int, get_nodes: GetNodes) -> list[bytes]:
    if old_size <= 0:
        raise ProofError(f"consistency from size {old_size} is not defined (from must be >= 1)",
                         **{"from": old_size, "to": new_size})
    if old_size > new_size:
        raise ProofError(f"consistency from {old_size} to smaller size {new_size}",
                         **{"from": old_size, "to": new_size})
    return _fetch(get_nodes, _consistency_ranges(old_size, new_size))


def root_at(size: int, get_nodes: GetNodes) -> bytes:
    if size < 0:
        raise ProofError(f"negative tree size {size}", size=size)
    return _fetch(get_nodes, [(0, size)])[0] if size else EMPTY_ROOT


def _hashes_ok(proof: object) -> bool:
    return isinstance(proof, (list, tuple)) and all(
        isinstance(h, bytes) and len(h) == HASH_SIZE for h in proof)


def verify_inclusion(leaf: bytes, index: int, size: int, proof: Sequence[bytes], root: bytes) -> bool:
    """RFC 9162 section 2.1.3.2. Returns False, never raises, on a bad proof."""
    if not (_hashes_ok(proof) and _hashes_ok([leaf, root]) and 0 <= index < size):
        return False
    fn, sn, r = index, size - 1, leaf
    for p in proof:
        if sn == 0:
            return False
        if fn & 1 or fn == sn:
            r = node_hash(p, r)
            # Skip the levels where we are the right edge with no sibling.
            while not fn & 1 and fn != 0:
                fn, sn = fn >> 1, sn >> 1
        else:
            r = node_hash(r, p)
        fn, sn = fn >> 1, sn >> 1
    return sn == 0 and r == root


def verify_consistency(old_size: int, new_size: int, old_root: bytes, new_root: bytes,
                       proof: Sequence[bytes]) -> bool:
    """RFC 9162 section 2.1.4.2, plus: equal sizes need an empty proof and equal roots."""
    if not (_hashes_ok(proof) and _hashes_ok([old_root, new_root]) and 0 < old_size <= new_size):
        return False
    if old_size == new_size:
        return len(proof) == 0 and old_root == new_root
    if not proof:
        return False
    path = list(proof)
    if old_size & (old_size - 1) == 0:  # power of two: the old root is a node of the new tree
        path.insert(0, old_root)
    fn, sn = old_size - 1, new_size - 1
    while fn & 1:
        fn, sn = fn >> 1, sn >> 1
    fr = sr = path[0]
    for c in path[1:]:
        if sn == 0:
            return False
        if fn & 1 or fn == sn:
            fr, sr = node_hash(c, fr), node_hash(c, sr)
            while not fn & 1 and fn != 0:
                fn, sn = fn >> 1, sn >> 1
        else:
            sr = node_hash(sr, c)
        fn, sn = fn >> 1, sn >> 1
    return sn == 0 and fr == old_root and sr == new_root


def root_from_leaf_hashes(leaves: Sequence[bytes]) -> bytes:
    """Reference MTH straight from the RFC definition (recursive, O(n))."""
    if not leaves:
        return EMPTY_ROOT
    if len(leaves) == 1:
        return leaves[0]
    k = _split(len(leaves))
    return node_hash(root_from_leaf_hashes(leaves[:k]), root_from_leaf_hashes(leaves[k:]))


class MemoryNodes:
    """Dict-backed node store with the ``get_nodes`` call shape (tests, offline verify, bench)."""

    def __init__(self, leaf_hashes: Iterable[bytes] = ()) -> None:
        self.frontier = CompactRange()
        self.nodes: dict[NodeId, bytes] = {}
        self.calls = 0  # lookups made, so tests can check one per proof
        for h in leaf_hashes:
            self.append(h)

    @property
    def size(self) -> int:
        return self.frontier.size

    def append(self, leaf: bytes) -> None:
        seq = self.frontier.size
        for level, h in enumerate(self.frontier.append(leaf)):
            self.nodes[(level, seq >> level)] = h

    def __call__(self, wanted: list[NodeId]) -> dict[NodeId, bytes]:
        self.calls += 1
        return {n: self.nodes[n] for n in wanted if n in self.nodes}
