"""A fork of the ledger state decides a batch without touching the state it came
from; absorb() takes over exactly what the fork wrote, for every field."""

from __future__ import annotations

from dataclasses import fields

from ledger.domain.seq_maps import SeqToLabel, SeqToMoneyLines, SeqToSeq
from ledger.domain.state import MAP_FIELDS, SCALAR_FIELDS, LedgerState


def _written(state: LedgerState, name: str) -> tuple[object, object]:
    """A key and value each map takes: seq maps are keyed by seq and hold seqs, labels
    or an entry's dated money lines."""
    kind = type(getattr(state, name))
    if kind is SeqToSeq:
        return 3, 4
    if kind is SeqToLabel:
        return 3, name
    if kind is SeqToMoneyLines:
        return 3, ("2026-01-05", (("1002", "general", "CNY", 100),))
    return ("written", name), name


def test_every_map_of_the_state_is_copy_on_write_in_a_fork():
    parent = LedgerState("xinzhu")
    fork = parent.fork()
    for name in MAP_FIELDS:
        key, value = _written(parent, name)
        getattr(fork, name)[key] = value
    assert all(len(getattr(parent, name)) == 0 for name in MAP_FIELDS)
    parent.absorb(fork)
    written = [name for name in MAP_FIELDS
               if getattr(parent, name).get(_written(parent, name)[0]) is not None]
    # an unsaved batch's entries are the fork's alone: never absorbed
    assert written == [name for name in MAP_FIELDS if name != "batch_entries"]


def test_absorb_takes_over_every_field_that_is_not_a_map():
    parent = LedgerState("xinzhu")
    fork = parent.fork()
    fork.size, fork.head, fork.currency = 7, "ab" * 32, "CNY"
    fork.log_keys.append((0, "vkey"))
    assert (parent.size, parent.currency, parent.log_keys) == (0, "", [])
    parent.absorb(fork)
    assert (parent.size, parent.head, parent.currency, parent.log_keys) == (
        7, "ab" * 32, "CNY", [(0, "vkey")])


def test_the_fields_are_maps_or_scalars_and_nothing_is_left_out():
    names = {f.name for f in fields(LedgerState)}
    assert names == set(MAP_FIELDS) | set(SCALAR_FIELDS) | {"slug"}
    assert {"balances", "pending", "trades", "questions"} <= set(MAP_FIELDS)
