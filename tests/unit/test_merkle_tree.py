"""ledger.format.merkle against the RFC 9162 vectors, a reference tree, and pymerkle."""

from __future__ import annotations

import hashlib

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ledger.errors import FormatError, ProofError
from ledger.format.merkle import (
    EMPTY_ROOT,
    CompactRange,
    MemoryNodes,
    completing_seq,
    consistency_proof,
    inclusion_proof,
    leaf_hash,
    node_hash,
    perfect_nodes_for_size,
    root_at,
    root_from_leaf_hashes,
    verify_consistency,
    verify_inclusion,
)
from tests.vectors import load_json, load_text

V = load_json("merkle.json")
H = bytes.fromhex


def hexes(hashes):
    return [h.hex() for h in hashes]


def leaves(n: int, salt: bytes = b"") -> list[bytes]:
    return [leaf_hash(salt + i.to_bytes(4, "big")) for i in range(n)]


@pytest.fixture(scope="module")
def vector_tree() -> MemoryNodes:
    return MemoryNodes(leaf_hash(H(d)) for d in V["leaf_inputs_hex"])


# --- vectors -----------------------------------------------------------------


def test_leaf_hashes():
    assert [leaf_hash(H(d)).hex() for d in V["leaf_inputs_hex"]] == V["leaf_hashes"]


def test_roots_by_size(vector_tree):
    lhs = [H(h) for h in V["leaf_hashes"]]
    assert len(V["roots_by_size"]) == 9
    assert EMPTY_ROOT.hex() == V["roots_by_size"][0] == hashlib.sha256(b"").hexdigest()
    cr = CompactRange()
    for size, want in enumerate(V["roots_by_size"]):
        assert root_at(size, vector_tree).hex() == want
        assert root_from_leaf_hashes(lhs[:size]).hex() == want
        assert cr.root().hex() == want
        if size < len(lhs):
            cr.append(lhs[size])
    assert root_at(2, vector_tree) == node_hash(lhs[0], lhs[1])
    assert root_at(3, vector_tree) == node_hash(node_hash(lhs[0], lhs[1]), lhs[2])


@pytest.mark.parametrize("case", V["inclusion"], ids=lambda c: f"{c['seq']}in{c['size']}")
def test_inclusion_vectors(case, vector_tree):
    proof = inclusion_proof(case["seq"], case["size"], vector_tree)
    assert hexes(proof) == case["hashes"]
    assert root_at(case["size"], vector_tree).hex() == case["root"]
    assert verify_inclusion(H(case["leaf_hash"]), case["seq"], case["size"], proof, H(case["root"]))


@pytest.mark.parametrize("case", V["consistency"], ids=lambda c: f"{c['from']}to{c['to']}")
def test_consistency_vectors(case, vector_tree):
    proof = consistency_proof(case["from"], case["to"], vector_tree)
    assert hexes(proof) == case["hashes"]
    assert verify_consistency(case["from"], case["to"], H(case["root_from"]), H(case["root_to"]), proof)


def test_vectors_cover_every_pair_up_to_8():
    pairs = {(i, n) for n in range(1, 9) for i in range(n)}
    assert {(c["seq"], c["size"]) for c in V["inclusion"]} == pairs
    pairs = {(m, n) for n in range(1, 9) for m in range(1, n + 1)}
    assert {(c["from"], c["to"]) for c in V["consistency"]} == pairs


@pytest.mark.parametrize("case", V["must_fail"], ids=lambda c: c["what"])
def test_must_fail_vectors(case):
    c, hashes = case, [H(h) for h in case["hashes"]]
    if c["kind"] == "inclusion":
        assert not verify_inclusion(H(c["leaf_hash"]), c["seq"], c["size"], hashes, H(c["root"]))
    else:
        assert not verify_consistency(c["from"], c["to"], H(c["root_from"]), H(c["root_to"]), hashes)


def test_must_fail_generation_refuses_backwards(vector_tree):
    with pytest.raises(ProofError):
        consistency_proof(7, 3, vector_tree)


def test_xinzhu_log_root():
    x = load_json("ledger-xinzhu.json")
    lines = load_text("ledger-xinzhu.ndjson").split("\n")
    assert lines[-1] == ""  # one entry per line, newline-terminated
    hashes = [leaf_hash(line.encode()) for line in lines[:-1]]
    assert hexes(hashes) == x["entry_hashes"]
    assert len(hashes) == x["size"]
    assert CompactRange.from_nodes(0, []).root() == EMPTY_ROOT
    assert MemoryNodes(hashes).frontier.root().hex() == x["root_hex"]


# --- structure ---------------------------------------------------------------


def test_perfect_nodes_for_size():
    assert perfect_nodes_for_size(0) == []
    assert perfect_nodes_for_size(1) == [(0, 0)]
    assert perfect_nodes_for_size(8) == [(3, 0)]
    assert perfect_nodes_for_size(13) == [(3, 0), (2, 2), (0, 12)]
    for size in range(300):
        start = 0
        for level, index in perfect_nodes_for_size(size):
            assert index << level == start
            start += 1 << level
        assert start == size


def test_append_returns_completed_nodes_and_completing_seq():
    n = 70
    lhs = leaves(n)
    cr = CompactRange()
    for seq, lh in enumerate(lhs):
        done = cr.append(lh)
        trailing_ones = (seq ^ (seq + 1)).bit_length() - 1
        assert len(done) == 1 + trailing_ones
        assert done[0] == lh
        for level, h in enumerate(done):
            index = seq >> level
            assert completing_seq(level, index) == seq
            assert h == root_from_leaf_hashes(lhs[index << level : (index + 1) << level])
    assert completing_seq(0, 5) == 5 and completing_seq(3, 1) == 15


def test_from_nodes_rejects_wrong_shape():
    with pytest.raises(FormatError):
        CompactRange.from_nodes(3, [EMPTY_ROOT])
    with pytest.raises(FormatError):
        CompactRange.from_nodes(1, [b"short"])
    with pytest.raises(FormatError):
        CompactRange().append(b"short")


def test_one_lookup_per_proof():
    m = MemoryNodes(leaves(100))
    for call in (lambda: inclusion_proof(37, 100, m), lambda: consistency_proof(37, 100, m),
                 lambda: root_at(99, m)):
        before = m.calls
        call()
        assert m.calls == before + 1


def test_bad_proof_requests_raise():
    m = MemoryNodes(leaves(10))
    for bad in (lambda: inclusion_proof(10, 10, m), lambda: inclusion_proof(-1, 10, m),
                lambda: inclusion_proof(0, 0, m), lambda: consistency_proof(0, 5, m),
                lambda: consistency_proof(6, 5, m), lambda: consistency_proof(-1, 5, m),
                lambda: inclusion_proof(3, 11, m),  # bigger than the store holds
                lambda: consistency_proof(3, 12, m), lambda: root_at(11, m), lambda: root_at(-1, m)):
        with pytest.raises(ProofError):
            bad()
    assert consistency_proof(5, 5, m) == []
    assert root_at(0, m) == EMPTY_ROOT


def test_verify_never_raises_on_garbage():
    lh, root = leaves(1)[0], leaves(2)[1]
    assert not verify_inclusion(lh, 0, 0, [], root)
    assert not verify_inclusion(lh, 5, 3, [], root)
    assert not verify_inclusion(lh, 0, 2, [b"x"], root)
    assert not verify_inclusion(lh, 0, 2, [None], root)  # type: ignore[list-item]
    assert not verify_inclusion(lh, 0, 2, "not a list", root)  # type: ignore[arg-type]
    assert not verify_inclusion(b"", 0, 1, [], b"")
    assert not verify_consistency(0, 3, EMPTY_ROOT, root, [])  # from 0 is undefined
    assert not verify_consistency(3, 3, root, lh, [])  # same size, different roots
    assert not verify_consistency(3, 3, root, root, [lh])  # same size needs empty proof
    assert not verify_consistency(3, 5, root, lh, [])
    assert not verify_consistency(3, 5, root, lh, [b"x" * 31])
    assert verify_consistency(3, 3, root, root, [])
    assert verify_inclusion(lh, 0, 1, [], lh)


def test_short_proof_cannot_claim_a_bigger_tree():
    """A proof must reach the top of the claimed size (RFC 9162: sn must end at 0).

    Otherwise the root of a smaller subtree could pass as the root of a
    larger tree.
    """
    lhs = leaves(4)
    m = MemoryNodes(lhs)
    assert not verify_inclusion(lhs[0], 0, 2, [], lhs[0])
    assert not verify_inclusion(lhs[0], 0, 4, [lhs[1]], root_at(2, m))
    assert not verify_consistency(1, 4, lhs[0], root_at(2, m), [lhs[1]])
    assert not verify_consistency(2, 8, root_at(2, m), root_at(4, m), consistency_proof(2, 4, m))


# --- properties ---------------------------------------------------------------

sizes = st.integers(min_value=1, max_value=300)


@settings(max_examples=25, deadline=None)
@given(size=sizes, salt=st.binary(max_size=8))
def test_compact_range_matches_reference_at_every_size(size, salt):
    lhs = leaves(size, salt)
    m = MemoryNodes()
    for n, lh in enumerate(lhs):
        assert m.frontier.root() == root_from_leaf_hashes(lhs[:n])
        m.append(lh)
    assert m.frontier.root() == root_from_leaf_hashes(lhs) == root_at(size, m)
    assert [m.nodes[n] for n in perfect_nodes_for_size(size)] == m.frontier.nodes()


@settings(max_examples=25, deadline=None)
@given(size=sizes, salt=st.binary(max_size=8))
def test_every_proof_at_a_size_verifies(size, salt):
    lhs = leaves(size, salt)
    m = MemoryNodes(lhs)
    root = root_at(size, m)
    for i in range(size):
        assert verify_inclusion(lhs[i], i, size, inclusion_proof(i, size, m), root)
    for old in range(1, size + 1):
        old_root = root_at(old, m)
        assert old_root == root_from_leaf_hashes(lhs[:old])
        assert verify_consistency(old, size, old_root, root, consistency_proof(old, size, m))


@settings(max_examples=200, deadline=None)
@given(st.data())
def test_flipping_any_bit_of_an_inclusion_proof_fails(data):
    size = data.draw(st.integers(2, 300))
    index = data.draw(st.integers(0, size - 1))
    lhs = leaves(size)
    m = MemoryNodes(lhs)
    proof, root = inclusion_proof(index, size, m), root_at(size, m)
    which = data.draw(st.integers(0, len(proof) - 1))
    bit = data.draw(st.integers(0, 255))
    bad = list(proof)
    bad[which] = (int.from_bytes(bad[which], "big") ^ (1 << bit)).to_bytes(32, "big")
    assert not verify_inclusion(lhs[index], index, size, bad, root)
    # Neighbours of a valid proof fail too: other index, truncated, extended.
    # (Another size may legitimately share the path shape, so it is not checked.)
    assert not verify_inclusion(lhs[index], index ^ 1, size, proof, root)
    assert not verify_inclusion(lhs[index], index, size, proof[:-1], root)
    assert not verify_inclusion(lhs[index], index, size, proof + [root], root)


@settings(max_examples=200, deadline=None)
@given(st.data())
def test_flipping_any_bit_of_a_consistency_proof_fails(data):
    new = data.draw(st.integers(2, 300))
    old = data.draw(st.integers(1, new - 1))
    m = MemoryNodes(leaves(new))
    proof, old_root, new_root = consistency_proof(old, new, m), root_at(old, m), root_at(new, m)
    which = data.draw(st.integers(0, len(proof) - 1))
    bit = data.draw(st.integers(0, 255))
    bad = list(proof)
    bad[which] = (int.from_bytes(bad[which], "big") ^ (1 << bit)).to_bytes(32, "big")
    assert not verify_consistency(old, new, old_root, new_root, bad)
    assert not verify_consistency(old, new, old_root, new_root, proof[:-1])
    assert not verify_consistency(old, new, old_root, new_root, proof + [new_root])
    assert not verify_consistency(old, new, new_root, old_root, proof)


@settings(max_examples=50, deadline=None)
@given(size=st.integers(0, 300), more=st.integers(1, 40))
def test_from_nodes_restores_identically(size, more):
    lhs = leaves(size + more)
    m = MemoryNodes(lhs[:size])
    restored = CompactRange.from_nodes(size, [m.nodes[n] for n in perfect_nodes_for_size(size)])
    assert restored.size == size and restored.root() == m.frontier.root()
    for lh in lhs[size:]:
        assert restored.append(lh) == m.frontier.append(lh)
        assert restored.root() == m.frontier.root()


# --- pymerkle cross-check -------------------------------------------------------


def test_pymerkle_agrees():
    """pymerkle 7 with default security=True hashes exactly as RFC 9162.

    Roots and inclusion paths agree hash for hash (pymerkle puts the leaf
    itself first). Its consistency paths use a different, non-RFC layout,
    so there we check that its proofs tie our roots together instead.
    """
    import random

    import pymerkle

    rng = random.Random(9162)
    data = [rng.randbytes(rng.randrange(0, 40)) for _ in range(77)]
    tree = pymerkle.InmemoryTree(algorithm="sha256")  # disable_security=False by default
    for d in data:
        tree.append_entry(d)
    m = MemoryNodes(leaf_hash(d) for d in data)
    assert tree.get_root(0) == EMPTY_ROOT
    for n in range(1, len(data) + 1):
        root = root_at(n, m)
        assert tree.get_root(n) == root
        for i in rng.sample(range(n), min(n, 8)):
            theirs = tree.prove_inclusion(i + 1, n)  # pymerkle counts leaves from 1
            assert theirs.path == [leaf_hash(data[i])] + inclusion_proof(i, n, m)
        for old in rng.sample(range(1, n + 1), min(n, 8)):
            pymerkle.verify_consistency(root_at(old, m), root, tree.prove_consistency(old, n),
                                        prior_size=old, later_size=n)
