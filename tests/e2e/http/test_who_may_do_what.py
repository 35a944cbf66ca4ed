"""Who may do what, over real HTTP: every role against every audit view and
against writing, plus the ways a sign-in goes wrong (another ledger's key, a
revoked key, an expired, replayed, forged or missing token). A refused write
leaves the log exactly as it was."""

from __future__ import annotations

import time

import jwt
import pytest

from api.auth import AUDIT_ROLES
from ledger.client import Signer, posting
from ledger.format.keys import SigningKey
from tests.builders.http import assert_problem, bearer
from tests.builders.server import keep_log_key
from tests.builders.community import STREET_OFFICE, Community

ROLES = ("admin", "agent", "cashier", "committee", "supervisor", "auditor", "intake")
AUDIT_PATHS = {"journal": "/journal", "general-ledger": "/general-ledger/1002",
               "trial-balance": "/trial-balance", "activity": "/activity",
               "unconfirmed": "/unconfirmed", "pending-approvals": "/pending-approvals",
               "reversals": "/reversals", "findings": "/findings",
               "inspection-findings": "/inspection-findings", "contracts": "/contracts"}
PUBLIC_PATHS = ("", "/status", "/funds", "/usage", "/budget?year=2026", "/transactions",
                "/entries", "/checkpoint", "/figures", "/transactions/{seq}",
                "/inspection-findings")


def audit_url(slug, view):
    return f"/v1/ledgers/{slug}/audit{AUDIT_PATHS[view]}"


def payment(signer: Signer, amount: int = 100):
    lines = [posting("1002", "general", "debit", amount),
             posting("4001", "general", "credit", amount)]
    return signer.post("2026-01-05", "grant", STREET_OFFICE, lines, memo="拨款")


def log_of(app, slug) -> list[bytes]:
    return [stored.leaf for stored in app.reader.stored(slug, 0, 10_000)]


@pytest.fixture
def other_town(app, settings) -> Community:
    town = Community.open(app)
    keep_log_key(settings, town)
    return town


def test_each_role_reads_exactly_the_audit_views_the_table_gives_it(http, projected, staff):
    slug = projected.community.slug
    answered = {}
    for role in ROLES:
        for view in AUDIT_PATHS:
            response = http.get(audit_url(slug, view), headers=bearer(staff[role]))
            answered[role, view] = response.status_code
            if role not in AUDIT_ROLES[view]:
                assert_problem(response, 403, "forbidden-role")
    assert answered == {(role, view): 200 if role in AUDIT_ROLES[view] else 403
                        for role in ROLES for view in AUDIT_PATHS}
    assert {r for r in ROLES if answered[r, "unconfirmed"] == 200} == {
        "agent", "auditor", "committee", "supervisor", "cashier"}


@pytest.mark.parametrize("view", sorted(AUDIT_PATHS))
def test_a_resident_without_a_token_is_asked_to_sign_in(http, projected, view):
    response = http.get(audit_url(projected.community.slug, view))
    assert_problem(response, 401, "not-signed-in")
    assert response.headers["www-authenticate"].startswith("Bearer")


def test_everyone_reads_the_resident_endpoints_with_or_without_a_token(http, projected, staff):
    slug, seq = projected.community.slug, projected.seqs["zhang"]
    for path in PUBLIC_PATHS:
        path = path.format(seq=seq)
        assert http.get(f"/v1/ledgers/{slug}{path}").status_code in (200, 404), path
        for role in ("agent", "intake"):
            answer = http.get(f"/v1/ledgers/{slug}{path}", headers=bearer(staff[role]))
            assert answer.status_code in (200, 404), (path, role)  # 404: no checkpoint yet


def test_a_resident_cannot_write_with_a_key_of_their_own(http, projected, app):
    slug = projected.community.slug
    resident = Signer(SigningKey.generate("resident"), slug)
    before = log_of(app, slug)
    assert_problem(http.post(f"/v1/ledgers/{slug}/statements",
                             json=payment(resident).to_json()), 403, "unknown-key")
    assert_problem(http.post(f"/v1/ledgers/{slug}/statements", json={"memo": "hi"}), 422,
                   "malformed")
    assert_problem(http.post(f"/v1/ledgers/{slug}/batches",
                             json={"statements": [payment(resident).to_json()]}),
                   403, "unknown-key")
    assert log_of(app, slug) == before


def test_only_the_agent_may_post_a_journal_entry(http, projected, staff, app):
    slug = projected.community.slug
    for role in ROLES:
        before = log_of(app, slug)
        response = http.post(f"/v1/ledgers/{slug}/statements",
                             json=payment(staff[role]).to_json())
        if role == "agent":
            assert response.status_code == 201, response.text
            assert len(log_of(app, slug)) == len(before) + 1
        else:
            assert_problem(response, 403, "forbidden-role")
            assert log_of(app, slug) == before


def test_an_agent_of_ledger_a_cannot_write_to_ledger_b(http, projected, other_town, app):
    a_agent, b = projected.community.agent, other_town.slug
    before = log_of(app, b)
    forged = Signer(a_agent.key, b)  # A's agent key, statement made out for B
    assert_problem(http.post(f"/v1/ledgers/{b}/statements", json=payment(forged).to_json()),
                   403, "unknown-key")
    assert_problem(http.post(f"/v1/ledgers/{b}/statements", json=payment(a_agent).to_json()),
                   422, "wrong-ledger")
    assert log_of(app, b) == before


def test_an_agent_of_ledger_a_cannot_read_ledger_bs_audit_views(http, projected, other_town):
    a_agent, b = projected.community.agent, other_town.slug
    assert_problem(http.get(audit_url(b, "journal"), headers=bearer(a_agent, b)), 403,
                   "unknown-key")
    assert_problem(http.get(audit_url(b, "journal"), headers=bearer(other_town.agent,
                                                                    projected.community.slug)),
                   401, "bad-token")  # B's own key, but a token made out for ledger A


def test_a_revoked_key_loses_access_at_once(http, projected, staff, app):
    town = projected.community
    assert http.get(audit_url(town.slug, "journal"), headers=bearer(staff["auditor"])
                    ).status_code == 200
    app.submit(town.admin.revoke_key(staff["auditor"].key_id, "left the audit firm"))
    assert_problem(http.get(audit_url(town.slug, "journal"), headers=bearer(staff["auditor"])),
                   403, "revoked-key")
    app.submit(town.admin.revoke_key(town.agent.key_id, "moved away"))
    before = log_of(app, town.slug)
    assert_problem(http.post(f"/v1/ledgers/{town.slug}/statements",
                             json=payment(town.agent).to_json()), 403, "revoked-key")
    assert log_of(app, town.slug) == before


def test_an_expired_token_is_refused(http, projected):
    town = projected.community
    old = bearer(town.agent, lifetime_seconds=60, now=time.time() - 3600)
    response = http.get(audit_url(town.slug, "journal"), headers=old)
    assert "expired" in assert_problem(response, 401, "bad-token")["detail"]


def test_a_replayed_token_is_refused(http, projected):
    town = projected.community
    once = bearer(town.agent)
    assert http.get(audit_url(town.slug, "journal"), headers=once).status_code == 200
    again = http.get(audit_url(town.slug, "trial-balance"), headers=once)
    assert "already used" in assert_problem(again, 401, "bad-token")["detail"]


def test_a_token_claiming_someone_elses_key_id_is_refused(http, projected):
    town = projected.community
    now = int(time.time())
    claims = {"iss": town.agent.key_id, "sub": town.agent.key_id, "iat": now, "exp": now + 60,
              "aud": f"sunledger:{town.slug}", "jti": "forged-1"}
    forged = jwt.encode(claims, SigningKey.generate()._private, algorithm="EdDSA",
                        headers={"kid": town.agent.key_id})
    response = http.get(audit_url(town.slug, "journal"),
                        headers={"Authorization": f"Bearer {forged}"})
    assert_problem(response, 401, "bad-token")


@pytest.mark.parametrize("header", ["Bearer", "Bearer not.a.jwt", "Basic dXNlcjpwYXNz",
                                    "Bearer " + "x" * 5000])
def test_malformed_authorization_is_refused_as_401(http, projected, header):
    response = http.get(audit_url(projected.community.slug, "journal"),
                        headers={"Authorization": header})
    assert response.status_code == 401, response.text
    assert response.headers["content-type"] == "application/problem+json"


@pytest.mark.parametrize("changes", [
    {"iat": "123"}, {"aud": ["sunledger:{slug}", "sunledger:another-town"]},
], ids=["iat-string", "two-ledgers"])
def test_a_validly_signed_token_with_claims_of_the_wrong_shape_is_401_never_500(
        http, projected, changes):
    town = projected.community
    now = int(time.time())
    claims = {"iss": town.agent.key_id, "sub": town.agent.key_id, "iat": now, "exp": now + 60,
              "aud": f"sunledger:{town.slug}", "jti": f"shape-{now}"}
    claims.update({name: [a.format(slug=town.slug) for a in value]
                   if isinstance(value, list) else value for name, value in changes.items()})
    token = jwt.encode(claims, town.agent.key._private, algorithm="EdDSA",
                       headers={"kid": town.agent.key_id})
    response = http.get(audit_url(town.slug, "journal"),
                        headers={"Authorization": f"Bearer {token}"})
    assert_problem(response, 401, "bad-token")
