"""Property tests over the published OpenAPI schema: whatever parameters a client
sends, within the schema or not, the server answers without a 500, and every
refusal is problem+json. Requests go to a real uvicorn over HTTP, on both stores.

Values come from each parameter's own JSON schema (hypothesis-jsonschema), mixed
with the real ledger slug and seqs (so the read models answer, not only 404)
and with junk text (so type checks are exercised too). Audit views get a fresh
sign-in token half of the time.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

import hypothesis.strategies as st
from hypothesis import HealthCheck, given, settings
from hypothesis_jsonschema import from_schema

from tests.builders.http import bearer

EXAMPLES_GET = 600
EXAMPLES_POST = 120
JUNK = st.text(max_size=30) | st.sampled_from(["-1", "0", "1e9", "9" * 30, "2026-02-30",
                                               "null", "%00", "../..", "1002", "general"])


def as_query_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def parameter_values(parameter: dict, known: list[Any]) -> st.SearchStrategy:
    """Mostly plausible values (so most requests reach the read models), some junk:
    a dial drawn first keeps those weights (one_of would not)."""
    schema = from_schema(parameter.get("schema", {}))
    known_values_ = st.sampled_from(known) if known else schema
    return st.integers(0, 9).flatmap(
        lambda dial: known_values_ if dial < 6 else schema if dial < 9 else JUNK)


def known_values(name: str, slug: str, seqs: list[int]) -> list[Any]:
    return {"ledger": [slug] * 8 + ["nowhere"], "seq": seqs, "cursor": seqs,
            "account": ["1002", "5001", "9999"], "fund": ["activity", "general", "none"],
            "year": [2025, 2026], "as_of": ["2026-01-31"], "date_from": ["2026-02-01"],
            "date_to": ["2026-03-31"], "format": ["csv", "json"], "start": [0, 5],
            "size": [1, 14, 20], "from": [1, 3], "to": [10, 14]}.get(name, [])


def request_strategy(operation_path: str, operation: dict, slug: str,
                     seqs: list[int]) -> st.SearchStrategy:
    parameters = operation.get("parameters", [])
    path_params = {p["name"]: parameter_values(p, known_values(p["name"], slug, seqs))
                   for p in parameters if p["in"] == "path"}
    query_params = {p["name"]: parameter_values(p, known_values(p["name"], slug, seqs))
                    for p in parameters if p["in"] == "query"}
    return st.tuples(st.just(operation_path), st.fixed_dictionaries(path_params),
                     st.fixed_dictionaries({}, optional=query_params), st.booleans())


def get_operations(spec: dict) -> list[tuple[str, dict]]:
    return [(path, item["get"]) for path, item in sorted(spec["paths"].items()) if "get" in item]


def check_answer(response, what) -> None:
    assert response.status_code < 500, (what, response.status_code, response.text[:500])
    if response.status_code >= 400:
        assert response.headers["content-type"] == "application/problem+json", what
        assert response.json()["status"] == response.status_code, what


def test_no_get_request_the_schema_allows_or_not_makes_the_server_fail(http, api, projected):
    town = projected.community
    spec = api.openapi()
    seqs = [0, 3, projected.seqs["zhang"], projected.seqs["reversal"], 10_000]
    requests = st.one_of(*[request_strategy(path, op, town.slug, seqs)
                           for path, op in get_operations(spec)])
    answered: dict[str, set[int]] = {}

    @settings(max_examples=EXAMPLES_GET, deadline=None, database=None,
              suppress_health_check=list(HealthCheck))
    @given(requests)
    def answers_without_failing(request):
        template, path_values, query, signed_in = request
        path = template
        for name, value in path_values.items():
            path = path.replace("{" + name + "}", quote(as_query_value(value), safe="") or "_")
        headers = bearer(town.agent) if signed_in and "/audit/" in template else {}
        response = http.get(path, params={k: as_query_value(v) for k, v in query.items()},
                            headers=headers)
        check_answer(response, (path, query))
        answered.setdefault(template, set()).add(response.status_code)

    answers_without_failing()
    # The run reached the read models, not only the parameter checks.
    assert sum(200 in codes for codes in answered.values()) >= len(answered) // 2, answered
    assert any(200 in codes for template, codes in answered.items() if "/audit/" in template)


JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False, allow_infinity=False) | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=10), inner,
                                                               max_size=4),
    max_leaves=12)


def mutated(document: Any, data: st.DataObject) -> Any:
    """A valid signed statement with one field replaced by any JSON value."""
    statement = dict(document["statement"])
    body = dict(statement["body"])
    where = data.draw(st.sampled_from(["top", "statement", "body"]))
    target = {"top": document, "statement": statement, "body": body}[where]
    key = data.draw(st.sampled_from(sorted(target)) | st.text(max_size=8))
    changed = {**target, key: data.draw(JSON_VALUES)}
    if where == "body":
        return {**document, "statement": {**statement, "body": changed}}
    if where == "statement":
        return {**document, "statement": changed}
    return changed


def test_no_statement_or_batch_body_makes_the_server_fail(http, projected, app):
    town = projected.community
    url = f"/v1/ledgers/{town.slug}"
    valid = town.agent.post("2026-06-01", "activity", {"kind": "organisation", "name": "店"},
                            [{"account": "5001", "fund": "general", "side": "debit",
                              "amount": 1},
                             {"account": "1002", "fund": "general", "side": "credit",
                              "amount": 1}]).to_json()

    @settings(max_examples=EXAMPLES_POST, deadline=None, database=None,
              suppress_health_check=list(HealthCheck))
    @given(st.data())
    def answers_without_failing(data):
        body = data.draw(st.one_of(JSON_VALUES, st.builds(lambda: None).flatmap(
            lambda _: st.just(mutated(valid, data)))))
        endpoint = data.draw(st.sampled_from(["/statements", "/batches"]))
        if endpoint == "/batches" and data.draw(st.booleans()):
            body = {"statements": [body]}
        response = http.post(url + endpoint, json=body)
        check_answer(response, body)

    answers_without_failing()
    raw = http.post(url + "/statements", content=b"\xff\xfe not json",
                    headers={"content-type": "application/json"})
    check_answer(raw, "raw bytes")
