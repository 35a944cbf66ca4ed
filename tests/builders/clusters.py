"""Throwaway PostgreSQL clusters for the topology tests: a primary made by
``initdb``, streaming replicas made by ``pg_basebackup -R``, each on its own
port and temporary directory, stopped and removed afterwards (also when a test
fails). The installed server binaries are used; as root (CI) they run as the
``postgres`` user, since ``initdb`` refuses to run as root."""

from __future__ import annotations

import glob
import os
import shutil
import socket
import subprocess
import tempfile
import time
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

import psycopg

# Settings for a cluster that only lives for a test: durability off, replication on.
CONFIG = """
listen_addresses = '127.0.0.1'
fsync = off
full_page_writes = off
shared_buffers = 32MB
max_connections = 60
wal_level = replica
max_wal_senders = 4
hot_standby = on
wal_receiver_status_interval = 1
hot_standby_feedback = on
"""


def server_binaries() -> Path | None:
    """The newest installed PostgreSQL's bin directory (Debian's layout), if any."""
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"),
                   key=lambda path: int(Path(path).parent.parent.name))
    return Path(found[-1]).parent if found else None


def require_server_binaries() -> None:
    """Skip a topology test where PostgreSQL's server binaries are not installed, unless
    PostgreSQL is required (CI): then it fails."""
    import pytest

    if server_binaries() is None:
        message = "no PostgreSQL server binaries under /usr/lib/postgresql/*/bin"
        if os.environ.get("SUNLEDGER_REQUIRE_POSTGRES") == "1":
            pytest.fail(message)
        pytest.skip(message)


def _as_owner(command: list[str]) -> list[str]:
    return ["runuser", "-u", "postgres", "--", *command] if os.geteuid() == 0 else command


def _run(command: list[str]) -> None:
    done = subprocess.run(_as_owner(command), capture_output=True, text=True, timeout=120)
    if done.returncode != 0:
        raise RuntimeError(f"{command[0]} failed ({done.returncode}): {done.stderr[-2000:]}")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _owned_temp_dir() -> Path:
    path = Path(tempfile.mkdtemp(prefix="sunledger-pg-"))
    if os.geteuid() == 0:
        shutil.chown(path, "postgres", "postgres")
    path.chmod(0o700)
    return path


@dataclass
class Cluster:
    """One running PostgreSQL server: its data directory, port and a URL to it."""

    bin: Path
    home: Path  # holds data/ and the log; removed with the cluster
    port: int

    @property
    def data(self) -> Path:
        return self.home / "data"

    @property
    def url(self) -> str:
        return f"postgresql://postgres@127.0.0.1:{self.port}/postgres"

    def start(self) -> None:
        _run([str(self.bin / "pg_ctl"), "-D", str(self.data), "-l", str(self.home / "log"),
              "-o", f"-p {self.port} -k {self.home}", "-w", "-t", "60", "start"])

    def stop(self) -> None:
        if (self.data / "postmaster.pid").exists():
            _run([str(self.bin / "pg_ctl"), "-D", str(self.data), "-m", "immediate",
                  "-w", "stop"])

    def sql(self, query: str) -> list[tuple]:
        with psycopg.connect(self.url, autocommit=True, connect_timeout=5) as connection:
            cursor = connection.execute(query)
            return cursor.fetchall() if cursor.description else []


@contextmanager
def _cluster(bin: Path, make: list[str] | None = None, *,
             base_backup_of: Cluster | None = None) -> Iterator[Cluster]:
    cluster = Cluster(bin, _owned_temp_dir(), free_port())
    try:
        if base_backup_of is None:
            _run([str(bin / "initdb"), "-D", str(cluster.data), "-U", "postgres",
                  "--auth=trust", "-E", "UTF8", "--locale=C", "--no-sync"])
            with (cluster.data / "postgresql.conf").open("a") as conf:
                conf.write(CONFIG)
        else:
            _run([str(bin / "pg_basebackup"), "-h", "127.0.0.1", "-p",
                  str(base_backup_of.port), "-U", "postgres", "-D", str(cluster.data),
                  "-R", "-X", "stream", "--checkpoint=fast", "--no-sync"])
        cluster.start()
        yield cluster
    finally:
        try:
            cluster.stop()
        finally:
            shutil.rmtree(cluster.home, ignore_errors=True)


@contextmanager
def primary() -> Iterator[Cluster]:
    """A new primary, running, on a free port."""
    bin = server_binaries()
    assert bin is not None, "no PostgreSQL server binaries under /usr/lib/postgresql"
    with _cluster(bin) as cluster:
        yield cluster


@contextmanager
def replica_of(source: Cluster) -> Iterator[Cluster]:
    """A hot standby streaming from ``source``, running and caught up."""
    with _cluster(source.bin, base_backup_of=source) as cluster:
        wait_caught_up(source, cluster)
        yield cluster


def wait_caught_up(source: Cluster, standby: Cluster, timeout: float = 30.0) -> None:
    """Until ``standby`` has replayed everything ``source`` had written when asked."""
    target = source.sql("SELECT pg_current_wal_insert_lsn()")[0][0]
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        caught_up = standby.sql(
            f"SELECT pg_last_wal_replay_lsn() >= '{target}'::pg_lsn")[0][0]
        if caught_up:
            return
        time.sleep(0.05)
    raise TimeoutError(f"the standby on port {standby.port} did not reach {target}")


@contextmanager
def primary_with_replica() -> Iterator[tuple[Cluster, Cluster]]:
    with ExitStack() as stack:
        main = stack.enter_context(primary())
        yield main, stack.enter_context(replica_of(main))
