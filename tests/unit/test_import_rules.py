"""The house rules of ``ledger/`` (pyproject.toml, ``[tool.importlinter]``): the core
(format, domain, log, verify) never reaches for the outer layers."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

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


# (module that gains an import, the import, the line import-linter reports)
BROKEN_RULES = [
    ("ledger/format/cjson.py", "import api.app", "ledger.format.cjson -> api.app"),
    ("ledger/verify/report.py", "import ledger.log.store",
     "ledger.verify.report -> ledger.log.store"),
    ("projections/handlers/journal.py", "from ledger.domain.records import Policy",
     "projections.handlers.journal -> ledger.domain.records"),
]


@pytest.mark.parametrize("module, line, reported", BROKEN_RULES,
                         ids=["format-imports-api", "verifier-imports-log",
                              "projection-reads-a-domain-rule"])
def test_an_import_across_the_rules_breaks_them(tmp_path, module, line, reported):
    tree = copy_of_the_code(tmp_path)
    source = tree / module
    source.write_text(source.read_text() + f"\n{line}  # noqa\n")
    result = lint_imports(tree)
    assert result.returncode != 0
    assert reported in result.stdout


# What projections may import of the domain (docs/effects.md): the rest is forbidden.
# seq_maps is part of the state (the arrays some of its maps are kept in), no rule.
HEARD_BY_PROJECTIONS = {"__init__", "effects", "state", "seq_maps"}


def test_every_domain_module_but_replay_effects_and_state_is_forbidden_to_projections():
    rules = tomllib.loads((REPO / "pyproject.toml").read_text())["tool"]["importlinter"]
    (contract,) = [c for c in rules["contracts"] if c["source_modules"] == ["projections"]]
    modules = {path.stem for path in (REPO / "ledger" / "domain").glob("*.py")}
    assert set(contract["forbidden_modules"]) == {
        f"ledger.domain.{name}" for name in modules - HEARD_BY_PROJECTIONS}
