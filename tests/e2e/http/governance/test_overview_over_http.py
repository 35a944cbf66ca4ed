"""GET /v1/overview and the /overview page over a real uvicorn, on both stores: two
communities in known states (tests/builders/overview.py) with their indicators and
grades exactly, sorted by the query, as CSV; bad parameters answer the same 422
``invalid-request`` as every route and change nothing; the risk rule comes from the
file the setting names, and a bad one stops the start; with a directory of ledgers
only the ledgers placed here are listed."""

from __future__ import annotations

import csv
import io
import json
from dataclasses import replace

import httpx
import pytest

from api.app import ApiOptions, create_app
from ledger.errors import RiskRuleError
from projections.view import open_view
from projections.worker import catch_up
from tests.builders.cli import Cli
from tests.builders.overview import RENT, TODAY, expected, two_communities
from tests.builders.server import running

pytestmark = pytest.mark.own_database  # the overview lists every ledger of its database


@pytest.fixture
def two(app, clock):
    built = two_communities(app, clock)
    catch_up(app)
    return built


def served(settings, app, **changes):
    """A server on the test's store and application, with ``changes`` to the settings."""
    return running(create_app(replace(settings, **changes), application=app,
                              options=ApiOptions(public_rate_per_minute=0)))


def test_every_community_is_listed_with_its_indicators_and_grade(http, two):
    answer = http.get("/v1/overview")
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert {row["ledger"]: row for row in body["items"]} == expected(two)
    assert [row["grade"] for row in body["items"]] == ["priority", "ordinary"]
    assert body["today"] == TODAY and body["counts"] == {"priority": 1, "ordinary": 1}
    assert (body["unconfirmed_days"], body["unanswered_days"]) == (7, 15)
    assert body["rule"]["source"] == "default" and "red_flags_open >= 3" in \
        body["rule"]["priority_when"]
    assert answer.headers["cache-control"] == "public, max-age=5"


def test_the_query_sorts_and_sets_the_days(http, two):
    def ledgers(query: str) -> list[str]:
        answer = http.get("/v1/overview" + query)
        assert answer.status_code == 200, answer.text
        return [row["ledger"] for row in answer.json()["items"]]

    assert ledgers("?sort=red_flags_open&order=asc") == [two.calm.slug, two.troubled.slug]
    assert ledgers("?sort=red_flags_open") == [two.troubled.slug, two.calm.slug]
    assert ledgers("?sort=satisfaction_rate&order=desc") == [two.calm.slug, two.troubled.slug]
    assert ledgers("?sort=satisfaction_rate&order=asc") == [two.calm.slug, two.troubled.slug]
    rows = http.get("/v1/overview?unconfirmed_days=60&unanswered_days=0").json()["items"]
    troubled = next(row for row in rows if row["ledger"] == two.troubled.slug)
    assert (troubled["cash_unconfirmed"], troubled["questions_unanswered"]) == (7, 4)


def test_the_csv_has_a_row_per_community_with_the_same_figures(http, two):
    answer = http.get("/v1/overview?format=csv&sort=ledger")
    assert answer.status_code == 200
    assert answer.headers["content-type"] == "text/csv; charset=utf-8"
    assert answer.headers["content-disposition"] == \
        f'attachment; filename="overview-{TODAY}.csv"'
    assert answer.content.startswith("\ufeff".encode("utf-8"))  # as every CSV download
    rows = list(csv.DictReader(io.StringIO(answer.content.decode("utf-8-sig"))))
    assert [row["ledger"] for row in rows] == sorted([two.calm.slug, two.troubled.slug])
    by_ledger = {row["ledger"]: row for row in rows}
    troubled, calm = by_ledger[two.troubled.slug], by_ledger[two.calm.slug]
    assert troubled["grade"] == "priority" and troubled["reasons"] == (
        "findings_overdue >= 1;disclosure_period_rate < 1;red_flags_open >= 3;"
        "arrears_amount > 0;questions_unanswered >= 3")
    assert troubled["arrears_amount（元）"] == f"{RENT // 100}.00"  # yuan, as every CSV
    assert (troubled["cash_unconfirmed"], troubled["red_flags_open"]) == ("8", "3")
    assert (troubled["disclosure_rate"], troubled["disclosure_period"]) == ("0.0", TODAY[:5] + "02")
    assert calm["grade"] == "ordinary" and calm["reasons"] == ""
    assert calm["disclosure_rate"] == "" and calm["satisfaction_rate"] == "0.5"
    assert calm["last_entry_at"].endswith("+08:00")  # the ledger's time, as every CSV
    assert list(rows[0]) == [
        "ledger", "name", "grade", "reasons", "disclosure_rate", "disclosure_period",
        "disclosure_period_rate", "disclosures_overdue", "findings_open", "findings_overdue",
        "red_flags_open", "cash_unconfirmed", "arrears_contracts", "arrears_amount（元）",
        "questions_unanswered", "satisfaction_rate", "satisfaction_rated", "last_entry_at",
        "size", "currency"]


BAD_QUERIES = ["unconfirmed_days=-1", "unconfirmed_days=367", "unconfirmed_days=abc",
               "unconfirmed_days=1.5", "unanswered_days=-1", "unanswered_days=400",
               "unanswered_days=", "sort=size", "sort=", "sort=RED_FLAGS_OPEN",
               "order=up", "order=", "format=xml", "sort=grade%00"]


def test_bad_parameters_are_the_usual_422_and_change_nothing(http, app, two):
    view = open_view(app)
    before = (view.dump(), app.reader.size(two.calm.slug), app.reader.size(two.troubled.slug))
    for query in BAD_QUERIES:
        answer = http.get(f"/v1/overview?{query}")
        assert answer.status_code == 422, (query, answer.text)
        assert answer.headers["content-type"] == "application/problem+json"
        problem = answer.json()
        assert problem["type"] == "https://sunledger.example/problems/invalid-request", query
        assert problem["instance"] == "/v1/overview"
    after = (view.dump(), app.reader.size(two.calm.slug), app.reader.size(two.troubled.slug))
    assert after == before


def test_the_page_shows_both_and_a_bad_setting_answers_400_with_the_reason(http, two):
    page = http.get("/overview")
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    for slug in (two.calm.slug, two.troubled.slug):
        assert f'data-ledger="{slug}"' in page.text
        assert f'href="/ledgers/{slug}"' in page.text
    assert 'data-grade="priority"' in page.text and 'data-grade="ordinary"' in page.text
    for query, says in (("unconfirmed_days=abc", "unconfirmed_days"),
                        ("sort=bogus", "sort must be one of"), ("order=up", "order")):
        refused = http.get(f"/overview?{query}")
        assert refused.status_code == 400, query
        assert says in refused.text and 'role="alert"' in refused.text
        assert f'data-ledger="{two.troubled.slug}"' in refused.text  # the defaults below it
    assert 'href="/overview"' in http.get("/").text  # found from the list of ledgers


def test_the_rule_comes_from_the_file_the_setting_names(settings, app, two, tmp_path):
    rule = tmp_path / "rule.toml"
    rule.write_text('priority_when = ["satisfaction_rate < 0.6"]\n', encoding="utf-8")
    with served(settings, app, risk_rule=rule) as url:
        body = httpx.get(f"{url}/v1/overview", timeout=30).json()
    assert body["rule"] == {"source": "file", "priority_when": ["satisfaction_rate < 0.6"]}
    assert [(row["ledger"], row["grade"], row["reasons"]) for row in body["items"]] == [
        (two.calm.slug, "priority", ["satisfaction_rate < 0.6"]),
        (two.troubled.slug, "ordinary", [])]


def test_a_bad_rule_file_stops_the_start_with_what_is_wrong(settings, app, tmp_path,
                                                            monkeypatch):
    rule = tmp_path / "rule.toml"
    rule.write_text('priority_when = ["red_flags >= 3"]\n', encoding="utf-8")
    with pytest.raises(RiskRuleError, match="names no indicator"):
        create_app(replace(settings, risk_rule=rule), application=app)
    monkeypatch.setenv("SUNLEDGER_RISK_RULE", str(rule))
    line = Cli(settings).fails("serve", "--port", "1")
    assert "[bad-risk-rule]" in line and str(rule) in line and "red_flags >= 3" in line
    monkeypatch.setenv("SUNLEDGER_RISK_RULE", str(tmp_path / "missing.toml"))
    assert "cannot be read" in Cli(settings).fails("serve", "--port", "1")


def test_with_a_directory_only_the_ledgers_placed_here_are_listed(settings, app, two,
                                                                  tmp_path):
    directory = tmp_path / "directory.json"
    directory.write_text(json.dumps({
        "version": 1,
        "databases": {"here": {"primary": settings.database_url},
                      "there": {"primary": "postgresql://elsewhere.invalid/ledgers",
                                "server": "https://there.example"}},
        "ledgers": {two.calm.slug: {"database": "here"},
                    two.troubled.slug: {"database": "there"}}}), encoding="utf-8")
    with served(settings, app, directory=directory, directory_database="here") as url:
        overview = httpx.get(f"{url}/v1/overview", timeout=30).json()
        listed = httpx.get(f"{url}/v1/ledgers", timeout=30).json()
        page = httpx.get(f"{url}/overview", timeout=30).text
    assert [row["ledger"] for row in overview["items"]] == [two.calm.slug]
    assert [row["ledger"] for row in listed["ledgers"]] == [two.calm.slug]
    assert two.troubled.slug not in page
