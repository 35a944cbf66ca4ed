"""Governance fixtures: a community with supervisor and intake keys, on both
real stores, behind a server clock the test can move."""

from __future__ import annotations

import pytest

from ledger.log.application import LedgerApplication
from tests.builders.community import Community


@pytest.fixture
def town(settings, clock) -> Community:
    app = LedgerApplication(settings, clock=clock)
    yield Community.open(app, clock=clock, governance=True)
    app.close()
