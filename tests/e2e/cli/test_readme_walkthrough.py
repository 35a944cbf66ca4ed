"""The README is a promise: its walkthrough runs as written, its tamper
demonstration is caught, and CI runs exactly the test command it gives."""

from __future__ import annotations

import os
import re
import stat
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
README = (ROOT / "README.md").read_text(encoding="utf-8")


def bash_blocks(section: str) -> list[str]:
    start = README.index(section)
    end = README.index("\n## ", start + len(section))
    return re.findall(r"```bash\n(.*?)```", README[start:end], flags=re.S)


def run_bash(script: str, cwd: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "SUNLEDGER_DATA_DIR": str(cwd / "data"), "COLUMNS": "200",
           "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}"}
    env.pop("SUNLEDGER_DATABASE_URL", None)
    return subprocess.run(["bash", "-c", "set -euo pipefail\n" + script], cwd=cwd, env=env,
                          capture_output=True, text=True, timeout=900)


def test_the_readme_walkthrough_runs_as_written_and_its_tampering_is_found(tmp_path):
    *walkthrough, tamper = bash_blocks("## Five minutes with the command line")
    done = run_bash("\n".join(walkthrough), tmp_path)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "OK: ledger hexi verifies (14 entries)" in done.stdout

    # Every command may be run again: the second run records nothing and still verifies.
    again = run_bash("\n".join(walkthrough), tmp_path)
    assert again.returncode == 0, again.stdout + again.stderr
    assert "OK: ledger hexi verifies (14 entries)" in again.stdout
    assert again.stdout.count("nothing to do") >= 15, again.stdout
    assert "OK: bundle audit verifies (14 entries)" in again.stdout

    caught = run_bash(tamper, tmp_path)
    assert caught.returncode == 1, caught.stdout + caught.stderr
    rows = [line.split("│") for line in caught.stdout.splitlines() if line.startswith("│")]
    findings = {(row[1].strip(), row[2].strip()) for row in rows}
    assert ("11", "bad-signature") in findings and ("11", "stored-node-mismatch") in findings
    assert any(code == "root-mismatch" for _, code in findings)


def test_ci_runs_exactly_the_test_command_the_readme_gives():
    command = bash_blocks("## Run the tests (one command)")[0].strip()
    ci = ROOT / ".ci" / "run"
    script = ci.read_text(encoding="utf-8")
    assert command in script.splitlines()
    assert "set -euo pipefail" in script and "export SUNLEDGER_REQUIRE_POSTGRES=1" in script
    assert ci.stat().st_mode & stat.S_IXUSR


def test_the_readme_one_command_run_installs_builds_the_demo_and_serves_it():
    command = bash_blocks("## Run it (one command)")[0].strip()
    assert command.startswith("python3 -m venv .venv && . .venv/bin/activate && pip install -e .")
    assert command.endswith("sunledger demo --if-missing && sunledger serve")
