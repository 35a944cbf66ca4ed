"""Confidential reports (举报) and satisfaction ratings over HTTP, on both stores.

A report's text is sealed to the supervisors' and auditors' keys: it is in no
entry, view row, public answer or page, and a supervisor opens it with the key
they sign with. A resident rates a closed question with the receipt code they
were given when asking, once."""

from __future__ import annotations

import json
import logging

import pytest

from ledger.client import Signer
from ledger.domain.dates import LEDGER_TIME_ZONE
from ledger.errors import FormatError, NotFound
from ledger.format.keys import SigningKey
from ledger.log import sealed_reports
from projections.view import open_view
from projections.worker import catch_up
from tests.builders.community import YUAN
from tests.builders.http import assert_problem, bearer

# Words no other test writes (the PostgreSQL database is shared, and the view dump
# holds every ledger in it): a demo's "居委会主任" must not look like a leak.
SECRET = "主任挪用了重阳节慰问金 the director took the Double Ninth money"
LEAKS = ("挪用了重阳节慰问金", "took the Double Ninth money")


def file_report(steps, text: str):
    return steps.http.post(f"{steps.base}/confidential", json={"text": text})


def test_a_report_is_sealed_to_the_supervisors_and_auditors_and_its_text_is_nowhere_public(
        steps, town, intake, caplog):
    auditor = town.new_key(["auditor"], "审计 auditor", "auditor")
    caplog.set_level(logging.DEBUG)
    response = file_report(steps, SECRET)
    assert response.status_code == 201, response.text
    assert not any(words in response.text for words in LEAKS)
    seq = response.json()["seq"]
    entry = town.app.reader.entry(town.slug, seq)
    assert entry.statement.type == "confidential.filed" and entry.signed.signer == intake.key_id
    assert entry.statement.body["recipients"] == sorted([town.supervisor.key.key_id,
                                                         auditor.key.key_id])

    catch_up(town.app)
    public = [leaf.decode("utf-8") for leaf in steps.log()[2]]
    public.append(json.dumps(open_view(town.app).dump(), ensure_ascii=False, default=str))
    for path in (f"{steps.base}/confidential", f"{steps.base}/entries?start=0&limit=1000",
                 f"/ledgers/{town.slug}", f"/ledgers/{town.slug}/questions"):
        public.append(steps.http.get(path).text)
    public.append(caplog.text)
    for text in public:
        assert not any(words in text for words in LEAKS)

    listed = steps.get("/confidential")
    assert [(i["seq"], i["handled_on"]) for i in listed["items"]] == [(seq, None)]
    for reader in (town.supervisor, auditor):
        sealed = steps.http.get(f"{steps.base}/audit/confidential/{seq}/sealed",
                                headers=bearer(reader))
        assert sealed.status_code == 200, sealed.text
        assert sealed_reports.open_sealed(sealed.content, reader.key) == SECRET


def test_only_supervisors_and_auditors_may_fetch_a_sealed_report(steps, town, intake):
    seq = file_report(steps, SECRET).json()["seq"]
    url = f"{steps.base}/audit/confidential/{seq}/sealed"
    assert_problem(steps.http.get(url, headers=bearer(town.committee)), 403, "forbidden-role")
    assert_problem(steps.http.get(url), 401, "not-signed-in")
    outsider = Signer(SigningKey.generate("outsider"), town.slug)
    sealed = steps.http.get(url, headers=bearer(town.supervisor)).content
    with pytest.raises(NotFound, match="not sealed to this key"):
        sealed_reports.open_sealed(sealed, outsider.key)
    # Claiming the supervisor's slot does not help: the box opens only with its key.
    forged = sealed.replace(town.supervisor.key.key_id.encode(), outsider.key.key_id.encode())
    with pytest.raises(FormatError, match="does not open"):
        sealed_reports.open_sealed(forged, outsider.key)


def test_a_supervisor_records_a_report_handled_and_the_public_sees_only_the_day(
        steps, town, intake, clock):
    seq = file_report(steps, SECRET).json()["seq"]
    today = clock.now.astimezone(LEDGER_TIME_ZONE).date().isoformat()
    steps.refused(town.committee.handle_report(seq, today), 403, "forbidden-role")
    steps.ok(town.supervisor.handle_report(seq, today))
    steps.refused(town.supervisor.handle_report(seq, today), 409, "out-of-order",
                  "already handled")
    listed = steps.get("/confidential")
    assert listed["items"] == [{"seq": seq, "filed_at": listed["items"][0]["filed_at"],
                                "handled_on": today}]
    assert listed["counts"] == {"filed": 1, "handled": 1}


def test_an_empty_or_oversized_report_is_refused_and_changes_nothing(steps, town, intake):
    before = steps.log()
    for body in ({"text": ""}, {"text": "x" * 9_000}, {"text": SECRET, "to": "mayor"},
                 {"text": "\u202e"}):
        response = file_report(steps, "") if body == {"text": ""} else steps.http.post(
            f"{steps.base}/confidential", json=body)
        assert response.status_code == 422, (body, response.text)
    assert steps.log() == before


def ask(steps, about: dict, text: str):
    response = steps.http.post(f"{steps.base}/questions", json={"about": about, "text": text})
    assert response.status_code == 201, response.text
    return response.json()


def rate(steps, seq: int, rating: str, code: str):
    return steps.http.post(f"{steps.base}/questions/{seq}/rating",
                           json={"rating": rating, "receipt_code": code})


def test_the_asker_rates_a_closed_question_with_the_code_they_were_given(steps, town, intake):
    asked = ask(steps, {"kind": "fund", "ref": "activity"}, "活动经费还剩多少?")
    other = ask(steps, {"kind": "ledger"}, "账本谁在管?")
    assert asked["receipt_code"] != other["receipt_code"]
    steps.ok(town.committee.answer(asked["seq"], "见公开栏"))
    before = steps.log()
    assert_problem(rate(steps, asked["seq"], "satisfied", asked["receipt_code"]), 409,
                   "out-of-order")
    steps.ok(town.committee.close_question(asked["seq"]))
    assert_problem(rate(steps, asked["seq"], "satisfied", other["receipt_code"]), 422,
                   "rule-violated")
    assert steps.log()[0] == before[0] + 1
    assert rate(steps, asked["seq"], "dissatisfied", asked["receipt_code"]).status_code == 201
    listed = steps.get("/questions")
    assert [i["rating"] for i in listed["items"]] == ["dissatisfied", None]
    assert listed["satisfaction"] == {"counts": {"satisfied": 0, "basically_satisfied": 0,
                                                 "dissatisfied": 1}, "rated": 1, "rate": 0.0}
    assert [i["about"] for i in listed["items"]] == [{"kind": "fund", "ref": "activity"},
                                                    {"kind": "ledger"}]


def test_a_question_about_a_budget_that_does_not_exist_is_refused_over_http(steps, town,
                                                                          intake):
    town.grant("general", 1_000 * YUAN)
    before = steps.log()
    response = steps.http.post(f"{steps.base}/questions",
                               json={"about": {"kind": "budget", "ref": "general/2031"},
                                     "text": "?"})
    assert_problem(response, 404, "not-found")
    assert steps.log() == before


def test_a_report_refused_for_want_of_readers_leaves_no_sealed_file(steps, town, intake,
                                                                   settings):
    steps.ok(town.admin.revoke_key(town.supervisor.key.key_id, "left"))
    before = steps.log()
    assert_problem(file_report(steps, SECRET), 422, "rule-violated")
    assert steps.log() == before
    kept = settings.data_dir / "confidential" / town.slug
    assert not kept.exists() or not any(kept.iterdir())
