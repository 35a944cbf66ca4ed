"""Audit views for the bookkeeping agent and auditors, on both stores."""

from __future__ import annotations

import pytest

from ledger.errors import NotFound
from projections import queries
from projections.worker import catch_up
from tests.integration.projections import expected


def test_the_unconfirmed_list_shrinks_when_the_cashier_confirms(books, view):
    community, slug = books.community, books.community.slug
    waiting = [i["seq"] for i in queries.unconfirmed(view, slug, limit=1000)["items"]]
    assert books.seqs["grant"] not in waiting  # confirmed in the books already
    assert books.seqs["zhang"] in waiting and books.seqs["transfer"] in waiting
    books.submit(community.cashier.confirm(books.seqs["zhang"], "2026-03-04"))
    catch_up(community.app)
    after = [i["seq"] for i in queries.unconfirmed(view, slug, limit=1000)["items"]]
    assert after == [seq for seq in waiting if seq != books.seqs["zhang"]]
    shown = queries.transaction(view, slug, books.seqs["zhang"])
    assert shown["needs_confirmation"] is False and shown["confirmed_date"] == "2026-03-04"


def test_the_trial_balance_balances_and_lists_every_account(books, view):
    result = queries.trial_balance(view, books.community.slug)
    assert result["balanced"] is True and result["findings"] == []
    (total,) = result["totals"]
    assert total["debit"] == total["credit"] > 0
    assert {row["account"] for row in result["accounts"]} == \
        {account for account, _ in expected.balances(books)}
    past = queries.trial_balance(view, books.community.slug, as_of="2026-01-31")
    assert past["balanced"] and past["totals"][0]["debit"] == 100_000 + 500_000 + 3_000_000


def test_the_journal_lists_entries_in_seq_order_with_lines_signer_and_full_names(books, view):
    community = books.community
    items = queries.journal(view, community.slug, limit=1000)["items"]
    assert [i["seq"] for i in items] == sorted(i["seq"] for i in items)
    zhang = next(i for i in items if i["seq"] == books.seqs["zhang"])
    assert zhang["counterparty"] == {"kind": "person", "name": "张*", "full_name": "张三丰"}
    assert zhang["signer"] == community.agent.key_id
    assert zhang["signer_label"] == f"agent of {community.slug}"
    assert [(p["account"], p["amount"]) for p in zhang["postings"]] == [("5001", 8_000),
                                                                        ("1002", 8_000)]
    march = queries.journal(view, community.slug, date_from="2026-03-01", date_to="2026-03-31")
    assert [i["seq"] for i in march["items"]] == [books.seqs["zhang"], books.seqs["li"]]


def test_the_general_ledger_runs_a_balance_through_an_accounts_postings(books, view):
    slug = books.community.slug
    first = queries.general_ledger(view, slug, "1002", fund="activity", limit=2)
    rest = queries.general_ledger(view, slug, "1002", fund="activity",
                                  cursor=first["next_cursor"], limit=1000)
    items = first["items"] + rest["items"]
    assert [i["balance"] for i in items] == [500_000, 380_000, 372_000, 342_000, 372_000]
    assert rest["opening"] == {"CNY": 380_000}
    assert rest["next_cursor"] is None
    with pytest.raises(NotFound):
        queries.general_ledger(view, slug, "9999")


def test_activity_by_signer_counts_what_each_key_signed(books, view):
    community = books.community
    signers = {s["key_id"]: s for s in queries.activity_by_signer(view, community.slug)["signers"]}
    agent, cashier = signers[community.agent.key_id], signers[community.cashier.key_id]
    assert agent["roles"] == ["agent"]
    posted = [s for _, s in books.submitted if s.statement.type == "entry.posted"]
    assert agent["by_type"]["entry.posted"] == len(posted) == 9
    assert agent["by_type"]["entry.reversed"] == 1
    assert agent["posted_amount"] == sum(s.statement.body["postings"][0]["amount"]
                                         for s in posted)
    assert cashier["by_type"] == {"entry.confirmed": 1} and cashier["posted_amount"] == 0
    assert signers[community.committee.key_id]["by_type"] == {"fund.budgeted": 4}
    nobody = queries.activity_by_signer(view, community.slug, date_to="2000-01-01")
    assert all(s["entries"] == 0 for s in nobody["signers"])


def test_reversals_are_listed_beside_the_entry_they_reverse(books, view):
    (item,) = queries.reversals(view, books.community.slug)["items"]
    assert item["seq"] == books.seqs["reversal"] and item["reverses"] == books.seqs["mistaken"]
    assert item["original"]["date"] == "2026-04-02"
    assert item["counterparty"]["full_name"] == "错误供应商" and item["amount"] == 30_000
