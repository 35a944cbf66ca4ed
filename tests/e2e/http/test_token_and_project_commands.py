"""`sunledger token` and `sunledger project`, run in-process against the real stores."""

from __future__ import annotations

from ledger.format.keys import save_key
from ledger.keystore.keyring import key_path
from projections.view import open_view
from tests.builders.cli import Cli
from tests.builders.http import assert_problem


def test_the_printed_token_signs_in_once_to_the_audit_views(http, projected, settings):
    town = projected.community
    path = key_path(settings, town.slug, "auditor-ann")
    path.parent.mkdir(parents=True, exist_ok=True)
    save_key(town.committee.key, path)  # the committee member's own key file
    token = Cli(settings).out("token", town.slug, "--key", "auditor-ann",
                              "--lifetime", "60").strip()
    url = f"/v1/ledgers/{town.slug}/audit/trial-balance"
    headers = {"Authorization": f"Bearer {token}"}
    assert http.get(url, headers=headers).status_code == 200
    assert_problem(http.get(url, headers=headers), 401, "bad-token")  # one request only


def test_project_once_brings_the_read_models_up_to_the_log(books, app, settings):
    view, slug = open_view(app), books.community.slug

    def projected_size():
        with view.reading() as tx:
            row = tx.one("SELECT size FROM view_ledgers WHERE ledger = ?", (slug,))
        return row["size"] if row else 0

    assert projected_size() == 0
    Cli(settings).out("project", "--once")
    assert projected_size() == books.community.log_size()
    assert Cli(settings).out("project", "--rebuild", "--once") == ""  # stdout stays clean
    assert projected_size() == books.community.log_size()
