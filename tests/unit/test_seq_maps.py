"""The seq-keyed maps of the ledger state answer exactly as dicts would, survive a
snapshot's round trip, refuse parts they did not make, and cost a few bytes an
entry (the server's memory stays flat as the log grows)."""

from __future__ import annotations

import tracemalloc

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ledger.domain.seq_maps import SeqToLabel, SeqToSeq

SEQS = st.one_of(st.integers(0, 5_000), st.integers(0, 2**53))  # some far beyond the rest
LABELS = st.sampled_from(["agent-key", "cashier-key", "project-a", "项目乙"])


@settings(max_examples=60, deadline=None)
@given(writes=st.lists(st.tuples(SEQS, LABELS), max_size=60),
       asked=st.lists(st.one_of(SEQS, st.just(-1), st.just("7")), max_size=20))
def test_a_seq_to_label_map_answers_as_a_dict_would(writes, asked):
    kept, expected = SeqToLabel(), {}
    for seq, label in writes:
        kept[seq] = label
        expected[seq] = label
    assert dict(kept) == expected and len(kept) == len(expected)
    assert list(kept) == sorted(expected)  # in seq order
    for key in asked:
        assert (key in kept) == (key in expected) and kept.get(key) == expected.get(key)
    assert dict(SeqToLabel.from_parts(kept.to_parts())) == expected


@settings(max_examples=60, deadline=None)
@given(writes=st.lists(st.tuples(SEQS, st.integers(0, 2**53)), max_size=60))
def test_a_seq_to_seq_map_answers_as_a_dict_would(writes):
    kept, expected = SeqToSeq(), {}
    kept.update(writes)
    expected.update(writes)
    assert dict(kept) == expected and len(kept) == len(expected)
    assert dict(SeqToSeq.from_parts(kept.to_parts())) == expected


def test_a_key_far_beyond_the_log_costs_no_memory_and_moves_in_when_reached():
    kept = SeqToSeq()
    kept[3] = 4
    kept[2**53] = 1  # a damaged entry naming an absurd seq must not allocate petabytes
    kept[5 * 2**20] = 7
    assert kept.to_parts()["far"] == [(5 * 2**20, 7), (2**53, 1)]
    assert len(kept.to_parts()["slots"]) < 10**5
    for seq in range(0, 6 * 2**20, 2**16):  # the log grows past the second far key
        kept[seq + 1] = seq
    assert kept.to_parts()["far"] == [(2**53, 1)]
    assert kept[5 * 2**20] == 7 and kept[2**53] == 1 and kept[3] == 4


@pytest.mark.parametrize("parts", [
    {"slots": b"\x01\x00\x00", "labels": ["a"], "far": []},       # not whole slots
    {"slots": b"\x02\x00", "labels": ["a"], "far": []},           # a code with no label
    {"slots": b"\x01\x00", "labels": ["a", "a"], "far": []},      # labels twice
    {"slots": b"", "labels": [7], "far": []},                     # a label not a string
    {"slots": b"\x01\x00", "labels": ["a"], "far": [[0, 1]]},     # far key inside the array
    {"slots": b"", "labels": ["a"], "far": [[9, 0]]},             # a far key holding nothing
])
def test_parts_a_label_map_did_not_make_are_refused(parts):
    with pytest.raises((ValueError, TypeError)):
        SeqToLabel.from_parts(parts)


def test_seq_maps_are_only_added_to():
    kept = SeqToSeq()
    kept[1] = 2
    with pytest.raises(TypeError):
        del kept[1]
    with pytest.raises(TypeError):
        kept["1"] = 2
    with pytest.raises(TypeError):
        kept[1] = -5


def test_entries_recorded_by_a_few_keys_cost_a_few_bytes_each():
    entries = 200_000
    tracemalloc.start()
    try:
        recorders, confirmations = SeqToLabel(), SeqToSeq()
        for seq in range(entries):
            recorders[seq] = f"key-{seq % 5}"
        for seq in range(0, entries, 2):
            confirmations[seq] = seq + 1
        held, _ = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    # 2 bytes + 8 bytes an entry, with room for the arrays' growth (dicts: ~30 MB here)
    assert held < 18 * entries
