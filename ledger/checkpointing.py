"""The log side of checkpoints: sign, keep, and collect witness cosignatures.

Storage (all through the application's event store, SQLite or PostgreSQL):
- stream ``checkpoint/<slug>/<size>``: version 1 is the log-signed note,
  versions 2.. are witness cosignature lines over that same body. Version 1
  being unique per size is what makes "two roots for one size" impossible
  even between two server processes.
- stream ``checkpoints/<slug>``: version k names the size of the k-th
  checkpoint, so the latest is the last version. Both are written in one
  transaction, so an index entry never points at a missing checkpoint.

Before signing size n the log checks that the stored tree still has, at the
size of its latest checkpoint, the root that checkpoint signed, and that the
stored Merkle nodes agree with the root folded from the entries themselves.

Cosignatures: with configured witness keys (``witnesses=`` or the file
``<data_dir>/witnesses``, one verifier key per line) only those witnesses are
accepted. Without any, the log is open: a witness sends its verifier key with
its line and the line must verify under it. Either way only valid lines over
the exact checkpoint body are kept, the first one per (name, key hash) wins,
and at most ``COSIGNATURES_MAX`` are kept per checkpoint. (Open mode trusts a
4-byte key hash, so a configured list is the safer choice in production.)
"""

from __future__ import annotations

import json
import logging
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable
from uuid import UUID, uuid5

from eventsourcing.domain import DomainEvent
from eventsourcing.persistence import IntegrityError

from ledger import proofs
from ledger.application import LedgerApplication
from ledger.checkpoints import Checkpoint, sign_checkpoint, verify_checkpoint
from ledger.errors import (CheckpointError, Conflict, FormatError, LedgerError, LedgerNotFound,
                           NotFound, SignatureError, UnknownKey)
from ledger.logkeys import load_log_key
from ledger.notes import (COSIGNATURE_V1, MAX_SIGNATURES, Verifier, add_signatures,
                          parse_signature_line, split_note, verify_cosignature)
from ledger.settings import Settings
from ledger.state import LedgerState
from ledger.statements import utc_now
from ledger.store import NAMESPACE

log = logging.getLogger(__name__)
COSIGNATURES_MAX = min(32, MAX_SIGNATURES - 1)  # the log's own signature takes one slot
STORE_RETRIES_MAX = 8


def checkpoint_stream(slug: str, size: int) -> UUID:
    return uuid5(NAMESPACE, f"checkpoint/{slug}/{size}")


def index_stream(slug: str) -> UUID:
    return uuid5(NAMESPACE, f"checkpoints/{slug}")


class CheckpointSigned(DomainEvent):
    ledger: str
    size: int
    note: str  # the note as the log signed it, without cosignatures


class CosignatureAdded(DomainEvent):
    ledger: str
    size: int
    line: str  # one tlog-cosignature line, without its newline


class CheckpointListed(DomainEvent):
    ledger: str
    size: int


@dataclass(frozen=True)
class KeptCheckpoint:
    size: int
    note: str
    cosignatures: tuple[str, ...]
    version: int  # last version of its stream, where the next cosignature goes

    @property
    def body(self) -> str:
        return split_note(self.note)[0]

    @property
    def root(self) -> bytes:
        return Checkpoint.parse(self.body).root

    def with_cosignatures(self) -> str:
        return add_signatures(self.note, self.cosignatures) if self.cosignatures else self.note


@dataclass(frozen=True)
class TreeHead:
    """What the log is about to sign, read at one consistent moment."""

    slug: str
    origin: str
    size: int
    root: bytes  # folded from the entries (the in-memory frontier)
    log_keys: tuple[tuple[int, str], ...]

    @classmethod
    def of(cls, state: LedgerState) -> TreeHead:
        return cls(state.slug, state.origin, state.size, state.frontier.root(),
                   tuple(state.log_keys))

    def log_key_for_size(self, size: int) -> str:
        """As LedgerState.log_key_for_size: the last key named from a size <= ``size``."""
        return ([vkey for from_size, vkey in self.log_keys if from_size <= size] or [""])[-1]


def load_witness_keys(settings: Settings) -> list[str] | None:
    """Verifier keys from ``<data_dir>/witnesses``; None (open mode) if there is no file."""
    path = Path(settings.data_dir) / "witnesses"
    if not path.exists():
        return None
    lines = (line.strip() for line in path.read_text(encoding="utf-8").splitlines())
    return [line for line in lines if line and not line.startswith("#")]


class CheckpointStore:
    """Reads and writes the checkpoint streams straight from the recorder."""

    def __init__(self, app: LedgerApplication) -> None:
        self.app = app

    def sizes(self, slug: str) -> list[int]:
        rows = self.app.recorder.select_events(index_stream(slug))
        return [json.loads(row.state)["size"] for row in rows]

    def latest(self, slug: str) -> tuple[int, KeptCheckpoint | None]:
        """(number of checkpoints, the latest one)."""
        rows = self.app.recorder.select_events(index_stream(slug), desc=True, limit=1)
        if not rows:
            return 0, None
        kept = self.at_size(slug, json.loads(rows[0].state)["size"])
        assert kept is not None, "the index names a checkpoint that is not stored"
        return rows[0].originator_version, kept

    def at_size(self, slug: str, size: int) -> KeptCheckpoint | None:
        rows = self.app.recorder.select_events(checkpoint_stream(slug, size))
        if not rows:
            return None
        states = [json.loads(row.state) for row in rows]
        return KeptCheckpoint(size, states[0]["note"], tuple(s["line"] for s in states[1:]),
                              rows[-1].originator_version)

    def add(self, slug: str, size: int, note: str, index_version: int) -> None:
        now = utc_now()
        self.app.save(
            CheckpointSigned(originator_id=checkpoint_stream(slug, size), originator_version=1,
                             timestamp=now, ledger=slug, size=size, note=note),
            CheckpointListed(originator_id=index_stream(slug), timestamp=now,
                             originator_version=index_version + 1, ledger=slug, size=size))

    def add_line(self, slug: str, kept: KeptCheckpoint, line: str) -> None:
        self.app.save(CosignatureAdded(originator_id=checkpoint_stream(slug, kept.size),
                                       originator_version=kept.version + 1, timestamp=utc_now(),
                                       ledger=slug, size=kept.size, line=line))


class CheckpointLog:
    """Signs each ledger's checkpoints, keeps them all, and takes cosignatures."""

    def __init__(self, app: LedgerApplication, *, witnesses: Iterable[str] | None = None,
                 every_entries: int | None = None, every_seconds: float | None = None) -> None:
        self.app = app
        self.store = CheckpointStore(app)
        keys = load_witness_keys(app.settings) if witnesses is None else list(witnesses)
        self.witnesses = None if keys is None else [Verifier.parse(k) for k in keys]
        if self.witnesses and any(w.alg != COSIGNATURE_V1 for w in self.witnesses):
            raise CheckpointError("witness keys must be cosignature (type 0x04) keys")
        self.every_entries = every_entries or app.settings.checkpoint_every_entries
        self.every_seconds = every_seconds or app.settings.checkpoint_every_seconds
        self._signed_sizes: dict[str, int] = {}  # latest signed size, as last seen
        self._locks: dict[str, threading.Lock] = {}
        self._locks_guard = threading.Lock()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    # --- reading -------------------------------------------------------------

    def latest(self, slug: str) -> str | None:
        """The latest checkpoint with its cosignatures, or None if none is signed yet."""
        return self._note(self.store.latest(slug)[1])

    def at_size(self, slug: str, size: int) -> str | None:
        """The checkpoint signed for ``size`` (every signed one is kept), or None."""
        return self._note(self.store.at_size(slug, size))

    def sizes(self, slug: str) -> list[int]:
        return self.store.sizes(slug)

    @staticmethod
    def _note(kept: KeptCheckpoint | None) -> str | None:
        return kept.with_cosignatures() if kept else None

    # --- signing -------------------------------------------------------------

    def issue(self, slug: str) -> str:
        """Sign the ledger's current tree now (or return the checkpoint already at that size)."""
        # Read under the lock appends hold, so size, root and log keys belong together.
        # Never hold it while taking self._lock(): the after_append hook nests the other way.
        with self.app.locked_state(slug) as state:
            if state.size == 0:
                raise LedgerNotFound(f"ledger {slug!r} does not exist", ledger=slug)
            head = TreeHead.of(state)
        return self._issue(head)

    def _issue(self, head: TreeHead) -> str:
        with self._lock(head.slug):
            for _ in range(STORE_RETRIES_MAX):
                count, latest = self.store.latest(head.slug)
                if latest is not None and latest.size >= head.size:
                    return self._already_signed(head, latest)
                self._check_extends(head, latest)
                note = self._sign(head)
                try:
                    self.store.add(head.slug, head.size, note, count)
                except IntegrityError:
                    continue  # another process signed meanwhile: look again
                self._signed_sizes[head.slug] = head.size
                log.info("signed checkpoint of %s at size %d", head.slug, head.size)
                return note
        raise Conflict(f"checkpoints of {head.slug} kept changing underneath; try again")

    def _already_signed(self, head: TreeHead, latest: KeptCheckpoint) -> str:
        self._signed_sizes[head.slug] = latest.size
        if latest.size == head.size and latest.root != head.root:
            raise CheckpointError(
                f"refusing to sign {head.slug} at size {head.size}: a checkpoint with a "
                "different root is already signed for that size", size=head.size)
        stored_size = self.app.reader.size(head.slug)
        if stored_size < latest.size:
            raise CheckpointError(
                f"{head.slug} has {stored_size} stored entries but a checkpoint was signed at "
                f"size {latest.size}: entries were removed behind the log's back",
                size=latest.size)
        return latest.with_cosignatures()

    def _check_extends(self, head: TreeHead, latest: KeptCheckpoint | None) -> None:
        """Refuse to sign a tree that does not extend what was signed before."""
        stored_root = proofs.root_at(self.app.reader, head.slug, head.size)
        if stored_root != head.root:
            raise CheckpointError(
                f"refusing to sign {head.slug} at size {head.size}: the stored Merkle nodes "
                "disagree with the root of the stored entries", size=head.size)
        if latest is None:
            return
        try:
            old = verify_checkpoint(latest.note, head.log_key_for_size(latest.size))
        except LedgerError as exc:
            raise CheckpointError(f"the kept checkpoint of {head.slug} at size {latest.size} "
                                  f"does not verify: {exc}", size=latest.size) from None
        if proofs.root_at(self.app.reader, head.slug, old.size) != old.root:
            raise CheckpointError(
                f"refusing to sign {head.slug} at size {head.size}: the stored tree at size "
                f"{old.size} no longer has the root signed then (history was rewritten)",
                size=head.size, signed_size=old.size)

    def _sign(self, head: TreeHead) -> str:
        signer = load_log_key(self.app.settings, head.slug)
        wanted = head.log_key_for_size(head.size)
        if signer.verifier().vkey != wanted:
            raise CheckpointError(
                f"the server's log key for {head.slug} is {signer.verifier().vkey} but the "
                f"ledger says checkpoints of size {head.size} are signed by {wanted}",
                size=head.size)
        return sign_checkpoint(Checkpoint(head.origin, head.size, head.root), signer)

    def _lock(self, slug: str) -> threading.Lock:
        with self._locks_guard:
            return self._locks.setdefault(slug, threading.Lock())

    # --- cosignatures --------------------------------------------------------

    def add_cosignature(self, slug: str, size: int, line: str,
                        witness_key: str | None = None) -> str:
        """Keep a witness's cosignature of the checkpoint at ``size``; return the note."""
        parsed = parse_signature_line(line.rstrip("\n"))
        witness = self._witness_for(parsed.name, parsed.key_hash, witness_key)
        with self._lock(slug):
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
                return self.at_size(slug, size) or ""
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

    # --- automatic issuance --------------------------------------------------

    def install(self) -> CheckpointLog:
        """Sign after every ``every_entries`` new entries (runs inside the append)."""
        self.app.after_append.append(self._after_append)
        return self

    def _after_append(self, state: LedgerState) -> None:
        # Called with the ledger's append lock held: use the state we are given.
        try:
            signed = self._signed_sizes.get(state.slug)
            if signed is None:
                latest = self.store.latest(state.slug)[1]
                signed = self._signed_sizes[state.slug] = latest.size if latest else 0
            if state.size - signed >= self.every_entries:
                self._issue(TreeHead.of(state))
        except LedgerError as exc:  # the entries are stored; never fail the append
            log.error("could not sign a checkpoint of %s: %s", state.slug, exc)

    def maybe_issue(self) -> list[str]:
        """Sign every ledger that has entries no checkpoint covers yet; return their slugs."""
        issued = []
        for slug in self.app.ledgers():
            try:
                latest = self.store.latest(slug)[1]
                if self.app.reader.size(slug) > (latest.size if latest else 0):
                    self.issue(slug)
                    issued.append(slug)
            except LedgerError as exc:
                log.error("could not sign a checkpoint of %s: %s", slug, exc)
        return issued

    def start(self) -> None:
        """Call maybe_issue() every ``every_seconds`` on a daemon thread."""
        if self._thread is not None:
            return
        self._stop.clear()
        self._thread = threading.Thread(target=self._run, name="sunledger-checkpoints",
                                        daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=30)
            self._thread = None

    def _run(self) -> None:
        while not self._stop.wait(max(self.every_seconds, 0.05)):
            try:
                self.maybe_issue()
            except Exception:  # noqa: BLE001 - keep the timer alive; the store may come back
                log.exception("checkpoint timer failed")
