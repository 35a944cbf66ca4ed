"""The demo ledger (`sunledger demo`) has assets, a trade run through the whole
procedure, resolutions, residents' questions and a few red flags for auditors,
recorded on a clock that ends before the real time, and takes new questions."""

from __future__ import annotations

import uuid

import pytest

from ledger.demo.build import ENTRIES_MIN, build_demo, role_keys
from ledger.demo.chart import FIXED_ASSETS
from ledger.demo.contracts import LEASES
from ledger.demo.governance import GOVERNANCE_COUNT
from ledger.format.statements import format_time, utc_now
from projections.worker import catch_up
from tests.builders.http import assert_problem, bearer


@pytest.fixture
def demo(app):
    return build_demo(app, f"demo-{uuid.uuid4().hex[:8]}", entries=ENTRIES_MIN + 30)


def test_the_demo_ledger_shows_assets_a_trade_resolutions_questions_and_red_flags(
        demo, app, http, settings):
    catch_up(app)
    base = f"/v1/ledgers/{demo.ledger}"
    assert app.state(demo.ledger).size == demo.size == ENTRIES_MIN + 30

    assets = http.get(f"{base}/assets").json()
    rented = {lease.asset: "available" for lease in LEASES}  # let by contract, not by trade
    assert {a["code"]: a["status"] for a in assets["items"]} == {
        "room-2": "assigned", "shop-1": "leased", **rented}
    assert assets["ties"] and assets["book_values"][0]["account"] == FIXED_ASSETS
    [trade] = http.get(f"{base}/trades").json()["items"]
    assert (trade["status"], trade["bids"], trade["method"]) == ("completed", 3, "lease")
    shown = http.get(f"{base}/trades/{trade['seq']}").json()
    assert [d["stage"] for d in shown["disclosures"]] == ["notice", "award", "completion"]
    assert {b["bidder"]["name"] for b in shown["bids"]} == {"李*", "王*", "惠民超市连锁有限公司"}
    resolutions = http.get(f"{base}/resolutions").json()["items"]
    assert [(r["matter"]["kind"], r["passed"], r["cosigned_roles"], r["disclosed_seq"] is not None)
            for r in resolutions] == [("trade", True, ["committee", "supervisor"], True),
                                      ("entry", True, ["committee", "supervisor"], True)]
    questions = http.get(f"{base}/questions").json()
    assert questions["counts"] == {"open": 2, "answered": 1, "closed": 2}
    assert sorted(q["hours_to_answer"] for q in questions["items"]
                  if q["hours_to_answer"] is not None) == [5.0, 26.0, 50.0]
    kinds = {d["item"] for d in http.get(f"{base}/disclosures").json()["items"]}
    assert kinds == {"asset_trades", "resolutions", "fund_flows"}

    auditor = role_keys(settings, demo.ledger)["auditor"]
    flags = http.get(f"{base}/audit/red-flags", headers=bearer(auditor)).json()
    assert {"split-payment", "duplicate-document", "round-cash"} <= set(flags["counts"])
    assert not {"same-key", "book-value-mismatch"} & set(flags["counts"])
    assert_problem(http.get(f"{base}/audit/red-flags"), 401, "not-signed-in")


def test_the_demo_is_recorded_in_the_past_in_order_and_takes_new_questions(demo, app, http):
    entries = app.entries(demo.ledger, 0, demo.size)
    times = [entry.recorded_at for entry in entries]
    assert times == sorted(times) and times[-1] < format_time(utc_now())
    governance = entries[-GOVERNANCE_COUNT:]
    assert all(e.statement.signed_at <= e.recorded_at for e in governance)
    response = http.post(f"/v1/ledgers/{demo.ledger}/questions",
                         json={"about": {"kind": "entry", "ref": demo.size - 1},
                               "text": "这笔现金支付有收据吗?"})
    assert response.status_code == 201, response.text
    assert app.reader.entry(demo.ledger, demo.size).recorded_at > times[-1]
