"""四议两公开 in full (ledger/domain/matters.py): a matter proposed, discussed, reviewed,
resolved, its resolution published and its implementation result published, each a
signed step in order; the policy may require the procedure for major matters. Every
refused step changes nothing (``town.refused`` checks the log, its head and every
state map)."""

from __future__ import annotations

import pytest

from ledger.log.application import LedgerApplication
from ledger.errors import (ApprovalRequired, DomainError, FormatError, NotFound, OutOfOrder,
                           PolicyError)
from tests.builders.community import YUAN, sha
from tests.builders.matters import (DATES, DOCUMENTS, PAYMENT, discussion, implementation,
                                    major_payment, proposal, publication, resolution, review,
                                    six_steps)


def test_a_major_payment_goes_through_all_six_steps(town):
    story = six_steps(town)
    matter = town.state.matters[story.matter]
    assert matter.status == "implemented"
    assert (matter.subject_kind, matter.subject_ref, matter.proposed_by) == (
        "entry", story.payment, "party_branch")
    assert (matter.discussed_seq, matter.reviewed_seq, matter.resolution, matter.published_seq,
            matter.implemented_seq) == tuple(story.steps[step] for step in (
                "discussed", "reviewed", "resolved", "published", "implemented"))
    assert (matter.proposed_on, matter.discussed_on, matter.reviewed_on, matter.resolved_on,
            matter.published_on, matter.implemented_on) == tuple(DATES.values())
    assert matter.history == tuple(story.steps.values())
    assert town.state.resolutions[story.resolution].proposal == story.matter
    assert town.state.pending[story.payment].status == "approved"
    # The implementation result is a disclosure of its own (实施结果公开).
    disclosure = town.state.disclosures[story.steps["implemented"]]
    assert (disclosure.item, disclosure.sheet_sha256, disclosure.subject) == (
        "resolutions", DOCUMENTS["implemented"], ("matter", story.matter, "implementation"))
    # Every step's document is one the store keeps (the committee may upload it).
    for step, seq in story.steps.items():
        assert town.state.named_documents[DOCUMENTS[step]].seq == seq, step
    # The cashier confirms once the resolution is published, as before.
    town.submit(town.cashier.confirm(story.payment, "2026-05-15"))


def test_each_step_out_of_order_is_refused_and_changes_nothing(town):
    payment = major_payment(town)
    matter = town.submit(proposal(town, "entry", payment))
    town.refused(review(town, matter), OutOfOrder, "it is reviewed .* once it is discussed")
    town.refused(resolution(town, "entry", payment, matter), OutOfOrder, "once it is reviewed")
    town.refused(implementation(town, matter), OutOfOrder, "once it is published")
    town.submit(discussion(town, matter))
    town.refused(discussion(town, matter), OutOfOrder, "matter .* is discussed")
    town.refused(resolution(town, "entry", payment, matter), OutOfOrder, "once it is reviewed")
    town.submit(review(town, matter))
    town.refused(review(town, matter), OutOfOrder, "is reviewed; it is reviewed")
    town.refused(implementation(town, matter), OutOfOrder, "once it is published")
    resolved = town.submit(resolution(town, "entry", payment, matter))
    town.refused(resolution(town, "entry", payment, matter), OutOfOrder, "is resolved")
    town.refused(implementation(town, matter), OutOfOrder, "is resolved")
    town.submit(town.committee.cosign_resolution(resolved))
    town.submit(town.supervisor.cosign_resolution(resolved))
    town.submit(publication(town, resolved))
    town.submit(implementation(town, matter))
    town.refused(implementation(town, matter), OutOfOrder, "is implemented")
    assert town.state.matters[matter].status == "implemented"


def test_an_unknown_matter_is_not_found_and_a_wrong_role_is_forbidden(town):
    payment = major_payment(town)
    error = town.refused(discussion(town, payment), NotFound, "not a proposed matter")
    assert error.status == 404
    town.refused(town.committee.review_matter(999_999, DATES["reviewed"], sha("m")), NotFound,
                 "not a proposed matter")
    town.refused(resolution(town, "entry", payment, 999_999), NotFound, "not a proposed matter")
    for signer in (town.agent, town.supervisor, town.cashier):
        error = town.refused(signer.propose_matter("entry", payment, "t", DATES["proposed"],
                                                   sha("p")), PolicyError, "committee")
        assert error.status == 403
    matter = town.submit(proposal(town, "entry", payment))
    town.refused(town.supervisor.discuss_matter(matter, DATES["discussed"], sha("m"), "ok"),
                 PolicyError, "committee")


def test_a_proposal_names_what_a_resolution_may_be_about_and_its_resolution_the_same(town):
    payment = major_payment(town)
    town.refused(proposal(town, "entry", 999_999), DomainError, "not a major-matter payment")
    town.refused(proposal(town, "trade", 999_999), NotFound, "trade 999999 does not exist")
    town.refused(town.committee.propose_matter("road", None, "t", DATES["proposed"], sha("p")),
                 FormatError, "kind must be one of")
    town.refused(proposal(town, "entry", payment, by="street_office"), FormatError,
                 "proposed_by must be one of")
    matter = town.submit(proposal(town, "other", None, by="committee"))
    town.submit(discussion(town, matter))
    town.submit(review(town, matter))
    town.refused(resolution(town, "entry", payment, matter), DomainError,
                 "is about other; its resolution must be about the same")
    town.submit(resolution(town, "other", None, matter))
    assert town.state.matters[matter].proposed_by == "committee"


def test_no_step_is_dated_before_the_one_before_it(town):
    payment = major_payment(town)
    matter = town.submit(proposal(town, "entry", payment))
    town.refused(discussion(town, matter, on="2026-04-30"), DomainError,
                 "before matter .* last step, on 2026-05-01")
    town.submit(discussion(town, matter, on="2026-05-01"))  # the same day is fine
    town.refused(review(town, matter, on="2026-04-30"), DomainError, "on 2026-05-01")
    town.submit(review(town, matter))
    town.refused(resolution(town, "entry", payment, matter, on="2026-05-04"), DomainError,
                 "on 2026-05-05")
    resolved = town.submit(resolution(town, "entry", payment, matter))
    town.submit(town.committee.cosign_resolution(resolved))
    town.submit(town.supervisor.cosign_resolution(resolved))
    town.refused(publication(town, resolved, on="2026-05-11"), DomainError, "on 2026-05-12")
    town.submit(publication(town, resolved))
    town.refused(implementation(town, matter, on="2026-05-13"), DomainError, "on 2026-05-14")


def test_a_resolution_that_fails_rejects_the_matter_for_good(town):
    payment = major_payment(town)
    matter = town.submit(proposal(town, "entry", payment))
    town.submit(discussion(town, matter))
    town.submit(review(town, matter))
    failed = town.submit(resolution(town, "entry", payment, matter, votes_for=10))
    assert not town.state.resolutions[failed].passed
    assert town.state.matters[matter].status == "rejected"
    town.refused(resolution(town, "entry", payment, matter), OutOfOrder, "is rejected")
    published = town.submit(publication(town, failed))  # a failed resolution is made public too
    assert town.state.matters[matter].published_seq == published
    assert town.state.matters[matter].status == "rejected"
    town.refused(implementation(town, matter), OutOfOrder, "is rejected")
    # The residents' representatives may decide again on a new proposal.
    again = town.submit(proposal(town, "entry", payment))
    town.submit(discussion(town, again))
    town.submit(review(town, again))
    town.submit(resolution(town, "entry", payment, again))
    assert town.state.matters[again].status == "resolved"


def test_with_the_policy_a_major_resolution_without_the_procedure_is_refused(town):
    payment = major_payment(town)
    error = town.refused(resolution(town, "entry", payment, None), ApprovalRequired,
                         "requires the full procedure .* must name its proposal")
    assert error.code == "approval-required"
    matter = town.submit(proposal(town, "entry", payment))
    town.submit(discussion(town, matter))
    town.refused(resolution(town, "entry", payment, matter), OutOfOrder, "once it is reviewed")
    town.submit(review(town, matter))
    town.submit(resolution(town, "entry", payment, matter))
    # Matters that are not major need no procedure, with or without the policy.
    town.submit(resolution(town, "other", None, None))
    town.submit(resolution(town, "policy", None, None))


def test_without_the_policy_nothing_changes_and_a_proposal_is_optional(town):
    payment = major_payment(town, full_procedure=False)
    plain = town.submit(resolution(town, "entry", payment, None))
    assert town.state.resolutions[plain].proposal is None and not town.state.matters
    matter = town.submit(proposal(town, "entry", payment))
    town.submit(discussion(town, matter))
    town.submit(review(town, matter))
    named = town.submit(resolution(town, "entry", payment, matter))
    assert town.state.matters[matter].resolution == named


def test_a_trade_and_a_major_contract_need_the_procedure_a_small_project_does_not(town):
    town.set_policy(full_procedure_for_major=True)
    code = town.register_shop()
    trade = town.submit(town.committee.propose_trade(code, "lease", 36_000 * YUAN, "c", 36))
    town.refused(resolution(town, "trade", trade, None), ApprovalRequired, "trade")
    town.refused(resolution(town, "contract", None, None), ApprovalRequired, "contract")
    small = town.submit(town.agent.sign("project.registered", {
        "code": "bench", "fund": "general", "name_zh": "长椅", "name_en": "Benches",
        "starts": "2026-01-01", "ends": "2026-12-31", "budget": 10_000 * YUAN}))
    town.submit(resolution(town, "project", small, None))
    open_ended = town.submit(town.agent.register_project(
        "paths", "general", "步道", "Paths", "2026-01-01", "2026-12-31"))
    town.refused(resolution(town, "project", open_ended, None), ApprovalRequired, "project")
    matter = town.submit(proposal(town, "trade", trade))
    town.submit(discussion(town, matter))
    town.submit(review(town, matter))
    resolved = town.submit(resolution(town, "trade", trade, matter))
    assert town.state.trades[trade].status == "resolved"
    assert town.state.trades[trade].resolution == resolved


def test_turning_the_full_procedure_off_loosens_the_policy(town):
    town.set_policy(full_procedure_for_major=True)
    town.refused(town.committee.set_policy(5_000 * YUAN, 50_000 * YUAN, 10), ApprovalRequired,
                 "no longer requires the full procedure")
    town.set_policy(full_procedure_for_major=True, notice_days=12)  # still on: tightening
    with pytest.raises(FormatError, match="full_procedure_for_major must be true or false"):
        town.app.submit(town.committee.set_policy(5_000 * YUAN, 50_000 * YUAN, 10,
                                                  full_procedure_for_major="yes"))
    # Loosening it rests on a disclosed resolution about the policy.
    seq = town.resolve("policy", None, disclose=True)
    town.submit(town.committee.set_policy(5_000 * YUAN, 50_000 * YUAN, 12, resolution=seq))
    assert not town.state.policies[max(town.state.policies)].full_procedure_for_major


def test_another_process_finds_the_same_matters_from_the_log(town, settings, clock):
    story = six_steps(town)
    later = LedgerApplication(settings, clock=clock)  # replays the log (or a snapshot)
    try:
        assert later.state(town.slug).matters == dict(town.state.matters)
        assert later.state(town.slug).resolutions[story.resolution].proposal == story.matter
    finally:
        later.close()
    assert town.state.matters[story.matter].status == "implemented"
    assert town.state.pending[story.payment].amount == PAYMENT
