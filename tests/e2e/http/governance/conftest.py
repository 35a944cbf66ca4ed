"""Governance over HTTP and the command line, on both real stores: a community
with supervisor and intake keys behind a server clock the test moves, served by
a real uvicorn, its log key and the server's question-intake key kept where the
server looks for them."""

from __future__ import annotations

import httpx
import pytest

from api.app import ApiOptions, create_app
from api.routers.governance import question_buckets
from ledger.keystore import intake_keys
from ledger.log.application import LedgerApplication
from tests.builders.server import keep_log_key, running
from tests.builders.community import Community
from tests.builders.http import Steps


@pytest.fixture
def app(settings, clock) -> LedgerApplication:
    """The ledger application, on the test's clock (a notice period must pass)."""
    application = LedgerApplication(settings, clock=clock)
    yield application
    application.close()


@pytest.fixture
def town(app, clock, settings) -> Community:
    town = Community.open(app, clock=clock, governance=True)
    keep_log_key(settings, town)
    return town


@pytest.fixture
def intake(town, settings):
    """The server's own intake key, registered by the ledger's admin (what
    `sunledger intake-key LEDGER` does)."""
    key, _ = intake_keys.load_or_create_intake_key(settings, town.slug)
    town.submit(town.admin.register_key(key, ["intake"], intake_keys.REGISTERED_LABEL))
    return key


@pytest.fixture
def api(settings, app):
    """No rate limits by default (tests send many requests from one address)."""
    served = create_app(settings, application=app, options=ApiOptions(public_rate_per_minute=0))
    served.state.question_limiter = question_buckets(0)
    return served


@pytest.fixture
def http(api) -> httpx.Client:
    with running(api) as url, httpx.Client(base_url=url, timeout=30) as client:
        yield client


@pytest.fixture
def steps(http, town) -> Steps:
    return Steps(http, town)
