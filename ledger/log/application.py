"""The Ledger application: verify -> decide -> append.

Each ledger's state is kept in memory, built from its newest usable snapshot
and the entries after it (or the whole log: ``ledger.log.snapshots``) and moved
forward only by entries the store has accepted. A batch is decided against a
fork of that state and written in one transaction at versions ``size+1..``.
Writers in several processes take turns per ledger on a lock the database
holds (``ledger.log.write_locks``): inside it the state first catches up with
the store's head, so a valid statement is never refused because another
process appended. Should a write still be refused (a writer that does not
take the lock), the state catches up and the batch is decided again.

Listeners (``after_append``) hear of new entries only after the transaction
committed and the ledger's lock is released: whatever they do (wake the
checkpoint signer, the read models) never holds up the next append.

Writers outside the log go through its front door, ``ledger.log.appender``.
"""

from __future__ import annotations

import logging
import threading
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Callable, Iterable, Iterator

from eventsourcing.application import Application
from eventsourcing.persistence import IntegrityError

from ledger.domain import apply_entry, replay
from ledger.domain import policy
from ledger.domain.types import STATEMENT_TYPES, Context
from ledger.errors import (ClockSkew, Conflict, FormatError, LedgerError, LedgerExists,
                           LedgerNotFound, PolicyError, ReplayedNonce, RevokedKey,
                           StatementFailed, UnknownKey, WrongLedger)
from ledger.format.keys import PublicKey
from ledger.settings import Settings
from ledger.domain.state import LedgerState
from ledger.format.statements import (Entry, SignedStatement, format_time, parse_time,
                               statement_digest, utc_now)
from ledger.log.kept_checkpoint import check_extends_kept
from ledger.log.snapshots import LedgerSnapshots
from ledger.log.store import LogReader, entry_event, nonce_event
from ledger.log.write_locks import schema_setup, write_locks_for

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Appended:
    """What a listener hears after a commit: the ledger and its size then. A later
    append may be heard first; the size only ever says "at least this many"."""

    slug: str
    size: int


AppendListener = Callable[[Appended], None]


@dataclass(frozen=True)
class Receipt:
    """The answer to an accepted statement; ``created`` is False for a retry."""

    entry: Entry
    created: bool = True

    @property
    def seq(self) -> int:
        return self.entry.seq

    @property
    def hash(self) -> str:
        return self.entry.hash


class _ForkReader:
    """Earlier entries for a decision: the unsaved batch first, then the store."""

    def __init__(self, fork: LedgerState, reader: LogReader) -> None:
        self.fork, self.reader = fork, reader

    def entry(self, seq: int) -> Entry:
        return self.fork.batch_entries.get(seq) or self.reader.entry(self.fork.slug, seq)


class LedgerApplication(Application):
    name = "sunledger"
    is_snapshotting_enabled = True  # the snapshot store, for ledger.log.snapshots

    def __init__(self, settings: Settings | None = None,
                 clock: Callable[[], datetime] = utc_now) -> None:
        self.settings = settings or Settings.from_env()
        with schema_setup(self.settings):  # one process at a time makes the tables
            super().__init__(env=self.settings.eventsourcing_env())
        self._write_locks = write_locks_for(self.settings)
        self._current: set[str] = set()  # ledgers whose store extends the kept checkpoint
        self.reader = LogReader(self)
        assert self.snapshots is not None
        self.snapshots_kept = LedgerSnapshots(self.snapshots, self.reader, self.settings)
        self.clock = clock
        self._states: dict[str, LedgerState] = {}
        self._locks: dict[str, threading.Lock] = {}
        self._locks_guard = threading.Lock()
        self.after_append: list[AppendListener] = []

    # --- reading -------------------------------------------------------------

    def ledgers(self) -> list[str]:
        return self.reader.ledger_slugs()

    def exists(self, slug: str) -> bool:
        """Whether ``slug`` has a log: from memory, else one indexed lookup. Nothing is
        kept for a slug that does not exist (made-up slugs must cost no memory)."""
        known = self._states.get(slug)
        return (known is not None and known.size > 0) or self.reader.size(slug) > 0

    def state(self, slug: str) -> LedgerState:
        """The ledger's state, caught up with everything stored."""
        if not self.exists(slug):
            raise LedgerNotFound(f"ledger {slug!r} does not exist", ledger=slug)
        with self._lock(slug):
            state = self._state(slug)
            self._catch_up(state)
            if state.size == 0:
                raise LedgerNotFound(f"ledger {slug!r} does not exist", ledger=slug)
            return state

    @contextmanager
    def locked_state(self, slug: str) -> Iterator[LedgerState]:
        """The caught-up state with appends to ``slug`` held off, for work that must
        read size, root and keys together (signing a checkpoint)."""
        with self._lock(slug):
            state = self._state(slug)
            self._catch_up(state)
            yield state

    @contextmanager
    def writes_held(self, slug: str) -> Iterator[LedgerState]:
        """The caught-up state with every writer of ``slug``, in any process, held off
        (``ledger.log.restore`` puts entries back under it)."""
        with self._lock(slug), self._write_locks.hold(slug):
            state = self._state(slug)
            self._catch_up(state)
            self._current.discard(slug)  # look at the kept checkpoint again next time
            yield state

    def entries(self, slug: str, start: int = 0, limit: int = 1000) -> list[Entry]:
        return [stored.entry() for stored in self.reader.stored(slug, start, start + limit)]

    # --- writing -------------------------------------------------------------

    def submit(self, signed: SignedStatement) -> Receipt:
        result = self.submit_many([signed], all_or_nothing=True)[0]
        assert isinstance(result, Receipt)
        return result

    def submit_many(self, items: Iterable[SignedStatement], *,
                    all_or_nothing: bool = True) -> list[Receipt | LedgerError]:
        """Append statements of one ledger in one transaction.

        With ``all_or_nothing`` the first rejected statement raises and nothing
        is stored; otherwise each rejected statement gets its error in place.
        Listeners are told once the ledger's lock is released.
        """
        results, appended = self.append_many(items, all_or_nothing=all_or_nothing)
        if appended is not None:
            self.notify_listeners(appended)
        return results

    def append_many(self, items: Iterable[SignedStatement], *, all_or_nothing: bool = True
                    ) -> tuple[list[Receipt | LedgerError], Appended | None]:
        """As ``submit_many``, but the listeners are not told: the caller answers its own
        waiters first, then passes the ``Appended`` (None: nothing new) to
        ``notify_listeners``, so no waiter waits on a listener."""
        batch = list(items)
        if not batch:
            return [], None
        if len(batch) > policy.batch_statements_max:
            raise FormatError(f"a batch holds at most {policy.batch_statements_max} statements")
        slug = batch[0].statement.ledger
        if any(item.statement.ledger != slug for item in batch):
            raise WrongLedger("every statement of a batch must be for the same ledger")
        if not any(item.statement.type == "ledger.opened" for item in batch) \
                and not self.exists(slug):
            # Nothing of this batch can be stored: decide it on a throwaway state (the
            # same refusals as ever) and keep no lock or state for the made-up slug.
            fork = LedgerState(slug, keeps_bank_book=False).fork()
            return self._decide_batch(fork, batch, all_or_nothing), None
        # This process's threads take turns on the thread lock; processes on the
        # write lock, inside which the state first catches up with the store's head.
        with self._lock(slug), self._write_locks.hold(slug):
            results, size_after = self._append_with_retries(slug, batch, all_or_nothing)
        return results, None if size_after is None else Appended(slug, size_after)

    def _append_with_retries(self, slug: str, batch: list[SignedStatement], all_or_nothing: bool
                             ) -> tuple[list[Receipt | LedgerError], int | None]:
        """The batch's outcomes, and the ledger's size if anything was stored."""
        settled: dict[int, Receipt | LedgerError] = {}
        state = self._state(slug)
        self._catch_up(state)  # another process may have appended since
        self._check_not_behind(slug, state.size)
        attempt = 0
        while attempt < policy.append_retries_max:
            final = attempt == policy.append_retries_max - 1  # a refusal then stands as is
            attempt += 1
            pending = [i for i in range(len(batch)) if i not in settled]
            if not pending:  # every statement failed on its own
                return [settled[i] for i in range(len(batch))], None
            fork = state.fork()
            try:
                decided = self._decide_batch(fork, [batch[i] for i in pending], all_or_nothing)
            except _Poisoned as poisoned:
                # That statement's own failure; the fork may be half-applied, so the
                # others are decided again on a fresh one (no retry spent on them).
                settled[pending[poisoned.position]] = poisoned.error
                attempt -= 1
                continue
            except LedgerError:
                if not final and self._catch_up(state):  # refused on a stale state: again
                    continue
                raise
            refused = any(isinstance(result, LedgerError) for result in decided)
            if refused and not final and self._catch_up(state):
                continue
            events = [event for result in decided if isinstance(result, tuple)
                      for event in result[1]]
            try:
                if events:
                    self.save(*events)
            except IntegrityError:
                self._catch_up(state)
                self._settle_claimed_nonces(slug, batch, pending, settled, all_or_nothing)
                continue
            state.absorb(fork)
            for index, result in zip(pending, decided):
                settled[index] = Receipt(result[0]) if isinstance(result, tuple) else result
            return [settled[i] for i in range(len(batch))], state.size if events else None
        raise Conflict(f"ledger {slug} kept changing underneath this append; try again")

    def _decide_batch(self, fork: LedgerState, batch: list[SignedStatement],
                      all_or_nothing: bool) -> list[tuple[Entry, list] | LedgerError]:
        seen: set[tuple[str, str]] = set()
        decided: list[tuple[Entry, list] | LedgerError] = []
        for signed in batch:
            try:
                claim = (signed.signer, signed.statement.nonce)
                if claim in seen:
                    raise ReplayedNonce("the same signer and nonce appear twice in this batch")
                entry, nodes, canonical = self._decide_one(fork, signed)
                seen.add(claim)
                moment = parse_time(entry.recorded_at)
                decided.append((entry, [entry_event(fork.slug, entry, nodes, moment),
                                        nonce_event(entry, moment, statement_digest(canonical))]))
            except LedgerError as error:
                outcome = self._earlier_outcome(fork, signed, error)
                if all_or_nothing and isinstance(outcome, LedgerError):
                    raise outcome from None
                decided.append(outcome)
            except Exception as bug:  # noqa: BLE001 - one statement's bug is its own 500
                log.exception("deciding a %s statement failed", signed.statement.type)
                failed = StatementFailed(f"the server failed to decide this "
                                         f"{signed.statement.type} statement; see its log")
                if all_or_nothing:
                    raise failed from bug
                raise _Poisoned(len(decided), failed) from bug
        return decided

    def _earlier_outcome(self, fork: LedgerState, signed: SignedStatement,
                         error: LedgerError) -> Receipt | LedgerError:
        """A refused statement may be a retry of a stored one: today's rules (a spent
        balance, a revoked key, an existing ledger) must not hide the entry it made."""
        if isinstance(error, ReplayedNonce):
            return error
        claim = self.reader.nonce_claim(fork.slug, signed.signer, signed.statement.nonce)
        if claim is None:
            return error
        seq, digest = claim
        if digest != signed.digest:
            return ReplayedNonce(f"nonce {signed.statement.nonce!r} was already used by this "
                                 f"signer at seq {seq}", seq=seq)
        entry = self.reader.entry(fork.slug, seq)
        if signed.sig != entry.signed.sig:  # same statement, other signature: must verify
            record = fork.keys.get(signed.signer)
            try:
                signed.verify(record.public if record else
                              _declared_key(entry.statement.body, signed.signer))
            except LedgerError as bad:
                return bad
        return Receipt(entry, created=False)

    def _decide_one(self, fork: LedgerState,
                    signed: SignedStatement) -> tuple[Entry, list, bytes]:
        """Decide and apply one statement on the fork; return its entry, the Merkle
        nodes it completes and the statement's CJSON (encoded once, used thrice)."""
        statement = signed.statement
        if statement.ledger != fork.slug:
            raise WrongLedger(f"statement is for ledger {statement.ledger!r}, not {fork.slug!r}")
        kind = STATEMENT_TYPES.get(statement.type)
        if kind is None:
            raise FormatError(f"unknown statement type {statement.type!r}",
                              known=sorted(STATEMENT_TYPES))
        canonical = statement.canonical()
        if len(canonical) > policy.statement_bytes_max:
            raise FormatError(f"statement is {len(canonical)} bytes; the limit is "
                              f"{policy.statement_bytes_max}", limit=policy.statement_bytes_max)
        self._check_signer(fork, signed, canonical)
        now = self.clock()
        skew = timedelta(seconds=self.settings.clock_skew_max_seconds)
        if parse_time(statement.signed_at) > now + skew:
            raise ClockSkew(f"signed_at {statement.signed_at} is more than "
                            f"{self.settings.clock_skew_max_seconds}s ahead of the server clock")
        recorded_at = max(format_time(now), fork.last_recorded_at)
        kind.decide(Context(fork, signed, _ForkReader(fork, self.reader), recorded_at))
        entry = Entry.build(fork.size, fork.head, recorded_at, signed, canonical)
        apply_entry(fork, entry)
        nodes = fork.record_position(entry)
        fork.batch_entries[entry.seq] = entry
        return entry, nodes, canonical

    def _check_signer(self, fork: LedgerState, signed: SignedStatement,
                      canonical: bytes) -> None:
        statement = signed.statement
        if statement.type == "ledger.opened":
            if fork.size:
                raise LedgerExists(f"ledger {fork.slug!r} already exists", ledger=fork.slug)
            signed.verify(_declared_key(statement.body, signed.signer), canonical)
            return
        if fork.size == 0:
            raise LedgerNotFound(f"ledger {fork.slug!r} does not exist", ledger=fork.slug)
        record = fork.keys.get(signed.signer)
        if record is None:
            raise UnknownKey(f"key {signed.signer} is not registered in ledger {fork.slug}",
                             signer=signed.signer)
        if not record.active():
            raise RevokedKey(f"key {signed.signer} was revoked at seq {record.revoked_seq}",
                             signer=signed.signer)
        signed.verify(record.public, canonical)
        allowed = policy.SIGNING_ROLES[statement.type]
        if not record.roles & allowed:
            raise PolicyError(f"{statement.type} needs a key with role "
                              f"{' or '.join(sorted(allowed))}; this key has "
                              f"{', '.join(sorted(record.roles))}", signer=signed.signer)

    def _settle_claimed_nonces(self, slug: str, batch: list[SignedStatement], pending: list[int],
                               settled: dict, all_or_nothing: bool) -> None:
        """After a refused write, tell retries of stored statements from replays."""
        for index in pending:
            signed = batch[index]
            claim = self.reader.nonce_claim(slug, signed.signer, signed.statement.nonce)
            if claim is None:
                continue
            seq, digest = claim
            if digest == signed.digest:
                settled[index] = Receipt(self.reader.entry(slug, seq), created=False)
                continue
            error = ReplayedNonce(f"nonce {signed.statement.nonce!r} was already used by this "
                                  f"signer at seq {seq}", seq=seq)
            if all_or_nothing:
                raise error
            settled[index] = error

    def notify_listeners(self, appended: Appended) -> None:
        """Take a snapshot if one is due, then tell every ``after_append`` listener; call
        it holding no ledger lock."""
        self._snapshot_when_due(appended.slug)
        # The entries are stored: a failing listener (say, checkpoint signing) must
        # not turn an accepted append into a reported failure. It is logged instead.
        for listener in list(self.after_append):
            try:
                listener(appended)
            except Exception:  # noqa: BLE001
                log.exception("after-append listener %r failed for ledger %s",
                              listener, appended.slug)

    def _check_not_behind(self, slug: str, size: int) -> None:
        """Refuse to write on a store older than a checkpoint this server signed (a
        restored backup): checked until it passes once, then appends only extend it."""
        if slug not in self._current:
            check_extends_kept(self.settings, self.reader, slug, size)
            self._current.add(slug)

    def close(self) -> None:
        self._write_locks.close()
        super().close()

    # --- state ---------------------------------------------------------------

    def _lock(self, slug: str) -> threading.Lock:
        with self._locks_guard:
            return self._locks.setdefault(slug, threading.Lock())

    def _state(self, slug: str) -> LedgerState:
        """The ledger's state in memory; on first use from its newest usable snapshot
        and the entries after it (ledger.log.snapshots), else from the whole log."""
        state = self._states.get(slug)
        if state is None:
            state = self.snapshots_kept.load(slug) or LedgerState(slug, keeps_bank_book=False)
            self._catch_up(state)
            self._states[slug] = state
            self._snapshot_if_due(state)  # after a long replay: the next start is quick
        return state

    def _snapshot_when_due(self, slug: str) -> None:
        """After a commit, once the waiters have their answers: a snapshot every N
        entries, holding off this process's appends to ``slug`` (not other processes')."""
        state = self._states.get(slug)
        if state is not None and self.snapshots_kept.due(state):
            with self._lock(slug):
                self._snapshot_if_due(state)

    def _snapshot_if_due(self, state: LedgerState) -> None:
        """Take a snapshot if enough entries came since the last (hold the ledger's lock).
        A failed snapshot costs only a longer replay at the next start: logged, not raised."""
        if not self.snapshots_kept.due(state):
            return
        try:
            self.snapshots_kept.take(state)
        except Exception as exc:  # noqa: BLE001 - a read-only store, a busy SQLite file ...
            log.warning("snapshot of ledger %s at size %s not taken: %s: %s", state.slug,
                        state.size, type(exc).__name__, exc)

    def _catch_up(self, state: LedgerState) -> int:
        """Apply stored entries beyond ``state.size`` (written by another process);
        return how many there were."""
        applied = 0
        for stored in self.reader.stored(state.slug, start=state.size):
            replay(state, stored.entry())
            applied += 1
        return applied


class _Poisoned(Exception):
    """Deciding the statement at ``position`` of a batch raised an unexpected error."""

    def __init__(self, position: int, error: StatementFailed) -> None:
        super().__init__(str(error))
        self.position, self.error = position, error


def _declared_key(body: dict, signer: str) -> PublicKey:
    keys = body.get("keys") if isinstance(body, dict) else None
    for item in keys if isinstance(keys, list) else []:
        if isinstance(item, dict) and isinstance(item.get("key"), str):
            public = PublicKey.from_b64(item["key"])
            if public.key_id == signer:
                return public
    raise FormatError("ledger.opened must be signed by one of the keys it declares")
