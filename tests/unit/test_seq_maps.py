"""The seq-keyed maps of the ledger state answer exactly as dicts would, survive a
snapshot's round trip, refuse parts they did not make, and cost a few bytes an
entry (the server's memory stays flat as the log grows)."""

from __future__ import annotations

import tracemalloc

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ledger.domain.seq_maps import SeqToLabel, SeqToMoneyLines, SeqToSeq

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


MONEY_LINES = st.tuples(
    st.sampled_from(["2026-01-05", "2026-02-01", "2025-12-31"]),
    st.lists(st.tuples(st.sampled_from(["1001", "1002"]), st.sampled_from(["general", "活动"]),
                       st.just("CNY"), st.integers(-2**53, 2**53)), max_size=3).map(tuple))


@settings(max_examples=60, deadline=None)
@given(writes=st.lists(st.tuples(SEQS, MONEY_LINES), max_size=40),
       asked=st.lists(st.one_of(SEQS, st.just(-1), st.just("7")), max_size=20))
def test_a_money_lines_map_answers_as_a_dict_would(writes, asked):
    kept, expected = SeqToMoneyLines(), {}
    for seq, value in writes:
        kept[seq] = value
        expected[seq] = value
    assert dict(kept) == expected and len(kept) == len(expected)
    assert list(kept) == sorted(expected)
    for key in asked:
        assert (key in kept) == (key in expected) and kept.get(key) == expected.get(key)


def test_no_snapshot_keeps_money_lines():
    with pytest.raises(TypeError, match="keeps_bank_book"):
        SeqToMoneyLines().to_parts()
    with pytest.raises(TypeError, match="keeps_bank_book"):
        SeqToMoneyLines.from_parts({"slots": b""})


def test_a_refused_money_line_leaves_the_map_as_it_was():
    kept = SeqToMoneyLines()
    kept[0] = ("2026-01-05", (("1002", "general", "CNY", 100),))
    before = dict(kept), len(kept)
    for bad in [("2026-01-05", (("1002", "general", "CNY", 1.5),)),
                ("2026-01-05", (("1002", "general", 100),)), (20260105, ()), "2026-01-05",
                ("2026-01-05", (("1002", "general", "CNY", 2**63),))]:  # past the array's ints
        with pytest.raises((TypeError, ValueError)):
            kept[1] = bad
    assert (dict(kept), len(kept)) == before and 1 not in kept
    kept[1] = ("2026-01-06", (("1001", "general", "CNY", 5),))  # and still takes good ones
    assert kept[1] == ("2026-01-06", (("1001", "general", "CNY", 5),)) and len(kept) == 2


def test_entries_moving_money_cost_tens_of_bytes_each_not_hundreds():
    entries = 100_000
    tracemalloc.start()
    try:
        kept = SeqToMoneyLines()
        for seq in range(entries):
            kept[seq] = (f"2026-{1 + seq % 12:02d}-{1 + seq % 28:02d}",
                         (("1002", ("general", "activity")[seq % 2], "CNY", 100 + seq),))
        held, _ = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    # slot 8 + header 8 + a line 16 bytes, with room for the arrays' growth (the dict of
    # tuples it replaces: ~500 bytes an entry, measured at 586k entries)
    assert held < 64 * entries
