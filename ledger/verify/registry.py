"""The key registry as of each seq, rebuilt from the log alone (FORMAT.md section 5).

Only what the log itself says counts: genesis declares the first keys and the
log key; ``key.registered`` / ``key.revoked`` / ``ledger.log_key_rotated``
change them, in seq order, and only when signed by a key allowed to at that
seq. Problems come back as ``(code, message)`` pairs; the caller attaches
the seq. Signatures are checked elsewhere (in parallel): a key statement
with a bad signature is still replayed here, and is reported at its own seq,
which is earlier than anything that depends on it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ledger.domain import policy
from ledger.errors import FormatError
from ledger.format.keys import PublicKey
from ledger.format.notes import Verifier
from ledger.verify.leaf import LeafFacts
from ledger.verify.report import Code

Problem = tuple[str, str]


@dataclass
class KeyState:
    public: bytes
    roles: frozenset[str]
    registered_seq: int
    revoked_seq: int | None = None


class KeyRegistry:
    def __init__(self) -> None:
        self.keys: dict[str, KeyState] = {}
        self.origin: str | None = None
        self.log_keys: list[tuple[int, str]] = []  # (first tree size it signs, verifier key)

    # --- questions ----------------------------------------------------------

    def public_key(self, key_id: str) -> bytes | None:
        state = self.keys.get(key_id)
        return state.public if state else None

    def log_key_for_size(self, size: int) -> str | None:
        chosen = None
        for from_size, vkey in self.log_keys:
            if from_size <= size:
                chosen = vkey
        return chosen

    def check_signer(self, seq: int, facts: LeafFacts) -> list[Problem]:
        """May ``facts.signer`` sign ``facts.type`` at ``seq``?"""
        if seq == 0:  # self-signed: the key it declares is checked when it is applied
            return [] if facts.type == "ledger.opened" else [
                (Code.BAD_GENESIS, f"entry 0 is {facts.type}, not ledger.opened")]
        if facts.type == "ledger.opened":
            return [(Code.BAD_GENESIS, "ledger.opened may only be entry 0")]
        allowed = policy.SIGNING_ROLES.get(facts.type)
        if allowed is None:
            return [(Code.UNKNOWN_TYPE, f"statement type {facts.type!r} is not in the role table")]
        state = self.keys.get(facts.signer)
        if state is None:
            return [(Code.UNKNOWN_KEY, f"signer {facts.signer} is not a registered key")]
        if state.revoked_seq is not None:
            return [(Code.REVOKED_KEY, f"signer {facts.signer} was revoked at seq "
                                       f"{state.revoked_seq}, before this entry")]
        if not state.roles & allowed:
            needed, held = " or ".join(sorted(allowed)), ", ".join(sorted(state.roles))
            return [(Code.FORBIDDEN_ROLE, f"{facts.type} needs role {needed}; signer "
                                          f"{facts.signer} has {held}")]
        return []

    # --- changes ------------------------------------------------------------

    def apply(self, seq: int, facts: LeafFacts) -> list[Problem]:
        """Replay a key statement whose signer was allowed to sign it."""
        handler = {"ledger.opened": self._opened, "key.registered": self._registered,
                   "key.revoked": self._revoked,
                   "ledger.log_key_rotated": self._rotated}.get(facts.type)
        if handler is None:
            return []
        try:
            return handler(seq, facts)
        except (FormatError, KeyError, TypeError, AttributeError) as exc:
            code = Code.BAD_GENESIS if seq == 0 else Code.BAD_REGISTRY
            return [(code, f"{facts.type} body is unusable: {exc}")]

    def _opened(self, seq: int, facts: LeafFacts) -> list[Problem]:
        body = _object(facts.body)
        origin = body["origin"]
        if not isinstance(origin, str) or not origin:
            return [(Code.BAD_GENESIS, "genesis origin must be a non-empty string")]
        declared = body["keys"]
        if not isinstance(declared, list) or not declared:
            return [(Code.BAD_GENESIS, "genesis must declare at least one key")]
        keys = [_declaration(item) for item in declared]
        admins = {public.key_id for public, roles in keys if "admin" in roles}
        if facts.signer not in admins:
            return [(Code.BAD_GENESIS, "ledger.opened must be self-signed by an admin key it "
                                       f"declares; {facts.signer} is not one")]
        problems = self._log_key(0, body["log_key"], origin)
        self.origin = origin
        for public, roles in keys:
            self.keys.setdefault(public.key_id, KeyState(public.raw, roles, seq))
        return problems

    def _registered(self, seq: int, facts: LeafFacts) -> list[Problem]:
        public, roles = _declaration(facts.body)
        if public.key_id in self.keys:
            return [(Code.BAD_REGISTRY, f"key {public.key_id} is registered a second time")]
        self.keys[public.key_id] = KeyState(public.raw, roles, seq)
        return []

    def _revoked(self, seq: int, facts: LeafFacts) -> list[Problem]:
        key_id = _object(facts.body)["key_id"]
        state = self.keys.get(key_id) if isinstance(key_id, str) else None
        if state is None:
            return [(Code.BAD_REGISTRY, f"revokes key {key_id!r}, which is not registered")]
        if state.revoked_seq is not None:
            return [(Code.BAD_REGISTRY, f"key {key_id} was already revoked at seq "
                                        f"{state.revoked_seq}")]
        state.revoked_seq = seq
        return []

    def _rotated(self, seq: int, facts: LeafFacts) -> list[Problem]:
        # The rotation entry itself is in every tree the new key signs.
        return self._log_key(seq + 1, _object(facts.body)["log_key"], self.origin)

    def _log_key(self, from_size: int, vkey: Any, origin: str | None) -> list[Problem]:
        code = Code.BAD_GENESIS if from_size == 0 else Code.BAD_REGISTRY
        if not isinstance(vkey, str):
            return [(code, "log_key must be a verifier key string")]
        verifier = Verifier.parse(vkey)
        if verifier.name != origin:
            return [(code, f"log key is named {verifier.name!r}, not the origin {origin!r}")]
        self.log_keys.append((from_size, vkey))
        return []


def _object(value: Any) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise FormatError("body must be an object")
    return value


def _declaration(value: Any) -> tuple[PublicKey, frozenset[str]]:
    item = _object(value)
    if not isinstance(item["key"], str):
        raise FormatError("key must be base64 text")
    roles = item["roles"]
    if (not isinstance(roles, list) or not roles or len(set(roles)) != len(roles)
            or not all(isinstance(role, str) and role in policy.ROLES for role in roles)):
        raise FormatError(f"roles must be a non-empty list of {sorted(policy.ROLES)}")
    return PublicKey.from_b64(item["key"]), frozenset(roles)
