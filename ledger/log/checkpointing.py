"""The log side of checkpoints: sign, keep, and collect witness cosignatures.

Storage: ``ledger.log.checkpoint_store`` (streams in the application's event store).

With every checkpoint the log signs the figures note of FORMAT.md section 10 at
the same size, from the balances read under the same lock as the tree head, and
keeps both in one transaction (``ledger.log.figures`` reads them back).

Before signing size n the log checks that the stored tree still has, at the
size of its latest checkpoint, the root that checkpoint signed, and that the
stored Merkle nodes agree with the root folded from the entries themselves.

Witnesses' cosignatures are taken by ``ledger.log.cosignatures``.
"""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass
from typing import Iterable

from eventsourcing.persistence import IntegrityError

from ledger.domain.state import LedgerState
from ledger.errors import CheckpointError, Conflict, LedgerError, LedgerNotFound, LogBehind
from ledger.format.checkpoints import Checkpoint, sign_checkpoint, verify_checkpoint
from ledger.format.figures import Row, document, sign_figures
from ledger.format.notes import Signer
from ledger.keystore.log_keys import load_log_key, log_key_path
from ledger.log import proofs
from ledger.log.application import LedgerApplication
from ledger.log.checkpoint_follower import CheckpointFollower
from ledger.log.checkpoint_store import CheckpointStore, KeptCheckpoint, KeptFigures
from ledger.log.cosignatures import Cosignatures, witnesses_of
from ledger.log.figures import balance_rows, no_figures
from ledger.log.kept_checkpoint import check_extends_kept, keep

log = logging.getLogger(__name__)
STORE_RETRIES_MAX = 8


@dataclass(frozen=True)
class TreeHead:
    """What the log is about to sign, read at one consistent moment."""

    slug: str
    origin: str
    size: int
    root: bytes  # folded from the entries (the in-memory frontier)
    log_keys: tuple[tuple[int, str], ...]
    rows: tuple[Row, ...] = ()  # the figures rows (section 10) at this size

    @classmethod
    def of(cls, state: LedgerState) -> TreeHead:
        return cls(state.slug, state.origin, state.size, state.frontier.root(),
                   tuple(state.log_keys), balance_rows(state))

    def figures_document(self) -> dict:
        return document(self.slug, self.size, self.root, self.rows)

    def log_key_for_size(self, size: int) -> str:
        """As LedgerState.log_key_for_size: the last key named from a size <= ``size``."""
        return ([vkey for from_size, vkey in self.log_keys if from_size <= size] or [""])[-1]


class CheckpointLog:
    """Signs each ledger's checkpoints, keeps them all, and takes cosignatures."""

    def __init__(self, app: LedgerApplication, *, witnesses: Iterable[str] | None = None,
                 every_entries: int | None = None, every_seconds: float | None = None) -> None:
        self.app = app
        self.store = CheckpointStore(app)
        self.every_entries = every_entries or app.settings.checkpoint_every_entries
        self.every_seconds = every_seconds or app.settings.checkpoint_every_seconds
        self._signed_sizes: dict[str, int] = {}  # latest signed size, as last seen
        self._locks: dict[str, threading.Lock] = {}
        self._locks_guard = threading.Lock()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self.follower = CheckpointFollower(app, self._sign_if_due)
        # Cosigning takes the same per-ledger lock as signing: one writer per checkpoint stream.
        self.cosignatures = Cosignatures(self.store, witnesses_of(app.settings, witnesses),
                                         self._lock)
        self.witnesses = self.cosignatures.witnesses

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

    def figures(self, slug: str, size: int | None = None) -> KeptFigures:
        """The figures signed with the checkpoint at ``size`` (default: the latest one).

        A checkpoint kept before the log signed figures gets them now if the tree
        has not grown since (the balances at its size are still the current ones);
        any other size without figures is NotFound, naming the sizes that exist.
        """
        if size is None:
            latest = self.store.latest(slug)[1]
            if latest is None:
                raise no_figures(self.store, slug, 0)
            size = latest.size
        kept = self.store.figures_at(slug, size)
        if kept is None and self.store.at_size(slug, size) is not None:
            with self.app.locked_state(slug) as state:
                head = TreeHead.of(state) if state.size == size else None
            if head is not None:
                self._issue(head)  # already signed at this size: this adds its figures
                kept = self.store.figures_at(slug, size)
        if kept is None:
            raise no_figures(self.store, slug, size)
        return kept

    # --- signing -------------------------------------------------------------

    def issue(self, slug: str) -> str:
        """Sign the ledger's current tree now (or return the checkpoint already at that size)."""
        # Read under the lock appends hold, so size, root and log keys belong together.
        with self.app.locked_state(slug) as state:
            if state.size == 0:
                raise LedgerNotFound(f"ledger {slug!r} does not exist", ledger=slug)
            head = TreeHead.of(state)
        return self._issue(head)

    def _issue(self, head: TreeHead) -> str:
        with self._lock(head.slug):
            # What this server signed, kept outside the database: a restored older
            # database must not get a checkpoint, new or old, from this key.
            check_extends_kept(self.app.settings, self.app.reader, head.slug, head.size)
            for _ in range(STORE_RETRIES_MAX):
                count, latest = self.store.latest(head.slug)
                if latest is not None and latest.size >= head.size:
                    return self._already_signed(head, latest)
                self._check_extends(head, latest)
                signer = self._log_signer(head)
                note = sign_checkpoint(Checkpoint(head.origin, head.size, head.root), signer)
                figures = sign_figures(head.origin, head.figures_document(), signer)
                try:
                    self.store.add(head.slug, head.size, note, count, (figures, head.rows))
                except IntegrityError:
                    continue  # another process signed meanwhile: look again
                self._signed_sizes[head.slug] = head.size
                keep(self.app.settings, head.slug, note)
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
        if latest.size == head.size and self.store.figures_at(head.slug, head.size) is None:
            self._add_missing_figures(head)
        return latest.with_cosignatures()

    def _add_missing_figures(self, head: TreeHead) -> None:
        """Figures for a checkpoint kept before the log signed figures, at the same size."""
        figures = sign_figures(head.origin, head.figures_document(), self._log_signer(head))
        try:
            self.store.add_figures(head.slug, head.size, figures, head.rows)
        except IntegrityError:
            pass  # another process kept them first: from the same entries, so the same rows
        else:
            log.info("signed figures of %s at size %d (its checkpoint predates figures)",
                     head.slug, head.size)

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

    def _log_signer(self, head: TreeHead) -> Signer:
        signer = load_log_key(self.app.settings, head.slug)
        wanted = head.log_key_for_size(head.size)
        if signer.verifier().vkey != wanted:
            raise CheckpointError(
                f"the server's log key for {head.slug} is {signer.verifier().vkey} but the "
                f"ledger says checkpoints of size {head.size} are signed by {wanted}",
                size=head.size)
        return signer

    def _lock(self, slug: str) -> threading.Lock:
        with self._locks_guard:
            return self._locks.setdefault(slug, threading.Lock())

    # --- cosignatures --------------------------------------------------------

    def add_cosignature(self, slug: str, size: int, line: str,
                        witness_key: str | None = None) -> str:
        """Keep a witness's cosignature of the checkpoint at ``size``; return the note."""
        return self.cosignatures.add(slug, size, line, witness_key)

    # --- automatic issuance --------------------------------------------------

    def install(self) -> CheckpointLog:
        """Sign after every ``every_entries`` new entries, on the follower's thread: an
        append only wakes it (``ledger.log.checkpoint_follower``)."""
        self.follower.listen()
        return self

    def _sign_if_due(self, slug: str, size: int) -> None:
        try:
            signed = self._signed_sizes.get(slug)
            if signed is None:
                latest = self.store.latest(slug)[1]
                signed = self._signed_sizes[slug] = latest.size if latest else 0
            if size - signed >= self.every_entries:
                self.issue(slug)
        except LedgerError as exc:  # the entries are stored; try again on the next append
            log.error("could not sign a checkpoint of %s: %s", slug, exc)

    def sign_waiting(self) -> list[str]:
        """At a server's start: sign each ledger whose log key this server holds and whose
        latest entries no checkpoint covers yet (an import, a crash before the timer)."""
        held = [slug for slug in self.app.ledgers()
                if log_key_path(self.app.settings, slug).exists()]
        for slug in held:
            try:
                check_extends_kept(self.app.settings, self.app.reader, slug,
                                   self.app.reader.size(slug))
            except LogBehind as behind:
                log.error("ledger %s refuses writes: %s", slug, behind)
        return self.maybe_issue(held)

    def maybe_issue(self, slugs: list[str] | None = None) -> list[str]:
        """Sign every ledger (of ``slugs``) that has entries no checkpoint covers yet;
        return their slugs."""
        issued = []
        for slug in self.app.ledgers() if slugs is None else slugs:
            try:
                latest = self.store.latest(slug)[1]
                if self.app.reader.size(slug) > (latest.size if latest else 0):
                    self.issue(slug)
                    issued.append(slug)
            except LedgerError as exc:
                log.error("could not sign a checkpoint of %s: %s", slug, exc)
            except Exception:  # noqa: BLE001 - one ledger this server cannot read (a type
                # from a newer server, a damaged store) must not stop the others' checkpoints
                log.exception("could not sign a checkpoint of %s", slug)
        return issued

    def start(self) -> None:
        """Call maybe_issue() every ``every_seconds`` on a daemon thread."""
        if self._thread is not None:
            return
        self._stop.clear()
        self.follower.resume()
        self._thread = threading.Thread(target=self._run, name="sunledger-checkpoints",
                                        daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self.follower.stop()
        if self._thread is not None:
            self._thread.join(timeout=30)
            self._thread = None

    def _run(self) -> None:
        while not self._stop.wait(max(self.every_seconds, 0.05)):
            try:
                self.maybe_issue()
            except Exception:  # noqa: BLE001 - keep the timer alive; the store may come back
                log.exception("checkpoint timer failed")
