"""A primary with a streaming replica, both real PostgreSQL clusters started for this
module: reads are answered by the replica and say how far behind it is; a write made
through the primary shows there once replicated; a replica that lags past the bound
or stops is reported and the primary answers instead (never passed off as current)."""

from __future__ import annotations

import os
import subprocess
import time
from typing import Callable, Iterator

import httpx
import pytest
from fastapi import FastAPI

from api.app import ApiOptions, create_app
from ledger.log.application import LedgerApplication
from ledger.log.checkpointing import CheckpointLog
from ledger.settings import Settings
from ledger.verify.http import verify_url
from tests.builders.clusters import (Cluster, primary_with_replica, require_server_binaries,
                                     wait_caught_up)
from ledger.client import posting
from tests.builders.cli import Cli
from tests.builders.community import STREET_OFFICE, Community
from tests.builders.server import keep_log_key, running
from tests.e2e.cli.test_console_script import sunledger
from tests.e2e.cli.test_serve_behind_a_proxy import free_port

pytestmark = pytest.mark.postgres
LAG_MAX_SECONDS = 1.0


@pytest.fixture(scope="module")
def streaming() -> Iterator[tuple[Cluster, Cluster]]:
    require_server_binaries()
    with primary_with_replica() as pair:
        yield pair


@pytest.fixture
def served(streaming, tmp_path) -> Iterator[tuple[Community, httpx.Client, FastAPI]]:
    """A community on the primary, an HTTP client of a server reading the replica, and
    that server's app."""
    primary, replica = streaming
    settings = Settings(database_url=primary.url, data_dir=tmp_path / "data",
                        read_database_urls=(replica.url,),
                        replica_lag_max_seconds=LAG_MAX_SECONDS)
    app = LedgerApplication(settings)
    town = Community.open(app)
    keep_log_key(settings, town)
    api = create_app(settings, application=app, options=ApiOptions(serve_projections=True))
    try:
        with running(api) as base, httpx.Client(base_url=f"{base}/v1/ledgers/{town.slug}",
                                                timeout=30) as http:
            yield town, http, api
    finally:
        app.close()


def eventually(check: Callable[[], bool], timeout: float = 20.0) -> None:
    deadline = time.monotonic() + timeout
    while not check():
        assert time.monotonic() < deadline, "the condition never held"
        time.sleep(0.1)


def entries_seen(http: httpx.Client, **headers: str) -> tuple[int, httpx.Response]:
    response = http.get("/entries", params={"start": 0, "limit": 1000}, headers=headers)
    assert response.status_code == 200, response.text
    return len(response.content.splitlines()), response


def grant(town: Community, amount: int) -> dict:
    """A grant signed by the community's agent, as JSON for ``POST .../statements``."""
    lines = [posting("1002", "general", "debit", amount),
             posting("4001", "general", "credit", amount)]
    return town.agent.post("2026-01-05", "grant", STREET_OFFICE, lines).to_json()


def test_a_statement_written_through_the_primary_is_read_from_the_replica(served, streaming):
    town, http, _ = served
    eventually(lambda: entries_seen(http)[0] == town.log_size())
    answer = http.post("/statements", json=grant(town, 5_000))
    assert answer.status_code == 201, answer.text
    eventually(lambda: entries_seen(http)[0] == town.log_size())
    seen, response = entries_seen(http)
    assert response.headers["Sunledger-Read-From"] == "replica"
    assert float(response.headers["Sunledger-Replica-Lag"]) <= LAG_MAX_SECONDS


def test_the_replicas_figures_note_verifies(served, streaming):
    town, http, _ = served
    primary, replica = streaming
    assert http.post("/statements", json=grant(town, 700)).status_code == 201
    CheckpointLog(town.app).issue(town.slug)  # figures at the new size, on the primary
    wait_caught_up(primary, replica)
    figures = http.get("/figures")
    assert figures.status_code == 200 and figures.headers["Sunledger-Read-From"] == "replica"
    assert figures.json()["figures"]["size"] == town.log_size()
    report = verify_url(str(http.base_url).removesuffix(f"/v1/ledgers/{town.slug}/"),
                        town.slug, log_vkey=town.log_signer.verifier().vkey)
    assert report.ok, report.findings


def test_the_street_office_overview_is_read_from_the_replica(served, streaming):
    """GET /v1/overview goes where every public read goes: the replica, once current."""
    town, http, _ = served
    base = str(http.base_url).removesuffix(f"/v1/ledgers/{town.slug}/")

    def listed_from_the_replica() -> bool:
        answer = httpx.get(f"{base}/v1/overview", timeout=30)
        assert answer.status_code == 200, answer.text
        rows = [row for row in answer.json()["items"] if row["ledger"] == town.slug]
        return (answer.headers["Sunledger-Read-From"] == "replica" and bool(rows)
                and rows[0]["size"] == town.log_size())

    eventually(listed_from_the_replica)
    page = httpx.get(f"{base}/overview", timeout=30)
    assert page.headers["Sunledger-Read-From"] == "replica" and town.slug in page.text


def test_a_lagging_replica_is_read_only_within_the_bound_then_the_primary_answers(
        served, streaming):
    town, http, _ = served
    primary, replica = streaming
    eventually(lambda: entries_seen(http)[0] == town.log_size())
    replica.sql("SELECT pg_wal_replay_pause()")
    try:
        before = town.log_size()
        town.grant("general", 300)
        seen, response = entries_seen(http)
        assert seen == before and response.headers["Sunledger-Read-From"] == "replica"
        assert entries_seen(http, **{"Sunledger-Read": "primary"})[0] == before + 1
        eventually(lambda: entries_seen(http)[1].headers.get("Sunledger-Replicas")
                   == "unavailable")
        seen, response = entries_seen(http)
        assert seen == before + 1 and response.headers["Sunledger-Read-From"] == "primary"
        status = http.get("/status").json()["read"]
        assert status["from"] == "primary" and status["replicas"][0]["up"] is True
        assert status["replicas"][0]["served"] is False
        assert status["replicas"][0]["lag_seconds"] > LAG_MAX_SECONDS
    finally:
        replica.sql("SELECT pg_wal_replay_resume()")
    eventually(lambda: entries_seen(http)[1].headers["Sunledger-Read-From"] == "replica")
    assert entries_seen(http)[0] == town.log_size()


def test_a_stopped_replica_is_reported_and_the_primary_answers(served, streaming):
    town, http, api = served
    primary, replica = streaming
    eventually(lambda: entries_seen(http)[1].headers["Sunledger-Read-From"] == "replica")
    api.state.replicas.lag.stop()  # no probe notices the stop: the first read meets it
    replica.stop()
    try:
        seen, response = entries_seen(http)
        assert seen == town.log_size()
        assert response.headers["Sunledger-Read-From"] == "primary"
        assert response.headers["Sunledger-Replicas"] == "unavailable"
        replicas = http.get("/status").json()["read"]["replicas"]
        assert replicas[0]["up"] is False and replicas[0]["served"] is False
        api.state.replicas.lag.probe()  # and the probe, too, finds it down
        assert http.get("/status").json()["read"]["replicas"][0]["up"] is False
    finally:
        replica.start()


def test_sunledger_serve_reads_from_the_replica_it_is_given(streaming, tmp_path):
    primary, replica = streaming
    app = LedgerApplication(Settings(database_url=primary.url, data_dir=tmp_path / "data"))
    try:
        town = Community.open(app)
        size = town.log_size()
    finally:
        app.close()
    wait_caught_up(primary, replica)
    port = free_port()
    environment = {**os.environ, "SUNLEDGER_DATA_DIR": str(tmp_path / "data")}
    environment.pop("SUNLEDGER_READ_DATABASE_URLS", None)
    server = subprocess.Popen([sunledger(), "--db", primary.url, "serve", "--port", str(port),
                               "--read-database-url", replica.url], env=environment,
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    try:
        base = f"http://127.0.0.1:{port}/v1/ledgers/{town.slug}"
        eventually(lambda: _answers(f"{base}/entries"), timeout=60)
        response = httpx.get(f"{base}/entries", params={"limit": 1000})
        assert response.headers["Sunledger-Read-From"] == "replica"
        assert len(response.content.splitlines()) == size
    finally:
        server.terminate()
        output = server.communicate(timeout=30)[0].decode()
    assert "and 1 read replica(s)" in output


def _answers(url: str) -> bool:
    try:
        return httpx.get(url, timeout=2).status_code == 200
    except httpx.HTTPError:
        return False


def test_serve_refuses_read_replicas_without_a_postgresql_primary(tmp_path):
    result = Cli(Settings(database_url=f"sqlite:///{tmp_path / 'x.sqlite3'}",
                          data_dir=tmp_path / "data"))(
        "serve", "--read-database-url", "postgresql://postgres@127.0.0.1:1/none")
    assert result.exit_code == 1 and "need a PostgreSQL primary" in result.stderr
