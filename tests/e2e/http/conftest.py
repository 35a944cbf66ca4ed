"""HTTP fixtures: a community whose log key the server holds, served by a real uvicorn."""

from __future__ import annotations

import httpx
import pytest

from api.app import ApiOptions, create_app
from ledger.log.checkpointing import CheckpointLog
from ledger.client import Signer
from projections.worker import catch_up
from tests.builders.server import keep_log_key, running
from tests.builders.community import Community
from tests.builders.books import Books, a_year_of_books


@pytest.fixture
def town(app, settings) -> Community:
    """新竹社区 with its 14 opening entries, its log key kept by the server."""
    community = Community.open(app)
    keep_log_key(settings, community)
    return community


@pytest.fixture
def api_options() -> ApiOptions:
    """No rate limit by default (tests send many requests from one address)."""
    return ApiOptions(public_rate_per_minute=0)


@pytest.fixture
def api(settings, app, api_options):
    return create_app(settings, application=app, options=api_options)


@pytest.fixture
def checkpoints(api) -> CheckpointLog:
    return api.state.checkpoints


@pytest.fixture
def base_url(api) -> str:
    with running(api) as url:
        yield url


@pytest.fixture
def http(base_url) -> httpx.Client:
    with httpx.Client(base_url=base_url, timeout=30) as client:
        yield client


@pytest.fixture
def books(town) -> Books:
    """The community's year of books (grants, payments, a reversal, a confirmation)."""
    return a_year_of_books(town)


@pytest.fixture
def projected(books, app) -> Books:
    """The year of books, with the read models caught up (as the worker would)."""
    catch_up(app)
    return books


@pytest.fixture
def staff(town) -> dict[str, Signer]:
    """Every role that may hold a key: the community's own plus an auditor, a
    supervisor, an admin-only and an intake key."""
    people = {"admin": town.admin, "agent": town.agent, "cashier": town.cashier,
              "committee": town.committee}
    for role in ("auditor", "supervisor", "intake"):
        people[role] = town.new_key([role], f"{role} of town", role)
    return people

