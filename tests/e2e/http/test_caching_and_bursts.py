"""Reads that never lock residents out: validators and cache lifetimes any HTTP cache can
use, and a default rate limit that a whole community behind one address survives."""

from __future__ import annotations

import time
from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest

from api.app import ApiOptions, create_app
from api.limits import PUBLIC_RATE_PER_MINUTE_DEFAULT
from tests.builders.http import bearer
from tests.builders.server import running

YEAR_IMMUTABLE = "public, max-age=31536000, immutable"


def revalidated(http: httpx.Client, path: str, **params) -> tuple[httpx.Response,
                                                                   httpx.Response]:
    """The answer, and the answer to the same request naming its ETag."""
    first = http.get(path, params=params)
    assert first.status_code == 200, first.text
    again = http.get(path, params=params, headers={"If-None-Match": first.headers["etag"]})
    return first, again


def test_a_proof_is_immutable_and_its_etag_answers_304_with_no_body(http, town, checkpoints):
    checkpoints.issue(town.slug)
    first, again = revalidated(http, f"/v1/ledgers/{town.slug}/proofs/inclusion",
                               seq=3, size=14)
    assert first.headers["cache-control"] == YEAR_IMMUTABLE
    assert again.status_code == 304 and again.content == b""
    assert again.headers["etag"] == first.headers["etag"]
    other = http.get(f"/v1/ledgers/{town.slug}/proofs/inclusion", params={"seq": 4, "size": 14},
                     headers={"If-None-Match": first.headers["etag"]})
    assert other.status_code == 200 and other.headers["etag"] != first.headers["etag"]
    _, consistency = revalidated(http, f"/v1/ledgers/{town.slug}/proofs/consistency",
                                 **{"from": 5, "to": 14})
    assert consistency.status_code == 304


def test_a_full_page_of_entries_is_immutable_and_the_log_end_is_short_lived(http, town):
    base = f"/v1/ledgers/{town.slug}/entries"
    full = http.get(base, params={"start": 0, "limit": 10})
    assert full.headers["cache-control"] == YEAR_IMMUTABLE
    end, unchanged = revalidated(http, base, start=10, limit=10)
    assert end.content.count(b"\n") == 4 and end.headers["cache-control"] == "public, max-age=5"
    assert unchanged.status_code == 304
    town.grant("general", 100)
    grown = http.get(base, params={"start": 10, "limit": 10},
                     headers={"If-None-Match": end.headers["etag"]})
    assert grown.status_code == 200 and grown.content.count(b"\n") == 5


def test_a_kept_checkpoint_settles_for_a_minute_the_latest_for_seconds(http, town, checkpoints):
    checkpoints.issue(town.slug)
    latest = http.get(f"/v1/ledgers/{town.slug}/checkpoint")
    kept = http.get(f"/v1/ledgers/{town.slug}/checkpoint", params={"size": 14})
    assert latest.headers["cache-control"] == "public, max-age=5"
    assert kept.headers["cache-control"] == "public, max-age=60"
    assert kept.headers["etag"] == latest.headers["etag"]  # the same note, the same tag


def test_signed_in_answers_and_answers_that_set_a_cookie_are_never_shared(http, town, projected):
    audit = http.get(f"/v1/ledgers/{town.slug}/audit/journal", headers=bearer(town.agent))
    assert audit.status_code == 200, audit.text
    assert audit.headers["cache-control"] == "private, no-store" and "etag" not in audit.headers
    switched = http.get(f"/ledgers/{town.slug}", params={"lang": "en"})
    assert "set-cookie" in switched.headers
    assert switched.headers["cache-control"] == "private, no-store"
    page, again = revalidated(http, f"/ledgers/{town.slug}")
    assert page.headers["cache-control"] == "public, max-age=5"
    assert page.headers["vary"] == "Cookie" and again.status_code == 304


def test_writes_and_refusals_carry_no_validators(http, town):
    refused = http.get(f"/v1/ledgers/{town.slug}/proofs/inclusion", params={"seq": 99, "size": 14})
    assert refused.status_code == 400 and "etag" not in refused.headers


@pytest.fixture
def default_limits(settings, app, projected):
    """The server as shipped: the default public rate limit."""
    api = create_app(settings, application=app, options=ApiOptions())
    assert api.state.limiter.capacity == PUBLIC_RATE_PER_MINUTE_DEFAULT
    with running(api) as url:
        yield url, projected.community.slug


def test_300_residents_behind_one_address_open_the_page_at_once_and_none_is_refused(
        default_limits):
    url, slug = default_limits

    def resident(_: int) -> list[int]:
        with httpx.Client(base_url=url, timeout=60) as browser:
            page = browser.get(f"/ledgers/{slug}")
            style = browser.get("/static/site.css")
            payments = browser.get(f"/ledgers/{slug}/transactions")
            return [page.status_code, style.status_code, payments.status_code]

    started = time.monotonic()
    with ThreadPoolExecutor(max_workers=32) as pool:
        answers = [status for statuses in pool.map(resident, range(300)) for status in statuses]
    assert len(answers) == 900 and set(answers) == {200}

    # The same address flooding on (a crawler) is refused at the documented rate.
    with httpx.Client(base_url=url, timeout=30) as crawler:
        taken = 0
        for _ in range(3000):
            if crawler.get(f"/v1/ledgers/{slug}/funds").status_code == 429:
                break
            taken += 1
        else:
            pytest.fail("3,000 more requests from one address were never refused")
    refilled = (time.monotonic() - started) * PUBLIC_RATE_PER_MINUTE_DEFAULT / 60
    assert taken <= PUBLIC_RATE_PER_MINUTE_DEFAULT - 600 + refilled + 1
