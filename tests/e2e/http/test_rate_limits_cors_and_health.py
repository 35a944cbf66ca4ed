"""Running the public side: per-client rate limits, CORS, /healthz and /metrics."""

from __future__ import annotations

import httpx
import pytest

from api.app import ApiOptions, create_app
from api.limits import TokenBuckets
from tests.builders.http import assert_problem
from tests.builders.server import running


@pytest.fixture
def limited(settings, app, projected):
    api = create_app(settings, application=app, options=ApiOptions(public_rate_per_minute=3))
    with running(api) as base:
        yield base, projected.community.slug


def test_a_client_over_the_public_rate_gets_429_with_retry_after(limited):
    base, slug = limited
    with httpx.Client(base_url=base) as client:
        answers = [client.get(f"/v1/ledgers/{slug}/funds") for _ in range(4)]
    assert [a.status_code for a in answers[:3]] == [200, 200, 200]
    problem = assert_problem(answers[3], 429, "rate-limited")
    assert 1 <= int(answers[3].headers["retry-after"]) <= 20
    assert problem["retry_after"] == int(answers[3].headers["retry-after"])


def test_the_rate_is_counted_per_client_address(limited):
    base, slug = limited
    with httpx.Client(base_url=base) as first:
        assert [first.get(f"/v1/ledgers/{slug}").status_code for _ in range(4)][-1] == 429
    other = httpx.HTTPTransport(local_address="127.0.0.2")
    with httpx.Client(base_url=base, transport=other) as second:
        assert second.get(f"/v1/ledgers/{slug}").status_code == 200


def test_signed_writes_and_the_log_endpoints_are_not_rate_limited(limited):
    base, slug = limited
    with httpx.Client(base_url=base) as client:
        for _ in range(5):
            assert client.get(f"/v1/ledgers/{slug}/entries", params={"limit": 1}).status_code \
                == 200
            assert client.get("/healthz").status_code == 200


def test_a_bucket_refills_with_time_and_zero_turns_the_limit_off():
    now = [0.0]
    buckets = TokenBuckets(60, clock=lambda: now[0])
    assert all(buckets.take("a") == 0 for _ in range(60))
    assert buckets.take("a") == pytest.approx(1.0)
    now[0] += 1.0
    assert buckets.take("a") == 0 and buckets.take("a") > 0
    assert all(TokenBuckets(0).take("a") == 0 for _ in range(1000))


def test_the_bucket_table_stays_bounded_dropping_idle_clients_first():
    now = [0.0]
    buckets = TokenBuckets(60, clients_max=10, clock=lambda: now[0])
    for i in range(10):
        buckets.take(f"idle-{i}")
    now[0] += 120
    buckets.take("busy")
    assert len(buckets._buckets) <= 10 and "busy" in buckets._buckets


def test_cors_answers_only_the_configured_origins(settings, app, projected):
    api = create_app(settings, application=app, options=ApiOptions(
        cors_origins=("https://xinzhu.example",), public_rate_per_minute=0))
    slug = projected.community.slug
    with running(api) as base, httpx.Client(base_url=base) as client:
        allowed = client.options(f"/v1/ledgers/{slug}/funds", headers={
            "Origin": "https://xinzhu.example", "Access-Control-Request-Method": "GET"})
        assert allowed.status_code == 200
        assert allowed.headers["access-control-allow-origin"] == "https://xinzhu.example"
        simple = client.get(f"/v1/ledgers/{slug}/funds",
                            headers={"Origin": "https://xinzhu.example"})
        assert simple.headers["access-control-allow-origin"] == "https://xinzhu.example"
        other = client.get(f"/v1/ledgers/{slug}/funds", headers={"Origin": "https://evil.example"})
        assert "access-control-allow-origin" not in other.headers


def test_no_cors_headers_without_configured_origins(http, projected):
    response = http.get(f"/v1/ledgers/{projected.community.slug}/funds",
                        headers={"Origin": "https://xinzhu.example"})
    assert response.status_code == 200 and "access-control-allow-origin" not in response.headers


def test_healthz_answers_ok(http):
    assert http.get("/healthz").json() == {"status": "ok"}


def test_metrics_count_requests_by_route_template_and_show_each_log_size(http, projected):
    slug = projected.community.slug
    for _ in range(3):
        http.get(f"/v1/ledgers/{slug}/funds")
    http.get("/v1/ledgers/nowhere/funds")
    text = http.get("/metrics").text
    assert ('sunledger_http_requests_total{method="GET",route="/v1/ledgers/{ledger}/funds",'
            'status="200"} 3.0') in text
    assert 'route="/v1/ledgers/{ledger}/funds",status="404"} 1.0' in text
    assert f'sunledger_log_size{{ledger="{slug}"}} {projected.community.log_size()}.0' in text
    assert "sunledger_http_request_seconds_bucket" in text
    assert "sunledger_projection_position" in text


def test_with_projections_in_process_new_entries_reach_the_read_models_alone(settings, app,
                                                                            town):
    import time

    api = create_app(settings, application=app, options=ApiOptions(
        serve_projections=True, public_rate_per_minute=0))
    with running(api) as base, httpx.Client(base_url=base) as client:
        seq = town.grant("general", 4_321).seq  # no catch_up here: the server's thread does it
        deadline = time.monotonic() + 20
        while client.get(f"/v1/ledgers/{town.slug}/transactions/{seq}").status_code != 200:
            assert time.monotonic() < deadline, "the in-process projection never caught up"
            time.sleep(0.05)
        body = client.get(f"/v1/ledgers/{town.slug}/transactions/{seq}").json()
        assert body["amount"] == 4_321


def test_x_forwarded_for_from_an_untrusted_peer_does_not_reset_the_rate(limited):
    """By default no proxy is trusted (uvicorn's own default trusts 127.0.0.1)."""
    base, slug = limited
    with httpx.Client(base_url=base) as client:
        answers = [client.get(f"/v1/ledgers/{slug}", headers={"X-Forwarded-For": f"10.0.0.{i}"})
                   for i in range(4)]
    assert [a.status_code for a in answers] == [200, 200, 200, 429]


def test_behind_a_trusted_proxy_the_rate_keys_on_the_forwarded_client(settings, app, projected):
    api = create_app(settings, application=app, options=ApiOptions(public_rate_per_minute=2))
    slug = projected.community.slug
    with running(api, forwarded_allow_ips="127.0.0.1") as base, \
            httpx.Client(base_url=base) as proxy:
        first = [proxy.get(f"/v1/ledgers/{slug}", headers={"X-Forwarded-For": "203.0.113.7"})
                 for _ in range(3)]
        second = proxy.get(f"/v1/ledgers/{slug}", headers={"X-Forwarded-For": "203.0.113.8"})
    assert [a.status_code for a in first] == [200, 200, 429]
    assert "203.0.113.7" in first[2].json()["detail"]
    assert second.status_code == 200


def test_the_audit_views_share_the_rate_limit_even_with_made_up_tokens(limited):
    base, slug = limited
    with httpx.Client(base_url=base) as client:
        answers = [client.get(f"/v1/ledgers/{slug}/audit/journal",
                              headers={"Authorization": "Bearer made.up.token"})
                   for _ in range(4)]
    assert [a.status_code for a in answers] == [401, 401, 401, 429]
