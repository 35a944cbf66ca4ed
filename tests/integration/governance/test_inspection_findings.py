"""Inspection findings worked to the end (边巡边改) on both real stores: raised by the
supervisors or auditors, assigned with a deadline, rectified by the committee with an
evidence document, reopened and closed only by the role that raised them. Every
refusal leaves the log, its head and every state map as they were."""

from __future__ import annotations

import pytest

from ledger.errors import FormatError, NotFound, OutOfOrder, PolicyError
from tests.builders.community import YUAN, sha
from tests.builders.refusals import assert_refused


@pytest.fixture
def auditor(town):
    return town.new_key(["auditor"], "区审计组 district auditors", "auditor")


@pytest.fixture
def payment(town) -> int:
    town.grant("renovation", 100_000 * YUAN)
    return town.pay("renovation", 4_900 * YUAN)


def raised(town, signer, payment: int) -> int:
    return town.submit(signer.raise_finding("entry", payment, "付款无验收单 no acceptance sheet",
                                            detail="工程款支付前未见验收记录"))


def test_a_finding_goes_from_raised_to_closed_by_the_supervisors(town, payment):
    finding = raised(town, town.supervisor, payment)
    assert town.state.inspection_findings[finding].status == "open"
    town.submit(town.supervisor.assign_finding(finding, "居委会 主任", "2026-12-31"))
    assert town.state.inspection_findings[finding].deadline == "2026-12-31"
    town.submit(town.committee.rectify_finding(finding, sha("验收单 acceptance sheet")))
    town.submit(town.supervisor.close_finding(finding, note="已核实 checked"))
    closed = town.state.inspection_findings[finding]
    assert closed.status == "closed" and closed.evidence_sha256 == sha("验收单 acceptance sheet")
    assert len(closed.history) == 4 and closed.raised_roles == frozenset({"supervisor"})


def test_a_rectification_the_raiser_does_not_accept_is_reopened_and_rectified_again(
        town, payment):
    finding = raised(town, town.supervisor, payment)
    town.submit(town.supervisor.assign_finding(finding, "居委会", "2026-12-31"))
    town.submit(town.committee.rectify_finding(finding, sha("first try")))
    town.submit(town.supervisor.reopen_finding(finding, "验收单未签字 unsigned"))
    reopened = town.state.inspection_findings[finding]
    assert reopened.status == "reopened" and reopened.deadline == "2026-12-31"
    town.submit(town.committee.rectify_finding(finding, sha("signed sheet")))
    assert town.state.inspection_findings[finding].evidence_sha256 == sha("signed sheet")


def test_only_the_role_that_raised_a_finding_may_close_it(town, payment, auditor):
    finding = raised(town, auditor, payment)
    town.submit(auditor.assign_finding(finding, "居委会", "2026-12-31"))
    town.submit(town.committee.rectify_finding(finding, sha("evidence")))
    assert_refused(town.app, town.slug, town.supervisor.close_finding(finding), PolicyError,
                   "raised by the auditor")
    assert_refused(town.app, town.slug, town.supervisor.reopen_finding(finding, "no"),
                   PolicyError, "raised by the auditor")
    town.submit(auditor.close_finding(finding))


def test_the_community_may_not_raise_or_close_findings_about_itself(town, payment):
    assert_refused(town.app, town.slug, town.committee.raise_finding("entry", payment, "x"),
                   PolicyError, "needs a key with role auditor or supervisor",
                   code="forbidden-role")


def test_steps_out_of_order_are_refused(town, payment):
    finding = raised(town, town.supervisor, payment)
    assert_refused(town.app, town.slug, town.committee.rectify_finding(finding, sha("e")),
                   OutOfOrder, "once it is assigned")
    assert_refused(town.app, town.slug, town.supervisor.close_finding(finding), OutOfOrder,
                   "once rectified")
    town.submit(town.supervisor.assign_finding(finding, "居委会", "2026-12-31"))
    town.submit(town.committee.rectify_finding(finding, sha("e")))
    town.submit(town.supervisor.close_finding(finding))
    assert_refused(town.app, town.slug, town.supervisor.reopen_finding(finding, "again"),
                   OutOfOrder, "already closed")


@pytest.mark.parametrize("about_kind, ref, error, match", [
    ("entry", 10_000, NotFound, "no entry 10000"),
    ("trade", 3, NotFound, "no trade 3"),
    ("contract", 3, NotFound, "no contract 3"),
    ("fund", "no-such-fund", NotFound, "no fund"),
    ("red_flag", "made-up:12", FormatError, "a red flag is named"),
    ("asset", "shop-1", FormatError, "about.kind|kind"),
])
def test_a_finding_about_something_the_ledger_does_not_have_is_refused(
        town, about_kind, ref, error, match):
    assert_refused(town.app, town.slug, town.supervisor.raise_finding(about_kind, ref, "t"),
                   error, match)


def test_a_finding_about_a_red_flag_names_the_entries_the_flag_rests_on(town, payment):
    flag = f"round-cash:{payment}"
    assert_refused(town.app, town.slug, town.supervisor.raise_finding("red_flag", flag, "t"),
                   FormatError, "names the entries")
    seq = town.submit(town.supervisor.raise_finding("red_flag", flag, "整数现金 round cash",
                                                    entries=[payment]))
    assert town.state.inspection_findings[seq].about_ref == flag


def test_a_deadline_before_the_finding_was_raised_is_refused(town, payment):
    finding = raised(town, town.supervisor, payment)
    assert_refused(town.app, town.slug,
                   town.supervisor.assign_finding(finding, "居委会", "2001-01-01"),
                   FormatError, "before the finding was raised")


def test_the_evidence_of_a_rectification_may_be_uploaded_to_the_document_store(town, payment):
    from ledger.log.documents import DocumentStore

    evidence = "整改报告: 验收单已补签\n".encode()
    finding = raised(town, town.supervisor, payment)
    town.submit(town.supervisor.assign_finding(finding, "居委会", "2026-12-31"))
    town.submit(town.committee.rectify_finding(finding, sha(evidence.decode())))
    kept = DocumentStore(town.app).put(town.slug, town.committee.key_id,
                                       sha(evidence.decode()), evidence)
    assert kept.created
