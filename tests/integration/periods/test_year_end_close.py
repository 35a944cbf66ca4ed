"""The year-end close (结转): one signed entry.posted, marked ``closing``, carries
exactly the year's income and expenses to net assets per fund; December closes
only after it; it is no income or spending of December. Refusals change nothing."""

from __future__ import annotations

from ledger.client import posting
from ledger.errors import DomainError, PeriodClosed
from ledger.domain.records import Flow
from tests.builders.community import STREET_OFFICE, YUAN

SELF = {"kind": "organisation", "name": "新竹社区"}


def a_year_2025(town) -> None:
    """2025: a grant of 10,000 and spending of 2,500 in the activity fund."""
    town.grant("activity", 10_000 * YUAN, date="2025-03-05")
    town.spend("activity", 2_500 * YUAN, date="2025-12-20")


def closing(town, year: str, income: int, spending: int, fund: str = "activity"):
    body = {"date": f"{year}-12-31", "category": "closing", "memo": f"{year}年度结转",
            "counterparty": SELF, "closing": year, "postings": [
                posting("4001", fund, "debit", income),
                posting("5001", fund, "credit", spending),
                posting("3001", fund, "credit", income - spending)]}
    return town.agent.sign("entry.posted", body)


def test_the_year_end_close_carries_the_years_income_and_expenses_to_net_assets(town):
    a_year_2025(town)
    december = town.state.flows[("fund", "activity", "2025-12")]
    town.submit(closing(town, "2025", 10_000 * YUAN, 2_500 * YUAN))
    assert town.state.balance("4001", "activity") == 0
    assert town.state.balance("5001", "activity") == 0
    assert town.state.balance("3001", "activity") == -7_500 * YUAN  # credit: net assets grew
    # Carrying is not income or spending of December.
    assert town.state.flows[("fund", "activity", "2025-12")] == december == Flow(0, 250_000)


def test_closing_postings_that_differ_from_the_years_balances_are_refused(town):
    a_year_2025(town)
    error = town.refused(closing(town, "2025", 10_000 * YUAN, 2_000 * YUAN), DomainError,
                         "must carry exactly 2025's income and expense")
    assert "account 5001 in fund activity: due credit 2,500.00" in error.message
    town.refused(closing(town, "2024", 10_000 * YUAN, 2_500 * YUAN), DomainError,
                 "no income or expense left to carry")
    wrong_day = closing(town, "2025", 10_000 * YUAN, 2_500 * YUAN).statement.body
    town.refused(town.agent.sign("entry.posted", {**wrong_day, "date": "2025-12-30"}),
                 DomainError, "dated 2025-12-31")
    to_bank = {**wrong_day, "postings": [posting("4001", "activity", "debit", 10_000 * YUAN),
                                         posting("5001", "activity", "credit", 2_500 * YUAN),
                                         posting("1002", "activity", "credit", 7_500 * YUAN)]}
    town.refused(town.agent.sign("entry.posted", to_bank), DomainError,
                 "account 1002 is asset")


def test_december_closes_only_after_the_year_is_carried(town):
    a_year_2025(town)
    for month in range(1, 12):
        town.submit(town.agent.close_period(f"2025-{month:02d}"))
        town.submit(town.supervisor.cosign_period_close(f"2025-{month:02d}"))
    town.refused(town.agent.close_period("2025-12"), DomainError, "not yet carried")
    carried = town.submit(closing(town, "2025", 10_000 * YUAN, 2_500 * YUAN))
    town.submit(town.agent.close_period("2025-12"))
    town.submit(town.supervisor.cosign_period_close("2025-12"))
    town.refused(town.agent.reverse(carried, closing(town, "2025", 10_000 * YUAN, 2_500 * YUAN)
                                    .statement.body["postings"], "2026-01-05", "undo"),
                 DomainError, "is a year-end close")
    town.refused(town.agent.post("2025-12-31", "grant", STREET_OFFICE, [
        posting("1002", "activity", "debit", YUAN), posting("4001", "activity", "credit", YUAN)]),
        PeriodClosed, "closed through 2025-12")
