"""Checking checkpoints against the entries (FORMAT.md section 7).

A checkpoint is read before the entries only to learn its size (so the root
at that size can be kept while the entries stream past); its signature is
checked after them, because the log key that must have signed it depends on
the ``ledger.log_key_rotated`` history up to that size.
"""

from __future__ import annotations

import base64
from dataclasses import dataclass
from pathlib import Path

from ledger.format.checkpoints import Checkpoint, verify_checkpoint
from ledger.errors import LedgerError
from ledger.format.notes import Verifier, split_note
from ledger.verify.registry import KeyRegistry
from ledger.verify.report import Code, Finding


@dataclass(frozen=True)
class Claim:
    """A checkpoint note as given, with its body read but nothing verified yet."""

    note: str
    older: bool                  # the auditor's older checkpoint (consistency) or the current one
    body: Checkpoint | None
    problem: str = ""

    @property
    def size(self) -> int | None:
        return self.body.size if self.body else None

    @property
    def name(self) -> str:
        return "older checkpoint" if self.older else "checkpoint"


def read_claim(note: str | bytes, *, older: bool = False) -> Claim:
    try:
        text = note.decode("utf-8") if isinstance(note, bytes) else note
        body_text, _ = split_note(text)
        return Claim(text, older, Checkpoint.parse(body_text))
    except (LedgerError, UnicodeError) as exc:
        return Claim(str(note), older, None, str(exc))


def check_claim(claim: Claim, *, roots: dict[int, bytes], log_size: int, registry: KeyRegistry,
                log_vkey: str | None) -> list[Finding]:
    if claim.body is None:
        return [Finding(None, Code.BAD_CHECKPOINT, f"{claim.name} is unreadable: {claim.problem}")]
    findings = _signature(claim, registry, log_vkey)
    size, cp = claim.body.size, claim.body
    if registry.origin is not None and cp.origin != registry.origin:
        findings.append(_finding(claim, Code.WRONG_ORIGIN, f"{claim.name} is for origin "
                                 f"{cp.origin!r}, but genesis says {registry.origin!r}"))
    if size > log_size:
        findings.append(_finding(claim, Code.CHECKPOINT_BEYOND_LOG,
                                 f"{claim.name} signs {size} entries but the log has only "
                                 f"{log_size}: entries {log_size} to {size - 1} are missing"))
    elif roots.get(size) != cp.root:
        findings.append(_root_mismatch(claim, roots.get(size)))
    return findings


def _signature(claim: Claim, registry: KeyRegistry, log_vkey: str | None) -> list[Finding]:
    size = claim.body.size
    vkey = log_vkey or registry.log_key_for_size(size)
    if vkey is None:
        return [_finding(claim, Code.BAD_CHECKPOINT, f"no log key to check the {claim.name} "
                         "with: genesis declares none usable; give one")]
    try:
        verify_checkpoint(claim.note, vkey)
    except LedgerError as exc:
        return [_finding(claim, Code.BAD_CHECKPOINT, f"{claim.name} of size {size} is not "
                         f"signed by the log key {_key_label(vkey)}: {exc}")]
    return []


def _root_mismatch(claim: Claim, actual: bytes | None) -> Finding:
    size = claim.body.size
    shown = base64.b64encode(actual).decode() if actual else "?"
    if claim.older:
        return _finding(claim, Code.INCONSISTENT,
                        f"the log's first {size} entries hash to {shown}, not to the root of the "
                        f"older checkpoint of size {size}: history up to seq {size - 1} was "
                        "rewritten")
    return _finding(claim, Code.ROOT_MISMATCH,
                    f"the log's first {size} entries hash to {shown}, not to the checkpoint's root")


def _finding(claim: Claim, code: str, message: str) -> Finding:
    return Finding(None, code, message, checkpoint_size=claim.size)


def _key_label(vkey: str) -> str:
    try:
        verifier = Verifier.parse(vkey)
    except LedgerError:
        return repr(vkey[:40])
    return f"{verifier.name}+{verifier.key_hash.hex()}"


NOTE_BYTES_MAX = 1 << 20  # a signed note is a few hundred bytes, even with many cosignatures


def read_note(path: Path, what: str) -> str:
    """A checkpoint file, byte for byte (notes are signed exactly); LedgerError if unusable."""
    try:
        with Path(path).open("rb") as handle:
            raw = handle.read(NOTE_BYTES_MAX + 1)
        if len(raw) > NOTE_BYTES_MAX:
            raise LedgerError(f"{what} at {path} is larger than {NOTE_BYTES_MAX} bytes",
                              path=str(path))
        return raw.decode("utf-8")
    except FileNotFoundError:
        raise LedgerError(f"{what} is missing: no file {path}", path=str(path)) from None
    except UnicodeDecodeError:
        raise LedgerError(f"{what} at {path} is not UTF-8 text", path=str(path)) from None
    except OSError as exc:
        raise LedgerError(f"cannot read {what} at {path}: {exc.strerror}", path=str(path)) from None
