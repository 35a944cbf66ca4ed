"""GET /v1/ledgers answers from the read model: no ledger's log is replayed to list it."""

from __future__ import annotations

import httpx

from ledger.log.checkpointing import CheckpointLog

from api.app import ApiOptions, create_app
from ledger.format.keys import SigningKey
from ledger.format.notes import Signer as NoteSigner
from ledger.log.application import LedgerApplication
from projections.worker import catch_up
from tests.builders.server import running
from tests.builders.community import Community


def test_listing_ledgers_reads_the_read_model_and_replays_no_log(settings, app, town):
    held_elsewhere = Community.open(app)  # its log key is not on this server
    catch_up(app)
    town.grant("general", 100)  # on the log, not yet in the read model
    CheckpointLog(app).issue(town.slug)  # else the server signs (so replays) it at start
    fresh = LedgerApplication(settings)  # no ledger state in memory
    replayed: list[str] = []
    stored = fresh.reader.stored

    def counting_stored(slug, *args, **kwargs):
        replayed.append(slug)
        return stored(slug, *args, **kwargs)

    fresh.reader.stored = counting_stored
    try:
        api = create_app(settings, application=fresh, options=ApiOptions(public_rate_per_minute=0))
        with running(api) as url:
            answer = httpx.get(f"{url}/v1/ledgers", timeout=30)
        assert answer.status_code == 200
        listed = {item["ledger"]: item for item in answer.json()["ledgers"]}
        assert replayed == [] and fresh._states == {}  # nothing caught up, nothing replayed
    finally:
        fresh.close()
    assert {town.slug, held_elsewhere.slug} <= set(listed)  # (PostgreSQL keeps others too)
    assert listed[town.slug] == {
        "ledger": town.slug, "name": "新竹社区", "origin": f"sunledger.example/{town.slug}",
        "currency": "CNY", "size": 14, "log_key": town.log_signer.verifier().vkey}
    # The read model holds each ledger's log key, whether or not this server holds its seed.
    assert listed[held_elsewhere.slug]["log_key"] == held_elsewhere.log_signer.verifier().vkey
    assert listed[held_elsewhere.slug]["size"] == 14


def test_the_list_names_the_log_key_of_the_latest_rotation(settings, app, town, http):
    origin = f"sunledger.example/{town.slug}"
    new_key = NoteSigner.from_seed(origin, SigningKey.generate().seed).verifier().vkey
    app.submit(town.admin.sign("ledger.log_key_rotated", {"log_key": new_key}))
    catch_up(app)
    listed = {item["ledger"]: item for item in http.get("/v1/ledgers").json()["ledgers"]}
    assert listed[town.slug]["log_key"] == new_key != town.log_signer.verifier().vkey
