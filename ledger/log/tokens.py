"""Sign-in for agents and auditors: short-lived EdDSA JWTs, no passwords.

A caller signs a token with its own registered ledger key. The server checks
it against the ledger's key registry at the moment of the request, so a
revoked key loses access at once. Each token is good for one request: the
server remembers every ``jti`` until the token expires, which is what makes a
captured token useless to replay.
"""

from __future__ import annotations

import secrets
import threading
import time
from dataclasses import dataclass

import jwt
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from ledger.errors import LedgerError, RevokedKey, UnknownKey
from ledger.format.keys import SigningKey
from ledger.domain.state import LedgerState

ALGORITHM = "EdDSA"
lifetime_max_seconds = 600
clock_leeway_seconds = 30


class TokenError(LedgerError):
    code = "bad-token"
    status = 401


def audience(slug: str) -> str:
    return f"sunledger:{slug}"


def issue_token(key: SigningKey, slug: str, lifetime_seconds: int = 300,
                now: float | None = None) -> str:
    """What ``sunledger token`` prints: a one-request bearer token for ``slug``."""
    if not 1 <= lifetime_seconds <= lifetime_max_seconds:
        raise LedgerError(f"token lifetime must be 1 to {lifetime_max_seconds} seconds")
    issued = int(now if now is not None else time.time())
    claims = {"iss": key.key_id, "sub": key.key_id, "aud": audience(slug), "iat": issued,
              "exp": issued + lifetime_seconds, "jti": secrets.token_urlsafe(16)}
    private = key._private  # noqa: SLF001 - the key object is ours; PyJWT needs the primitive
    return jwt.encode(claims, private, algorithm=ALGORITHM, headers={"kid": key.key_id})


@dataclass(frozen=True)
class Caller:
    key_id: str
    roles: frozenset[str]
    label: str
    ledger: str


class TokenChecker:
    """Checks bearer tokens against a ledger's live key registry."""

    def __init__(self) -> None:
        self._seen: dict[str, float] = {}  # jti -> expiry
        self._lock = threading.Lock()

    def check(self, token: str, state: LedgerState, now: float | None = None) -> Caller:
        moment = now if now is not None else time.time()
        record = state.keys.get(_kid(token))
        if record is None:
            raise UnknownKey("the token's key is not registered in this ledger")
        if not record.active():
            raise RevokedKey(f"key {record.key_id} was revoked at seq {record.revoked_seq}")
        claims = _decode(token, Ed25519PublicKey.from_public_bytes(record.public.raw),
                         state.slug)
        _check_claim_types(claims, state.slug)
        if claims["sub"] != record.key_id or claims["iss"] != record.key_id:
            raise TokenError("token subject and issuer must be the signing key's id")
        if claims["exp"] - claims["iat"] > lifetime_max_seconds:
            raise TokenError(f"tokens may live at most {lifetime_max_seconds} seconds")
        self._claim_once(str(claims["jti"]), float(claims["exp"]), moment)
        return Caller(record.key_id, record.roles, record.label, state.slug)

    def _claim_once(self, jti: str, expiry: float, now: float) -> None:
        with self._lock:
            self._seen = {k: v for k, v in self._seen.items() if v + clock_leeway_seconds > now}
            if jti in self._seen:
                raise TokenError("this token was already used; sign a new one per request")
            self._seen[jti] = expiry


def unverified_audience(token: str) -> str:
    """The ledger a token names, read before any signature or ledger work, so a token
    for a made-up ledger (or none) costs the server nothing: "" if it names none."""
    try:
        claims = jwt.decode(token, options={"verify_signature": False})
    except jwt.PyJWTError:
        raise TokenError("not a JWT") from None
    aud = claims.get("aud")
    prefix = audience("")
    return aud[len(prefix):] if isinstance(aud, str) and aud.startswith(prefix) else ""


def _check_claim_types(claims: dict, slug: str) -> None:
    """PyJWT accepts a list audience and numeric strings as times; we accept neither:
    a token is for exactly one ledger, and its times are whole seconds."""
    if claims.get("aud") != audience(slug):
        raise TokenError(f"a token's audience is exactly one ledger: {audience(slug)!r}")
    for name in ("iat", "exp"):
        if not isinstance(claims.get(name), int) or isinstance(claims.get(name), bool):
            raise TokenError(f"the token's {name} must be whole seconds since 1970")
    for name in ("sub", "iss", "jti"):
        if not isinstance(claims.get(name), str):
            raise TokenError(f"the token's {name} must be a string")


def _kid(token: str) -> str:
    try:
        header = jwt.get_unverified_header(token)
    except jwt.PyJWTError:
        raise TokenError("not a JWT") from None
    if header.get("alg") != ALGORITHM or not isinstance(header.get("kid"), str):
        raise TokenError("token must be EdDSA with the signer's key id as kid")
    return header["kid"]


def _decode(token: str, public: Ed25519PublicKey, slug: str) -> dict:
    # PyJWT reads the wall clock for exp/iat; tests make expired tokens by issuing in the past.
    try:
        return jwt.decode(token, public, algorithms=[ALGORITHM], audience=audience(slug),
                          leeway=clock_leeway_seconds,
                          options={"require": ["exp", "iat", "jti", "sub", "iss", "aud"],
                                   "verify_iat": True})
    except jwt.ExpiredSignatureError:
        raise TokenError("token has expired; sign a new one") from None
    except jwt.InvalidAudienceError:
        raise TokenError(f"token is not for ledger {slug}") from None
    except jwt.PyJWTError as exc:
        raise TokenError(f"token rejected: {exc}") from None
