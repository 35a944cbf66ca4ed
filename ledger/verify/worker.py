"""The verifier's parallel half: parse leaves and check signatures, chunk by chunk.

Runs in pool processes (or in-process for small logs). A worker needs the
public key behind each ``signer`` key id. The key id is a hash of the key,
so "the key with this id" does not depend on the seq: the main process sends
the keys it knows, the worker adds keys declared inside its own chunk, and
entries whose key it still lacks come back unchecked ("deferred") for the
main process to pair with the key once the registry has replayed that far.
Whether the signer was *allowed* to sign at that seq is the main process's
sequential check, never the worker's.
"""

from __future__ import annotations

from typing import Any, NamedTuple

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from ledger.errors import FormatError
from ledger.format.keys import PublicKey
from ledger.verify.leaf import leaf_hash, parse_leaf

_KEYS: dict[bytes, Ed25519PublicKey] = {}  # per process: decoding a point costs a verify's tenth
_KEYS_MAX = 10_000


class ChunkResult(NamedTuple):
    start: int                        # position of the chunk's first leaf
    hashes: list[bytes]               # leaf hash of every leaf
    facts: list[tuple | None]         # LeafFacts as a plain tuple; None if malformed
    malformed: list[tuple[int, str]]  # (position, reason)
    bad_sigs: list[int]               # positions whose signature does not verify
    deferred: list[tuple[int, bytes, bytes]]  # (position, message, sig): key unknown here


def signature_ok(public: bytes, sig: bytes, message: bytes) -> bool:
    key = _KEYS.get(public)
    if key is None:
        if len(_KEYS) >= _KEYS_MAX:
            _KEYS.clear()
        try:
            key = _KEYS[public] = Ed25519PublicKey.from_public_bytes(public)
        except ValueError:
            return False
    try:
        key.verify(sig, message)
    except InvalidSignature:
        return False
    return True


def declared_keys(type_: str, body: Any) -> list[tuple[str, bytes]]:
    """(key id, raw key) of keys a key statement names; nothing if it is unusable."""
    if type_ == "ledger.opened" and isinstance(body, dict) and isinstance(body.get("keys"), list):
        items = body["keys"]
    elif type_ == "key.registered":
        items = [body]
    else:
        return []
    found = []
    for item in items:
        if isinstance(item, dict) and isinstance(item.get("key"), str):
            try:
                public = PublicKey.from_b64(item["key"])
            except FormatError:
                continue
            found.append((public.key_id, public.raw))
    return found


def analyse_chunk(start: int, leaves: list[bytes], hints: dict[str, bytes]) -> ChunkResult:
    keys = dict(hints)
    result = ChunkResult(start, [], [], [], [], [])
    for offset, leaf in enumerate(leaves):
        position = start + offset
        result.hashes.append(leaf_hash(leaf))
        try:
            facts, message, sig = parse_leaf(leaf)
        except FormatError as exc:
            result.facts.append(None)
            result.malformed.append((position, str(exc)))
            continue
        except (ValueError, TypeError, KeyError, RecursionError, MemoryError) as exc:
            # Hostile bytes must become a finding, never end the whole verification.
            result.facts.append(None)
            result.malformed.append((position, f"unreadable entry ({type(exc).__name__})"))
            continue
        result.facts.append(tuple(facts))
        if facts.body is not None:
            keys.update(declared_keys(facts.type, facts.body))
        public = keys.get(facts.signer)
        if public is None:
            result.deferred.append((position, message, sig))
        elif not signature_ok(public, sig, message):
            result.bad_sigs.append(position)
    return result


def verify_triples(triples: list[tuple[int, bytes, bytes, bytes]]) -> list[int]:
    """Positions among (position, public key, message, sig) whose signature fails."""
    return [position for position, public, message, sig in triples
            if not signature_ok(public, sig, message)]
