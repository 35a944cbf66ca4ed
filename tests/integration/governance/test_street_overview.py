"""The street office's overview (projections/overview.py) on both stores: two communities
in known states (tests/builders/overview.py) read back indicator by indicator, graded
by the default rule and by another, sorted every way, and limited to the ledgers the
server serves. On PostgreSQL each test has a database of its own: the overview lists
every ledger of its database."""

from __future__ import annotations

from datetime import date

import pytest

from api.web_lang import LEDGER_TIME_ZONE
from ledger.log.application import LedgerApplication
from projections.overview import SORT_KEYS, overview
from projections.risk_grade import rule_from
from projections.view import open_view
from projections.worker import catch_up
from tests.builders.overview import TODAY, YEAR, expected, two_communities

pytestmark = pytest.mark.own_database


@pytest.fixture
def app(settings, clock) -> LedgerApplication:
    application = LedgerApplication(settings, clock=clock)
    yield application
    application.close()


@pytest.fixture
def two(app, clock):
    built = two_communities(app, clock)
    catch_up(app)
    return built


def read(app, clock, **options):
    return overview(open_view(app), date.fromisoformat(TODAY), clock(), LEDGER_TIME_ZONE,
                    **options)


def test_every_indicator_of_both_communities_is_read_exactly(app, clock, two):
    result = read(app, clock)
    assert result["today"] == TODAY and result["disclosure_period"] == f"{YEAR}-02"
    assert {row["ledger"]: row for row in result["items"]} == expected(two)
    assert result["counts"] == {"priority": 1, "ordinary": 1}
    # The default: priority first.
    assert [row["ledger"] for row in result["items"]] == [two.troubled.slug, two.calm.slug]
    assert (result["sort"], result["order"]) == ("grade", "desc")


def test_the_days_decide_which_entries_and_questions_count(app, clock, two):
    rows = {row["ledger"]: row for row in read(app, clock, unconfirmed_days=60,
                                               unanswered_days=0)["items"]}
    troubled = rows[two.troubled.slug]
    # Dated 1 February, the rent is not 60 days old on 20 March; the rest is.
    assert troubled["cash_unconfirmed"] == 7
    # With 0 days, the question of 15 March counts too.
    assert troubled["questions_unanswered"] == 4
    rows = {row["ledger"]: row for row in read(app, clock, unconfirmed_days=366,
                                               unanswered_days=366)["items"]}
    assert rows[two.troubled.slug]["cash_unconfirmed"] == 0
    assert rows[two.troubled.slug]["questions_unanswered"] == 0
    assert rows[two.troubled.slug]["reasons"] == [
        "findings_overdue >= 1", "disclosure_period_rate < 1", "red_flags_open >= 3",
        "arrears_amount > 0"]


def test_a_red_flag_stays_open_until_a_finding_about_it_is_closed(app, clock, two):
    # calm has two invoices paid twice; the finding about invoice B was closed.
    assert len(two.flags["calm"]) == 4
    [calm] = [row for row in read(app, clock)["items"] if row["ledger"] == two.calm.slug]
    assert calm["red_flags_open"] == 1 and calm["findings_open"] == 1


def test_another_rule_grades_by_its_own_conditions(app, clock, two):
    rule = rule_from({"priority_when": ["satisfaction_rate < 0.6", "red_flags_open >= 4"]})
    result = read(app, clock, rule=rule)
    grades = {row["ledger"]: (row["grade"], row["reasons"]) for row in result["items"]}
    assert grades == {two.calm.slug: ("priority", ["satisfaction_rate < 0.6"]),
                      two.troubled.slug: ("ordinary", [])}
    assert result["rule"] == {"source": "file", "priority_when": [
        "satisfaction_rate < 0.6", "red_flags_open >= 4"]}


def test_every_sort_key_orders_both_ways_with_missing_values_last(app, clock, two):
    for sort in SORT_KEYS:
        ups = read(app, clock, sort=sort, order="asc")["items"]
        downs = read(app, clock, sort=sort, order="desc")["items"]

        def key(row, sort=sort):
            return (1 if row["grade"] == "priority" else 0) if sort == "grade" else row[sort]

        for rows, descending in ((ups, False), (downs, True)):
            present = [key(row) for row in rows if key(row) is not None]
            assert present == sorted(present, reverse=descending), (sort, descending)
            missing = [row for row in rows if key(row) is None]
            assert rows[len(rows) - len(missing):] == missing, sort  # never first
        if all(key(row) is not None for row in ups) and key(ups[0]) != key(ups[1]):
            assert ups == downs[::-1], sort


def test_ties_are_broken_by_ledger_and_the_default_order_puts_trouble_first(app, clock, two):
    # Both are called 新竹社区: by name they tie, and the ledger decides.
    by_name = read(app, clock, sort="name")["items"]
    assert [row["ledger"] for row in by_name] == sorted([two.calm.slug, two.troubled.slug])
    assert read(app, clock, sort="name")["order"] == "asc"
    worst_first = read(app, clock, sort="disclosure_rate")
    assert worst_first["order"] == "asc"  # low rates first; calm has none: last
    assert [row["ledger"] for row in worst_first["items"]] == [two.troubled.slug, two.calm.slug]
    assert [row["ledger"] for row in read(app, clock, sort="red_flags_open")["items"]] == [
        two.troubled.slug, two.calm.slug]


def test_only_the_ledgers_this_server_serves_are_listed(app, clock, two):
    result = read(app, clock, served=lambda slug: slug == two.calm.slug)
    assert [row["ledger"] for row in result["items"]] == [two.calm.slug]
    assert result["counts"] == {"priority": 0, "ordinary": 1}
    assert read(app, clock, served=lambda slug: False)["items"] == []


def test_reading_the_overview_changes_no_view(app, clock, two):
    view = open_view(app)
    before = view.dump()
    read(app, clock)
    read(app, clock, sort="arrears_amount", unconfirmed_days=0)
    assert view.dump() == before
