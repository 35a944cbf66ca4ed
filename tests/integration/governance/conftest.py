"""Governance fixtures: a community with supervisor and intake keys, on both
real stores, behind a server clock the test can move."""

from __future__ import annotations

import pytest

from ledger.log.application import LedgerApplication
from tests.builders.governance import Clock, Town


@pytest.fixture
def town(settings, clock) -> Town:
    app = LedgerApplication(settings, clock=clock)
    yield Town.open(app, clock)
    app.close()
