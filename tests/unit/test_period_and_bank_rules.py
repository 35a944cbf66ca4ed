"""The rules of periods and bank reconciliation on a state built by hand: month
arithmetic, what a year-end close must carry, and which items are in transit."""

from __future__ import annotations

from datetime import date

import pytest

from ledger.domain.bank import BOOKED_NOT_CLEARED, CLEARED_NOT_BOOKED, reconcile
from ledger.domain.periods import closing_postings, month_end, next_month, uncarried
from ledger.domain.records import BankStatement
from ledger.domain.state import Account, LedgerState
from ledger.errors import DomainError


def a_state() -> LedgerState:
    state = LedgerState("unit", currency="CNY")
    for code, account_class, kind in (("1002", "asset", "bank"), ("3001", "net_assets", None),
                                      ("4001", "income", None), ("5001", "expense", None)):
        state.accounts[code] = Account(code, code, code, account_class, kind, 0)
    return state


@pytest.mark.parametrize("month, following, last_day", [
    ("2026-01", "2026-02", date(2026, 1, 31)), ("2026-02", "2026-03", date(2026, 2, 28)),
    ("2024-02", "2024-03", date(2024, 2, 29)), ("2026-12", "2027-01", date(2026, 12, 31))])
def test_months_follow_each_other_across_years_and_end_on_their_last_day(month, following,
                                                                         last_day):
    assert (next_month(month), month_end(month)) == (following, last_day)


def test_the_year_end_close_zeroes_each_years_result_and_puts_the_rest_in_net_assets():
    state = a_state()
    state.year_results.update({("4001", "activity", "CNY", 2025): -10_000,
                               ("5001", "activity", "CNY", 2025): 2_500,
                               ("4001", "general", "CNY", 2025): 0,
                               ("4001", "activity", "CNY", 2026): -99})
    assert uncarried(state, 2025) == {("4001", "activity", "CNY"): -10_000,
                                      ("5001", "activity", "CNY"): 2_500}
    assert closing_postings(state, 2025, "3001") == [
        {"account": "4001", "fund": "activity", "amount": 10_000, "side": "debit"},
        {"account": "5001", "fund": "activity", "amount": 2_500, "side": "credit"},
        {"account": "3001", "fund": "activity", "amount": 7_500, "side": "credit"}]
    with pytest.raises(DomainError, match="not a net-asset account"):
        closing_postings(state, 2025, "1002")


def test_a_loss_is_carried_to_the_debit_of_net_assets():
    state = a_state()
    state.year_results.update({("4001", "general", "CNY", 2025): -1_000,
                               ("5001", "general", "CNY", 2025): 4_000})
    assert closing_postings(state, 2025, "3001")[-1] == {
        "account": "3001", "fund": "general", "amount": 3_000, "side": "debit"}


def test_items_in_transit_are_what_the_cashier_had_not_confirmed_by_the_statements_date():
    state = a_state()
    state.money_lines.update({
        10: ("2026-03-02", (("1002", "activity", "CNY", 10_000),)),   # cleared on 03-03
        11: ("2026-03-30", (("1002", "activity", "CNY", -2_000),)),   # not yet cleared
        12: ("2026-03-31", (("1002", "general", "CNY", 500),)),       # cleared 04-02: later
        13: ("2026-04-02", (("1002", "activity", "CNY", 300),)),      # cleared 03-31: early
        14: ("2026-04-05", (("1002", "activity", "CNY", 700),))})     # after: not on the sheet
    state.confirmed_on.update({10: "2026-03-03", 12: "2026-04-02", 13: "2026-03-31"})
    statement = BankStatement(20, "1002", None, "2026-03-31", 9_000, "ab" * 32, "cashier")
    sheet = reconcile(state, statement)
    assert sheet.book_balance == 8_500
    assert [(i.entry, i.kind) for i in sheet.items] == [
        (11, BOOKED_NOT_CLEARED), (12, BOOKED_NOT_CLEARED), (13, CLEARED_NOT_BOOKED)]
    assert sheet.explained == 2_000 - 500 + 300
    assert sheet.unexplained == 9_000 - (8_500 + 1_800) == -1_300
    one_fund = reconcile(state, BankStatement(21, "1002", "activity", "2026-03-31", 10_300,
                                              "ab" * 32, "cashier"))
    assert (one_fund.book_balance, one_fund.unexplained) == (8_000, 0)
