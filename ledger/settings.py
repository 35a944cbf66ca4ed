"""Settings in one place, and how they become an eventsourcing environment.

The embedded default is a SQLite file in the user's data directory;
``SUNLEDGER_DATABASE_URL=postgresql://user@host:port/db`` selects PostgreSQL.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote, urlparse

import platformdirs

from ledger.domain import policy
from ledger.errors import LedgerError

APP_NAME = "sunledger"


def default_data_dir() -> Path:
    return Path(os.environ.get("SUNLEDGER_DATA_DIR") or platformdirs.user_data_dir(APP_NAME))


@dataclass(frozen=True)
class Settings:
    database_url: str = ""
    data_dir: Path = field(default_factory=default_data_dir)
    clock_skew_max_seconds: int = policy.clock_skew_max_seconds
    checkpoint_every_entries: int = 256
    checkpoint_every_seconds: float = 60.0
    # A snapshot of each ledger's state every this many entries, so a restart replays
    # at most this many (ledger.log.snapshots); 0 turns snapshots off.
    snapshot_every_entries: int = 2_000
    # Where residents reach this server (host[/path]); `init` signs ORIGIN/LEDGER into
    # the genesis as the checkpoint origin, so it must be the deployment's own name.
    public_origin: str = ""
    # Hot standbys of ``database_url`` that answer public and audit reads
    # (ledger.log.replicas); a replica further behind than the bound is not read.
    read_database_urls: tuple[str, ...] = ()
    replica_lag_max_seconds: float = 5.0
    # The directory of ledgers (ledger.directory): which ledgers this process serves.
    directory: Path | None = None
    directory_database: str = ""
    # The street office's risk rule (projections/risk_grade.py): a TOML or JSON file;
    # None: the default rule.
    risk_rule: Path | None = None

    @classmethod
    def from_env(cls, database: str | None = None, data_dir: Path | None = None,
                 read_databases: tuple[str, ...] = ()) -> Settings:
        """``database`` is a URL or a SQLite path (the CLI's ``--db``); ``read_databases``
        the replicas' URLs (``serve --read-database-url``, else
        SUNLEDGER_READ_DATABASE_URLS, comma-separated)."""
        url = database or os.environ.get("SUNLEDGER_DATABASE_URL", "")
        if url and "://" not in url:
            url = "sqlite:///" + str(Path(url).expanduser().resolve())
        base = cls(database_url=url)
        replicas = read_databases or tuple(
            part.strip() for part in os.environ.get("SUNLEDGER_READ_DATABASE_URLS", "").split(",")
            if part.strip())
        directory = os.environ.get("SUNLEDGER_DIRECTORY", "").strip()
        risk_rule = os.environ.get("SUNLEDGER_RISK_RULE", "").strip()
        return cls(
            database_url=url,
            read_database_urls=replicas,
            replica_lag_max_seconds=float(os.environ.get(
                "SUNLEDGER_REPLICA_LAG_MAX_SECONDS", base.replica_lag_max_seconds)),
            directory=Path(directory).expanduser() if directory else None,
            directory_database=os.environ.get("SUNLEDGER_DIRECTORY_DATABASE", "").strip(),
            risk_rule=Path(risk_rule).expanduser() if risk_rule else None,
            data_dir=data_dir or base.data_dir,
            checkpoint_every_entries=int(os.environ.get("SUNLEDGER_CHECKPOINT_EVERY_ENTRIES",
                                                        base.checkpoint_every_entries)),
            checkpoint_every_seconds=float(os.environ.get("SUNLEDGER_CHECKPOINT_EVERY_SECONDS",
                                                          base.checkpoint_every_seconds)),
            snapshot_every_entries=int(os.environ.get("SUNLEDGER_SNAPSHOT_EVERY_ENTRIES",
                                                      base.snapshot_every_entries)),
            public_origin=os.environ.get("SUNLEDGER_PUBLIC_ORIGIN", "").strip().rstrip("/"),
        )

    @property
    def sqlite_path(self) -> Path:
        return self.data_dir / "sunledger.sqlite3"

    @property
    def log_key_dir(self) -> Path:
        """Where the server keeps each ledger's log (checkpoint-signing) key."""
        return self.data_dir / "log-keys"

    @property
    def is_postgres(self) -> bool:
        return self.database_url.startswith(("postgresql://", "postgres://"))

    def describe(self) -> str:
        if self.is_postgres:
            parsed = urlparse(self.database_url)
            return f"PostgreSQL {parsed.hostname}:{parsed.port or 5432}/{parsed.path.lstrip('/')}"
        return f"SQLite {self.sqlite_file()}"

    def sqlite_file(self) -> Path:
        """The SQLite database file (``--db`` or the data dir's default)."""
        if self.database_url.startswith("sqlite:///"):
            return Path(self.database_url[len("sqlite:///"):])
        if self.database_url:
            raise LedgerError(f"unsupported database URL {self.database_url!r}: use "
                              "postgresql://... or a SQLite file path")
        return self.sqlite_path

    def eventsourcing_env(self) -> dict[str, str]:
        if not self.is_postgres:
            path = self.sqlite_file()
            path.parent.mkdir(parents=True, exist_ok=True)
            return {"PERSISTENCE_MODULE": "eventsourcing.sqlite", "SQLITE_DBNAME": str(path),
                    "SQLITE_LOCK_TIMEOUT": "30"}
        parsed = urlparse(self.database_url)
        return {
            "PERSISTENCE_MODULE": "eventsourcing.postgres",
            "POSTGRES_DBNAME": parsed.path.lstrip("/") or "sunledger",
            "POSTGRES_HOST": parsed.hostname or "127.0.0.1",
            "POSTGRES_PORT": str(parsed.port or 5432),
            "POSTGRES_USER": unquote(parsed.username or "postgres"),
            "POSTGRES_PASSWORD": unquote(parsed.password or ""),
            "POSTGRES_POOL_SIZE": os.environ.get("SUNLEDGER_POOL_SIZE", "10"),
            "POSTGRES_LOCK_TIMEOUT": "10",
            # Fail in seconds, not after the pool's long default, when the server is down.
            "POSTGRES_CONNECT_TIMEOUT": os.environ.get("SUNLEDGER_CONNECT_TIMEOUT", "5"),
            # Never POSTGRES_ENABLE_DB_FUNCTIONS: in 9.5.6 it skips the table lock
            # that keeps notification ids in commit order.
        }
