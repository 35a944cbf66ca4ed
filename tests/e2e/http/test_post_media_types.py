"""POST bodies are JSON: a body sent as text/plain, as a form or with no Content-Type is
refused with 415 problem+json (nothing is read, nothing changes), even when the bytes
are a valid signed statement; application/json with charset=utf-8 is taken."""

from __future__ import annotations

import json

import pytest

from tests.builders.http import Steps, assert_problem

NOT_JSON = [{"content-type": "text/plain"}, {"content-type": "application/x-www-form-urlencoded"},
            {}, {"content-type": "application/json; charset=latin-1"},
            {"content-type": "application/jsonx"}]


def a_payment(town) -> bytes:
    signed = town.agent.post("2026-06-01", "activity", {"kind": "organisation", "name": "店"},
                             [{"account": "5001", "fund": "general", "side": "debit",
                               "amount": 1},
                              {"account": "1002", "fund": "general", "side": "credit",
                               "amount": 1}])
    return json.dumps(signed.to_json(), ensure_ascii=False).encode("utf-8")


@pytest.mark.parametrize("headers", NOT_JSON, ids=lambda h: h.get("content-type", "none"))
@pytest.mark.parametrize("route", ["statements", "batches", "checkpoint/cosignatures",
                                   "questions"])
def test_a_body_not_sent_as_json_is_refused_and_changes_nothing(http, projected, route,
                                                               headers):
    town = projected.community
    steps = Steps(http, town)
    before = steps.log()
    body = a_payment(town)
    if route == "batches":
        body = b'{"statements": [' + body + b"]}"
    response = http.post(f"/v1/ledgers/{town.slug}/{route}", content=body,
                         headers=headers)
    problem = assert_problem(response, 415, "unsupported-media-type")
    assert "application/json" in problem["detail"]
    assert steps.log() == before


def test_json_with_charset_utf8_is_taken(http, projected):
    town = projected.community
    steps = Steps(http, town)
    size_before = steps.log()[0]
    response = http.post(f"/v1/ledgers/{town.slug}/statements", content=a_payment(town),
                         headers={"content-type": "application/json; charset=utf-8"})
    assert response.status_code == 201, response.text
    assert steps.log()[0] == size_before + 1
