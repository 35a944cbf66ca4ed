"""The audit views over real HTTP, signed in: each answers what its read model
holds, in full (names not masked), and downloads as CSV."""

from __future__ import annotations

import pytest

from projections import audit
from projections.view import open_view
from tests.builders.http import bearer, csv_rows


def get_audit(http, books, signer, path, **params):
    response = http.get(f"/v1/ledgers/{books.community.slug}/audit{path}", params=params,
                        headers=bearer(signer))
    assert response.status_code == 200, response.text
    return response


@pytest.mark.parametrize("path, read", [
    ("/journal", lambda v, s: audit.journal(v, s)),
    ("/general-ledger/1002", lambda v, s: audit.general_ledger(v, s, "1002")),
    ("/trial-balance", lambda v, s: audit.trial_balance(v, s)),
    ("/activity", lambda v, s: audit.activity_by_signer(v, s)),
    ("/unconfirmed", lambda v, s: audit.unconfirmed(v, s)),
    ("/pending-approvals", lambda v, s: audit.pending_approvals(v, s)),
    ("/reversals", lambda v, s: audit.reversals(v, s)),
    ("/findings", lambda v, s: audit.findings(v, s)),
])
def test_each_audit_view_answers_what_its_read_model_holds(http, projected, app, path, read):
    town = projected.community
    body = get_audit(http, projected, town.agent, path).json()
    assert body == read(open_view(app), town.slug)


def test_the_audit_journal_shows_full_names_and_signers(http, projected):
    town = projected.community
    items = get_audit(http, projected, town.committee, "/journal", limit=1000).json()["items"]
    zhang = next(i for i in items if i["seq"] == projected.seqs["zhang"])
    assert zhang["counterparty"]["full_name"] == "张三丰" and zhang["counterparty"]["name"] == "张*"
    assert zhang["signer"] == town.agent.key_id and zhang["postings"]


def test_the_general_ledger_pages_keep_a_running_balance(http, projected):
    town = projected.community
    first = get_audit(http, projected, town.agent, "/general-ledger/1002", limit=3).json()
    second = get_audit(http, projected, town.agent, "/general-ledger/1002", limit=3,
                       cursor=first["next_cursor"]).json()
    assert second["opening"]["CNY"] == first["items"][-1]["balance"]


def test_the_trial_balance_balances(http, projected):
    body = get_audit(http, projected, projected.community.agent, "/trial-balance").json()
    assert body["balanced"] is True
    assert body["totals"][0]["debit"] == body["totals"][0]["credit"] > 0


def test_the_journal_downloads_one_row_per_posting_line(http, projected):
    town = projected.community
    json_items = get_audit(http, projected, town.agent, "/journal", limit=1000).json()["items"]
    rows = csv_rows(get_audit(http, projected, town.agent, "/journal", format="csv"))
    assert len(rows) == sum(len(item["postings"]) for item in json_items)
    assert {"seq", "posting_account", "posting_side", "分录金额（元）",
            "counterparty_full_name"} <= set(rows[0])


@pytest.mark.parametrize("path", ["/general-ledger/1002", "/trial-balance", "/activity",
                                  "/unconfirmed", "/reversals", "/findings",
                                  "/pending-approvals"])
def test_every_audit_list_downloads_as_csv(http, projected, path):
    town = projected.community
    json_body = get_audit(http, projected, town.agent, path).json()
    rows = csv_rows(get_audit(http, projected, town.agent, path, format="csv"))
    listed = json_body.get("items", json_body.get("accounts", json_body.get("signers")))
    assert len(rows) == len(listed)
