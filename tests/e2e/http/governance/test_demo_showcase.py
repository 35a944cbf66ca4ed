"""The demo's governance showcase over real HTTP, on both stores (issue 12): a late
disclosure in the schedule, monthly sheets a resident renders again from the log, a
finding rectified and another overdue, an answer rated by its asker and a
confidential report handled; each checked against the statements on the log."""

from __future__ import annotations

from collections import defaultdict

import pytest

from ledger.domain import replay
from ledger.domain.sheets import period_sheet
from ledger.domain.state import LedgerState
from tests.builders.demo_year import STORES, served_demo_year


@pytest.fixture(scope="module", params=STORES)
def year(request, tmp_path_factory):
    yield from served_demo_year(request, tmp_path_factory)


def test_a_late_disclosure_shows_late_in_the_schedule(year):
    schedule = year.get("disclosures/schedule")
    late = [item for item in schedule["items"] if item["status"] == "late"]
    assert late and schedule["counts"]["late"] == len(late)
    for item in late:
        assert min(p["published_on"] for p in item["published"]) > item["due_on"]
    on_time = [item for item in schedule["items"] if item["status"] == "on_time"]
    assert len(on_time) > len(late)


def test_every_monthly_disclosure_sheet_renders_again_from_the_log_it_names(year):
    """A resident's check: replay the log to the size the sheet was printed at (the
    first of the disclosures published with it) and render it again."""
    published = [(seq, body) for seq, body in year.of_type("disclosure.published")
                 if "totals" in body and "fund" in body]
    assert len(published) >= 5 * 3
    state, replayed = LedgerState(year.slug), 0
    previous = run_start = None
    for seq, body in published:
        if previous is None or seq != previous + 1:
            run_start = seq  # a new day at the notice board: printed from the log before it
        previous = seq
        while replayed < run_start:
            replay(state, year.entries[replayed])
            replayed += 1
        again = period_sheet(state, year.entries[:run_start], period=body["period"],
                             fund=body["fund"])
        assert again.sha256 == body["sheet_sha256"], seq


def test_one_finding_was_rectified_and_closed_and_another_is_overdue(year):
    rectified = {body["finding"] for _, body in year.of_type("inspection.finding_rectified")}
    answer = year.get("inspection-findings")
    by_status = defaultdict(list)
    for item in answer["items"]:
        by_status[item["status"]].append(item)
    [closed] = by_status["closed"]
    assert closed["seq"] in rectified and closed["evidence_sha256"]
    [overdue] = [item for item in answer["items"] if item["overdue"]]
    assert overdue["status"] == "assigned" and overdue["deadline"] < answer["today"]
    assert answer["counts"]["overdue"] == 1


def test_a_question_was_rated_by_its_asker_and_a_confidential_report_handled(year):
    [(_, rating)] = year.of_type("question.rated")
    questions = year.get("questions")["items"]
    [rated] = [q for q in questions if q["rating"] is not None]
    assert rated["seq"] == rating["question"] and rated["status"] == "closed"
    [(report, _)] = year.of_type("confidential.filed")
    reports = year.get("confidential")
    assert reports["counts"] == {"filed": 1, "handled": 1}
    [item] = reports["items"]
    assert item["seq"] == report and item["handled_on"]
    assert (year.settings.data_dir / "confidential" / year.slug).is_dir()  # the sealed bundle
