"""A fund's budget for a year is adopted once; a change is a revision that says why."""

from __future__ import annotations

from ledger.errors import FormatError, RevisionNeedsReason
from tests.builders.refusals import assert_refused


def test_a_second_budget_without_a_reason_is_refused_and_changes_nothing(community):
    community.app.submit(community.committee.budget("general", 2026, 100_000))
    assert_refused(community.app, community.slug,
                   community.committee.budget("general", 2026, 900_000),
                   RevisionNeedsReason, "already has a budget for 2026",
                   code="revision-needs-reason")
    assert_refused(community.app, community.slug,
                   community.committee.budget("general", 2026, 900_000, reason="   "),
                   FormatError, "reason")
    assert community.app.state(community.slug).budgets[("general", 2026)] == 100_000


def test_a_revision_with_its_reason_replaces_the_budget(community):
    community.app.submit(community.committee.budget("general", 2026, 100_000))
    community.app.submit(community.committee.budget("general", 2026, 120_000,
                                                    reason="增设助老服务 elder-care added"))
    assert community.app.state(community.slug).budgets[("general", 2026)] == 120_000


def test_the_first_budget_of_another_year_needs_no_reason(community):
    community.app.submit(community.committee.budget("general", 2026, 100_000))
    community.app.submit(community.committee.budget("general", 2027, 100_000))
    assert community.app.state(community.slug).budgets[("general", 2027)] == 100_000
