"""Red flags for auditors over HTTP: a ledger seeded with a split payment, one
invoice on two payments and a round sum paid in cash; a signed-in auditor sees
each finding with the entries it rests on, from the read model, which says how
far behind the log it is; without sign-in, or with a role that may not read
findings, the answer is a problem."""

from __future__ import annotations

from ledger.client import posting
from projections.worker import catch_up
from tests.builders.http import assert_problem, bearer
from tests.builders.community import YUAN, sha

PAINTER = {"kind": "organisation", "name": "安居装饰工程公司"}
PRINTER = {"kind": "organisation", "name": "新竹印刷厂"}


def seed_red_flags(town) -> dict[str, tuple[int, ...]]:
    town.set_policy(approval=20_000 * YUAN, major=100_000 * YUAN)
    town.grant("renovation", 100_000 * YUAN)
    split = tuple(town.pay("renovation", 7_500 * YUAN, day, counterparty=PAINTER)
                  for day in ("2026-03-01", "2026-03-04", "2026-03-09"))
    invoice = [{"kind": "invoice", "sha256": sha("invoice 0098")}]
    duplicate = tuple(town.pay("renovation", 4_800 * YUAN, day, counterparty=PRINTER,
                               documents=invoice) for day in ("2026-03-02", "2026-04-20"))
    cash = 5_000 * YUAN
    town.submit(town.agent.post("2026-03-10", "cash_withdrawal", PRINTER,
                                [posting("1001", "renovation", "debit", cash),
                                 posting("1002", "renovation", "credit", cash)]))
    round_cash = (town.pay("renovation", 3_000 * YUAN, "2026-03-11", money_account="1001",
                           counterparty={"kind": "person", "name": "张师傅"}),)
    return {"split-payment": split, "duplicate-document": duplicate, "round-cash": round_cash}


def test_a_signed_in_auditor_sees_each_red_flag_with_the_entries_it_rests_on(steps, town):
    seeded = seed_red_flags(town)
    auditor = town.new_key(["auditor"], "第三方审计 auditor")
    catch_up(town.app)
    response = steps.http.get(f"{steps.base}/audit/red-flags", headers=bearer(auditor))
    assert response.status_code == 200, response.text
    flags = response.json()
    assert flags["size"] == town.state.size and flags["head"] == town.state.head
    assert (flags["log_size"], flags["behind"], flags["stopped_at"]) == (town.state.size, 0,
                                                                         None)
    assert {item["code"]: tuple(item["seqs"]) for item in flags["items"]} == seeded
    assert flags["counts"] == {"duplicate-document": 1, "round-cash": 1, "split-payment": 1}
    for item in flags["items"]:
        assert [e["seq"] for e in item["entries"]] == item["seqs"]
        for shown in item["entries"]:
            entry = town.app.reader.entry(town.slug, shown["seq"])
            assert (shown["type"], shown["entry_hash"], shown["body"]) == (
                entry.statement.type, entry.hash, entry.statement.body)
    split = next(i for i in flags["items"] if i["code"] == "split-payment")
    assert "安居装饰工程公司" in split["message"] and "22,500.00" in split["message"]
    assert [e["amount"] for e in split["entries"]] == [7_500 * YUAN] * 3


def test_red_flags_follow_the_log_as_the_projection_takes_it(steps, town):
    auditor = town.new_key(["auditor"], "auditor")
    url = f"{steps.base}/audit/red-flags"
    catch_up(town.app)
    assert steps.http.get(url, headers=bearer(auditor)).json()["items"] == []
    projected = town.state.size
    seed_red_flags(town)
    behind = steps.http.get(url, headers=bearer(auditor)).json()
    assert (behind["size"], behind["log_size"]) == (projected, town.state.size)
    assert behind["behind"] == town.state.size - projected and behind["items"] == []
    catch_up(town.app)
    later = steps.http.get(url, headers=bearer(auditor)).json()
    assert later["size"] == town.state.size and len(later["items"]) == 3
    assert later["behind"] == 0


def test_red_flags_are_refused_without_sign_in_and_to_a_role_that_may_not_read_them(
        steps, town):
    seed_red_flags(town)
    url = f"{steps.base}/audit/red-flags"
    assert_problem(steps.http.get(url), 401, "not-signed-in")
    assert_problem(steps.http.get(url, headers=bearer(town.cashier)), 403, "forbidden-role")
    assert_problem(steps.http.get(url, headers=bearer(town.intake)), 403, "forbidden-role")
    for reader in (town.committee, town.supervisor, town.agent):
        assert steps.http.get(url, headers=bearer(reader)).status_code == 200


def test_red_flags_come_a_page_at_a_time_and_a_made_up_cursor_is_refused(steps, town):
    seed_red_flags(town)
    auditor = town.new_key(["auditor"], "auditor")
    url = f"{steps.base}/audit/red-flags"
    catch_up(town.app)
    first = steps.http.get(url, params={"limit": 2}, headers=bearer(auditor)).json()
    assert len(first["items"]) == 2 and first["next_cursor"]
    assert first["counts"] == {"duplicate-document": 1, "round-cash": 1, "split-payment": 1}
    rest = steps.http.get(url, params={"limit": 2, "cursor": first["next_cursor"]},
                          headers=bearer(auditor)).json()
    assert [i["code"] for i in first["items"] + rest["items"]] == [
        "split-payment", "duplicate-document", "round-cash"] and rest["next_cursor"] is None
    for cursor in ("12", "1:2:3", "99999999999999999999:0", "1:x"):
        assert_problem(steps.http.get(url, params={"cursor": cursor}, headers=bearer(auditor)),
                       422, "invalid-request")
    beyond = "9" * 19 + ":0"  # the cursor's shape, past the largest seq
    assert_problem(steps.http.get(url, params={"cursor": beyond}, headers=bearer(auditor)),
                   422, "malformed")


def test_a_red_flag_becomes_an_inspection_finding_by_the_id_the_audit_view_gives(steps, town):
    seed_red_flags(town)
    auditor = town.new_key(["auditor"], "第三方审计 auditor")
    catch_up(town.app)
    flags = steps.http.get(f"{steps.base}/audit/red-flags", headers=bearer(auditor)).json()
    cash = next(item for item in flags["items"] if item["code"] == "round-cash")
    assert cash["id"] == f"round-cash:{cash['seqs'][0]}"
    finding = town.submit(auditor.raise_finding("red_flag", cash["id"], "整数现金 round cash",
                                                detail=cash["message"], entries=cash["seqs"]))
    catch_up(town.app)
    public = steps.http.get(f"{steps.base}/inspection-findings").json()["items"]
    assert [(f["seq"], f["about"]) for f in public] == [
        (finding, {"kind": "red_flag", "ref": cash["id"]})]
    assert cash["message"] not in str(public)  # the detail is for the audit view only
