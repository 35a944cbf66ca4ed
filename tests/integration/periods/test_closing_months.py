"""Closing months (结账): the agent closes, the supervisors co-sign, months close in
order, and nothing is posted into a closed month; a correction goes into the open
month and names what it corrects. Every refusal leaves the log unchanged."""

from __future__ import annotations

from ledger.client import posting
from ledger.errors import (ApprovalRequired, DomainError, FormatError, NotFound, OutOfOrder,
                           PeriodClosed, PolicyError, SameKey)
from tests.builders.community import SUPPLIER, YUAN


def close(town, month: str) -> tuple[int, int]:
    closed = town.submit(town.agent.close_period(month))
    return closed, town.submit(town.supervisor.cosign_period_close(month))


def test_a_month_closed_by_the_agent_counts_as_closed_once_the_supervisors_cosign(town):
    closed = town.submit(town.agent.close_period("2026-02", memo="二月结账"))
    assert town.state.periods["2026-02"].status == "closing"
    cosigned = town.submit(town.supervisor.cosign_period_close("2026-02"))
    period = town.state.periods["2026-02"]
    assert (period.status, period.closed_seq, period.cosigned_seq) == ("closed", closed, cosigned)
    assert (period.closed_by, period.cosigned_by) == (town.agent.key_id, town.supervisor.key_id)


def test_a_back_dated_entry_into_a_closed_month_is_refused_and_the_log_is_unchanged(town):
    town.grant("activity", 10_000 * YUAN, date="2026-01-05")
    close(town, "2026-02")
    error = town.refused(town.agent.post("2026-02-27", "activity", SUPPLIER, [
        posting("5001", "activity", "debit", 900 * YUAN),
        posting("1002", "activity", "credit", 900 * YUAN)]), PeriodClosed,
        "closed through 2026-02")
    assert error.code == "period-closed" and error.details["closed_through"] == "2026-02"
    # The first close closes every month before it too.
    town.refused(town.agent.post("2026-01-31", "activity", SUPPLIER, [
        posting("5001", "activity", "debit", 1 * YUAN),
        posting("1002", "activity", "credit", 1 * YUAN)]), PeriodClosed, "closed period")
    town.spend("activity", 900 * YUAN, date="2026-03-02")


def test_entries_are_refused_from_the_agents_close_on_before_the_cosignature(town):
    town.submit(town.agent.close_period("2026-02"))
    town.refused(town.agent.post("2026-02-10", "activity", SUPPLIER, [
        posting("5001", "activity", "debit", 1 * YUAN),
        posting("4001", "activity", "credit", 1 * YUAN)]), PeriodClosed, "2026-02")


def test_a_reversal_dated_in_a_closed_month_is_refused_and_one_dated_today_is_not(town):
    town.grant("activity", 10_000 * YUAN, date="2026-01-05")
    lines = [posting("5001", "activity", "debit", 300 * YUAN),
             posting("1002", "activity", "credit", 300 * YUAN)]
    wrong = town.submit(town.agent.post("2026-02-03", "activity", SUPPLIER, lines))
    close(town, "2026-02")
    town.refused(town.agent.reverse(wrong, lines, "2026-02-28", "wrong amount"), PeriodClosed,
                 "closed period")
    town.submit(town.agent.reverse(wrong, lines, "2026-03-01", "wrong amount"))


def test_a_correction_goes_into_the_open_month_and_names_what_it_corrects(town):
    town.grant("activity", 10_000 * YUAN, date="2026-01-05")
    wrong = town.submit(town.agent.post("2026-02-03", "activity", SUPPLIER, [
        posting("5001", "activity", "debit", 300 * YUAN),
        posting("1002", "activity", "credit", 300 * YUAN)]))
    close(town, "2026-02")
    fix = town.agent.post("2026-03-02", "activity", SUPPLIER, [
        posting("5001", "activity", "debit", 30 * YUAN),
        posting("1002", "activity", "credit", 30 * YUAN)], memo="补记 short by 30")
    corrected = town.agent.sign("entry.posted", {**fix.statement.body, "corrects": wrong})
    seq = town.submit(corrected)
    assert town.app.entries(town.slug, seq, seq + 1)[0].statement.body["corrects"] == wrong
    town.refused(town.agent.sign("entry.posted", {**fix.statement.body, "corrects": 10**6}),
                 NotFound, "does not exist")
    town.refused(town.agent.sign("entry.posted", {**fix.statement.body, "corrects": 1}),
                 DomainError, "a correction names a journal entry")


def test_months_close_in_order_each_after_the_one_before_is_cosigned(town):
    town.submit(town.agent.close_period("2026-01"))
    town.refused(town.agent.close_period("2026-02"), OutOfOrder, "co-signature")
    town.submit(town.supervisor.cosign_period_close("2026-01"))
    town.refused(town.agent.close_period("2026-03"), OutOfOrder, "next month to close is 2026-02")
    town.refused(town.supervisor.cosign_period_close("2026-01"), OutOfOrder, "already co-signed")
    town.refused(town.supervisor.cosign_period_close("2026-02"), OutOfOrder, "never closed")
    close(town, "2026-02")


def test_a_month_that_has_not_ended_cannot_close(town):
    town.refused(town.agent.close_period("2099-01"), DomainError, "has not ended yet")
    town.refused(town.agent.close_period("2026-13"), FormatError, "month must be a month")


def test_only_the_agent_closes_and_only_the_supervisors_cosign_and_never_one_key_both(town):
    town.refused(town.committee.close_period("2026-01"), PolicyError, "role")
    town.submit(town.agent.close_period("2026-01"))
    town.refused(town.committee.cosign_period_close("2026-01"), PolicyError, "role")
    assert town.state.periods["2026-01"].status == "closing"


def test_the_key_that_closed_a_month_may_not_cosign_it(town):
    both = town.new_key(["agent", "supervisor"], "agent and supervisor")
    town.submit(both.close_period("2026-01"))
    town.refused(both.cosign_period_close("2026-01"), SameKey, "may not co-sign")


def test_a_month_with_a_payment_waiting_for_approval_cannot_close(town):
    town.set_policy(approval=5_000 * YUAN)
    town.grant("activity", 10_000 * YUAN, date="2026-01-05")
    held = town.pay("activity", 6_000 * YUAN, date="2026-02-10", account="5001")
    error = town.refused(town.agent.close_period("2026-02"), ApprovalRequired,
                         "still wait for approval")
    assert error.details["entries"] == [held]
    town.submit(town.committee.reject(held, "no invoice"))
    close(town, "2026-02")
