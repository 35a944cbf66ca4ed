"""The installed `sunledger` console script, run for real in a subprocess."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

from ledger.log.application import LedgerApplication
from ledger.settings import Settings


def sunledger() -> str:
    beside_python = Path(sys.executable).with_name("sunledger")
    found = str(beside_python) if beside_python.exists() else shutil.which("sunledger")
    assert found, "the sunledger console script is not installed: pip install -e '.[test]'"
    return found


def run(*args: str, data_dir: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "SUNLEDGER_DATA_DIR": str(data_dir), "COLUMNS": "200"}
    env.pop("SUNLEDGER_DATABASE_URL", None)
    return subprocess.run([sunledger(), *args], capture_output=True, text=True, env=env,
                          timeout=600)


def test_the_console_script_lists_its_commands(tmp_path):
    result = run("--help", data_dir=tmp_path)
    assert result.returncode == 0, result.stderr
    for command in ("init", "keys", "post", "balances", "verify", "demo", "serve"):
        assert command in result.stdout


def test_the_console_script_builds_the_demo_into_the_sqlite_file_it_is_given(tmp_path):
    database = tmp_path / "books.sqlite3"
    result = run("demo", "--entries", "200", "--db", str(database), data_dir=tmp_path / "data")
    assert result.returncode == 0, result.stderr
    assert "200 entries" in result.stdout
    application = LedgerApplication(Settings(database_url=f"sqlite:///{database}",
                                             data_dir=tmp_path / "data"))
    try:
        assert application.reader.size("xinzhu") == 200
    finally:
        application.close()
    again = run("demo", "--entries", "200", "--db", str(database), data_dir=tmp_path / "data")
    assert again.returncode == 1
    assert again.stderr.strip().startswith("error: ledger 'xinzhu' already exists")
    assert "Traceback" not in again.stderr
