"""Closed months and bank reconciliation over HTTP, on both stores: a back-dated
entry into a closed month is a period-closed problem and changes nothing;
/periods says each month's state and who signed it; /reconciliations gives each
bank statement's sheet, a page at a time."""

from __future__ import annotations

from ledger.client import posting
from tests.builders.community import SUPPLIER, YUAN, sha


def test_a_back_dated_entry_into_a_closed_month_is_a_period_closed_problem(steps, town):
    town.grant("activity", 10_000 * YUAN, date="2026-01-05")
    closed = steps.ok(town.agent.close_period("2026-02"))
    cosigned = steps.ok(town.supervisor.cosign_period_close("2026-02"))
    problem = steps.refused(town.agent.post("2026-02-20", "activity", SUPPLIER, [
        posting("5001", "activity", "debit", 500 * YUAN),
        posting("1002", "activity", "credit", 500 * YUAN)]), 409, "period-closed",
        "closed through 2026-02")
    assert problem["closed_through"] == "2026-02"
    steps.ok(town.agent.close_period("2026-03"))
    answer = steps.get("/periods")
    assert answer["closed_through"] == "2026-03"
    shown = {item["month"]: item for item in answer["items"]}
    assert list(shown) == ["2026-01", "2026-02", "2026-03"]
    assert shown["2026-01"]["status"] == shown["2026-02"]["status"] == "closed"
    assert shown["2026-02"]["closed_by"]["seq"] == closed
    assert shown["2026-02"]["cosigned_by"] == {
        "seq": cosigned, "key_id": town.supervisor.key_id,
        "at": town.app.reader.entry(town.slug, cosigned).recorded_at}
    assert shown["2026-03"]["status"] == "closing" and shown["2026-03"]["cosigned_by"] is None


def test_each_bank_statement_has_its_sheet_and_the_pages_make_the_whole_list(steps, town):
    grant = town.grant("activity", 10_000 * YUAN, date="2026-03-02").seq
    town.submit(town.cashier.confirm(grant, "2026-03-03", "ICBC-0303"))
    payment = town.spend("activity", 2_000 * YUAN, date="2026-03-30").seq
    first = steps.ok(town.cashier.record_bank_statement("1002", "2026-03-31", 10_000 * YUAN,
                                                        sha("march")))
    second = steps.ok(town.cashier.record_bank_statement("1002", "2026-03-31", 9_000 * YUAN,
                                                         sha("march again"), fund="activity"))
    page = steps.get("/reconciliations", limit=1)
    [sheet] = page["items"]
    assert (sheet["seq"], sheet["book_balance"], sheet["bank_balance"]) == (
        first, 8_000 * YUAN, 10_000 * YUAN)
    assert sheet["in_transit"] == [{"entry": payment, "date": "2026-03-30", "confirmed_on": None,
                                    "amount": -2_000 * YUAN, "kind": "booked_not_cleared"}]
    assert (sheet["explained"], sheet["unexplained"], sheet["reconciled"]) == (
        2_000 * YUAN, 0, True)
    rest = steps.get("/reconciliations", cursor=page["next_cursor"])
    assert [s["seq"] for s in rest["items"]] == [second] and rest["next_cursor"] is None
    assert (rest["items"][0]["unexplained"], rest["items"][0]["fund"]) == (-1_000 * YUAN,
                                                                           "activity")


def test_the_periods_and_sheets_of_an_unknown_ledger_are_not_found(http):
    for path in ("periods", "reconciliations"):
        response = http.get(f"/v1/ledgers/nowhere/{path}")
        assert response.status_code == 404, response.text


def test_the_books_page_shows_each_months_close_and_each_statements_sheet(steps, town, http):
    town.grant("activity", 10_000 * YUAN, date="2026-01-05")
    steps.ok(town.agent.close_period("2026-01"))
    steps.ok(town.supervisor.cosign_period_close("2026-01"))
    steps.ok(town.agent.close_period("2026-02"))
    reconciled = steps.ok(town.cashier.record_bank_statement("1002", "2026-02-28", 0,
                                                             sha("feb"), fund="general"))
    short = steps.ok(town.cashier.record_bank_statement("1002", "2026-02-28", 9_000 * YUAN,
                                                        sha("feb activity"), fund="activity"))
    steps.get("/periods")  # the projection has caught up
    page = http.get(f"/ledgers/{town.slug}/books").text
    assert '<tr data-month="2026-01">' in page and '<tr data-month="2026-02">' in page
    january = page.split('data-month="2026-01"')[1].split("</tr>")[0]
    february = page.split('data-month="2026-02"')[1].split("</tr>")[0]
    assert "已结账" in january and "待会签" in february
    first = page.split(f'id="r-{reconciled}"')[1].split("</tr>")[0]
    second = page.split(f'id="r-{short}"')[1].split("</tr>")[0]
    assert "相符" in first and 'class="flagged"' not in first
    assert f'<a href="/ledgers/{town.slug}/transactions/' in second
    assert "<strong>9,000.00</strong>" in second and "已记账未到账" in second  # grant not cleared
    assert http.get("/ledgers/nowhere/books").status_code == 404
