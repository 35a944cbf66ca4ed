"""Sealing a confidential report (举报) to its readers, and keeping the sealed bundle.

The text is sealed once per reader with libsodium's sealed box (X25519 +
XSalsa20-Poly1305, anonymous sender) to the X25519 form of each active
supervisor and auditor Ed25519 key, so a reader opens it with the key they
already sign with. The bundle is canonical JSON ``{"ledger", "sealed": [[key_id,
base64 ciphertext], ...]}`` in key-id order; ``confidential.filed`` carries its
SHA-256 and the key ids, never the text. Bundles are kept under
``DATA_DIR/confidential/LEDGER/SHA256.json``, beside the server's other
private files, and served only to the readers' signed-in sessions.
"""

from __future__ import annotations

import base64
import hashlib
import re
from pathlib import Path

from nacl.bindings import crypto_sign_ed25519_pk_to_curve25519
from nacl.exceptions import CryptoError
from nacl.public import PublicKey, SealedBox
from nacl.signing import SigningKey as NaclSigningKey

from ledger.domain.state import LedgerState
from ledger.errors import FormatError, NotFound
from ledger.format import cjson
from ledger.format.keys import SigningKey
from ledger.settings import Settings
from ledger.witness.memory import write_atomically

SHA256_RE = re.compile(r"[0-9a-f]{64}")
report_text_bytes_max = 8_000


def seal(slug: str, text: str, readers: dict[str, bytes]) -> tuple[bytes, str]:
    """The bundle sealing ``text`` to each reader (key id -> Ed25519 public key
    bytes), and its SHA-256 in hex."""
    sealed = [[key_id, base64.b64encode(SealedBox(_x25519(public)).encrypt(
        text.encode("utf-8"))).decode("ascii")] for key_id, public in sorted(readers.items())]
    bundle = cjson.dumps({"ledger": slug, "sealed": sealed})
    return bundle, hashlib.sha256(bundle).hexdigest()


def open_sealed(bundle: bytes, key: SigningKey) -> str:
    """The report's text, opened with a reader's signing key."""
    document = cjson.loads(bundle)
    for key_id, ciphertext in document["sealed"]:
        if key_id == key.key_id:
            private = NaclSigningKey(key.seed).to_curve25519_private_key()
            try:
                return SealedBox(private).decrypt(base64.b64decode(ciphertext)).decode("utf-8")
            except CryptoError:
                raise FormatError("this sealed report does not open with this key") from None
    raise NotFound("this report was not sealed to this key", key_id=key.key_id)


def _x25519(ed25519_public: bytes) -> PublicKey:
    return PublicKey(crypto_sign_ed25519_pk_to_curve25519(ed25519_public))


def readers_of(state: LedgerState, key_ids: list[str]) -> dict[str, bytes]:
    by_id = {record.key_id: record.public.raw for record in state.keys.values()}
    return {key_id: by_id[key_id] for key_id in key_ids}


def bundle_path(settings: Settings, slug: str, sealed_sha256: str) -> Path:
    assert SHA256_RE.fullmatch(sealed_sha256), "a bundle is named by its SHA-256"
    return settings.data_dir / "confidential" / slug / f"{sealed_sha256}.json"


def keep_bundle(settings: Settings, slug: str, bundle: bytes, sealed_sha256: str) -> None:
    write_atomically(bundle_path(settings, slug, sealed_sha256), bundle.decode("utf-8"))


def read_bundle(settings: Settings, slug: str, sealed_sha256: str) -> bytes:
    path = bundle_path(settings, slug, sealed_sha256)
    if not path.is_file():
        raise NotFound("this server does not hold the sealed text of that report")
    data = path.read_bytes()
    if hashlib.sha256(data).hexdigest() != sealed_sha256:
        raise FormatError("the sealed text kept for this report does not match its hash")
    return data


