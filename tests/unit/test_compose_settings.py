"""docker-compose.yml keeps every setting in one documented place: each SUNLEDGER_*
variable the server reads is set in its settings block and explained in its header."""

from __future__ import annotations

import re
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[2]
# Read by the CLI or by tests only, not by a running server.
NOT_SERVER_SETTINGS = {"SUNLEDGER_TEST_POSTGRES", "SUNLEDGER_REQUIRE_POSTGRES",
                       "SUNLEDGER_BENCH_POSTGRES"}


def settings_the_code_reads() -> set[str]:
    names: set[str] = set()
    for package in ("ledger", "api", "projections"):
        for source in (ROOT / package).rglob("*.py"):
            names |= set(re.findall(r"[\"'](SUNLEDGER_[A-Z_]+)[\"']", source.read_text("utf-8")))
    return names - NOT_SERVER_SETTINGS


def test_every_server_setting_is_set_and_documented_in_docker_compose():
    text = (ROOT / "docker-compose.yml").read_text("utf-8")
    block = yaml.safe_load(text)["x-sunledger-settings"]
    header = "\n".join(line for line in text.splitlines() if line.startswith("#"))
    read = settings_the_code_reads()
    assert read >= {"SUNLEDGER_DATABASE_URL", "SUNLEDGER_PUBLIC_RATE_PER_MINUTE"}
    assert read - set(block) == set(), "settings missing from docker-compose.yml"
    assert {name for name in read if f"#   {name} " not in header} == set()
    services = yaml.safe_load(text)["services"]
    assert services["api"]["environment"] == block == services["projections"]["environment"]


def test_compose_runs_the_demo_once_before_the_api_and_checks_the_api_health():
    services = yaml.safe_load((ROOT / "docker-compose.yml").read_text("utf-8"))["services"]
    assert services["demo"]["command"] == ["sunledger", "demo", "--if-missing"]
    assert services["api"]["depends_on"]["demo"]["condition"] == "service_completed_successfully"
    assert "/healthz" in " ".join(services["api"]["healthcheck"]["test"])
    assert "--if-missing" in services["init"]["command"]
    assert services["init"]["profiles"] == ["setup"]  # never started by a plain `up`


def test_the_image_runs_as_an_unprivileged_user():
    lines = (ROOT / "Dockerfile").read_text("utf-8").splitlines()
    users = [line.split()[1] for line in lines if line.startswith("USER ")]
    assert users and users[-1] not in ("root", "0")
    assert any(line.startswith("HEALTHCHECK") for line in lines)
