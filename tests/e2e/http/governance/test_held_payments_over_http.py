"""A micro-renovation payment above the major-matter threshold run end to end
over HTTP: held, resolved, co-signed, approved, disclosed and confirmed, each
skipped step refused with problem+json and the log unchanged; residents then
see the payment's approval, the resolution and its disclosure."""

from __future__ import annotations

from ledger.domain.sheets import resolution_sheet
from tests.builders.community import VENDOR, YUAN, sha


def test_a_major_payment_runs_end_to_end_over_http_and_no_step_can_be_skipped(steps, town):
    committee, supervisor, cashier = town.committee, town.supervisor, town.cashier
    steps.ok(committee.set_policy(5_000 * YUAN, 50_000 * YUAN, 10))
    town.grant("renovation", 200_000 * YUAN)
    payment = steps.ok(town.agent.post(
        "2026-05-10", "works", VENDOR,
        [{"account": "5002", "fund": "renovation", "side": "debit", "amount": 120_000 * YUAN},
         {"account": "1002", "fund": "renovation", "side": "credit", "amount": 120_000 * YUAN}],
        memo="3号楼外墙修缮 facade repair"))
    held = steps.get(f"/transactions/{payment}")
    assert held["approval"] == "pending" and held["approval_level"] == "major"
    balance_before = town.state.balance("1002", "renovation")

    steps.refused(cashier.confirm(payment, "2026-05-11"), 422, "approval-required")
    steps.refused(committee.approve(payment), 422, "approval-required", "major matter")
    resolution = steps.ok(committee.record_resolution(
        "entry", payment, "3号楼外墙修缮工程款支付", "2026-05-12", 35, 29, 26, 1, 2,
        sha("minutes 0512")))
    steps.refused(committee.approve(payment, resolution), 422, "approval-required",
                  "co-signatures")
    steps.ok(committee.cosign_resolution(resolution))
    steps.refused(committee.disclose_resolution(resolution, "2026-05-13", sha("early")), 409,
                  "out-of-order", "co-signed")
    steps.ok(supervisor.cosign_resolution(resolution))
    assert town.state.balance("1002", "renovation") == balance_before
    approval = steps.ok(committee.approve(payment, resolution, "按决议支付"))
    assert town.state.balance("1002", "renovation") == balance_before - 120_000 * YUAN
    steps.refused(cashier.confirm(payment, "2026-05-14"), 422, "disclosure-required")
    entries = {resolution: town.app.entries(town.slug, resolution, 1)[0]}
    sheet = resolution_sheet(town.state, entries, resolution)
    disclosed = steps.ok(committee.disclose_resolution(resolution, "2026-05-14", sheet.sha256,
                                                       where="社区公开栏"))
    confirmed = steps.ok(cashier.confirm(payment, "2026-05-15", "ICBC0515"))

    shown = steps.get(f"/transactions/{payment}")
    assert (shown["approval"], shown["approval_decided_by"]) == ("approved", approval)
    assert shown["confirmed_by"] == confirmed
    [item] = steps.get("/resolutions")["items"]
    assert item["seq"] == resolution and item["passed"]
    assert item["matter"] == {"kind": "entry", "ref": payment}
    assert item["cosigned_roles"] == ["committee", "supervisor"] and item["cosigners"] == 2
    assert item["disclosed_seq"] == disclosed
    assert [s["type"] for s in item["steps"]] == [
        "resolution.recorded", "resolution.cosigned", "resolution.cosigned",
        "resolution.disclosed"]
    assert [s["signer_role"] for s in item["steps"]][1:3] == ["committee", "supervisor"]
    [disclosure] = steps.get("/disclosures")["items"]
    assert (disclosure["seq"], disclosure["item"], disclosure["sheet_sha256"]) == (
        disclosed, "resolutions", sheet.sha256)
    assert (disclosure["subject_kind"], disclosure["subject_ref"]) == ("resolution", resolution)


def test_a_rejected_major_payment_never_moves_money_and_shows_as_rejected(steps, town):
    steps.ok(town.committee.set_policy(5_000 * YUAN, 50_000 * YUAN, 10))
    town.grant("renovation", 100_000 * YUAN)
    payment = town.pay("renovation", 60_000 * YUAN)
    before = town.state.balance("1002", "renovation")
    rejected = steps.ok(town.supervisor.reject(payment, "报价高于市场价 quote above market"))
    steps.refused(town.committee.approve(payment), 409, "out-of-order", "already rejected")
    assert town.state.balance("1002", "renovation") == before
    shown = steps.get(f"/transactions/{payment}")
    assert (shown["approval"], shown["approval_decided_by"]) == ("rejected", rejected)
