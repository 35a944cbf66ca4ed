"""A projection failure never hides money: when the read model cannot take an entry,
the ledger's public figures stop at the last entry it could take, state that size,
equal what the log implies there, and say why they stopped."""

from __future__ import annotations

import httpx
import pytest

from api.app import ApiOptions, create_app
from ledger.client import posting
from ledger.domain import fields, replay
from ledger.domain.state import LedgerState
from ledger.log.figures import figures_at
from ledger.log.application import LedgerApplication
from ledger.settings import Settings
from projections.worker import catch_up
from tests.builders.server import keep_log_key, running
from tests.builders.community import STREET_OFFICE, Community
from tests.builders.tamper import append_raw

SUPPLIER = {"kind": "organisation", "name": "阳光文体用品店"}


def state_at(app: LedgerApplication, slug: str, size: int) -> LedgerState:
    """What the log implies at ``size``, replayed by the domain from the stored entries."""
    state = LedgerState(slug)
    for entry in app.entries(slug, 0, size):
        replay(state, entry)
    return state


def public_balances(answer: dict) -> dict[tuple[str, str, str], int]:
    return {(row["account"], row["fund"], row["currency"]): row["balance"]
            for row in answer["accounts"]}


def normal_side_balances(state: LedgerState) -> dict[tuple[str, str, str], int]:
    credit_normal = {"liability", "net_assets", "income"}
    return {key: -amount if state.accounts[key[0]].account_class in credit_normal else amount
            for key, amount in state.balances.items() if amount}


def payment(town: Community, amount: int, memo: str) -> dict:
    lines = [posting("5001", "activity", "debit", amount),
             posting("1002", "activity", "credit", amount)]
    return town.agent.post("2026-03-02", "activity", SUPPLIER, lines, memo=memo).to_json()


def grant(town: Community, amount: int) -> dict:
    lines = [posting("1002", "activity", "debit", amount),
             posting("4001", "activity", "credit", amount)]
    return town.agent.post("2026-03-03", "grant", STREET_OFFICE, lines).to_json()


@pytest.fixture
def pg_api(postgres_url, tmp_path):
    """A server on PostgreSQL (NUL is a text PostgreSQL refuses and SQLite keeps)."""
    settings = Settings(database_url=postgres_url, data_dir=tmp_path / "data")
    app = LedgerApplication(settings)
    town = Community.open(app)
    keep_log_key(settings, town)
    api = create_app(settings, application=app, options=ApiOptions(public_rate_per_minute=0))
    with running(api) as url, httpx.Client(base_url=url, timeout=30) as http:
        yield town, http, api
    app.close()


@pytest.mark.postgres
def test_a_payment_whose_memo_postgres_cannot_store_stops_the_public_figures_before_it(
        pg_api, monkeypatch):
    town, http, api = pg_api
    app, slug = town.app, town.slug
    assert http.post(f"/v1/ledgers/{slug}/statements", json=grant(town, 50_000)).status_code == 201
    signed_at = api.state.checkpoints.issue(slug)  # the figures at the size before the payment
    # A log signed before the text rule (which now refuses a NUL as unsafe-text) may hold one.
    monkeypatch.setattr(fields, "check_text", lambda value, name, *, prose: None)
    taken = http.post(f"/v1/ledgers/{slug}/statements", json=payment(town, 100, "a\u0000b"))
    monkeypatch.undo()
    assert taken.status_code == 201  # the log took it: the NUL is valid JSON text
    stop = taken.json()["seq"]
    assert http.post(f"/v1/ledgers/{slug}/statements", json=grant(town, 7_000)).status_code == 201
    catch_up(app)

    funds = http.get(f"/v1/ledgers/{slug}/funds").json()
    assert funds["size"] == stop
    implied = state_at(app, slug, stop)
    assert public_balances(funds) == normal_side_balances(implied)
    assert public_balances(funds)[("1002", "activity", "CNY")] == 50_000  # not 49,900 + 7,000
    figures = {(a, f, c): b for a, f, c, b in figures_at(app, slug, stop)["balances"] if b}
    assert stop == int(signed_at.splitlines()[1]) and public_balances(funds) == figures

    status = http.get(f"/v1/ledgers/{slug}/status").json()["projections"][0]
    assert status["stopped_at"] == stop and status["up_to_date"] is False
    assert status["message"].startswith(f"behind at seq {stop}: unprojectable entry")
    assert "\x00" not in status["message"]
    listed = http.get(f"/v1/ledgers/{slug}/transactions", params={"limit": 100}).json()
    assert listed["size"] == stop and all(item["seq"] < stop for item in listed["items"])
    assert http.get(f"/v1/ledgers/{slug}/transactions/{stop + 1}").status_code == 404


def test_an_entry_the_view_cannot_read_stops_that_ledger_only(town, app, http):
    town.grant("general", 10_000)
    bad = append_raw(town, town.agent, "entry.posted",
                     {"date": "2026-03-01", "category": "x", "counterparty": STREET_OFFICE,
                      "memo": "", "postings": [posting("5001", "general", "debit", 1_000),
                                               posting("1002", "general", "credit", 1_000)],
                      "documents": "not a list"})
    town.grant("general", 5_000)
    other = Community.open(app)
    other.grant("general", 3_000)
    catch_up(app)

    funds = http.get(f"/v1/ledgers/{town.slug}/funds").json()
    assert funds["size"] == bad.seq
    assert public_balances(funds) == normal_side_balances(state_at(app, town.slug, bad.seq))
    status = http.get(f"/v1/ledgers/{town.slug}/status").json()["projections"][0]
    assert status["stopped_at"] == bad.seq and "documents" in status["message"]
    usage = http.get(f"/v1/ledgers/{town.slug}/usage", params={"year": 2026}).json()
    assert usage["size"] == bad.seq
    for view in ("funds", "usage", "budget"):  # a CSV states its size in a header
        for shape in ("json", "csv"):
            answer = http.get(f"/v1/ledgers/{town.slug}/{view}",
                              params={"year": 2026, "format": shape})
            assert answer.headers["Sunledger-Size"] == str(bad.seq), (view, shape)
    others = http.get(f"/v1/ledgers/{other.slug}/funds").json()
    assert others["size"] == other.log_size()
    assert http.get(f"/v1/ledgers/{other.slug}/status").json()["projections"][0][
        "stopped_at"] is None
