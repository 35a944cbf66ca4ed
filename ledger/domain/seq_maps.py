"""Maps keyed by an entry's seq, in a few bytes per entry instead of ~100.

A ledger's state remembers some fact for a large share of its entries: which
key recorded each entry that moves cash (so that key may not confirm it), which
entry confirmed or reversed it, which project it belongs to. In a dict every
such fact costs a hash slot and two boxed ints, about 100-180 bytes, so a
server's memory grew with the log (+180 MB at a million entries). These maps
keep the same facts in a typed array indexed by seq: 2 bytes for a label (an
index into the few distinct key ids or project codes), 8 bytes for a seq.

They behave as the dicts did for everything the domain asks (``in``, ``get``,
``[]``, iteration in seq order, ``len``, ``update``) and, like the rest of the
state, are only ever written, never deleted from (see ``LedgerState.fork``).
"""

from __future__ import annotations

from array import array
from typing import Iterator, MutableMapping

_NO_SEQ = -1
_GROWTH_MIN = 1024  # slots added at least per growth: a long log grows rarely
# A key this far beyond the array is kept aside, not by growing the array to it: a
# damaged stored entry naming seq 2**53 must not make replay allocate petabytes.
_FAR_BEYOND = 1 << 20


def _is_seq(key: object) -> bool:
    return type(key) is int and key >= 0


class _DenseBySeq(MutableMapping):
    """The storage both maps share: ``_slots[seq]`` is ``_empty`` where nothing is kept."""

    _typecode = "q"
    _empty = _NO_SEQ

    def __init__(self) -> None:
        self._slots = array(self._typecode)
        self._far: dict[int, int] = {}  # keys far beyond the array (never in a sane log)
        self._count = 0

    def _grow_to(self, seq: int) -> None:
        missing = seq + 1 - len(self._slots)
        if missing > 0:
            # Doubling keeps growth amortised; the filler is one ``extend`` in C.
            added = max(missing, len(self._slots), _GROWTH_MIN)
            self._slots.extend(array(self._slots.typecode, [self._empty]) * added)
            for key in [key for key in self._far if key < len(self._slots)]:
                self._slots[key] = self._far.pop(key)

    def _slot(self, key: object) -> int:
        if not _is_seq(key):
            return self._empty
        if key < len(self._slots):
            return self._slots[key]
        return self._far.get(key, self._empty)

    def _put(self, key: object, code: int) -> None:
        if not _is_seq(key):
            raise TypeError(f"a seq map is keyed by entry seqs (ints >= 0), not {key!r}")
        if key >= len(self._slots) + max(len(self._slots), _FAR_BEYOND):
            self._count += key not in self._far
            self._far[key] = code
            return
        self._grow_to(key)
        if self._slots[key] == self._empty:
            self._count += 1
        self._slots[key] = code

    def __delitem__(self, key: object) -> None:
        raise TypeError("ledger state is only ever added to: see LedgerState.fork")

    def __len__(self) -> int:
        return self._count

    def __iter__(self) -> Iterator[int]:
        empty = self._empty
        yield from (seq for seq, code in enumerate(self._slots) if code != empty)
        yield from sorted(self._far)

    def __contains__(self, key: object) -> bool:
        return self._slot(key) != self._empty

    def __repr__(self) -> str:
        return f"{type(self).__name__}({dict(self)!r})"

    def to_parts(self) -> dict:
        """What a snapshot keeps (ledger.log.state_codec): the array's bytes, the
        labels and the far keys, with the codes as stored."""
        return {"slots": self._slots.tobytes(), "labels": list(self._labels_kept()),
                "far": sorted(self._far.items())}

    @classmethod
    def from_parts(cls, parts: dict) -> _DenseBySeq:
        """The inverse of ``to_parts``; raises ValueError on anything it did not make."""
        made = cls()
        made._take_labels(parts["labels"])
        made._slots.frombytes(parts["slots"])
        far = {int(key): int(code) for key, code in parts["far"]}
        if any(not _is_seq(key) or key < len(made._slots) for key in far) \
                or not made._codes_valid(min(made._slots, default=made._empty),
                                         max(made._slots, default=made._empty))\
                or not all(made._codes_valid(code, code) and code != made._empty
                           for code in far.values()):
            raise ValueError(f"not the parts of a {cls.__name__}")
        made._far = far
        made._count = len(made._slots) - made._slots.count(made._empty) + len(far)
        return made

    def _labels_kept(self) -> list[str]:
        return []

    def _take_labels(self, labels: list) -> None:
        if labels:
            raise ValueError("this map keeps no labels")

    def _codes_valid(self, lowest: int, highest: int) -> bool:
        return lowest >= self._empty


class SeqToSeq(_DenseBySeq):
    """seq -> seq of a later entry (the confirmation, the reversal, the trade)."""

    def __getitem__(self, key: object) -> int:
        value = self._slot(key)
        if value == _NO_SEQ:
            raise KeyError(key)
        return value

    def __setitem__(self, key: object, value: int) -> None:
        if not _is_seq(value):
            raise TypeError(f"a SeqToSeq value is an entry seq, not {value!r}")
        self._put(key, value)


class SeqToLabel(_DenseBySeq):
    """seq -> one of a few strings (key ids, project codes), kept once each."""

    _typecode = "H"  # widened to "I" past 65,535 distinct labels
    _empty = 0       # codes are 1 + the label's index

    def __init__(self) -> None:
        super().__init__()
        self._labels: list[str] = []
        self._codes: dict[str, int] = {}

    def __getitem__(self, key: object) -> str:
        code = self._slot(key)
        if code == 0:
            raise KeyError(key)
        return self._labels[code - 1]

    def __setitem__(self, key: object, value: str) -> None:
        if not isinstance(value, str):
            raise TypeError(f"a SeqToLabel value is a string, not {value!r}")
        code = self._codes.get(value)
        if code is None:
            self._labels.append(value)
            code = self._codes[value] = len(self._labels)
            if code > 0xFFFF and self._slots.typecode == "H":
                self._slots = array("I", self._slots)
        self._put(key, code)

    def _labels_kept(self) -> list[str]:
        return self._labels

    def _take_labels(self, labels: list) -> None:
        if not all(isinstance(label, str) for label in labels) or len(set(labels)) != len(labels):
            raise ValueError("labels must be distinct strings")
        if len(labels) > 0xFFFF:
            self._slots = array("I")
        self._labels = list(labels)
        self._codes = {label: index + 1 for index, label in enumerate(labels)}

    def _codes_valid(self, lowest: int, highest: int) -> bool:
        return 0 <= lowest and highest <= len(self._labels)


Where = tuple[str, str, str]  # (account, fund, currency)


class SeqToMoneyLines(_DenseBySeq):
    """seq -> (business date, ((account, fund, currency, amount), ...)): the cash and bank
    lines of each entry that moves money, which the bank reconciliation reads
    (``ledger/domain/bank.py``). A dict of such tuples cost ~500 bytes an entry (297 MB
    and 14 s a snapshot at 586k entries); here dates and (account, fund, currency) are
    kept once each, and an entry costs ~20 bytes plus 12 a line. Only the read side's
    states keep one (``LedgerState.keeps_bank_book``), so no snapshot holds it.

    ``_slots[seq]`` is the entry's number ``e`` in the order entries were added; its date's
    code is ``_day_of[e]`` and its lines are ``_where_of[i]`` / ``_amounts[i]`` for ``i``
    from ``_ends[e - 1]`` (0 for the first) up to ``_ends[e]``.
    """

    _typecode = "q"
    _empty = _NO_SEQ

    def __init__(self) -> None:
        super().__init__()
        self._day_of = array("I")
        self._ends = array("q")
        self._where_of = array("I")
        self._amounts = array("q")
        self._days: list[str] = []
        self._day_codes: dict[str, int] = {}
        self._wheres: list[Where] = []
        self._where_codes: dict[Where, int] = {}

    def __getitem__(self, key: object) -> tuple[str, tuple[tuple[str, str, str, int], ...]]:
        number = self._slot(key)
        if number == _NO_SEQ:
            raise KeyError(key)
        first = self._ends[number - 1] if number else 0
        wheres, where_of, amounts = self._wheres, self._where_of, self._amounts
        lines = tuple((*wheres[where_of[i]], amounts[i]) for i in range(first, self._ends[number]))
        return self._days[self._day_of[number]], lines

    def __setitem__(self, key: object, value: tuple) -> None:
        day, lines = value
        if not isinstance(day, str) or not isinstance(lines, tuple):
            raise TypeError(f"a SeqToMoneyLines value is (date, lines), not {value!r}")
        # Checked before anything is appended: a refused value leaves the map as it was.
        for line in lines:
            if len(line) != 4 or not all(isinstance(part, str) for part in line[:3]) \
                    or type(line[3]) is not int or not -2**63 <= line[3] < 2**63:
                raise TypeError(f"a money line is (account, fund, currency, amount), not {line!r}")
        number = len(self._day_of)
        self._put(key, number)  # raises for a key that is not a seq, before anything is kept
        self._day_of.append(_code(self._days, self._day_codes, day))
        for account, fund, currency, amount in lines:
            self._where_of.append(_code(self._wheres, self._where_codes,
                                        (account, fund, currency)))
            self._amounts.append(amount)
        self._ends.append(len(self._amounts))


    def to_parts(self) -> dict:
        raise TypeError("no snapshot keeps money lines (LedgerState.keeps_bank_book)")

    @classmethod
    def from_parts(cls, parts: dict) -> SeqToMoneyLines:
        raise TypeError("no snapshot keeps money lines (LedgerState.keeps_bank_book)")


def _code(kept: list, codes: dict, value: object) -> int:
    """The index of ``value`` in ``kept``, appended the first time it is seen."""
    code = codes.get(value)
    if code is None:
        code = codes[value] = len(kept)
        kept.append(value)
    return code
