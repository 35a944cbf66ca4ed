"""C2SP signed-note (with Ed25519 keys) and tlog-cosignature/v1 signatures.

A note is ``text`` (ending in newline), a blank line, then signature lines
``— <name> base64(4-byte key hash || signature)``. Keys are identified by
(name, key hash), key hash = SHA-256(name || 0x0A || type || pubkey)[:4].
Type 0x01 signs the text itself; type 0x04 (witness cosignature) signs
``cosignature/v1\\ntime <secs>\\n`` + text and carries the 8-byte big-endian
timestamp before the signature.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import re
from dataclasses import dataclass, field
from typing import Iterable, NamedTuple

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

from ledger.errors import FormatError, LedgerError, SignatureError

ED25519 = 0x01
COSIGNATURE_V1 = 0x04
ALGORITHMS = (ED25519, COSIGNATURE_V1)
DASH = "\u2014 "  # em dash + space opens every signature line
MAX_SIGNATURES = 100  # the spec asks for at least 16; Go's note package allows 100
_HEX8 = re.compile(r"[0-9a-f]{8}")


def _b64decode(s: str) -> bytes:
    """Strict standard base64: padded, canonical (so one value has one spelling)."""
    try:
        raw = base64.b64decode(s, validate=True)
    except (binascii.Error, ValueError) as e:
        raise FormatError(f"bad base64: {s[:20]!r}") from e
    if base64.b64encode(raw).decode() != s:
        raise FormatError(f"non-canonical base64: {s[:20]!r}")
    return raw


def check_name(name: str) -> str:
    if not name or "+" in name or any(c.isspace() or ord(c) < 0x20 for c in name):
        raise FormatError(f"bad key name {name!r}: must be non-empty, without spaces or '+'")
    return name


def key_hash(name: str, alg: int, public_key: bytes) -> bytes:
    return hashlib.sha256(name.encode() + b"\n" + bytes([alg]) + public_key).digest()[:4]


def cosignature_message(text: str, timestamp: int) -> bytes:
    return f"cosignature/v1\ntime {timestamp}\n".encode() + text.encode()


@dataclass(frozen=True)
class Verifier:
    """A public note key. ``alg`` is ED25519 (log keys) or COSIGNATURE_V1 (witnesses)."""

    name: str
    alg: int
    public_key: bytes

    def __post_init__(self) -> None:
        check_name(self.name)
        if self.alg not in ALGORITHMS or len(self.public_key) != 32:
            raise FormatError(f"unsupported key type {self.alg} or key length {len(self.public_key)}")

    @property
    def key_hash(self) -> bytes:
        return key_hash(self.name, self.alg, self.public_key)

    @property
    def vkey(self) -> str:
        b64 = base64.b64encode(bytes([self.alg]) + self.public_key).decode()
        return f"{self.name}+{self.key_hash.hex()}+{b64}"

    @classmethod
    def parse(cls, vkey: str) -> Verifier:
        """Parse ``<name>+<8 hex key hash>+<base64(type || pubkey)>``."""
        parts = vkey.split("+", 2)  # base64 may itself contain '+'
        if len(parts) != 3 or not _HEX8.fullmatch(parts[1]):
            raise FormatError(f"malformed verifier key {vkey!r}")
        raw = _b64decode(parts[2])
        if not raw:
            raise FormatError(f"malformed verifier key {vkey!r}")
        v = cls(parts[0], raw[0], raw[1:])
        if v.key_hash.hex() != parts[1]:
            raise FormatError(f"verifier key {vkey!r}: key hash does not match the key")
        return v

    def verify(self, text: str, sig: bytes) -> int | None:
        """Check a note signature (after the key hash) over text.

        Returns None if it fails; else 0 for a plain signature, or the
        cosignature's timestamp.
        """
        timestamp = 0
        if self.alg == COSIGNATURE_V1:
            if len(sig) != 8 + 64:
                return None
            timestamp, sig = int.from_bytes(sig[:8], "big"), sig[8:]
            if timestamp >= 1 << 63:
                return None
            msg = cosignature_message(text, timestamp)
        else:
            msg = text.encode()
        try:
            Ed25519PublicKey.from_public_bytes(self.public_key).verify(sig, msg)
        except (InvalidSignature, ValueError):
            return None
        return timestamp


@dataclass(frozen=True)
class Signer:
    """A private note key. The seed never appears in repr."""

    name: str
    alg: int
    seed: bytes = field(repr=False)

    def __post_init__(self) -> None:
        check_name(self.name)
        if self.alg not in ALGORITHMS or len(self.seed) != 32:
            raise FormatError("a signer needs a known key type and a 32-byte Ed25519 seed")

    @classmethod
    def from_seed(cls, name: str, seed: bytes, alg: int = ED25519) -> Signer:
        return cls(name, alg, bytes(seed))

    @classmethod
    def parse(cls, skey: str) -> Signer:
        """Parse ``PRIVATE+KEY+<name>+<8 hex key hash>+<base64(type || seed)>``."""
        parts = skey.split("+", 4)
        if len(parts) != 5 or parts[:2] != ["PRIVATE", "KEY"] or not _HEX8.fullmatch(parts[3]):
            raise FormatError("malformed private key")
        raw = _b64decode(parts[4])
        if not raw:
            raise FormatError("malformed private key")
        s = cls(parts[2], raw[0], raw[1:])
        if s.verifier().key_hash.hex() != parts[3]:
            raise FormatError("private key: key hash does not match the key")
        return s

    @property
    def skey(self) -> str:
        b64 = base64.b64encode(bytes([self.alg]) + self.seed).decode()
        return f"PRIVATE+KEY+{self.name}+{self.verifier().key_hash.hex()}+{b64}"

    def verifier(self) -> Verifier:
        pub = Ed25519PrivateKey.from_private_bytes(self.seed).public_key()
        return Verifier(self.name, self.alg, pub.public_bytes(Encoding.Raw, PublicFormat.Raw))

    def sign(self, msg: bytes) -> bytes:
        return Ed25519PrivateKey.from_private_bytes(self.seed).sign(msg)


class SignatureLine(NamedTuple):
    name: str
    key_hash: bytes
    sig: bytes  # after the key hash (timestamp || signature for cosignatures)

    def __str__(self) -> str:
        return f"{DASH}{self.name} {base64.b64encode(self.key_hash + self.sig).decode()}\n"


def _check_text(text: str) -> None:
    if not isinstance(text, str) or not text.endswith("\n"):
        raise FormatError("note text must be a string ending in a newline")
    if any(ord(c) < 0x20 and c != "\n" for c in text):
        raise FormatError("note text contains a control character")
    try:
        text.encode("utf-8")
    except UnicodeEncodeError as e:  # lone surrogates
        raise FormatError("note text is not valid UTF-8") from e


def parse_signature_line(line: str) -> SignatureLine:
    """Parse one line without its newline."""
    if not line.startswith(DASH) or line.count(" ") != 2:
        raise FormatError(f"malformed signature line {line[:40]!r}")
    name, b64 = line[len(DASH):].split(" ")
    raw = _b64decode(b64)
    if len(raw) < 5:
        raise FormatError(f"signature too short in {line[:40]!r}")
    return SignatureLine(check_name(name), raw[:4], raw[4:])


def split_note(note: str | bytes) -> tuple[str, list[SignatureLine]]:
    """Split a signed note into its text and its (unverified) signature lines."""
    if isinstance(note, bytes):
        try:
            note = note.decode("utf-8")
        except UnicodeDecodeError as e:
            raise FormatError("note is not valid UTF-8") from e
    _check_text(note)
    cut = note.rfind("\n\n")  # text may hold blank lines; the last one separates
    if cut < 0:
        raise FormatError("note has no signatures")
    if cut + 2 == len(note):
        raise FormatError("note has no signatures")
    # split("\n"), not splitlines(): only U+000A ends a line in a note.
    text, lines = note[: cut + 1], note[cut + 2 : -1].split("\n")
    if len(lines) > MAX_SIGNATURES:
        raise FormatError(f"a note needs 1 to {MAX_SIGNATURES} signature lines")
    return text, [parse_signature_line(line) for line in lines]


def sign_note(text: str, *signers: Signer) -> str:
    """Sign text with plain Ed25519 keys; see cosign() for witness signatures."""
    _check_text(text)
    if not signers or any(s.alg != ED25519 for s in signers):
        raise FormatError("sign_note needs at least one Ed25519 (type 0x01) signer")
    lines = (SignatureLine(s.name, s.verifier().key_hash, s.sign(text.encode())) for s in signers)
    return text + "\n" + "".join(map(str, lines))


def add_signatures(note: str, lines: Iterable[SignatureLine | str]) -> str:
    """Append signature lines (e.g. witness cosignatures) to a signed note."""
    split_note(note)  # refuse to extend something that is not a note
    parsed = [ln if isinstance(ln, SignatureLine) else parse_signature_line(ln.rstrip("\n")) for ln in lines]
    out = note + "".join(map(str, parsed))
    split_note(out)  # re-check the signature count limit
    return out


def open_note(note: str | bytes, known: Iterable[Verifier | str]) -> tuple[str, list[str]]:
    """Verify a note; return its text and the names of known keys that signed it.

    Signatures from unknown (name, key hash) pairs are ignored. A known key
    whose signature fails rejects the whole note, and so does a note with no
    verified known signature.
    """
    text, lines = split_note(note)
    verifiers = (k if isinstance(k, Verifier) else Verifier.parse(k) for k in known)
    by_id = {(v.name, v.key_hash): v for v in verifiers}
    names: list[str] = []
    for line in lines:
        v = by_id.get((line.name, line.key_hash))
        if v is None:
            continue
        if v.verify(text, line.sig) is None:
            raise SignatureError(f"signature by {line.name} does not verify", key=line.name)
        if line.name not in names:
            names.append(line.name)
    if not names:
        raise SignatureError("note has no valid signature from a known key")
    return text, names


def open_log_note(note: str | bytes, log_vkey: Verifier | str,
                  error: type[LedgerError] = FormatError) -> tuple[str, Verifier]:
    """Open a note the log key signed (checkpoints, figures); return its text and the
    key, whose name the text's origin must equal. ``error`` is raised for a key that
    is not a log key (SignatureError for a note the key did not sign)."""
    log = log_vkey if isinstance(log_vkey, Verifier) else Verifier.parse(log_vkey)
    if log.alg != ED25519:
        raise error("a log key is an Ed25519 (type 0x01) note key")
    text, _ = open_note(note, [log])
    return text, log


def cosign(text: str, witness: Signer, timestamp: int) -> SignatureLine:
    """A tlog-cosignature/v1 line over a checkpoint body (``str()`` it for the note)."""
    _check_text(text)
    if witness.alg != COSIGNATURE_V1:
        raise FormatError("a cosigner key has type 0x04")
    if not 0 <= timestamp < 1 << 63:
        raise FormatError(f"cosignature timestamp out of range: {timestamp}")
    sig = witness.sign(cosignature_message(text, timestamp))
    return SignatureLine(witness.name, witness.verifier().key_hash, timestamp.to_bytes(8, "big") + sig)


def verify_cosignature(text: str, line: SignatureLine | str, witness: Verifier | str) -> int:
    """Check one cosignature line over a checkpoint body; return its timestamp."""
    w = witness if isinstance(witness, Verifier) else Verifier.parse(witness)
    sl = line if isinstance(line, SignatureLine) else parse_signature_line(line.rstrip("\n"))
    if w.alg != COSIGNATURE_V1:
        raise FormatError("a cosigner key has type 0x04")
    if (sl.name, sl.key_hash) != (w.name, w.key_hash):
        raise SignatureError(f"cosignature is not by {w.name}", key=w.name)
    timestamp = w.verify(text, sl.sig)
    if timestamp is None:
        raise SignatureError(f"cosignature by {w.name} does not verify", key=w.name)
    return timestamp
