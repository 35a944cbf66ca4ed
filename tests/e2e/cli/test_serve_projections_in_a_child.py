"""`sunledger serve` on PostgreSQL keeps the read models current in a child process of
its own (a thread would share the request path's GIL and fall behind under load), and
the child goes when its server goes, even when the server is killed. SQLite keeps its
thread; a bad SUNLEDGER_SERVE_PROJECTIONS stops the start in one line."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import time
from contextlib import contextmanager
from pathlib import Path
from typing import Callable, Iterator

import httpx
import pytest

from api.app import projections_mode
from ledger.client import posting
from ledger.errors import FormatError
from ledger.log.application import LedgerApplication
from ledger.settings import Settings
from tests.builders.cli import Cli
from tests.builders.community import SUPPLIER, Community
from tests.builders.server import keep_log_key
from tests.conftest import own_database
from tests.e2e.cli.test_console_script import sunledger
from tests.e2e.cli.test_serve_behind_a_proxy import free_port

YUAN = 100


def children(pid: int) -> list[int]:
    """The projection processes ``pid`` started (Linux: /proc/PID/task/*/children), by
    their command line: multiprocessing's spawn, not its resource tracker beside them."""
    found: list[int] = []
    for task in Path(f"/proc/{pid}/task").iterdir():
        for child in (task / "children").read_text().split():
            try:
                command = Path(f"/proc/{child}/cmdline").read_bytes()
            except FileNotFoundError:
                continue
            if b"spawn_main" in command:
                found.append(int(child))
    return found


def alive(pid: int) -> bool:
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except FileNotFoundError:
        return False
    return "\nState:\tZ" not in status  # a zombie has finished; only its exit code is left


def within(seconds: float, condition: Callable[[], bool]) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.05)
    return condition()


@contextmanager
def serving(settings: Settings, **env: str) -> Iterator[tuple[str, subprocess.Popen]]:
    port = free_port()
    process_env = {**os.environ, "SUNLEDGER_PUBLIC_RATE_PER_MINUTE": "0"}
    process_env.pop("SUNLEDGER_SERVE_PROJECTIONS", None)  # the default, unless ``env`` names one
    process_env.update(env)
    server = subprocess.Popen([sunledger(), "--db", settings.database_url, "--data-dir",
                               str(settings.data_dir), "serve", "--port", str(port)],
                              env=process_env, stdout=subprocess.DEVNULL,
                              stderr=subprocess.PIPE)
    base = f"http://127.0.0.1:{port}"
    try:
        def started() -> bool:
            assert server.poll() is None, server.stderr.read().decode()
            try:
                return httpx.get(f"{base}/healthz", timeout=2).status_code == 200
            except httpx.HTTPError:
                return False
        assert within(60, started), "sunledger serve did not start"
        yield base, server
    finally:
        if server.poll() is None:
            server.terminate()
            server.wait(timeout=30)


def projection(base: str, slug: str) -> dict:
    return httpx.get(f"{base}/v1/ledgers/{slug}/status", timeout=5).json()["projections"][0]


def bank_balance(base: str, slug: str) -> int | None:
    """The general fund's bank balance as residents are shown it (read from the views)."""
    rows = httpx.get(f"{base}/v1/ledgers/{slug}/funds", timeout=5).json()["accounts"]
    return {(row["account"], row["fund"]): row["balance"] for row in rows}.get(
        ("1002", "general"))


@pytest.fixture
def pg_books(postgres_url, tmp_path) -> Iterator[tuple[Settings, Community]]:
    """A database of its own holding one community with a grant, written before any server."""
    with own_database(postgres_url) as url:
        settings = Settings(database_url=url, data_dir=tmp_path / "data")
        app = LedgerApplication(settings)
        try:
            town = Community.open(app)
            keep_log_key(settings, town)
            town.grant("general", 1_000 * YUAN)
            yield settings, town
        finally:
            app.close()


@pytest.mark.postgres
def test_on_postgresql_a_child_process_keeps_the_views_current(pg_books):
    settings, town = pg_books
    with serving(settings) as (base, server):
        # Written before the server started: the child catches up without being asked.
        assert within(20, lambda: projection(base, town.slug).get("up_to_date")), \
            projection(base, town.slug)
        projectors = children(server.pid)
        assert len(projectors) == 1, "one child keeps the views"
        before = bank_balance(base, town.slug)
        assert before == 1_000 * YUAN

        # A statement over HTTP: no append in the child's process wakes it, it polls.
        body = town.agent.post("2026-02-01", "activity", SUPPLIER,
                               [posting("5001", "general", "debit", 300 * YUAN),
                                posting("1002", "general", "credit", 300 * YUAN)],
                               memo="活动用品").to_json()
        answer = httpx.post(f"{base}/v1/ledgers/{town.slug}/statements",
                            content=json.dumps(body, ensure_ascii=False).encode(),
                            headers={"Content-Type": "application/json"}, timeout=10)
        assert answer.status_code == 201, answer.text
        written = time.monotonic()
        assert within(5, lambda: bank_balance(base, town.slug) == 700 * YUAN)
        assert time.monotonic() - written < 2, "the child looks at the log several times a second"
        assert projection(base, town.slug)["up_to_date"]
    assert within(15, lambda: not alive(projectors[0])), "the child stops with its server"


@pytest.mark.postgres
def test_a_killed_server_leaves_no_child_writing_behind_it(pg_books):
    settings, town = pg_books
    with serving(settings) as (base, server):
        assert within(20, lambda: len(children(server.pid)) == 1)
        projector = children(server.pid)[0]
        server.send_signal(signal.SIGKILL)
        server.wait(10)
        assert within(10, lambda: not alive(projector)), "the orphaned child noticed and left"


@pytest.mark.postgres
def test_the_thread_and_elsewhere_are_still_chosen_by_the_setting(pg_books):
    settings, town = pg_books
    for value in ("0", "thread"):  # "0" first: nothing has projected the grant yet
        with serving(settings, SUNLEDGER_SERVE_PROJECTIONS=value) as (base, server):
            time.sleep(1)
            assert children(server.pid) == [], value
            up_to_date = within(5, lambda: projection(base, town.slug).get("up_to_date"))
            assert up_to_date == (value == "thread"), value


def test_where_the_projections_run_by_default_and_what_is_refused():
    assert projections_mode("", postgres=True) == "process"
    assert projections_mode("", postgres=False) == "thread"
    assert projections_mode("", serve_projections=False, postgres=True) == "0"
    assert projections_mode(" 1 ", postgres=True) == "thread"  # as before the child existed
    assert projections_mode("0", postgres=False) == "0"
    with pytest.raises(FormatError, match="use 0, thread or process"):
        projections_mode("yes", postgres=True)
    with pytest.raises(FormatError, match="needs PostgreSQL"):
        projections_mode("process", postgres=False)


def test_a_bad_setting_stops_serve_in_one_line_before_anything_is_opened(tmp_path, monkeypatch):
    settings = Settings(database_url=str(tmp_path / "data" / "ledger.db"),
                        data_dir=tmp_path / "data")
    monkeypatch.setenv("SUNLEDGER_SERVE_PROJECTIONS", "process")
    line = Cli(settings).fails("serve", "--port", "1")
    assert "needs PostgreSQL" in line
    monkeypatch.setenv("SUNLEDGER_SERVE_PROJECTIONS", "sometimes")
    assert "use 0, thread or process" in Cli(settings).fails("serve", "--port", "1")
    assert not (tmp_path / "data" / "ledger.db").exists()
