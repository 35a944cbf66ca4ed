"""Witnesses' cosignatures of the log's checkpoints (C2SP tlog-cosignature).

Witnesses are named, not self-declared: only the witness keys the operator has
listed (``witnesses=`` or the file ``<data_dir>/witnesses``, one verifier key
per line) are accepted, and with no list no cosignature is. (A log that took any
key a caller sent would let throwaway keys fill a checkpoint's slots before the
real witness came.) Only valid lines over the exact checkpoint body are kept,
one line per witness per checkpoint: the first stands, and a later one from the
same witness answers the note unchanged. At most ``COSIGNATURES_MAX`` are kept
per checkpoint. A ``witness_key`` sent with the line is not needed and not
trusted: the listed key decides.
"""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Callable, Iterable

from eventsourcing.persistence import IntegrityError

from ledger.errors import CheckpointError, Conflict, NotFound, UnknownKey
from ledger.format.notes import (COSIGNATURE_V1, MAX_SIGNATURES, Verifier, parse_signature_line,
                                 verify_cosignature)
from ledger.log.checkpoint_store import CheckpointStore
from ledger.settings import Settings

COSIGNATURES_MAX = min(32, MAX_SIGNATURES - 1)  # the log's own signature takes one slot
STORE_RETRIES_MAX = 8


def witnesses_file(settings: Settings) -> Path:
    return Path(settings.data_dir) / "witnesses"


def load_witness_keys(settings: Settings) -> list[str] | None:
    """Verifier keys from ``<data_dir>/witnesses``; None if there is no such file."""
    path = witnesses_file(settings)
    if not path.exists():
        return None
    lines = (line.strip() for line in path.read_text(encoding="utf-8").splitlines())
    return [line for line in lines if line and not line.startswith("#")]


def witnesses_of(settings: Settings, given: Iterable[str] | None) -> list[Verifier]:
    """The witnesses a log accepts: ``given``, else the settings' file, else none."""
    keys = load_witness_keys(settings) if given is None else list(given)
    witnesses = [Verifier.parse(key) for key in keys or []]
    if witnesses and any(w.alg != COSIGNATURE_V1 for w in witnesses):
        raise CheckpointError("witness keys must be cosignature (type 0x04) keys")
    return witnesses


class Cosignatures:
    """Takes witnesses' lines for the checkpoints kept in ``store``."""

    def __init__(self, store: CheckpointStore, witnesses: list[Verifier],
                 lock_for: Callable[[str], threading.Lock]) -> None:
        self.store, self.witnesses, self.lock_for = store, witnesses, lock_for

    def add(self, slug: str, size: int, line: str, witness_key: str | None = None) -> str:
        """Keep a witness's cosignature of the checkpoint at ``size``; return the note.
        ``witness_key`` (what older witnesses send) is ignored: the listed key decides."""
        parsed = parse_signature_line(line.rstrip("\n"))
        witness = self._witness_for(parsed.name, parsed.key_hash)
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

    def _witness_for(self, name: str, key_hash: bytes) -> Verifier:
        for witness in self.witnesses:
            if (witness.name, witness.key_hash) == (name, key_hash):
                return witness
        raise UnknownKey(f"{name} is not a witness this log accepts cosignatures from; the "
                         "operator lists witness keys in DATA_DIR/witnesses "
                         "(`sunledger witness accept VKEY`)", witness=name)
