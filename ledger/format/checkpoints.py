"""C2SP tlog-checkpoint: the signed tree head of a ledger (FORMAT.md section 7).

The body is ``origin``, tree size in decimal, base64 root hash, then
optional non-empty extension lines, each newline-terminated. The log key's
name is the origin, so a checkpoint names the key that must sign it.
"""

from __future__ import annotations

import base64
import re
from dataclasses import dataclass

from ledger.errors import CheckpointError
from ledger.format.notes import Signer, Verifier, open_log_note, sign_note

_DECIMAL = re.compile(r"0|[1-9][0-9]*")  # [0-9] is ASCII-only in re


@dataclass(frozen=True)
class Checkpoint:
    origin: str
    size: int
    root: bytes
    extensions: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        # Refuse to build a body that parse() would not read back.
        if not self.origin or any(ord(c) < 0x20 for c in self.origin):
            raise CheckpointError(f"bad checkpoint origin {self.origin!r}")
        if not 0 <= self.size < 1 << 64:
            raise CheckpointError(f"checkpoint size out of range: {self.size}")
        if len(self.root) != 32:
            raise CheckpointError("checkpoint root must be 32 bytes")
        if any(not e or any(ord(c) < 0x20 for c in e) for e in self.extensions):
            raise CheckpointError("checkpoint extension lines must be non-empty single lines")

    def body(self) -> str:
        lines = [self.origin, str(self.size), base64.b64encode(self.root).decode(), *self.extensions]
        return "".join(line + "\n" for line in lines)

    @classmethod
    def parse(cls, text: str) -> Checkpoint:
        """Strictly parse a checkpoint body (the note text, signatures removed)."""
        if not text.endswith("\n"):
            raise CheckpointError("checkpoint must end in a newline")
        lines = text[:-1].split("\n")
        if len(lines) < 3:
            raise CheckpointError("checkpoint needs origin, size and root lines")
        origin, size, root, *extensions = lines
        if not _DECIMAL.fullmatch(size):
            raise CheckpointError(f"checkpoint size {size[:24]!r} is not a decimal without leading zeros")
        try:
            raw = base64.b64decode(root, validate=True)
        except ValueError as e:
            raise CheckpointError("checkpoint root is not base64") from e
        if len(raw) != 32 or base64.b64encode(raw).decode() != root:
            raise CheckpointError("checkpoint root must be the canonical base64 of 32 bytes")
        return cls(origin, int(size), raw, tuple(extensions))


def sign_checkpoint(cp: Checkpoint, log_signer: Signer) -> str:
    if log_signer.name != cp.origin:
        raise CheckpointError(f"log key {log_signer.name!r} cannot sign for origin {cp.origin!r}")
    return sign_note(cp.body(), log_signer)


def verify_checkpoint(note: str | bytes, log_vkey: Verifier | str) -> Checkpoint:
    """Open a checkpoint note signed by the log key; other signatures are ignored.

    Raises SignatureError (no valid log signature), FormatError (not a note)
    or CheckpointError (bad body, or origin is not the log key's name).
    """
    text, log = open_log_note(note, log_vkey, CheckpointError)
    cp = Checkpoint.parse(text)
    if cp.origin != log.name:
        raise CheckpointError(f"checkpoint origin {cp.origin!r} is not the log key's name {log.name!r}")
    return cp

