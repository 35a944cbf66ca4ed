"""Any body, any type: a statement correctly signed by a key whose role may sign it,
whose body is broken in any way (a value of another JSON type, anywhere; a string
with a control, bidi or non-character; an arbitrary object), answers a 4xx
problem, never a 5xx, and leaves the log as it was (size and head). The same for
anything posted to the public questions form, which the server signs itself."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings, strategies as st

from ledger.domain import STATEMENT_TYPES
from tests.builders.bodies import JSON_VALUES, broken_body, signer_for, template_bodies

RUNS = settings(max_examples=120, deadline=None, derandomize=True,
                suppress_health_check=[HealthCheck.function_scoped_fixture,
                                       HealthCheck.too_slow])
QUESTION = {"about": {"kind": "entry", "ref": 14}, "text": "这笔钱买了什么?",
            "contact": "13800138000"}


def log_head(town) -> tuple[int, str]:
    size = town.app.reader.size(town.slug)
    return size, town.app.reader.entry(town.slug, size - 1).hash


def assert_refused_as_the_input(response, before, town) -> None:
    assert 400 <= response.status_code < 500, (response.status_code, response.text)
    assert response.headers["content-type"].startswith("application/problem+json")
    assert log_head(town) == before


@RUNS
@given(data=st.data())
def test_a_broken_body_of_any_statement_type_is_a_4xx_and_changes_nothing(
        data, http, town, intake):
    templates = template_bodies(town)
    assert set(templates) == set(STATEMENT_TYPES), "a template for every statement type"
    statement_type = data.draw(st.sampled_from(sorted(templates)), label="type")
    body = data.draw(broken_body(templates[statement_type]), label="body")
    signed = signer_for(town, statement_type).sign(statement_type, body)
    before = log_head(town)
    response = http.post(f"/v1/ledgers/{town.slug}/statements", json=signed.to_json())
    assert_refused_as_the_input(response, before, town)


@RUNS
@given(body=broken_body(QUESTION) | JSON_VALUES)
def test_anything_posted_as_a_question_is_a_4xx_and_changes_nothing(body, http, town, intake):
    before = log_head(town)
    response = http.post(f"/v1/ledgers/{town.slug}/questions", json=body)
    assert_refused_as_the_input(response, before, town)


def test_the_unbroken_templates_reach_the_domain_and_a_question_is_taken(http, town, intake):
    """The property above is only worth something if its templates are close to
    valid: an unbroken question is accepted, and an unbroken entry.posted too."""
    templates = template_bodies(town)
    signed = town.agent.sign("entry.posted", templates["entry.posted"])
    assert http.post(f"/v1/ledgers/{town.slug}/statements",
                     json=signed.to_json()).status_code == 201
    assert http.post(f"/v1/ledgers/{town.slug}/questions", json=QUESTION).status_code == 201
