"""Witnesses' cosignatures of the log's checkpoints (C2SP tlog-cosignature).

With configured witness keys (``witnesses=`` or the file ``<data_dir>/witnesses``,
one verifier key per line) only those witnesses are accepted. Without any, the
log is open: a witness sends its verifier key with its line and the line must
verify under it. Either way only valid lines over the exact checkpoint body are
kept, the first one per (name, key hash) wins, and at most ``COSIGNATURES_MAX``
are kept per checkpoint. (Open mode trusts a 4-byte key hash, so a configured
list is the safer choice in production.)
"""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Callable, Iterable

from eventsourcing.persistence import IntegrityError

from ledger.errors import (CheckpointError, Conflict, FormatError, NotFound, SignatureError,
                           UnknownKey)
from ledger.format.notes import (COSIGNATURE_V1, MAX_SIGNATURES, Verifier, parse_signature_line,
                                 verify_cosignature)
from ledger.log.checkpoint_store import CheckpointStore
from ledger.settings import Settings

COSIGNATURES_MAX = min(32, MAX_SIGNATURES - 1)  # the log's own signature takes one slot
STORE_RETRIES_MAX = 8


def load_witness_keys(settings: Settings) -> list[str] | None:
    """Verifier keys from ``<data_dir>/witnesses``; None (open mode) if there is no file."""
    path = Path(settings.data_dir) / "witnesses"
    if not path.exists():
        return None
    lines = (line.strip() for line in path.read_text(encoding="utf-8").splitlines())
    return [line for line in lines if line and not line.startswith("#")]


def witnesses_of(settings: Settings, given: Iterable[str] | None) -> list[Verifier] | None:
    """The witnesses a log accepts: ``given``, else the settings' file; None is open mode."""
    keys = load_witness_keys(settings) if given is None else list(given)
    witnesses = None if keys is None else [Verifier.parse(key) for key in keys]
    if witnesses and any(w.alg != COSIGNATURE_V1 for w in witnesses):
        raise CheckpointError("witness keys must be cosignature (type 0x04) keys")
    return witnesses


class Cosignatures:
    """Takes witnesses' lines for the checkpoints kept in ``store``."""

    def __init__(self, store: CheckpointStore, witnesses: list[Verifier] | None,
                 lock_for: Callable[[str], threading.Lock]) -> None:
        self.store, self.witnesses, self.lock_for = store, witnesses, lock_for

    def add(self, slug: str, size: int, line: str, witness_key: str | None = None) -> str:
        """Keep a witness's cosignature of the checkpoint at ``size``; return the note."""
        parsed = parse_signature_line(line.rstrip("\n"))
        witness = self._witness_for(parsed.name, parsed.key_hash, witness_key)
        with self.lock_for(slug):
            for _ in range(STORE_RETRIES_MAX):
                kept = self.store.at_size(slug, size)
                if kept is None:
                    raise NotFound(f"{slug} has no checkpoint at size {size}", size=size)
                verify_cosignature(kept.body, parsed, witness)
                signers = {parse_signature_line(ln)[:2] for ln in kept.cosignatures}
                if parsed[:2] in signers:
                    return kept.with_cosignatures()  # a witness's first line stands
                if len(kept.cosignatures) >= COSIGNATURES_MAX:
                    raise CheckpointError(f"checkpoint {size} already holds "
                                          f"{COSIGNATURES_MAX} cosignatures", size=size)
                try:
                    self.store.add_line(slug, kept, str(parsed).rstrip("\n"))
                except IntegrityError:
                    continue
                stored = self.store.at_size(slug, size)
                return stored.with_cosignatures() if stored else ""
        raise Conflict(f"cosignatures of {slug} at {size} kept changing underneath; try again")

    def _witness_for(self, name: str, key_hash: bytes, witness_key: str | None) -> Verifier:
        if self.witnesses is not None:
            for witness in self.witnesses:
                if (witness.name, witness.key_hash) == (name, key_hash):
                    return witness
            raise UnknownKey(f"{name} is not a witness this log accepts cosignatures from",
                             witness=name)
        if not witness_key:
            raise FormatError("send the witness's verifier key with its cosignature")
        witness = Verifier.parse(witness_key)
        if (witness.name, witness.key_hash) != (name, key_hash):
            raise SignatureError("the cosignature line is not by the key sent with it")
        return witness
