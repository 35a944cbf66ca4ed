"""Opening a ledger over HTTP is the operator's act: a self-signed ``ledger.opened``
from anyone else is refused with 403 and reserves nothing (no entry, no listing, no
state in memory), so the operator can still open that slug afterwards."""

from __future__ import annotations

import uuid

import httpx
import pytest

from api.app import ApiOptions, create_app
from ledger.client import Signer
from ledger.format.keys import SigningKey
from ledger.format.notes import Signer as NoteSigner
from ledger.log.operators import operators_file
from projections.worker import catch_up
from tests.builders.http import assert_problem
from tests.builders.server import running


def genesis(key: SigningKey, slug: str) -> dict:
    origin = f"sunledger.example/{slug}"
    log_key = NoteSigner.from_seed(origin, SigningKey.generate().seed).verifier().vkey
    return Signer(key, slug).open_ledger("新竹社区", origin, log_key).to_json()


@pytest.fixture
def operator(settings) -> SigningKey:
    """The operator's key, listed in DATA_DIR/operators as `sunledger keys new` prints it."""
    key = SigningKey.generate("operator")
    path = operators_file(settings)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(f"# the server's operators\n{key.public.b64}  # ops desk\n", encoding="ascii")
    return key


@pytest.fixture
def served(settings, app, operator):
    api = create_app(settings, application=app, options=ApiOptions(public_rate_per_minute=0))
    with running(api) as base, httpx.Client(base_url=base, timeout=30) as http:
        yield http


def listed(http, app) -> set[str]:
    catch_up(app)
    return {item["ledger"] for item in http.get("/v1/ledgers").json()["ledgers"]}


def test_a_self_signed_opening_is_refused_and_reserves_nothing(served, app, operator):
    slug = f"xinzhu-{uuid.uuid4().hex[:8]}"
    before = listed(served, app)
    squatter = served.post(f"/v1/ledgers/{slug}/statements",
                           json=genesis(SigningKey.generate("admin"), slug))
    problem = assert_problem(squatter, 403, "not-an-operator")
    assert problem["ledger"] == slug
    as_batch = served.post(f"/v1/ledgers/{slug}/batches",
                           json={"statements": [genesis(SigningKey.generate(), slug)]})
    assert_problem(as_batch, 403, "not-an-operator")
    assert app.reader.size(slug) == 0 and slug not in app._states and slug not in app._locks
    assert listed(served, app) == before
    assert_problem(served.get(f"/v1/ledgers/{slug}"), 404, "ledger-not-found")
    # The slug stayed free: the operator opens it.
    opened = served.post(f"/v1/ledgers/{slug}/statements", json=genesis(operator, slug))
    assert opened.status_code == 201, opened.text
    assert listed(served, app) == before | {slug}


def test_without_an_operators_file_no_ledger_opens_over_http(settings, app):
    api = create_app(settings, application=app, options=ApiOptions(public_rate_per_minute=0))
    slug = f"hexi-{uuid.uuid4().hex[:8]}"
    with running(api) as base:
        answer = httpx.post(f"{base}/v1/ledgers/{slug}/statements",
                            json=genesis(SigningKey.generate(), slug), timeout=30)
    assert_problem(answer, 403, "not-an-operator")
    assert app.reader.size(slug) == 0


def test_an_opening_that_claims_an_operators_key_id_but_declares_another_key_is_refused(
        served, app, operator):
    slug = f"forged-{uuid.uuid4().hex[:8]}"
    document = genesis(SigningKey.generate(), slug)
    document["signer"] = operator.key_id  # the id is listed; the key and signature are not
    answer = served.post(f"/v1/ledgers/{slug}/statements", json=document)
    assert answer.status_code in (403, 422), answer.text
    assert app.reader.size(slug) == 0 and slug not in listed(served, app)
