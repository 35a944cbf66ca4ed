"""CLI fixtures: the real `sunledger` app run in-process against the real stores of
tests/conftest.py (a SQLite file, a PostgreSQL database)."""

from __future__ import annotations

import pytest

from tests.builders.cli import Cli, a_community_from_the_command_line, a_ledger_name


@pytest.fixture
def cli(settings) -> Cli:
    return Cli(settings)


@pytest.fixture
def slug() -> str:
    return a_ledger_name()


@pytest.fixture
def town(cli, slug) -> str:
    """A small community set up entirely from the command line: agent, cashier,
    committee keys; the activity fund; bank, grant and spending accounts."""
    return a_community_from_the_command_line(cli, slug)
