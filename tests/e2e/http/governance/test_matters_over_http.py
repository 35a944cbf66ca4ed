"""四议两公开 in full over a real server on both stores: a major payment's matter taken
through all six steps as signed statements, each step out of order refused with
problem+json and the log unchanged; residents read the matters list and each
matter's timeline (step names, seqs, dates, document hashes, signing roles), and the
views are the same after a rebuild."""

from __future__ import annotations

from projections.view import open_view
from projections.worker import catch_up, rebuild
from tests.builders.community import sha
from tests.builders.http import assert_problem
from tests.builders.matters import (DATES, DOCUMENTS, discussion, implementation,
                                    major_payment, proposal, publication, resolution, review,
                                    six_steps)

STEPS = ["proposed", "discussed", "reviewed", "resolved", "published", "implemented"]
TYPES = ["matter.proposed", "matter.discussed", "matter.reviewed", "resolution.recorded",
         "resolution.disclosed", "matter.implemented"]


def test_a_matter_runs_its_six_steps_over_http_and_residents_read_its_timeline(steps, town,
                                                                               app):
    story = six_steps(town, submit=steps.ok)
    shown = steps.get(f"/matters/{story.matter}")
    assert shown["status"] == "implemented" and shown["steps_done"] == 6
    assert shown["subject"] == {"kind": "entry", "ref": story.payment}
    assert shown["proposed_by"] == "party_branch"
    timeline = shown["timeline"]
    assert [s["step"] for s in timeline] == STEPS
    assert [s["type"] for s in timeline] == TYPES
    assert [s["state"] for s in timeline] == ["done"] * 6
    assert [s["seq"] for s in timeline] == [story.steps[step] for step in STEPS]
    assert [s["date"] for s in timeline] == [DATES[step] for step in STEPS]
    assert [s["sha256"] for s in timeline] == [DOCUMENTS[step] for step in STEPS]
    assert {s["signer_role"] for s in timeline} == {"committee"}
    assert (timeline[0]["name_zh"], timeline[0]["name_en"]) == ("提议", "Proposed")
    assert timeline[5]["name_zh"] == "实施结果公开"
    assert timeline[1]["detail"]["outcome"].startswith("同意提交党员大会审议")
    resolution_row = shown["resolution"]
    assert (resolution_row["seq"], resolution_row["proposal"], resolution_row["passed"]) == (
        story.resolution, story.matter, True)
    assert resolution_row["disclosed_seq"] == story.steps["published"]

    [listed] = steps.get("/matters")["items"]
    assert (listed["seq"], listed["status"], listed["steps_done"]) == (
        story.matter, "implemented", 6)
    [item] = steps.get("/resolutions")["items"]
    assert item["proposal"] == story.matter
    implemented = [d for d in steps.get("/disclosures")["items"]
                   if d["seq"] == story.steps["implemented"]]
    assert [(d["item"], d["subject_kind"], d["subject_ref"], d["stage"], d["sheet_sha256"])
            for d in implemented] == [("resolutions", "matter", story.matter, "implementation",
                                       DOCUMENTS["implemented"])]

    view = open_view(app)
    before = view.dump()
    rebuild(app)
    catch_up(app)
    assert view.dump() == before


def test_every_step_out_of_order_or_by_the_wrong_role_is_refused_and_changes_nothing(steps,
                                                                                    town):
    payment = major_payment(town)
    steps.refused(resolution(town, "entry", payment, None), 422, "approval-required",
                  "requires the full procedure")
    matter = steps.ok(proposal(town, "entry", payment))
    steps.refused(review(town, matter), 409, "out-of-order", "once it is discussed")
    steps.refused(resolution(town, "entry", payment, matter), 409, "out-of-order",
                  "once it is reviewed")
    steps.refused(implementation(town, matter), 409, "out-of-order", "once it is published")
    steps.refused(discussion(town, payment), 404, "not-found", "not a proposed matter")
    steps.refused(town.supervisor.discuss_matter(matter, DATES["discussed"], sha("m"), "ok"),
                  403, "forbidden-role")
    steps.refused(town.agent.propose_matter("entry", payment, "t", DATES["proposed"],
                                            sha("p")), 403, "forbidden-role")
    steps.ok(discussion(town, matter))
    steps.refused(discussion(town, matter), 409, "out-of-order")
    steps.ok(review(town, matter))
    resolved = steps.ok(resolution(town, "entry", payment, matter))
    shown = steps.get(f"/matters/{matter}")
    assert shown["status"] == "resolved"
    assert [s["state"] for s in shown["timeline"]] == ["done"] * 4 + ["next", "pending"]
    steps.ok(town.committee.cosign_resolution(resolved))
    steps.ok(town.supervisor.cosign_resolution(resolved))
    steps.ok(publication(town, resolved))
    steps.ok(implementation(town, matter))


def test_a_rejected_matter_shows_the_steps_it_will_never_take(steps, town):
    payment = major_payment(town)
    matter = steps.ok(proposal(town, "entry", payment))
    steps.ok(discussion(town, matter))
    steps.ok(review(town, matter))
    steps.ok(resolution(town, "entry", payment, matter, votes_for=10))
    shown = steps.get(f"/matters/{matter}")
    assert shown["status"] == "rejected" and shown["resolution"]["passed"] is False
    assert [s["state"] for s in shown["timeline"]] == ["done"] * 4 + ["never", "never"]


def test_matters_come_a_page_at_a_time_and_by_status_and_an_unknown_one_is_404(steps, town,
                                                                              http):
    payment = major_payment(town)
    first = steps.ok(proposal(town, "entry", payment))
    second = steps.ok(proposal(town, "other", None, by="committee"))
    steps.ok(discussion(town, second))
    page = steps.get("/matters", limit=1)
    assert [m["seq"] for m in page["items"]] == [first] and page["next_cursor"] == first
    rest = steps.get("/matters", limit=1, cursor=page["next_cursor"])
    assert [m["seq"] for m in rest["items"]] == [second] and rest["next_cursor"] is None
    assert rest["items"][0]["subject"] == {"kind": "other"}
    assert [m["seq"] for m in steps.get("/matters", status="discussed")["items"]] == [second]
    assert steps.get("/matters", status="implemented")["items"] == []
    assert_problem(http.get(f"{steps.base}/matters/{payment}"), 404, "not-found")
    assert http.get(f"{steps.base}/matters", params={"status": "nonsense"}).status_code == 422
    # The residents' pages: the list, and a 404 page for what is no matter.
    listed = http.get(f"/ledgers/{town.slug}/matters")
    assert listed.status_code == 200 and f'data-seq="{second}"' in listed.text
    assert http.get(f"/ledgers/{town.slug}/matters/{second}").status_code == 200
    for wrong in (str(payment), "abc", "99999999"):
        assert http.get(f"/ledgers/{town.slug}/matters/{wrong}").status_code == 404, wrong
