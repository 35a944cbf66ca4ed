"""The witness's memory: one JSON state file per log origin in a memory directory,
a lock held across each round, and writes that are atomic and durable.

Why per origin and locked: the CLI runs one witness process per ledger, and with
one shared file (read, ask the network, write) one process's write wiped out what
another had just remembered; a witness that forgets an origin will cosign a
forked tree for it as if it were the first. Each origin has its own file and its
own lock file (``flock``), taken before the memory is read and released after it
is written, so two rounds for one origin never interleave and rounds for other
origins never touch it. A write goes to a unique temporary file in the same
directory, is fsynced, renamed over the state file, and the directory is fsynced,
so a crash leaves the old memory or the new one, never half of one.

The state file keeps the format of the old shared one (``{"version": 1, "logs":
{origin: memory}}``), holding one origin; an old shared ``state.json`` in the
directory is still read for an origin that has no file of its own yet.
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import os
import re
import tempfile
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Iterator

from ledger.errors import LedgerError

STATE_VERSION = 1
LEGACY_STATE_FILE = "state.json"  # the one shared file of earlier versions
STATE_FILE_BYTES_MAX = 1 << 20    # a memory is one checkpoint note and three numbers


class WitnessMemoryError(LedgerError):
    """The witness's memory cannot be read or written."""

    code = "witness-memory"
    status = 500


def memory_dir(path: Path | str) -> Path:
    """The directory of the memory: ``path`` itself, or its parent if it names a
    ``.json`` file (the shared state file that earlier versions took)."""
    path = Path(path)
    return path.parent if path.suffix == ".json" else path


def safe_name(origin: str) -> str:
    """A file name for ``origin``: readable, and unique even where two origins differ
    only in characters a file name cannot hold (hence the hash)."""
    readable = re.sub(r"[^A-Za-z0-9._-]", "_", origin)[:80]
    return f"{readable}-{hashlib.sha256(origin.encode('utf-8')).hexdigest()[:16]}"


def state_file(directory: Path | str, origin: str) -> Path:
    return memory_dir(directory) / f"{safe_name(origin)}.json"


@contextmanager
def locked(directory: Path | str, origin: str) -> Iterator[Path]:
    """Hold ``origin``'s lock (blocking) for one round; yields its state file."""
    target = state_file(directory, origin)
    target.parent.mkdir(parents=True, exist_ok=True)
    lock_path = target.with_name(target.name + ".lock")
    fd = os.open(lock_path, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield target
    finally:
        os.close(fd)  # closing the descriptor releases the lock


def recall(directory: Path | str, origin: str) -> dict[str, Any] | None:
    """What the witness last cosigned for ``origin``, or None (call under ``locked``)."""
    memory = _read(state_file(directory, origin))["logs"].get(origin)
    if memory is None:
        legacy = memory_dir(directory) / LEGACY_STATE_FILE
        memory = _read(legacy)["logs"].get(origin) if legacy.exists() else None
    if memory is not None and not (isinstance(memory, dict)
                                   and type(memory.get("size")) is int
                                   and isinstance(memory.get("root"), str)
                                   and isinstance(memory.get("checkpoint"), str)):
        raise WitnessMemoryError(f"the witness's memory of {origin!r} is damaged; "
                                 "restore it from a backup before cosigning again")
    return memory


def remember(directory: Path | str, origin: str, memory: dict[str, Any]) -> Path:
    """Write ``origin``'s memory atomically and durably (call under ``locked``)."""
    target = state_file(directory, origin)
    text = json.dumps({"version": STATE_VERSION, "logs": {origin: memory}}, indent=2,
                      sort_keys=True) + "\n"
    write_atomically(target, text)
    return target


def load_state(path: Path | str) -> dict[str, Any]:
    """One state file as a document (an empty memory if it does not exist yet)."""
    return _read(Path(path))


def write_atomically(target: Path, text: str) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, temporary = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temporary, target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    directory = os.open(target.parent, os.O_RDONLY)
    try:
        os.fsync(directory)  # the rename itself survives a crash
    finally:
        os.close(directory)


def _read(path: Path) -> dict[str, Any]:
    try:
        with path.open("rb") as handle:
            raw = handle.read(STATE_FILE_BYTES_MAX + 1)
    except FileNotFoundError:
        return {"version": STATE_VERSION, "logs": {}}
    problem = f"{path} is not a witness state file (version {STATE_VERSION})"
    if len(raw) > STATE_FILE_BYTES_MAX:
        raise WitnessMemoryError(problem)
    try:
        state = json.loads(raw.decode("utf-8"))
    except (ValueError, RecursionError):
        raise WitnessMemoryError(problem) from None
    if (not isinstance(state, dict) or state.get("version") != STATE_VERSION
            or not isinstance(state.get("logs"), dict)):
        raise WitnessMemoryError(problem)
    return state
