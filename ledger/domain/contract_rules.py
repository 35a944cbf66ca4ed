"""What a contract's schedule means (合同台账): the lines a schedule makes due,
a year's rent, which lines a payment settles, and what is in arrears on a day.

Pure functions of records and dates: the statement types (contracts.py,
contract_payments.py) decide with them, and the read model
(``projections/contracts.py``) asks them what is due and overdue "today",
the way the disclosure schedule asks ``disclosure_schedule``.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date
from typing import Any

from ledger.domain.contract_records import Contract, ScheduleLine

PERIOD_MONTHS = {"month": 1, "quarter": 3}


def add_months(day: date, months: int) -> date:
    """The same day ``months`` later, or the month's last day when it has none."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def periodic_lines(every: str, amount: int, starts: str, ends: str) -> tuple[ScheduleLine, ...]:
    """Rent due at the start of each month or quarter from ``starts`` through ``ends``."""
    first, last, step = date.fromisoformat(starts), date.fromisoformat(ends), PERIOD_MONTHS[every]
    lines, index = [], 0
    while (due := add_months(first, index * step)) <= last:
        lines.append(ScheduleLine(due.isoformat(), amount, "rent"))
        index += 1
    return tuple(lines)


def annual_rent(every: str, amount: int) -> int:
    return amount * 12 // PERIOD_MONTHS[every]


class AllocationError(ValueError):
    """A payment does not fit the lines it names (the caller says why to the user)."""


def allocate(contract: Contract, amount: int, line: int | None) -> tuple[tuple[int, int], ...]:
    """The (line, amount) pairs a payment of ``amount`` settles: the named line, or
    else the open lines oldest first (of an ended contract, those due by its end).
    A payment never settles more than is open."""
    if line is not None:
        if line >= len(contract.lines):
            raise AllocationError(f"contract {contract.seq} has {len(contract.lines)} schedule "
                                  f"lines; there is no line {line}")
        if amount > contract.lines[line].open:
            raise AllocationError(f"line {line} of contract {contract.seq} has "
                                  f"{contract.lines[line].open} open; this entry brings {amount}")
        return ((line, amount),)
    pairs, left = [], amount
    for index, item in sorted(enumerate(contract.lines), key=lambda pair: pair[1].due_on):
        if contract.ended_on is not None and item.due_on > contract.ended_on:
            continue  # no longer falls due
        if left and item.open:
            take = min(left, item.open)
            pairs.append((index, take))
            left -= take
    if left:
        raise AllocationError(f"contract {contract.seq} has {amount - left} open in all; this "
                              f"entry brings {amount}")
    return tuple(pairs)


def settle(contract: Contract, seq: int, pairs: tuple[tuple[int, int], ...], sign: int,
           committed: int) -> Contract:
    """The contract after ``pairs`` are settled (sign +1) or taken back (sign -1)."""
    lines = list(contract.lines)
    for index, amount in pairs:
        lines[index] = ScheduleLine(lines[index].due_on, lines[index].amount, lines[index].kind,
                                    lines[index].settled + sign * amount)
    return contract.then(seq, lines=tuple(lines), committed=contract.committed + sign * committed)


def crosses(before: int, amount: int, threshold: int | None) -> bool:
    """Whether cumulative payments of ``before`` reach ``threshold`` with ``amount`` more."""
    return threshold is not None and amount > 0 and before < threshold <= before + amount


# --- what is due on a day (the read model's questions) -----------------------------------


@dataclass(frozen=True)
class Arrear:
    line: int
    due_on: str
    amount: int
    settled: int
    days_overdue: int

    def to_json(self) -> dict[str, Any]:
        return {"line": self.line, "due_on": self.due_on, "amount": self.amount,
                "settled": self.settled, "open": self.amount - self.settled,
                "days_overdue": self.days_overdue}


def due_lines(lines: list[dict[str, Any]], today: date, ended_on: str | None) -> list[dict]:
    """The lines due by ``today`` (a contract ended early owes nothing due after its end)."""
    last = min(today.isoformat(), ended_on) if ended_on else today.isoformat()
    return [line for line in lines if line["due_on"] <= last]


def arrears(lines: list[dict[str, Any]], today: date, ended_on: str | None) -> list[Arrear]:
    """Lines due and not fully settled, with the days since they fell due (a line
    due today is due, not yet overdue: 0 days)."""
    return [Arrear(line["line"], line["due_on"], line["amount"], line["settled"],
                   (today - date.fromisoformat(line["due_on"])).days)
            for line in due_lines(lines, today, ended_on) if line["settled"] < line["amount"]]


def position(lines: list[dict[str, Any]], today: date, ended_on: str | None) -> dict[str, int]:
    """Due to date, settled, and what is still owed of what is due (receivable or payable)."""
    due = due_lines(lines, today, ended_on)
    due_amount = sum(line["amount"] for line in due)
    settled_due = sum(min(line["settled"], line["amount"]) for line in due)
    return {"due_to_date": due_amount, "settled": sum(line["settled"] for line in lines),
            "outstanding": due_amount - settled_due}
