"""Bank reconciliation (银行存款余额调节表): the cashier records the bank's balance,
the sheet holds it against the books, the items in transit explain the difference
and what nothing explains is a red flag. Refusals change nothing."""

from __future__ import annotations

from ledger.domain import replay
from ledger.domain.bank import BOOKED_NOT_CLEARED, CLEARED_NOT_BOOKED, reconcile
from ledger.domain.redflags import red_flags
from ledger.domain.state import LedgerState
from ledger.errors import DomainError, FormatError, PolicyError, UnknownFund
from tests.builders.community import YUAN, sha


def books(town) -> tuple[int, int]:
    """A grant the bank has cleared and a payment it has not: (grant seq, payment seq)."""
    grant = town.grant("activity", 10_000 * YUAN, date="2026-03-02").seq
    town.submit(town.cashier.confirm(grant, "2026-03-03", "ICBC-0303"))
    payment = town.spend("activity", 2_000 * YUAN, date="2026-03-30").seq
    return grant, payment


def statement(town, balance: int, date: str = "2026-03-31", **extra) -> int:
    return town.submit(town.cashier.record_bank_statement("1002", date, balance,
                                                          sha(f"statement {date}"), **extra))


def sheet_of(town, seq: int):
    """The sheet as the read side works it out: from a replay that keeps the bank book
    (the write side's state keeps none)."""
    state = LedgerState(town.slug)
    for entry in town.entries():
        replay(state, entry)
    return reconcile(state, state.bank_statements[seq])


def test_a_payment_the_bank_has_not_cleared_explains_the_difference(town):
    _, payment = books(town)
    sheet = sheet_of(town, statement(town, 10_000 * YUAN))
    assert (sheet.book_balance, sheet.statement.balance) == (8_000 * YUAN, 10_000 * YUAN)
    assert [(i.entry, i.amount, i.kind) for i in sheet.items] == [
        (payment, -2_000 * YUAN, BOOKED_NOT_CLEARED)]
    assert (sheet.explained, sheet.unexplained) == (2_000 * YUAN, 0)
    assert not [f for f in red_flags(town.entries()) if f.code == "bank-unreconciled"]


def test_a_difference_nothing_explains_is_a_red_flag(town):
    books(town)
    seq = statement(town, 9_000 * YUAN)
    assert sheet_of(town, seq).unexplained == -1_000 * YUAN
    flags = [f for f in red_flags(town.entries()) if f.code == "bank-unreconciled"]
    assert [f.seqs for f in flags] == [(seq,)]
    assert flags[0].message.endswith("-1,000.00 unexplained")


def test_a_later_confirmation_dated_by_the_statement_takes_the_item_out_of_transit(town):
    _, payment = books(town)
    seq = statement(town, 8_000 * YUAN)
    assert sheet_of(town, seq).unexplained == -2_000 * YUAN
    town.submit(town.cashier.confirm(payment, "2026-03-31", "ICBC-0331"))
    assert sheet_of(town, seq).items == () and sheet_of(town, seq).unexplained == 0


def test_money_through_the_bank_but_booked_later_is_in_transit_the_other_way(town):
    books(town)
    late = town.grant("activity", 500 * YUAN, date="2026-04-02").seq
    town.submit(town.cashier.confirm(late, "2026-03-31", "ICBC-0331b"))
    sheet = sheet_of(town, statement(town, 10_500 * YUAN))
    assert [(i.entry, i.kind) for i in sheet.items][-1] == (late, CLEARED_NOT_BOOKED)
    assert sheet.unexplained == 0


def test_a_statement_for_one_fund_counts_only_that_funds_lines(town):
    books(town)
    general = town.grant("general", 7_000 * YUAN, date="2026-03-05").seq
    town.submit(town.cashier.confirm(general, "2026-03-05", "ICBC-0305"))
    assert sheet_of(town, statement(town, 10_000 * YUAN, fund="activity")).unexplained == 0
    assert sheet_of(town, statement(town, 10_000 * YUAN)).unexplained == -7_000 * YUAN


def test_only_the_cashier_records_a_bank_statement_of_a_bank_account(town):
    town.refused(town.agent.record_bank_statement("1002", "2026-03-31", 0, sha("s")),
                 PolicyError, "role")
    town.refused(town.cashier.record_bank_statement("1001", "2026-03-31", 0, sha("s")),
                 DomainError, "not a bank account")
    town.refused(town.cashier.record_bank_statement("1002", "2026-03-31", 0, sha("s"),
                                                    fund="nope"), UnknownFund, "nope")
    town.refused(town.cashier.record_bank_statement("1002", "2026-03-31", -1, sha("s")),
                 FormatError, "balance")
