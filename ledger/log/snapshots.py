"""Snapshots of a ledger's state, so a restart replays only the log's tail.

Without them the first write to a ledger after a restart replayed its whole log
under the ledger's lock (~4 minutes at a million entries). Every
``Settings.snapshot_every_entries`` entries the application writes the state
into eventsourcing's snapshot store (its ``Snapshot`` event, in the
``snapshots`` table beside the events, originator = the ledger's stream,
version = the state's size). On the first use of a ledger the newest usable
snapshot is loaded and only the entries after it are replayed.

Not through ``Repository.get``: the ledger is not an eventsourcing aggregate
(one stream of entries whose state is ``LedgerState``), so the snapshot's
``state`` holds the codec's bytes (``ledger.log.state_codec``) and is read
back raw, never by resolving the topic it names.

A snapshot must never make the server accept what a full replay would refuse,
so one is used only if all of these hold, and otherwise ignored (a full replay,
with a warning in the log):

- it decodes, its seal matches its bytes and it was written by a build whose
  state has the same layout (``state_codec.FINGERPRINT``). The seal is an
  HMAC under a key kept in ``DATA_DIR/snapshot.key``, outside the database
  (like the kept checkpoint): whoever can edit the database but not the
  server's data directory can damage a snapshot, not forge one;
- it is of this ledger (the slug inside, not only the stream it sits in);
- it is not ahead of the log: a database restored from an older backup may
  keep snapshots newer than its entries;
- the stored entry at ``size - 1`` has the snapshot's head hash and the stored
  tree at ``size`` has the root of the snapshot's frontier: the entries it was
  taken from are the ones stored.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import logging
import os
import secrets
import tempfile
from pathlib import Path
from typing import Any

from eventsourcing.domain import Snapshot
from eventsourcing.persistence import IntegrityError

from ledger.domain.state import LedgerState
from ledger.errors import LedgerError
from ledger.log import proofs
from ledger.log.sql_adapters import adapter_for
from ledger.log.state_codec import FINGERPRINT, UnusableState, decode_state, encode_state
from ledger.log.store import LogReader, ledger_stream
from ledger.settings import Settings

log = logging.getLogger(__name__)

SNAPSHOTS_KEPT = 2  # the newest and the one before it; older ones are deleted
STATE_TOPIC = "ledger.domain.state:LedgerState"


class UnusableSnapshot(ValueError):
    """Why a stored snapshot was not trusted."""


class LedgerSnapshots:
    """Takes and loads the snapshots of every ledger of one application."""

    def __init__(self, store: Any, reader: LogReader, settings: Settings) -> None:
        self.store, self.reader = store, reader
        self.every_entries = settings.snapshot_every_entries
        self.key_path = settings.data_dir / "snapshot.key"
        self.sql = adapter_for(store.recorder)
        self._taken_at: dict[str, int] = {}  # slug -> size of its newest snapshot we know
        self._key: bytes | None = None

    def seal(self, slug: str, size: int, head: str, payload: bytes) -> str:
        """The HMAC binding a payload to its ledger, size, head and state layout."""
        if self._key is None:
            self._key = _snapshot_key(self.key_path)
        message = json.dumps([slug, size, head, FINGERPRINT]).encode() + b"\n" + payload
        return hmac.new(self._key, message, hashlib.sha256).hexdigest()

    @property
    def enabled(self) -> bool:
        return self.every_entries > 0

    def due(self, state: LedgerState) -> bool:
        return self.enabled and state.size - self._taken_at.get(state.slug, 0) >= self.every_entries

    def take(self, state: LedgerState) -> None:
        """Write the state as it stands (the caller holds the ledger's lock)."""
        payload = encode_state(state)
        snapshot = Snapshot(
            originator_id=ledger_stream(state.slug), originator_version=state.size,
            timestamp=Snapshot.create_timestamp(), topic=STATE_TOPIC,
            state={"slug": state.slug, "size": state.size, "head": state.head,
                   "fingerprint": FINGERPRINT,
                   "seal": self.seal(state.slug, state.size, state.head, payload),
                   "payload": base64.b64encode(payload).decode("ascii")})
        self._taken_at[state.slug] = state.size
        try:
            self.store.put([snapshot])
        except IntegrityError:  # another process took the same one
            return
        self._delete_older(state.slug)

    def load(self, slug: str) -> LedgerState | None:
        """The newest usable snapshot's state, or None: replay the whole log."""
        if not self.enabled:
            return None
        stored_size = self.reader.size(slug)
        rows = self.store.recorder.select_events(ledger_stream(slug), desc=True,
                                                 limit=SNAPSHOTS_KEPT)
        for row in rows:
            try:
                state = self.usable(slug, row.originator_version, row.state, stored_size)
            except (UnusableSnapshot, OSError) as why:  # OSError: snapshot.key unreadable
                log.warning("snapshot of %s at size %s not used (%s): replaying the log",
                            slug, row.originator_version, why)
                continue
            self._taken_at[slug] = state.size
            return state
        return None

    def usable(self, slug: str, version: int, stored: bytes, stored_size: int) -> LedgerState:
        """The state in a stored snapshot row, if every check of the docstring passes."""
        if version > stored_size:
            raise UnusableSnapshot(f"it is ahead of the log, which holds {stored_size} "
                                   "entries (a database restored from an older backup?)")
        try:
            document = json.loads(stored)["state"]
            payload = base64.b64decode(document["payload"], validate=True)
            seal, fingerprint = str(document["seal"]), document["fingerprint"]
            expected = self.seal(slug, version, str(document["head"]), payload)
        except (ValueError, KeyError, TypeError) as exc:
            raise UnusableSnapshot(f"damaged: {type(exc).__name__}") from None
        if fingerprint != FINGERPRINT:
            raise UnusableSnapshot("written by a build whose state has another layout")
        if not hmac.compare_digest(seal, expected):
            raise UnusableSnapshot("its seal does not match: damaged, of another ledger or "
                                   "size, or sealed under another server's snapshot.key")
        try:
            state = decode_state(payload)
        except UnusableState as exc:
            raise UnusableSnapshot(f"damaged: {exc}") from None
        if state.slug != slug:
            raise UnusableSnapshot(f"it is a snapshot of ledger {state.slug!r}")
        if state.head != document["head"]:
            raise UnusableSnapshot("its head is not the head of the state it holds")
        if state.size != version or state.size == 0:
            raise UnusableSnapshot(f"it holds size {state.size} at version {version}")
        self._check_matches_log(state)
        return state

    def _check_matches_log(self, state: LedgerState) -> None:
        last = next(iter(self.reader.stored(state.slug, state.size - 1, state.size)), None)
        try:
            head = last.entry().hash if last is not None else None
        except Exception:  # noqa: BLE001 - a damaged stored entry is not this head
            head = None
        if head != state.head:
            raise UnusableSnapshot(f"the stored entry {state.size - 1} is not the one it "
                                   "was taken after")
        try:
            root = proofs.root_at(self.reader, state.slug, state.size)
        except LedgerError as exc:  # the stored nodes are damaged: trust nothing
            raise UnusableSnapshot(f"the stored tree at size {state.size}: {exc}") from None
        if root != state.frontier.root():
            raise UnusableSnapshot(f"the stored tree at size {state.size} has another root")

    def _delete_older(self, slug: str) -> None:
        rows = self.store.recorder.select_events(ledger_stream(slug), desc=True,
                                                 limit=SNAPSHOTS_KEPT)
        if len(rows) == SNAPSHOTS_KEPT:
            self.sql.delete_below(ledger_stream(slug), rows[-1].originator_version)


def _snapshot_key(path: Path) -> bytes:
    """The server's snapshot key, made on first use. Created by linking a finished
    file into place, so a process starting at the same moment reads the whole key."""
    try:
        return bytes.fromhex(path.read_text(encoding="ascii").strip())
    except FileNotFoundError:
        pass
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, temporary = tempfile.mkstemp(prefix=".snapshot.key.", dir=path.parent)  # mode 0600
    try:
        with os.fdopen(fd, "w", encoding="ascii") as handle:
            handle.write(secrets.token_hex(32) + "\n")
            handle.flush()
            os.fsync(handle.fileno())
        try:
            os.link(temporary, path)
        except FileExistsError:  # another process made it first: use theirs
            pass
    finally:
        Path(temporary).unlink(missing_ok=True)
    return bytes.fromhex(path.read_text(encoding="ascii").strip())
