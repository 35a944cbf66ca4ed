"""A server started on a database older than a checkpoint it signed says so: a log
line at start, and 503 log-behind-checkpoint on every write, which changes nothing."""

from __future__ import annotations

import logging

import httpx
import pytest

from api.app import ApiOptions, create_app
from ledger.client import posting
from tests.builders.community import STREET_OFFICE
from tests.builders.server import running
from tests.integration.test_restores import story  # noqa: F401  (fixture)

pytestmark = pytest.mark.own_database


def test_writes_to_a_restored_older_database_are_503_and_change_nothing(story, caplog):
    town, restored, _ = story
    lines = [posting("1002", "general", "debit", 500), posting("4001", "general", "credit", 500)]
    grant = town.agent.post("2026-03-01", "grant", STREET_OFFICE, lines)
    with caplog.at_level(logging.ERROR, logger="ledger.log.checkpointing"):
        api = create_app(restored, options=ApiOptions(public_rate_per_minute=0))
        with running(api) as url, httpx.Client(base_url=url, timeout=30) as http:
            base = f"/v1/ledgers/{town.slug}"
            before = http.get(f"{base}/checkpoint").text
            answer = http.post(f"{base}/statements", json=grant.to_json())
            assert answer.status_code == 503, answer.text
            assert answer.json()["type"].endswith("log-behind-checkpoint")
            assert "signed a checkpoint at size 17" in answer.json()["detail"]
            assert api.state.ledger.reader.size(town.slug) == 14
            assert http.get(f"{base}/checkpoint").text == before
            writes = http.get(f"{base}/status").json()["writes"]
            assert writes["accepted"] is False and writes["code"] == "log-behind-checkpoint"
            assert "sunledger restore" in writes["reason"]
    assert any("refuses writes" in record.getMessage() for record in caplog.records)
