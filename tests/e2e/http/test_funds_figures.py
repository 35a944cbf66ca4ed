"""The public balances are held to the signed figures (FORMAT.md section 10): once the
view has caught up to a size where a checkpoint was signed, ``/funds`` (JSON and CSV)
says that size and shows exactly the figures document's balances at it."""

from __future__ import annotations

import csv
import io

import pytest

from ledger.format.money import parse_amount
from projections.worker import catch_up

THRESHOLD = 100_000
ACTIVITY_GRANT, RENOVATION_GRANT = 500_000, 300_000
APPROVED_BIG, REJECTED_BIG, SMALL = 150_000, 200_000, 20_000


@pytest.fixture
def signed_size(town, app, checkpoints) -> int:
    """Held payments decided both ways, a fund spent to zero, then a checkpoint."""
    committee = town.committee
    app.submit(committee.set_policy(THRESHOLD, 10 * THRESHOLD, 10))
    town.grant("activity", ACTIVITY_GRANT)
    town.grant("renovation", RENOVATION_GRANT)
    approved = town.spend("activity", APPROVED_BIG).seq
    rejected = town.spend("activity", REJECTED_BIG).seq
    town.spend("activity", SMALL)  # below the threshold: moves at once
    emptied = town.spend("renovation", RENOVATION_GRANT, account="5002").seq
    app.submit(committee.approve(approved))
    app.submit(committee.approve(emptied))
    app.submit(committee.reject(rejected, "quote above market price"))
    checkpoints.issue(town.slug)
    catch_up(app)
    return town.log_size()


def figures_at(http, slug: str, size: int) -> dict:
    response = http.get(f"/v1/ledgers/{slug}/figures", params={"size": size})
    assert response.status_code == 200, response.text
    return response.json()["figures"]


def test_every_balance_of_funds_equals_the_signed_figures_at_its_size(http, town, signed_size):
    response = http.get(f"/v1/ledgers/{town.slug}/funds")
    shown = response.json()
    assert shown["size"] == signed_size == int(response.headers["Sunledger-Size"])
    document = figures_at(http, town.slug, signed_size)
    signed = {tuple(row[:3]): row[3] for row in document["balances"]}
    rows = {(r["account"], r["fund"], r["currency"]): r["balance"] for r in shown["accounts"]}
    assert rows and all(signed[triple] == balance for triple, balance in rows.items())
    others = {triple: balance for triple, balance in signed.items() if triple not in rows}
    assert ("1002", "renovation", "CNY") in others  # spent to zero: signed, not shown
    assert set(others.values()) == {0}
    assert rows[("1002", "activity", "CNY")] == ACTIVITY_GRANT - APPROVED_BIG - SMALL


def test_the_funds_csv_states_its_size_and_holds_the_signed_money(http, town, signed_size):
    response = http.get(f"/v1/ledgers/{town.slug}/funds", params={"format": "csv"})
    assert response.status_code == 200 and response.headers["Sunledger-Size"] == str(signed_size)
    document = figures_at(http, town.slug, signed_size)
    money: dict[str, int] = {}
    for account, fund, _currency, balance in document["balances"]:
        if account in ("1001", "1002"):  # the cash and bank accounts of tests.community
            money[fund] = money.get(fund, 0) + balance
    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert {row["fund"]: parse_amount(row["资金（元）"]) for row in rows
            if row["fund"] in money} == money
    assert money["activity"] == ACTIVITY_GRANT - APPROVED_BIG - SMALL


def test_the_size_header_is_declared_in_openapi(http):
    schema = http.get("/openapi.json").json()
    answer = schema["paths"]["/v1/ledgers/{ledger}/funds"]["get"]["responses"]["200"]
    assert answer["headers"]["Sunledger-Size"]["schema"] == {"type": "integer"}
