"""Tampering with a log is always caught, and named where it can be.

What can be localised, and how:
- With the stored nodes (the leaf hash kept beside each entry in the
  database), a changed byte in ANY entry is named at its seq, the last one
  included.
- Without them, a changed byte in any entry but the last is named at its seq:
  either the entry's own checks fail (canonical form, fields, signature, key,
  seq...) or only its hash changed, and then the next entry's ``prev`` no
  longer matches. The LAST entry has no next entry: a change its own checks
  cannot see (say ``recorded_at`` moved forward) shows only as a checkpoint
  root mismatch, which names the checkpoint, not the seq.
- Swapping two entries is named at the earlier one.
- Deleting the tail leaves a self-consistent log: only a checkpoint of the
  longer log catches it.
- Replacing an entry with another validly signed statement and recomputing
  the chain after it is self-consistent too: only the root of an older
  checkpoint that covered the replaced entry catches it.
"""

from __future__ import annotations

import json

from hypothesis import HealthCheck, given
from hypothesis import settings as hsettings
from hypothesis import strategies as st

from ledger.format.statements import Entry, Statement
from ledger.verify.run import Code, verify_entries
from ledger.verify.leaf import _fast_parse
from tests.unit.test_verifier import MemoryLog

LOG = MemoryLog.opened(slug="tamper", posts=6)
LEAVES = LOG.leaves
NODES = LOG.stored_nodes()
CHECKPOINT = LOG.checkpoint()
N = len(LEAVES)
KEYS = {signer.key_id: signer.key for signer in LOG.people.values()}

fast = hsettings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@st.composite
def byte_changes(draw, last: int = N - 1):
    seq = draw(st.integers(0, last))
    leaf = LEAVES[seq]
    position = draw(st.integers(0, len(leaf) - 1))
    value = draw(st.integers(0, 255).filter(lambda b: b != leaf[position]))
    changed = list(LEAVES)
    changed[seq] = leaf[:position] + bytes([value]) + leaf[position + 1:]
    return seq, changed


def verify(leaves, **kw):
    return verify_entries(leaves, workers=1, **kw)


@fast
@given(byte_changes())
def test_changing_any_byte_of_any_entry_is_named_at_that_seq_given_the_stored_nodes(case):
    seq, leaves = case
    report = verify(leaves, stored_nodes=NODES)
    assert not report.ok
    assert report.first().seq == seq, report.findings


@fast
@given(byte_changes(last=N - 2))
def test_changing_any_byte_of_any_entry_but_the_last_is_named_by_the_chain_alone(case):
    seq, leaves = case
    report = verify(leaves)
    assert report.first().seq == seq, report.findings


@fast
@given(byte_changes())
def test_changing_any_byte_even_of_the_last_entry_fails_against_the_checkpoint(case):
    _, leaves = case
    assert not verify(leaves, checkpoint_note=CHECKPOINT).ok


@fast
@given(st.integers(0, N - 1), st.integers(0, N - 1))
def test_swapping_two_entries_is_named_at_the_earlier_one(i, j):
    if i == j:
        return
    leaves = list(LEAVES)
    leaves[i], leaves[j] = leaves[j], leaves[i]
    assert verify(leaves).first().seq == min(i, j)


@fast
@given(st.integers(1, N - 1))
def test_deleting_the_tail_is_caught_only_against_a_checkpoint_of_the_longer_log(kept):
    assert verify(LEAVES[:kept]).ok  # a shorter log is self-consistent
    report = verify(LEAVES[:kept], old_checkpoint_note=CHECKPOINT)
    assert [(f.code, f.checkpoint_size) for f in report.findings] == [
        (Code.CHECKPOINT_BEYOND_LOG, N)]


def replaced(seq: int) -> list[bytes]:
    """Entry ``seq`` swapped for a new statement by the same key, chain and nodes recomputed."""
    entry = Entry.from_leaf(LEAVES[seq])
    old = entry.statement
    other = Statement(old.ledger, old.type, old.body, old.signed_at, old.nonce + "x")
    forged = Entry.build(seq, entry.prev, entry.recorded_at, other.sign(KEYS[entry.signed.signer]))
    return LOG.rechain([*LEAVES[:seq], forged.leaf, *LEAVES[seq + 1:]], seq + 1)


@fast
@given(st.integers(1, N - 1), st.integers(1, N))
def test_a_replaced_entry_with_the_chain_recomputed_is_caught_only_by_an_older_root(seq, size):
    leaves = replaced(seq)
    assert verify(leaves, stored_nodes=LOG.stored_nodes(leaves)).ok
    report = verify(leaves, old_checkpoint_note=LOG.checkpoint(size))
    if size <= seq:  # the older checkpoint did not cover the replaced entry
        assert report.ok
    else:
        assert [(f.code, f.checkpoint_size) for f in report.findings] == [
            (Code.INCONSISTENT, size)]


# --- the verifier's fast parser never accepts what Entry.from_leaf rejects ---------------

json_values = st.recursive(
    st.none() | st.booleans() | st.integers(-2**60, 2**60) | st.floats(allow_nan=False)
    | st.text(max_size=8),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=4), inner,
                                                                 max_size=3),
    max_leaves=12)


def agrees_with_reference(leaf: bytes) -> None:
    try:
        parsed = _fast_parse(leaf)
    except Exception:  # noqa: BLE001 - any doubt means "ask the reference", which is fine
        return
    entry = Entry.from_leaf(leaf)  # must not raise: the fast path vouched for it
    assert parsed.message == entry.statement.signing_input()
    assert (parsed.facts.seq, parsed.facts.prev, parsed.facts.signer, parsed.facts.nonce) == (
        entry.seq, entry.prev, entry.signed.signer, entry.statement.nonce)


@fast
@given(st.integers(0, N - 1), st.data())
def test_the_fast_parser_never_accepts_a_damaged_leaf_the_reference_rejects(seq, data):
    leaf = bytearray(LEAVES[seq])
    for _ in range(data.draw(st.integers(1, 3))):
        position = data.draw(st.integers(0, len(leaf) - 1))
        action = data.draw(st.sampled_from(["replace", "insert", "delete"]))
        if action == "delete":
            del leaf[position]
        else:
            byte = data.draw(st.sampled_from(b'0123456789"{}[],:-.eE\\ \xe4\xb8\x80aZ+/='))
            leaf[position:position + (action == "replace")] = bytes([byte])
    agrees_with_reference(bytes(leaf))


@fast
@given(json_values)
def test_the_fast_parser_never_accepts_a_body_the_reference_rejects(body):
    document = json.loads(LEAVES[4])
    document["statement"]["body"] = {"value": body}
    try:
        leaf = json.dumps(document, ensure_ascii=False, sort_keys=True,
                          separators=(",", ":")).encode("utf-8")
    except (ValueError, UnicodeEncodeError):
        return
    agrees_with_reference(leaf)
