"""The trust roots: genesis, the key registry and log-key rotation (FORMAT.md 5)."""

from __future__ import annotations

from typing import Any

from ledger.domain import policy

from ledger.format import money
from ledger.domain import fields
from ledger.domain.effects import Effects, KeyRegistered, KeyRevoked, LedgerOpened, LogKeyRotated
from ledger.domain.types import Context, statement_type
from ledger.errors import DomainError, FormatError
from ledger.format.keys import PublicKey
from ledger.format.notes import Verifier
from ledger.domain.state import KeyRecord, LedgerState
from ledger.format.statements import Entry


def _roles(value: Any) -> frozenset[str]:
    roles = fields.string_set(value, "roles", policy.ROLES)
    for pair in policy.INCOMPATIBLE_ROLES:
        if pair <= roles:
            raise DomainError(f"one key may not hold both {' and '.join(sorted(pair))} "
                              "(money and books are kept apart)")
    return roles


def _key_declaration(value: Any) -> tuple[PublicKey, frozenset[str], str]:
    if not isinstance(value, dict):
        raise FormatError("a key declaration must be an object")
    fields.only_fields(value, {"key", "roles", "label"})
    public = PublicKey.from_b64(value["key"]) if isinstance(value["key"], str) else None
    if public is None:
        raise FormatError("key must be base64 of a 32-byte Ed25519 public key")
    label = fields.text(value, "label", bytes_max=policy.label_bytes_max)
    return public, _roles(value["roles"]), label


def _log_key(body: dict[str, Any], origin: str | None = None) -> str:
    vkey = body.get("log_key")
    if not isinstance(vkey, str):
        raise FormatError("log_key must be a verifier key string")
    name = Verifier.parse(vkey).name
    if origin is not None and name != origin:
        raise FormatError(f"log_key names {name!r} but the origin is {origin!r}")
    return vkey


@statement_type("ledger.opened")
def decide_opened(ctx: Context) -> None:
    body = ctx.body
    if ctx.state.size != 0:
        raise DomainError("ledger.opened may only be entry 0")
    fields.only_fields(body, {"name", "origin", "log_key", "currency", "keys"})
    fields.text(body, "name", bytes_max=policy.name_bytes_max)
    origin = fields.text(body, "origin", bytes_max=policy.name_bytes_max)
    _log_key(body, origin)
    money.minor_digits(body["currency"] if isinstance(body["currency"], str) else "")
    declared = body["keys"]
    if not isinstance(declared, list) or not 1 <= len(declared) <= policy.keys_in_genesis_max:
        raise FormatError(f"keys must list 1 to {policy.keys_in_genesis_max} keys")
    parsed = [_key_declaration(item) for item in declared]
    ids = [public.key_id for public, _, _ in parsed]
    if len(set(ids)) != len(ids):
        raise FormatError("a key is declared twice")
    admins = {public.key_id for public, roles, _ in parsed if "admin" in roles}
    if ctx.signed.signer not in admins:
        raise DomainError("ledger.opened must be self-signed by an admin key it declares")


@decide_opened.applier
def apply_opened(state: LedgerState, entry: Entry) -> Effects:
    body = entry.statement.body
    state.name, state.origin, state.currency = body["name"], body["origin"], body["currency"]
    state.opened_at = entry.recorded_at
    state.log_keys.append((0, body["log_key"]))
    keys = tuple(_register(state, item, entry.seq) for item in body["keys"])
    return (LedgerOpened(entry.seq, state.name, state.origin, state.currency, body["log_key"]),
            *keys)


def _register(state: LedgerState, declaration: dict[str, Any], seq: int) -> KeyRegistered:
    public = PublicKey.from_b64(declaration["key"])
    record = KeyRecord(public, frozenset(declaration["roles"]), declaration["label"], seq)
    state.keys[public.key_id] = record
    return KeyRegistered(seq, record.key_id, record.roles, record.label)


@statement_type("key.registered")
def decide_registered(ctx: Context) -> None:
    public, _, _ = _key_declaration(ctx.body)
    if public.key_id in ctx.state.keys:
        raise DomainError(f"key {public.key_id} is already registered", key_id=public.key_id)


@decide_registered.applier
def apply_registered(state: LedgerState, entry: Entry) -> Effects:
    return (_register(state, entry.statement.body, entry.seq),)


@statement_type("key.revoked")
def decide_revoked(ctx: Context) -> None:
    fields.only_fields(ctx.body, {"key_id", "reason"})
    fields.text(ctx.body, "reason", bytes_max=policy.memo_bytes_max)
    key_id = ctx.body["key_id"]
    record = ctx.state.keys.get(key_id) if isinstance(key_id, str) else None
    if record is None:
        raise DomainError(f"key {key_id} is not registered here", key_id=key_id)
    if not record.active():
        raise DomainError(f"key {key_id} was already revoked at seq {record.revoked_seq}")
    admins_left = [k for k in ctx.state.keys.values()
                   if k.active() and "admin" in k.roles and k.key_id != key_id]
    if "admin" in record.roles and not admins_left:
        raise DomainError("the last active admin key cannot be revoked")


@decide_revoked.applier
def apply_revoked(state: LedgerState, entry: Entry) -> Effects:
    key_id = entry.statement.body["key_id"]
    state.keys[key_id] = state.keys[key_id].revoked(entry.seq)
    return (KeyRevoked(entry.seq, key_id),)


@statement_type("ledger.log_key_rotated")
def decide_log_key_rotated(ctx: Context) -> None:
    fields.only_fields(ctx.body, {"log_key"})
    _log_key(ctx.body, ctx.state.origin)


@decide_log_key_rotated.applier
def apply_log_key_rotated(state: LedgerState, entry: Entry) -> Effects:
    # Checkpoints of trees that include this entry are signed by the new key.
    state.log_keys.append((entry.seq + 1, entry.statement.body["log_key"]))
    return (LogKeyRotated(entry.seq, entry.seq + 1, entry.statement.body["log_key"]),)
