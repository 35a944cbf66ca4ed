"""GET /figures over real HTTP, on both stores: the demo ledger's figures (with a policy
and an approved major payment) are accepted by a checker written from FORMAT.md
section 10 alone, at the latest checkpoint and at an older one; the verifier's own
recomputation gives the same document; bad sizes are 404 or 422 problems."""

from __future__ import annotations

import copy
import json
import uuid

import pytest

from ledger.client import posting
from ledger.demo.build import ENTRIES_MIN, build_demo, role_keys
from ledger.demo.chart import BANK, GRANTS
from ledger.domain.dates import local_day
from ledger.format.statements import format_time, utc_now
from ledger.verify.run import verify_ledger
from tests.builders.http import assert_problem
from tests.builders.community import STREET_OFFICE
from tests.independent_figures import Disagrees, check_figures


@pytest.fixture
def demo(app, api):
    return build_demo(app, f"demo-{uuid.uuid4().hex[:8]}", entries=ENTRIES_MIN + 30)


@pytest.fixture
def two_checkpoints(demo, app, settings, checkpoints) -> tuple[int, int]:
    """The demo signed at its size, then one grant more and signed again."""
    checkpoints.issue(demo.ledger)
    agent = role_keys(settings, demo.ledger)["agent"]
    lines = [posting(BANK, "general", "debit", 100), posting(GRANTS, "general", "credit", 100)]
    today = local_day(format_time(utc_now())).isoformat()  # the demo's months are closed
    app.submit(agent.post(today, "grant", STREET_OFFICE, lines))
    checkpoints.issue(demo.ledger)
    return demo.size, demo.size + 1


def leaves_of(app, slug) -> list[bytes]:
    return [stored.leaf for stored in app.reader.stored(slug)]


def test_the_demo_figures_pass_an_independent_check_at_every_checkpoint(
        http, app, demo, two_checkpoints):
    older, latest = two_checkpoints
    base = f"/v1/ledgers/{demo.ledger}/figures"
    leaves = leaves_of(app, demo.ledger)
    types = {json.loads(leaf)["statement"]["type"] for leaf in leaves}
    assert {"policy.set", "entry.approved"} <= types  # a held major payment, approved
    answers = {None: http.get(base), older: http.get(base, params={"size": older})}
    for size, response in answers.items():
        assert response.status_code == 200, response.text
        answer = response.json()
        assert set(answer) == {"figures", "note"}
        assert answer["figures"]["size"] == (size or latest)
        check_figures(answer, leaves, demo.log_vkey)
    assert answers[None].json()["figures"] != answers[older].json()["figures"]


def test_a_document_with_one_balance_changed_is_refused(http, app, demo, two_checkpoints):
    answer = http.get(f"/v1/ledgers/{demo.ledger}/figures").json()
    altered = copy.deepcopy(answer)
    altered["figures"]["balances"][0][3] += 1
    account, fund, currency = altered["figures"]["balances"][0][:3]
    with pytest.raises(Disagrees, match=f"{account!r}, {fund!r}, {currency!r}"):
        check_figures(altered, leaves_of(app, demo.ledger), demo.log_vkey)


def test_the_verifier_recomputes_the_logs_document_of_the_demo(app, demo, two_checkpoints,
                                                               checkpoints):
    kept = [checkpoints.figures(demo.ledger, size) for size in two_checkpoints]
    report = verify_ledger(app, demo.ledger, figures=[(k.note, k.document()) for k in kept])
    assert report.ok, report.findings
    assert report.figures == {k.size: k.document() for k in kept}


def test_sizes_without_a_checkpoint_are_404_naming_the_sizes_and_bad_sizes_422(
        http, demo, two_checkpoints):
    base = f"/v1/ledgers/{demo.ledger}/figures"
    missing = http.get(base, params={"size": 3})
    assert_problem(missing, 404, "not-found")
    assert missing.json()["sizes"] == list(two_checkpoints)
    assert str(two_checkpoints[0]) in missing.json()["detail"]
    for bad in ("0", "-1", "abc", str(2**53)):
        assert_problem(http.get(base, params={"size": bad}), 422, "invalid-request")
    assert_problem(http.get("/v1/ledgers/nowhere/figures"), 404, "ledger-not-found")


def test_a_ledger_without_checkpoints_has_no_figures_yet(http, town):
    response = http.get(f"/v1/ledgers/{town.slug}/figures")
    assert_problem(response, 404, "not-found")
    assert "no checkpoint" in response.json()["detail"]


def test_the_openapi_description_declares_figures(api):
    operation = api.openapi()["paths"]["/v1/ledgers/{ledger}/figures"]["get"]
    assert {"200", "404", "422"} <= set(operation["responses"])
    assert [p["name"] for p in operation["parameters"]] == ["ledger", "size"]
