"""Ed25519 actor keys (FORMAT.md section 2): ids, encodings and key files."""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
import os
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from ledger.errors import FormatError

KEY_FILE_MODE = 0o600


def b64encode(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def b64decode(text: str, *, what: str = "value", length: int | None = None) -> bytes:
    """Strict standard base64 with padding; a wrong length is a FormatError."""
    try:
        raw = base64.b64decode(text.encode("ascii"), validate=True)
    except (binascii.Error, UnicodeEncodeError, AttributeError):
        raise FormatError(f"{what} is not standard base64") from None
    if b64encode(raw) != text:
        # Padding bits set ("AB==" for "AA=="): one value, several spellings.
        raise FormatError(f"{what} is not standard base64 (non-canonical padding bits)")
    if length is not None and len(raw) != length:
        raise FormatError(f"{what} must be {length} bytes, got {len(raw)}")
    return raw


def key_id_of(public_raw: bytes) -> str:
    return hashlib.sha256(public_raw).digest()[:16].hex()


@dataclass(frozen=True)
class PublicKey:
    raw: bytes

    @classmethod
    def from_b64(cls, text: str) -> PublicKey:
        raw = b64decode(text, what="public key", length=32)
        try:
            Ed25519PublicKey.from_public_bytes(raw)
        except ValueError:
            raise FormatError("public key is not a valid Ed25519 key") from None
        return cls(raw)

    @property
    def b64(self) -> str:
        return b64encode(self.raw)

    @cached_property  # cached, like _loaded: raw is immutable and both sit on the hot path
    def key_id(self) -> str:
        return key_id_of(self.raw)

    @cached_property
    def _loaded(self) -> Ed25519PublicKey:
        return Ed25519PublicKey.from_public_bytes(self.raw)

    def verify(self, signature: bytes, message: bytes) -> bool:
        try:
            self._loaded.verify(signature, message)
        except InvalidSignature:
            return False
        return True


@dataclass(frozen=True)
class SigningKey:
    """A private key. ``seed`` is the RFC 8032 32-byte secret."""

    seed: bytes
    label: str = ""

    @classmethod
    def generate(cls, label: str = "") -> SigningKey:
        return cls(os.urandom(32), label)

    @property
    def _private(self) -> Ed25519PrivateKey:
        return Ed25519PrivateKey.from_private_bytes(self.seed)

    @property
    def public(self) -> PublicKey:
        raw = self._private.public_key().public_bytes(
            serialization.Encoding.Raw, serialization.PublicFormat.Raw
        )
        return PublicKey(raw)

    @property
    def key_id(self) -> str:
        return self.public.key_id

    def sign(self, message: bytes) -> bytes:
        return self._private.sign(message)

    def __repr__(self) -> str:  # never print the seed
        return f"SigningKey(key_id={self.key_id!r}, label={self.label!r})"


def save_key(key: SigningKey, path: Path) -> None:
    """Write a key file readable by its owner only; refuse to overwrite."""
    document = {
        "kind": "sunledger-ed25519-key",
        "seed": b64encode(key.seed),
        "public": key.public.b64,
        "key_id": key.key_id,
        "label": key.label,
    }
    write_secret_file(path, json.dumps(document, ensure_ascii=False, indent=1) + "\n")


def write_secret_file(path: Path, text: str) -> None:
    """Create ``path`` (and its folder) readable by its owner only, holding ``text``;
    FileExistsError if it exists. O_EXCL: an existing key is never silently replaced;
    the mode is set at creation, so the secret is never readable by others, not even
    for an instant."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, KEY_FILE_MODE)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(text)


KEY_FILE_BYTES_MAX = 16 * 1024  # a key file is about 200 bytes; never read a huge one whole


def load_key(path: Path) -> SigningKey:
    try:
        with Path(path).open("rb") as handle:
            raw = handle.read(KEY_FILE_BYTES_MAX + 1)
        if len(raw) > KEY_FILE_BYTES_MAX:
            raise ValueError("too large")
        document = json.loads(raw.decode("utf-8"))
        seed = b64decode(document["seed"], what="key seed", length=32)
    except FileNotFoundError:
        raise FormatError(f"key file {path} does not exist") from None
    except (ValueError, KeyError, TypeError):
        raise FormatError(f"{path} is not a Sunledger key file") from None
    key = SigningKey(seed, str(document.get("label", "")))
    if document.get("public") not in (None, key.public.b64):
        raise FormatError(f"{path}: public key does not match its seed")
    return key
