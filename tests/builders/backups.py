"""Backups and restores of a whole store, as an operator takes them (docs/operations.md):
SQLite, a copy of the file; PostgreSQL, ``pg_dump`` and ``pg_restore`` into a new database."""

from __future__ import annotations

import shutil
import sqlite3
import subprocess
import uuid
from dataclasses import replace
from pathlib import Path

from ledger.settings import Settings
from tests.conftest import _admin_connection


def back_up(settings: Settings, directory: Path) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    if settings.is_postgres:
        target = directory / "backup.dump"
        subprocess.run(["pg_dump", "--format=custom", "--file", str(target),
                        settings.database_url], check=True, capture_output=True)
        return target
    target = directory / "backup.sqlite3"
    source, copy = sqlite3.connect(settings.sqlite_file()), sqlite3.connect(target)
    try:
        source.backup(copy)  # a consistent copy even while the WAL holds recent writes
    finally:
        source.close()
        copy.close()
    return target


def restore_into(settings: Settings, backup: Path) -> Settings:
    """The store put back as it was at ``backup``; the settings to reach it (same data dir)."""
    if settings.is_postgres:
        name = f"sunledger_restored_{uuid.uuid4().hex[:12]}"
        with _admin_connection() as admin:
            admin.execute(f'CREATE DATABASE "{name}"')
        url = f"{settings.database_url.rsplit('/', 1)[0]}/{name}"
        subprocess.run(["pg_restore", "--no-owner", "--dbname", url, str(backup)],
                       check=True, capture_output=True)
        return replace(settings, database_url=url)
    database = settings.sqlite_file()
    for suffix in ("-wal", "-shm"):
        Path(f"{database}{suffix}").unlink(missing_ok=True)
    shutil.copyfile(backup, database)
    return settings


def drop_restored(settings: Settings) -> None:
    if settings.is_postgres and "sunledger_restored_" in settings.database_url:
        name = settings.database_url.rsplit("/", 1)[1]
        with _admin_connection() as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
