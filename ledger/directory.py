"""The directory of ledgers: which database (and server) keeps each ledger.

A city's ledgers are spread over several PostgreSQL primaries (docs/SCALING.md,
"Past one machine"); the directory is the one file that says where each lives.
It is JSON, versioned (docs/operations.md, "A directory of ledgers")::

    {"version": 1,
     "databases": {"east": {"primary": "postgresql://...", "replicas": ["postgresql://..."],
                            "server": "https://east.sunledger.example"}},
     "ledgers": {"xinzhu": {"database": "east"}}}

Each server process is one database's (``SUNLEDGER_DIRECTORY_DATABASE``, or the
database whose primary is its ``SUNLEDGER_DATABASE_URL``) and serves only the
ledgers placed there; ``sunledger init`` opens a ledger on the database the
directory places it on. The file is read again when it changes (its mtime,
looked at once a second at most), so moving a ledger is an edit, not a restart;
an edit that does not parse leaves the last good directory in force.
"""

from __future__ import annotations

import json
import logging
import threading
import time
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from ledger.errors import DirectoryError
from ledger.format.statements import SLUG_RE
from ledger.settings import Settings

log = logging.getLogger(__name__)

VERSION = 1
RECHECK_SECONDS = 1.0


@dataclass(frozen=True)
class Database:
    name: str
    primary: str
    replicas: tuple[str, ...] = ()
    server: str = ""  # the base URL of the servers of this database, if the directory says


@dataclass(frozen=True)
class Directory:
    databases: dict[str, Database]
    ledgers: dict[str, str]  # slug -> database name

    @classmethod
    def parse(cls, text: str) -> Directory:
        try:
            raw = json.loads(text)
        except ValueError as exc:
            raise DirectoryError(f"the directory is not JSON: {exc}") from exc
        if not isinstance(raw, dict) or raw.get("version") != VERSION:
            raise DirectoryError(f"the directory must be an object with \"version\": {VERSION}",
                                 version=raw.get("version") if isinstance(raw, dict) else None)
        databases = {name: _database(name, entry)
                     for name, entry in _object(raw, "databases").items()}
        ledgers = {slug: _placement(slug, entry, databases)
                   for slug, entry in _object(raw, "ledgers").items()}
        return cls(databases, ledgers)

    @classmethod
    def read(cls, path: Path) -> Directory:
        try:
            return cls.parse(path.read_text(encoding="utf-8"))
        except OSError as exc:
            raise DirectoryError(f"cannot read the directory {path}: {exc}") from exc

    def database_of(self, slug: str) -> Database | None:
        name = self.ledgers.get(slug)
        return None if name is None else self.databases[name]

    def own(self, settings: Settings) -> Database:
        """This process's database: the one named, else the one whose primary it uses."""
        if settings.directory_database:
            found = self.databases.get(settings.directory_database)
        else:
            found = next((db for db in self.databases.values()
                          if db.primary == settings.database_url), None)
        if found is None:
            raise DirectoryError(
                "this server's database is not in the directory: set "
                "SUNLEDGER_DIRECTORY_DATABASE to its name, or list its primary URL",
                database=settings.directory_database or None)
        return found


def _object(raw: dict, key: str) -> dict:
    value = raw.get(key, {})
    if not isinstance(value, dict):
        raise DirectoryError(f"the directory's {key!r} must be an object")
    return value


def _database(name: str, entry: Any) -> Database:
    if not isinstance(entry, dict) or not isinstance(entry.get("primary"), str) \
            or not set(entry) <= {"primary", "replicas", "server"}:
        raise DirectoryError(f"database {name!r}: give \"primary\" (a URL) and optionally "
                             "\"replicas\" (URLs) and \"server\" (a base URL)", database=name)
    replicas = entry.get("replicas", [])
    server = entry.get("server", "")
    if not isinstance(replicas, list) or not all(isinstance(u, str) for u in replicas) \
            or not isinstance(server, str):
        raise DirectoryError(f"database {name!r}: \"replicas\" is a list of URLs and "
                             "\"server\" a URL", database=name)
    return Database(name, entry["primary"], tuple(replicas), server.rstrip("/"))


def _placement(slug: str, entry: Any, databases: dict[str, Database]) -> str:
    if not SLUG_RE.fullmatch(slug):
        raise DirectoryError(f"{slug!r} is not a ledger slug", ledger=slug)
    name = entry.get("database") if isinstance(entry, dict) else None
    if name not in databases:
        raise DirectoryError(f"ledger {slug!r} must name one of the directory's databases "
                             "as {\"database\": NAME}", ledger=slug)
    return name


@dataclass
class DirectoryFile:
    """The directory as last read from its file, read again when the file changes."""

    path: Path
    _current: Directory = field(init=False)
    _mtime: float = field(init=False)
    _checked: float = field(init=False, default=0.0)
    _guard: threading.Lock = field(init=False, default_factory=threading.Lock)

    def __post_init__(self) -> None:
        self._mtime = self.path.stat().st_mtime if self.path.exists() else 0.0
        self._current = Directory.read(self.path)  # a bad file at start stops the start
        self._checked = time.monotonic()

    def current(self) -> Directory:
        now = time.monotonic()
        if now - self._checked >= RECHECK_SECONDS:
            with self._guard:
                self._checked = now
                self._reload_if_changed()
        return self._current

    def _reload_if_changed(self) -> None:
        try:
            mtime = self.path.stat().st_mtime
            if mtime != self._mtime:
                self._current, self._mtime = Directory.read(self.path), mtime
        except (OSError, DirectoryError) as exc:
            log.error("keeping the last good directory: %s", exc)


def placed_settings(settings: Settings) -> Settings:
    """``settings`` with the primary and replicas the directory gives this process's
    database, where the environment named none."""
    if settings.directory is None or not settings.directory_database:
        return settings
    own = Directory.read(settings.directory).own(settings)
    return replace(settings, database_url=settings.database_url or own.primary,
                   read_database_urls=settings.read_database_urls or own.replicas)
