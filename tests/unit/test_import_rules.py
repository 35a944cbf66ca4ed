"""The house rules of ``ledger/`` (pyproject.toml, ``[tool.importlinter]``): the core
(format, domain, log, verify) never reaches for the outer layers."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]


def lint_imports(tree: Path) -> subprocess.CompletedProcess:
    environment = {**os.environ, "PYTHONPATH": str(tree)}
    return subprocess.run([sys.executable, "-c", "import sys; from importlinter.cli import "
                           "lint_imports_command; sys.exit(lint_imports_command())"],
                          cwd=tree, env=environment, capture_output=True, text=True, timeout=120)


def copy_of_the_code(tmp_path: Path) -> Path:
    for package in ("ledger", "api", "projections"):
        shutil.copytree(REPO / package, tmp_path / package,
                        ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(REPO / "pyproject.toml", tmp_path / "pyproject.toml")
    return tmp_path


def test_the_core_keeps_every_import_rule():
    result = lint_imports(REPO)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "BROKEN" not in result.stdout and "KEPT" in result.stdout


def test_a_format_module_importing_the_api_breaks_the_rules(tmp_path):
    tree = copy_of_the_code(tmp_path)
    cjson = tree / "ledger" / "format" / "cjson.py"
    cjson.write_text(cjson.read_text() + "\nimport api.app  # noqa\n")
    result = lint_imports(tree)
    assert result.returncode != 0
    assert "ledger.format.cjson -> api.app" in result.stdout


def test_the_verifier_importing_the_log_breaks_the_rules(tmp_path):
    tree = copy_of_the_code(tmp_path)
    report = tree / "ledger" / "verify" / "report.py"
    report.write_text(report.read_text() + "\nimport ledger.log.store  # noqa\n")
    result = lint_imports(tree)
    assert result.returncode != 0
    assert "ledger.verify.report -> ledger.log.store" in result.stdout


# What projections may import of the domain (docs/effects.md): the rest is forbidden.
HEARD_BY_PROJECTIONS = {"__init__", "effects", "state"}


def test_every_domain_module_but_replay_effects_and_state_is_forbidden_to_projections():
    rules = tomllib.loads((REPO / "pyproject.toml").read_text())["tool"]["importlinter"]
    (contract,) = [c for c in rules["contracts"] if c["source_modules"] == ["projections"]]
    modules = {path.stem for path in (REPO / "ledger" / "domain").glob("*.py")}
    assert set(contract["forbidden_modules"]) == {
        f"ledger.domain.{name}" for name in modules - HEARD_BY_PROJECTIONS}


def test_a_projection_reading_a_domain_rule_breaks_the_rules(tmp_path):
    tree = copy_of_the_code(tmp_path)
    writer = tree / "projections" / "handlers" / "journal.py"
    writer.write_text(writer.read_text() + "\nfrom ledger.domain.records import Policy  # noqa\n")
    result = lint_imports(tree)
    assert result.returncode != 0
    assert "projections.handlers.journal -> ledger.domain.records" in result.stdout
