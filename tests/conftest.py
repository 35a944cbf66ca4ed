"""Shared fixtures: real stores (a SQLite file, a PostgreSQL database made and
dropped for this run) and a small community written in domain terms."""

from __future__ import annotations

import os
import uuid
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

import pytest

from ledger.log.application import LedgerApplication
from ledger.settings import Settings
from tests.builders.community import Clock, Community
from tests.vectors import VECTORS

PG_URL = os.environ.get("SUNLEDGER_TEST_POSTGRES", "postgresql://postgres@127.0.0.1:5432/postgres")
REQUIRE_POSTGRES = os.environ.get("SUNLEDGER_REQUIRE_POSTGRES") == "1"


def _admin_connection():
    import psycopg

    return psycopg.connect(PG_URL, autocommit=True, connect_timeout=3)


@pytest.fixture(scope="session")
def postgres_url():
    """A fresh PostgreSQL database for this test run, dropped afterwards."""
    try:
        admin = _admin_connection()
    except Exception as exc:  # noqa: BLE001 - any failure to connect means "no server"
        if REQUIRE_POSTGRES:
            pytest.fail(f"PostgreSQL is required here but unreachable: {exc}")
        pytest.skip(f"PostgreSQL unreachable: {exc}")
    name = f"sunledger_test_{uuid.uuid4().hex[:12]}"
    admin.execute(f'CREATE DATABASE "{name}"')
    base = PG_URL.rsplit("/", 1)[0]
    yield f"{base}/{name}"
    admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    admin.close()


@contextmanager
def own_database(postgres_url: str) -> Iterator[str]:
    """A PostgreSQL database for one test, dropped afterwards."""
    name = f"sunledger_own_{uuid.uuid4().hex[:12]}"
    with _admin_connection() as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    try:
        yield f"{postgres_url.rsplit('/', 1)[0]}/{name}"
    finally:
        with _admin_connection() as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def settings(request, tmp_path) -> Iterator[Settings]:
    """Settings for a real store: each test gets its own SQLite file or ledger slug space
    (or, marked ``own_database``, a PostgreSQL database of its own)."""
    data_dir = tmp_path / "data"
    if request.param == "sqlite":
        yield Settings(database_url=f"sqlite:///{tmp_path / 'ledger.sqlite3'}", data_dir=data_dir)
    elif request.node.get_closest_marker("own_database"):
        with own_database(request.getfixturevalue("postgres_url")) as url:
            yield Settings(database_url=url, data_dir=data_dir)
    else:
        yield Settings(database_url=request.getfixturevalue("postgres_url"), data_dir=data_dir)


@pytest.fixture
def clock() -> Clock:
    """The server's clock, moved forward by the test (a notice period must pass)."""
    return Clock()


@pytest.fixture
def app(settings) -> LedgerApplication:
    application = LedgerApplication(settings)
    yield application
    application.close()


@pytest.fixture
def community(app) -> Community:
    """A small community (新竹社区) with its keys, funds and accounts, and no entries yet."""
    return Community.open(app)


@pytest.fixture
def vectors() -> Path:
    assert VECTORS.is_dir(), f"test vectors missing at {VECTORS}"
    return VECTORS
