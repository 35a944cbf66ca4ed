"""The rules of 四议两公开 in full that need no store: which resolutions are about a
major matter (what the policy's full procedure applies to), the date a matter's next
step may not precede, and the six-step timeline residents read (done, next, pending,
never), its names said once for the API and the pages."""

from __future__ import annotations

import pytest

from api.labels import LABELS
from ledger.domain.contract_records import Contract
from ledger.domain.effects import MATTER_STEPS
from ledger.domain.matters import major_matter
from ledger.domain.records import MATTER_STATUSES, Matter, Policy, Project
from ledger.domain.state import LedgerState
from projections.matters import STEP_NAMES, timeline

THRESHOLD = 100_000


def a_state(threshold: int | None = THRESHOLD) -> LedgerState:
    state = LedgerState("x")
    if threshold is not None:
        state.policies[3] = Policy(seq=3, approval_threshold=threshold // 10,
                                   major_threshold=threshold, full_procedure_for_major=True)
    for seq, total in ((10, THRESHOLD - 1), (11, THRESHOLD)):
        state.contracts[seq] = Contract(seq, "payable", "organisation", "安居装修", "", "s",
                                        "general", total, "2026-01-01", "2026-12-31", (), "0" * 64)
    for seq, code, budget in ((20, "small", THRESHOLD - 1), (21, "big", THRESHOLD),
                              (22, "open", None)):
        state.projects[code] = Project(code, "general", code, code, "2026-01-01", "2026-12-31",
                                       seq, budget)
    return state


@pytest.mark.parametrize("kind, ref, major", [
    ("entry", 5, True), ("trade", 6, True), ("contract", None, True),
    ("contract", 10, False), ("contract", 11, True),
    ("project", 20, False), ("project", 21, True), ("project", 22, True),
    ("policy", None, False), ("other", None, False)])
def test_which_resolutions_are_about_a_major_matter(kind, ref, major):
    assert major_matter(a_state(), kind, ref) is major


def test_without_a_threshold_only_payments_trades_and_new_contracts_are_major():
    state = a_state(threshold=None)
    assert [major_matter(state, kind, ref) for kind, ref in (
        ("entry", 5), ("trade", 6), ("contract", None), ("contract", 11), ("project", 22))] == [
        True, True, True, False, False]


def test_the_next_step_may_not_be_dated_before_the_latest_one():
    matter = Matter(1, "party_branch", "other", None, "t", "2026-05-01")
    assert matter.last_date == "2026-05-01"
    later = matter.then(2, status="discussed", discussed_seq=2, discussed_on="2026-05-03")
    assert later.last_date == "2026-05-03" and later.history == (2,)
    done = later.then(9, status="published", reviewed_on="2026-05-05", resolved_on="2026-05-12",
                      published_on="2026-05-14")
    assert done.last_date == "2026-05-14"


def _taken(*steps: str) -> dict:
    return {step: {"seq": i, "type": "t", "date": "2026-05-01", "sha256": "0" * 64,
                   "signer_role": "committee", "recorded_at": "x", "detail": "{}"}
            for i, step in enumerate(steps)}


@pytest.mark.parametrize("status, steps, states", [
    ("proposed", ("proposed",), ["done", "next", "pending", "pending", "pending", "pending"]),
    ("reviewed", MATTER_STEPS[:3], ["done", "done", "done", "next", "pending", "pending"]),
    ("rejected", MATTER_STEPS[:4], ["done"] * 4 + ["never", "never"]),
    ("rejected", MATTER_STEPS[:5], ["done"] * 5 + ["never"]),
    ("implemented", MATTER_STEPS, ["done"] * 6)])
def test_the_timeline_marks_each_step_done_next_pending_or_never(status, steps, states):
    shown = timeline(status, _taken(*steps))
    assert [s["step"] for s in shown] == list(MATTER_STEPS)
    assert [s["state"] for s in shown] == states
    assert all((s["seq"] is None) == (s["state"] != "done") for s in shown)


def test_every_step_and_status_has_its_name_in_both_languages():
    assert list(STEP_NAMES) == list(MATTER_STEPS)
    assert LABELS["matter_step"] == STEP_NAMES
    assert set(LABELS["matter_status"]) == set(MATTER_STATUSES)
    for group in ("matter_step", "matter_status", "step_state", "proposed_by", "matter_kind"):
        assert all(zh and en and zh != en for zh, en in LABELS[group].values()), group
