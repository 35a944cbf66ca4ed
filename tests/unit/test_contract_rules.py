"""The contract rules on their own (ledger.domain.contract_rules): the lines a
schedule makes due, which lines a payment settles, what is in arrears on a day;
and the split-payment pattern under the major threshold (flag_rules)."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest

from ledger.domain import contract_rules as rules
from ledger.domain import flag_rules
from ledger.domain.contract_records import Contract, ScheduleLine


def _contract(*lines: ScheduleLine) -> Contract:
    return Contract(7, "receivable", "person", "王小明", "", "门面", "general",
                    sum(line.amount for line in lines), "2026-01-31", "2026-12-31", lines, "0" * 64)


def test_monthly_rent_falls_due_on_the_start_day_or_the_last_day_of_a_shorter_month():
    lines = rules.periodic_lines("month", 100, "2026-01-31", "2026-04-30")
    assert [line.due_on for line in lines] == ["2026-01-31", "2026-02-28", "2026-03-31",
                                               "2026-04-30"]


def test_quarterly_rent_falls_due_every_three_months_until_the_end():
    lines = rules.periodic_lines("quarter", 300, "2026-04-01", "2027-03-31")
    assert [line.due_on for line in lines] == ["2026-04-01", "2026-07-01", "2026-10-01",
                                               "2027-01-01"]
    assert rules.annual_rent("quarter", 300) == 1200 and rules.annual_rent("month", 100) == 1200


def test_a_payment_without_a_line_settles_the_open_lines_oldest_first():
    contract = _contract(ScheduleLine("2026-02-01", 100, "rent", 100),
                         ScheduleLine("2026-03-01", 100, "rent", 30),
                         ScheduleLine("2026-04-01", 100, "rent"))
    assert rules.allocate(contract, 120, None) == ((1, 70), (2, 50))


def test_a_payment_never_settles_more_than_is_open():
    contract = _contract(ScheduleLine("2026-02-01", 100, "rent", 60))
    with pytest.raises(rules.AllocationError, match="40 open"):
        rules.allocate(contract, 50, 0)
    with pytest.raises(rules.AllocationError, match="no line 1"):
        rules.allocate(contract, 10, 1)
    with pytest.raises(rules.AllocationError, match="40 open in all"):
        rules.allocate(contract, 50, None)


def test_a_payment_to_an_ended_contract_settles_only_lines_due_by_its_end():
    contract = replace(_contract(ScheduleLine("2026-02-01", 100, "rent"),
                                 ScheduleLine("2026-03-01", 100, "rent")), ended_on="2026-02-15")
    assert rules.allocate(contract, 100, None) == ((0, 100),)
    with pytest.raises(rules.AllocationError, match="100 open in all"):
        rules.allocate(contract, 150, None)


def test_cumulative_payments_cross_the_threshold_only_when_they_reach_it():
    assert rules.crosses(90, 10, 100) and rules.crosses(90, 20, 100)
    assert not rules.crosses(90, 9, 100) and not rules.crosses(100, 10, 100)
    assert not rules.crosses(0, 500, None)


def test_arrears_are_the_lines_due_and_unsettled_with_days_since_they_fell_due():
    lines = [{"line": 0, "due_on": "2026-03-01", "amount": 100, "settled": 100},
             {"line": 1, "due_on": "2026-04-01", "amount": 100, "settled": 40},
             {"line": 2, "due_on": "2026-05-01", "amount": 100, "settled": 0},
             {"line": 3, "due_on": "2026-06-01", "amount": 100, "settled": 0}]
    today = date(2026, 5, 1)
    assert [(a.line, a.days_overdue) for a in rules.arrears(lines, today, None)] == [(1, 30),
                                                                                     (2, 0)]
    assert rules.position(lines, today, None) == {"due_to_date": 300, "settled": 140,
                                                  "outstanding": 160}
    assert [a.line for a in rules.arrears(lines, today, "2026-04-15")] == [1]


def _posted(seq: int, day: str, amount: int) -> flag_rules.Posted:
    return flag_rules.Posted(seq, day, "彩虹油漆店", "", amount, 0, 20_000, 30, 100_000,
                             100_000)


def test_payments_each_under_the_major_threshold_that_reach_it_in_the_window_are_a_split():
    group = [_posted(1, "2026-02-01", 40_000), _posted(2, "2026-02-10", 40_000),
             _posted(3, "2026-02-20", 40_000), _posted(4, "2026-06-01", 40_000)]
    assert [[p.seq for p in c] for c in flag_rules.split_clusters(group, "major")] == [[1, 2, 3]]
    assert all(p.may_be_split_major and not p.may_be_split for p in group)
