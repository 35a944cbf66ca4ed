"""The parts of the API contract a person would look for first, checked one by one over
real HTTP: what the OpenAPI description promises for every route, 405 with ``Allow``,
and a slug no ledger could have refused before anything reads it."""

from __future__ import annotations

from api.contract import SLUG_LENGTH_MAX
from tests.builders.http import PROBLEM, assert_problem, bearer


def operations(spec: dict):
    for path, item in spec["paths"].items():
        for method, operation in item.items():
            yield f"{method.upper()} {path}", operation


def test_every_operation_declares_its_problems_and_bounds_its_ledger(api):
    spec = api.openapi()
    for name, operation in operations(spec):
        refusals = {status: answer for status, answer in operation["responses"].items()
                    if status[0] in "45"}
        if operation.get("parameters") or "requestBody" in operation:
            assert "422" in refusals, name
        for status, answer in refusals.items():
            assert list(answer["content"]) == [PROBLEM], (name, status)
            schema = answer["content"][PROBLEM]["schema"]
            assert {"type", "title", "status", "detail"} <= set(schema["required"]), name
        for parameter in operation.get("parameters", []):
            if parameter["name"] == "ledger":
                assert parameter["schema"]["maxLength"] == SLUG_LENGTH_MAX, name
                assert parameter["schema"]["pattern"].startswith("^"), name
        if name.startswith("POST"):
            body = operation["requestBody"]
            assert body["required"] and list(body["content"]) == ["application/json"], name
            assert {"413", "415"} <= set(refusals), name


def test_a_method_a_resource_lacks_is_405_with_allow(http, town):
    response = http.put(f"/v1/ledgers/{town.slug}/questions")
    assert_problem(response, 405, "method-not-allowed")
    assert response.headers["allow"] == "GET, POST"  # both routes of the path count
    response = http.delete(f"/v1/ledgers/{town.slug}/funds")
    assert_problem(response, 405, "method-not-allowed")
    assert response.headers["allow"] == "GET"


def test_a_60_kb_slug_is_refused_before_the_token_is_looked_at(http, projected):
    town = projected.community
    slug = "a" * 60_000
    headers = bearer(town.agent)
    for route in ("audit/journal", "audit/red-flags", "funds", "entries", "statements"):
        url = f"/v1/ledgers/{slug}/{route}"
        response = (http.post(url, json={}, headers=headers) if route == "statements"
                    else http.get(url, headers=headers))
        assert_problem(response, 422, "invalid-request")
    # The token was never spent on the refused requests: it still signs the agent in.
    response = http.get(f"/v1/ledgers/{town.slug}/audit/journal", headers=headers)
    assert response.status_code == 200, response.text
