"""The public read models on both stores, checked against figures computed
straight from the statements the test submitted."""

from __future__ import annotations

import pytest

from ledger.errors import FormatError, LedgerNotFound, NotFound
from projections import queries
from projections.paging import TransactionFilters
from projections.worker import catch_up
from tests.integration.projections import expected
from tests.builders.books import RECEIPT


def account_balances(result) -> dict[tuple[str, str], int]:
    return {(row["account"], row["fund"]): row["balance"] for row in result["accounts"]}


def test_balances_today_equal_the_sum_of_every_posting_submitted(books, view):
    result = queries.balances(view, books.community.slug)
    assert account_balances(result) == expected.balances(books)
    activity = next(f for f in result["funds"] if f["fund"] == "activity")
    assert activity["money"] == 500_000 - 120_000 - 8_000  # the mistaken payment was reversed
    assert result["classes"]["asset"] == sum(
        v for (account, _), v in expected.balances(books).items() if account in ("1001", "1002"))


def test_balances_at_a_past_date_count_only_entries_dated_up_to_it(books, view):
    slug = books.community.slug
    march = queries.balances(view, slug, as_of="2026-03-03")
    assert account_balances(march) == expected.balances(books, as_of="2026-03-03")
    assert account_balances(march)[("5001", "activity")] == 128_000
    before_reversal = queries.balances(view, slug, as_of="2026-05-09")
    assert account_balances(before_reversal)[("5001", "activity")] == 158_000
    assert queries.balances(view, slug, as_of="2025-12-31")["funds"][1]["money"] == 100_000


def test_balances_as_of_the_far_future_equal_balances_today(books, view):
    today = queries.balances(view, books.community.slug)
    later = queries.balances(view, books.community.slug, as_of="2099-12-31")
    assert later["accounts"] == today["accounts"] and later["funds"] == today["funds"]


def test_fund_usage_equals_sums_computed_from_the_statements(books, view):
    for year in (None, 2025, 2026):
        result = queries.fund_usage(view, books.community.slug, year=year)
        want = expected.usage(books, year)
        assert {(r["fund"],): (r["income"], r["spending"]) for r in result["by_fund"]} == \
            want["by_fund"]
        assert {(r["fund"], r["category"]): (r["income"], r["spending"])
                for r in result["by_category"]} == want["by_category"]
        assert {(r["fund"], r["month"]): (r["income"], r["spending"])
                for r in result["by_month"]} == want["by_month"]


def test_fund_usage_by_counterparty_masks_people_and_names_organisations(books, view):
    result = queries.fund_usage(view, books.community.slug, year=2026, fund="activity")
    spending = {(r["counterparty_kind"], r["counterparty"]): r["spending"]
                for r in result["by_counterparty"]}
    assert spending[("person", "张*")] == 8_000
    assert spending[("organisation", "阳光文体用品店")] == 120_000
    assert spending[("organisation", "错误供应商")] == 0  # posted, then reversed
    assert all(r["fund"] == "activity" for r in result["by_counterparty"])


def test_budget_against_actual_uses_the_latest_budget_of_each_fund_and_year(books, view):
    result = queries.budget_vs_actual(view, books.community.slug, 2026)
    funds = {row["fund"]: row for row in result["funds"]}
    assert funds["activity"]["budget"] == 350_000
    assert funds["activity"]["spent"] == 128_000
    assert funds["activity"]["remaining"] == 222_000
    assert funds["renovation"] == {**funds["renovation"], "budget": 2_000_000,
                                   "spent": 500_000, "income": 3_000_000, "over_budget": False}
    assert funds["general"]["budget"] is None and funds["general"]["remaining"] is None
    assert queries.budget_vs_actual(view, books.community.slug, 2025)["funds"][0]["budget"] \
        == 100_000


def test_the_transaction_list_masks_people_and_shows_organisations(books, view):
    items = queries.transactions(view, books.community.slug, limit=1000)["items"]
    names = {item["seq"]: item["counterparty"]["name"] for item in items}
    assert names[books.seqs["zhang"]] == "张*"
    assert names[books.seqs["li"]] == "L*"
    assert names[books.seqs["grant"]] == "街道办事处 Street office"
    assert "张三丰" not in str(items) and "Li Wei" not in str(items)


def test_a_transaction_shows_fund_amount_documents_signer_role_and_hash(books, view):
    slug, seq = books.community.slug, books.seqs["zhang"]
    item = queries.transaction(view, slug, seq)
    entry = books.community.app.reader.entry(slug, seq)
    assert item["funds"] == ["activity"] and item["amount"] == 8_000
    assert item["category"] == "stipend" and item["memo"] == "志愿者补贴"
    assert item["documents"] == [RECEIPT]
    assert item["signer_role"] == "agent" and "signer" not in item
    assert item["entry_hash"] == entry.hash and item["seq"] == seq
    assert [(p["account"], p["side"], p["amount"]) for p in item["postings"]] == \
        [("5001", "debit", 8_000), ("1002", "credit", 8_000)]


def test_the_reversal_status_is_shown_on_the_original_entry(books, view):
    slug = books.community.slug
    original = queries.transaction(view, slug, books.seqs["mistaken"])
    reversal = queries.transaction(view, slug, books.seqs["reversal"])
    assert original["reversal_status"] == "reversed"
    assert original["reversed_by"] == books.seqs["reversal"]
    assert reversal["reversal_status"] == "reversal"
    assert reversal["reverses"] == books.seqs["mistaken"] and reversal["reason"] == "wrong supplier"
    assert queries.transaction(view, slug, books.seqs["zhang"])["reversal_status"] == "in_force"


def test_transaction_filters_select_by_date_fund_category_counterparty_and_amount(books, view):
    slug = books.community.slug

    def seqs(**filters):
        return [i["seq"] for i in queries.transactions(
            view, slug, TransactionFilters(**filters), order="asc")["items"]]

    assert seqs(date_from="2026-03-01", date_to="2026-03-31") == [books.seqs["zhang"],
                                                                   books.seqs["li"]]
    assert seqs(fund="renovation") == [books.seqs["grant"] + 1, books.seqs["li"]]
    assert seqs(category="stipend") == [books.seqs["zhang"]]
    assert seqs(counterparty="street") == seqs(counterparty="STREET OFFICE") != []
    assert seqs(counterparty="张三") == []  # the public cannot search the full name
    assert seqs(amount_min=500_000, amount_max=500_000) == [books.seqs["grant"],
                                                            books.seqs["li"]]
    assert seqs(counterparty="%") == []  # wildcards are taken literally
    assert seqs(type="reversal") == [books.seqs["reversal"]]


def test_the_transaction_list_pages_by_seq_cursor_without_gaps_or_repeats(books, view):
    slug = books.community.slug
    everything = [i["seq"] for i in queries.transactions(view, slug, limit=1000)["items"]]
    assert everything == sorted(everything, reverse=True) and len(everything) == 10
    seen, cursor = [], None
    while True:
        result = queries.transactions(view, slug, cursor=cursor, limit=3)
        seen += [i["seq"] for i in result["items"]]
        cursor = result["next_cursor"]
        if cursor is None:
            break
    assert seen == everything


@pytest.mark.parametrize("call, field", [
    (lambda v, s: queries.transactions(v, s, limit=1001), "limit"),
    (lambda v, s: queries.transactions(v, s, limit=0), "limit"),
    (lambda v, s: queries.transactions(v, s, cursor=-1), "cursor"),
    (lambda v, s: queries.transactions(v, s, TransactionFilters(date_from="2026-02-30")),
     "date_from"),
    (lambda v, s: queries.transactions(v, s, TransactionFilters(amount_min=1.5)), "amount_min"),
    (lambda v, s: queries.balances(v, s, as_of="yesterday"), "as_of"),
    (lambda v, s: queries.fund_usage(v, s, year=1999), "year"),
    (lambda v, s: queries.budget_vs_actual(v, s, None), "year"),
])
def test_bad_query_parameters_get_a_clear_error_naming_the_field(books, view, call, field):
    before = view.dump()
    with pytest.raises(FormatError) as info:
        call(view, books.community.slug)
    assert info.value.details["field"] == field
    assert view.dump() == before


def test_an_unknown_ledger_or_entry_is_not_found(books, view):
    with pytest.raises(LedgerNotFound):
        queries.balances(view, "no-such-ledger")
    with pytest.raises(NotFound):
        queries.transaction(view, books.community.slug, 0)  # genesis is not a journal entry


def test_status_shows_each_projections_position_and_how_far_behind_it_is(books, view):
    app, slug = books.community.app, books.community.slug
    size = app.reader.size(slug)
    status = queries.status(view, slug, log_size=size)
    finance = status["projections"][0]
    assert finance["name"] == "finance" and finance["size"] == size
    assert finance["behind"] == 0 and finance["up_to_date"] is True
    assert finance["head"] == app.reader.entry(slug, size - 1).hash
    books.pay("general", 1_000, "2026-07-01", "activity", {"kind": "person", "name": "王五"})
    behind = queries.status(view, slug, log_size=app.reader.size(slug))["projections"][0]
    assert behind["behind"] == 1 and behind["up_to_date"] is False
    catch_up(app)
    assert queries.status(view, slug, log_size=size + 1)["projections"][0]["behind"] == 0
