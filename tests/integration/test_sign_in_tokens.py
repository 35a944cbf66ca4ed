"""Sign-in tokens: signed by the caller's own registered key, one request each."""

import secrets
import time

import pytest

from ledger.errors import RevokedKey, UnknownKey
from ledger.format.keys import SigningKey
from ledger.log.tokens import TokenChecker, TokenError, issue_token


def test_a_registered_agent_signs_in_with_its_own_key(community):
    state = community.app.state(community.slug)
    caller = TokenChecker().check(issue_token(community.agent.key, community.slug), state)
    assert caller.key_id == community.agent.key_id and caller.roles == {"agent"}


def test_a_token_works_for_one_request_only(community):
    state, checker = community.app.state(community.slug), TokenChecker()
    token = issue_token(community.agent.key, community.slug)
    checker.check(token, state)
    with pytest.raises(TokenError, match="already used"):
        checker.check(token, state)


def test_an_expired_token_is_refused(community):
    state = community.app.state(community.slug)
    token = issue_token(community.agent.key, community.slug, 60, now=time.time() - 3600)
    with pytest.raises(TokenError, match="expired"):
        TokenChecker().check(token, state)


def test_a_token_for_another_ledger_is_refused(community):
    state = community.app.state(community.slug)
    token = issue_token(community.agent.key, "another-ledger")
    with pytest.raises(TokenError, match="not for ledger"):
        TokenChecker().check(token, state)


def test_an_unregistered_key_cannot_sign_in(community):
    state = community.app.state(community.slug)
    with pytest.raises(UnknownKey):
        TokenChecker().check(issue_token(SigningKey.generate(), community.slug), state)


def test_revoking_a_key_ends_its_access_at_once(community):
    token = issue_token(community.agent.key, community.slug)
    community.app.submit(community.admin.revoke_key(community.agent.key_id, "contract ended"))
    with pytest.raises(RevokedKey):
        TokenChecker().check(token, community.app.state(community.slug))


def test_a_token_whose_signature_was_altered_is_refused(community):
    state = community.app.state(community.slug)
    token = issue_token(community.agent.key, community.slug)
    head, payload, signature = token.split(".")
    forged = ".".join([head, payload, ("A" if signature[0] != "A" else "B") + signature[1:]])
    with pytest.raises(TokenError):
        TokenChecker().check(forged, state)


def test_a_token_signed_by_another_key_under_a_registered_kid_is_refused(community):
    state = community.app.state(community.slug)
    import jwt
    impostor = SigningKey.generate()
    claims = {"iss": community.agent.key_id, "sub": community.agent.key_id,
              "aud": f"sunledger:{community.slug}", "iat": int(time.time()),
              "exp": int(time.time()) + 60, "jti": "x" * 16}
    token = jwt.encode(claims, impostor._private, algorithm="EdDSA",
                       headers={"kid": community.agent.key_id})
    with pytest.raises(TokenError):
        TokenChecker().check(token, state)


def signed_by(signer, **changes) -> str:
    """A token validly signed by ``signer``'s key, with some claims changed."""
    import jwt
    now = int(time.time())
    claims = {"iss": signer.key_id, "sub": signer.key_id, "aud": f"sunledger:{signer.ledger}",
              "iat": now, "exp": now + 60, "jti": secrets.token_urlsafe(16), **changes}
    return jwt.encode(claims, signer.key._private, algorithm="EdDSA",
                      headers={"kid": signer.key_id})


@pytest.mark.parametrize("changes", [
    {"aud": ["sunledger:{slug}"]},
    {"aud": ["sunledger:{slug}", "sunledger:other-ledger"]},
    {"iat": "123"},
    {"exp": "99999999999"},
    {"iat": 1.5},
    {"iat": True},
    {"jti": 12345},
], ids=["list-audience", "two-ledgers", "iat-string", "exp-string", "iat-float", "iat-bool",
        "jti-number"])
def test_a_validly_signed_token_with_a_claim_of_the_wrong_shape_is_refused(community, changes):
    filled = {name: [a.format(slug=community.slug) for a in value] if isinstance(value, list)
              else value for name, value in changes.items()}
    state, checker = community.app.state(community.slug), TokenChecker()
    with pytest.raises(TokenError):
        checker.check(signed_by(community.agent, **filled), state)
    assert checker.check(signed_by(community.agent), state).key_id == community.agent.key_id
