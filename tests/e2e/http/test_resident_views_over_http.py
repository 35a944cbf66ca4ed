"""The resident endpoints over real HTTP, on both stores: what they answer is what
the read models hold, filters and pages work, and one transaction carries a
proof a resident can check against the signed checkpoint."""

from __future__ import annotations

import base64
import hashlib

import pytest

from ledger.format import merkle
from ledger.errors import FormatError
from ledger.format.checkpoints import verify_checkpoint
from projections import queries
from projections.paging import TransactionFilters
from projections.view import open_view
from projections.worker import catch_up
from tests.builders.http import assert_problem


def url(books, path: str = "") -> str:
    return f"/v1/ledgers/{books.community.slug}{path}"


def get_json(http, path, **params):
    response = http.get(path, params=params)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "application/json"
    return response.json()


def test_the_ledger_summary_shows_its_sizes_and_latest_checkpoint(http, projected, checkpoints):
    slug = projected.community.slug
    checkpoints.issue(slug)
    body = get_json(http, url(projected))
    size = projected.community.log_size()
    assert body["ledger"] == slug and body["name"] == "新竹社区" and body["currency"] == "CNY"
    assert body["size"] == body["projected_size"] == size
    assert body["checkpoint"] == {"size": size, "count": 1}


def test_status_says_how_far_the_projection_is_behind_the_log(http, projected, app):
    town = projected.community
    body = get_json(http, url(projected, "/status"))
    assert body["log_size"] == town.log_size() and body["projections"][0]["behind"] == 0
    assert body["writes"] == {"accepted": True}
    town.grant("general", 1_000)
    behind = get_json(http, url(projected, "/status"))["projections"][0]
    assert behind["behind"] == 1 and behind["up_to_date"] is False
    catch_up(app)
    assert get_json(http, url(projected, "/status"))["projections"][0]["up_to_date"] is True


def test_funds_answer_exactly_what_the_read_model_holds(http, projected, app):
    view = open_view(app)
    slug = projected.community.slug
    assert get_json(http, url(projected, "/funds")) == queries.balances(view, slug)
    assert (get_json(http, url(projected, "/funds"), as_of="2026-01-31")
            == queries.balances(view, slug, as_of="2026-01-31"))
    activity = next(f for f in get_json(http, url(projected, "/funds"))["funds"]
                    if f["fund"] == "activity")
    assert activity["money"] == 500_000 - 120_000 - 8_000  # the reversal undid 30,000


def test_usage_and_budget_answer_what_the_read_models_hold(http, projected, app):
    view, slug = open_view(app), projected.community.slug
    assert get_json(http, url(projected, "/usage"), year=2026) == queries.fund_usage(
        view, slug, year=2026)
    assert get_json(http, url(projected, "/usage"), fund="activity") == queries.fund_usage(
        view, slug, fund="activity")
    budget = get_json(http, url(projected, "/budget"), year=2026)
    assert budget == queries.budget_vs_actual(view, slug, 2026)
    activity = next(f for f in budget["funds"] if f["fund"] == "activity")
    assert (activity["budget"], activity["spent"]) == (350_000, 128_000)


def test_the_budget_needs_a_year(http, projected):
    assert_problem(http.get(url(projected, "/budget")), 422, "invalid-request")


def test_transactions_filter_by_date_fund_category_counterparty_and_amount(
        http, projected, app):
    view, slug = open_view(app), projected.community.slug
    cases = [{"date_from": "2026-02-01", "date_to": "2026-03-31"}, {"fund": "renovation"},
             {"category": "grant"}, {"counterparty": "张"}, {"amount_min": 60_000,
                                                             "amount_max": 500_000},
             {"type": "reversal"}, {"fund": "activity", "category": "activity"}]
    for filters in cases:
        body = get_json(http, url(projected, "/transactions"), **filters)
        assert body == queries.transactions(view, slug, TransactionFilters(**filters))
        assert body["items"], filters
    renovation = get_json(http, url(projected, "/transactions"), fund="renovation")["items"]
    assert all("renovation" in item["funds"] for item in renovation)
    zhang = get_json(http, url(projected, "/transactions"), counterparty="张")["items"]
    assert [item["seq"] for item in zhang] == [projected.seqs["zhang"]]
    assert zhang[0]["counterparty"]["name"] == "张*"  # residents see people masked


def test_cursor_pages_walk_the_whole_list_once_in_order(http, projected):
    everything = [item["seq"] for item in get_json(
        http, url(projected, "/transactions"), limit=1000)["items"]]
    walked, cursor = [], None
    while True:
        params = {"limit": 3} | ({"cursor": cursor} if cursor is not None else {})
        page = get_json(http, url(projected, "/transactions"), **params)
        walked += [item["seq"] for item in page["items"]]
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert walked == everything == sorted(everything, reverse=True) and len(walked) > 3


def test_one_transaction_carries_a_proof_that_verifies_against_the_signed_checkpoint(
        http, projected, checkpoints):
    town, seq = projected.community, projected.seqs["zhang"]
    checkpoints.issue(town.slug)
    body = get_json(http, url(projected, f"/transactions/{seq}"))
    assert body["seq"] == seq and body["counterparty"]["name"] == "张*"
    assert [line["amount"] for line in body["postings"]] == [8_000, 8_000]
    leaf = body["leaf"].encode("utf-8")
    assert base64.b64decode(body["leaf_hash"]) == hashlib.sha256(b"\x00" + leaf).digest()
    signed = verify_checkpoint(body["proof"]["checkpoint"], town.log_signer.verifier())
    assert signed.size == body["proof"]["size"] == town.log_size()
    path = [base64.b64decode(h) for h in body["proof"]["hashes"]]
    assert merkle.verify_inclusion(merkle.leaf_hash(leaf), seq, signed.size, path, signed.root)
    assert not merkle.verify_inclusion(merkle.leaf_hash(leaf), seq + 1, signed.size, path,
                                       signed.root)


def test_a_transaction_no_checkpoint_covers_yet_has_no_proof(http, projected, checkpoints, app):
    town = projected.community
    checkpoints.issue(town.slug)
    seq = town.grant("general", 2_000).seq
    catch_up(app)
    body = get_json(http, url(projected, f"/transactions/{seq}"))
    assert body["seq"] == seq and body["proof"] is None and body["leaf"]


def test_an_entry_that_is_not_a_journal_entry_is_not_a_transaction(http, projected):
    assert_problem(http.get(url(projected, "/transactions/0")), 404, "not-found")


def test_an_unknown_ledger_is_a_404_problem_on_every_resident_endpoint(http, projected):
    for path in ("", "/status", "/funds", "/usage", "/budget?year=2026", "/transactions",
                 "/transactions/3"):
        assert_problem(http.get(f"/v1/ledgers/nowhere{path}"), 404, "ledger-not-found")


def test_parameters_out_of_range_are_422_problems(http, projected):
    for path, params in [("/transactions", {"limit": 0}), ("/transactions", {"limit": 1001}),
                         ("/transactions", {"date_from": "2026-02-30"}),
                         ("/transactions", {"date_from": "yesterday"}),
                         ("/transactions", {"amount_min": -1}), ("/transactions", {"cursor": -5}),
                         ("/transactions", {"type": "gift"}), ("/usage", {"year": 1999}),
                         ("/funds", {"as_of": "2026-13-01"}), ("/funds", {"format": "xml"})]:
        response = http.get(url(projected, path), params=params)
        assert response.status_code == 422, (path, params, response.text)
        assert response.headers["content-type"] == "application/problem+json"


def test_control_characters_in_a_filter_or_slug_are_refused_before_any_query(http, projected):
    """PostgreSQL cannot hold a NUL in text: before this check a NUL in a filter was a 500
    there. Now every store refuses it the same way, as a client error."""
    for path, params in [("/transactions", {"fund": "general\x00"}),
                         ("/transactions", {"category": "a\x1fb"}),
                         ("/transactions", {"counterparty": "\x00"}),
                         ("/usage", {"fund": "\x7f"})]:
        response = http.get(url(projected, path), params=params)
        assert response.status_code == 422, (path, params, response.text)
        assert response.headers["content-type"] == "application/problem+json"
    assert http.get("/v1/ledgers/xin%00zhu/funds").status_code == 422
    # The web page's filters reach the read model without FastAPI's checks: it refuses too.
    with pytest.raises(FormatError, match="control characters"):
        TransactionFilters(fund="general\x00")


def test_seqs_and_sizes_beyond_any_integer_a_store_holds_are_422_problems(http, projected):
    """2**63 once reached SQLite as an OverflowError (a 500) through ``entries?start=``."""
    huge = 2**63
    for path, params in [("/entries", {"start": huge}), ("/checkpoint", {"size": huge}),
                         ("/figures", {"size": huge}),
                         ("/proofs/inclusion", {"seq": 0, "size": huge}),
                         ("/proofs/consistency", {"from": 1, "to": huge}),
                         ("/transactions", {"amount_max": huge}), (f"/transactions/{huge}", {})]:
        response = http.get(url(projected, path), params=params)
        assert response.status_code == 422, (path, params, response.text)
        assert response.headers["content-type"] == "application/problem+json"
