"""Requests for ledgers that do not exist cost the server nothing that stays: no
ledger state, lock, append queue, checkpoint bookkeeping, used-token memory or
metric series is made for a made-up slug, whatever route, token or length it
comes with. (Before, 4,000 audit requests with 16 KB made-up slugs grew the
server by 85 MiB, never freed.)"""

from __future__ import annotations

import itertools
import uuid

import httpx
import pytest

from api.app import ApiOptions, create_app
from ledger.client import Signer, posting
from ledger.format.keys import SigningKey
from tests.builders.community import STREET_OFFICE
from tests.builders.http import bearer
from tests.builders.server import running

REQUESTS = 1_000


def per_ledger_memory(api) -> dict[str, object]:
    """Everything the server keeps per ledger, per token or per metric series."""
    app, checkpoints = api.state.ledger, api.state.checkpoints
    samples = {(family.name, sample.name, tuple(sorted(sample.labels.items())))
               for family in api.state.metrics.registry.collect() for sample in family.samples}
    return {"states": set(app._states), "locks": set(app._locks),
            "queues": set(api.state.appender._queues),
            "checkpoint locks": set(checkpoints._locks),
            "signed sizes": set(checkpoints._signed_sizes),
            "heard": set(checkpoints.follower._heard),
            "used tokens": len(api.state.tokens._seen),
            "metric series": samples}


def made_up_requests(town):
    """(method, path, keyword arguments) for made-up slugs, round and round the routes."""
    stranger = SigningKey.generate("stranger")
    for n in itertools.count():
        valid = f"no-{uuid.uuid4().hex}"  # a well-formed slug nobody opened
        slug = valid + ("x" * 4000 if n % 3 == 0 else "")  # and, every third round, a long one
        lines = [posting("1002", "general", "debit", 1), posting("4001", "general", "credit", 1)]
        payment = Signer(town.agent.key, valid).post("2026-01-05", "grant", STREET_OFFICE, lines)
        yield from [
            ("GET", f"/v1/ledgers/{slug}", {}),
            ("GET", f"/v1/ledgers/{slug}/funds", {}),
            ("GET", f"/v1/ledgers/{slug}/checkpoint", {}),
            ("GET", f"/v1/ledgers/{slug}/questions", {}),
            ("GET", f"/ledgers/{slug}", {}),
            ("GET", f"/v1/ledgers/{slug}/audit/journal",
             {"headers": {"Authorization": "Bearer made.up.token"}}),
            ("GET", f"/v1/ledgers/{slug}/audit/trial-balance",  # a real key, this slug
             {"headers": bearer(Signer(stranger, slug))}),
            ("POST", f"/v1/ledgers/{valid}/statements", {"json": payment.to_json()}),
            ("POST", f"/v1/ledgers/{valid}/batches",
             {"json": {"statements": [payment.to_json()]}}),
        ]


@pytest.fixture
def served(settings, app, town):
    api = create_app(settings, application=app, options=ApiOptions(public_rate_per_minute=0))
    with running(api) as base, httpx.Client(base_url=base, timeout=30) as http:
        yield api, http


def test_a_thousand_requests_for_made_up_ledgers_leave_nothing_behind(served, town):
    api, http = served
    requests = made_up_requests(town)
    warm_up = list(itertools.islice(requests, 27))  # each route once: its metric series
    for method, path, kwargs in warm_up:
        http.request(method, path, **kwargs)
    before = per_ledger_memory(api)
    statuses = {http.request(method, path, **kwargs).status_code
                for method, path, kwargs in itertools.islice(requests, REQUESTS)}
    assert statuses <= {401, 404, 414, 422}, statuses
    assert 500 not in statuses
    assert per_ledger_memory(api) == before
    assert all(not slug.startswith("no-") for slug in before["states"] | before["locks"])
    # The real ledger still answers.
    assert http.get(f"/v1/ledgers/{town.slug}/entries", params={"limit": 1}).status_code == 200


def test_the_application_keeps_no_state_for_a_ledger_that_does_not_exist(app, town):
    from ledger.errors import LedgerNotFound

    before = (set(app._states), set(app._locks))
    for n in range(50):
        with pytest.raises(LedgerNotFound):
            app.state(f"ghost-{n}")
        signed = Signer(town.agent.key, f"ghost-{n}").post(
            "2026-01-05", "grant", STREET_OFFICE,
            [posting("1002", "general", "debit", 1), posting("4001", "general", "credit", 1)])
        with pytest.raises(LedgerNotFound):
            app.submit(signed)
    assert (set(app._states), set(app._locks)) == before
