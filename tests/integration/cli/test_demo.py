"""The demo community: a realistic year that the server accepts and the verifier passes;
and beside it, once, the small second community 河畔社区 (``hepan``), which the street
office's overview grades differently."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import Iterator

import httpx
import pytest

from api.web_lang import LEDGER_TIME_ZONE
from ledger.domain.dates import local_day
from ledger.format.statements import utc_now
from ledger.log.application import LedgerApplication
from ledger.demo.build import FUNDS, SETUP_COUNT
from ledger.demo.second import SLUG as SECOND
from ledger.demo.year import plan_year
from ledger.settings import Settings
from projections.overview import overview
from projections.view import open_view
from projections.worker import catch_up

SERVER_START_SECONDS = 60


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextmanager
def serving(settings: Settings, cwd: Path, **env: str) -> Iterator[str]:
    """`sunledger serve` in a subprocess on ``settings``' store; yields its base URL once
    it answers, and stops it (by its own pid) afterwards."""
    port = free_port()
    command = [sys.executable, "-m", "ledger.cli", "--db", settings.database_url,
               "--data-dir", str(settings.data_dir), "serve", "--port", str(port)]
    server = subprocess.Popen(command, cwd=cwd, env={**os.environ, **env},
                              stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + SERVER_START_SECONDS
        while True:
            assert server.poll() is None, server.stderr.read().decode()
            assert time.monotonic() < deadline, "sunledger serve did not start"
            try:
                httpx.get(f"{url}/v1/ledgers", timeout=2)
                break
            except httpx.TransportError:
                time.sleep(0.1)
        yield url
    finally:
        server.terminate()
        server.wait(timeout=30)


def test_the_demo_year_is_accepted_whole_and_verifies_clean(cli, slug):
    result = cli.ok("demo", slug, "--entries", "400")
    assert "400 entries" in result.stdout
    application = LedgerApplication(cli.settings)
    try:
        state = application.state(slug)
        entries = application.entries(slug, 0, 400)
    finally:
        application.close()
    assert state.size == 400
    assert set(state.funds) == {code for code, *_ in FUNDS}
    year = local_day(entries[0].statement.signed_at).year  # the demo's year is the build's
    assert state.funds["renovation"].restricted and ("renovation", year) in state.budgets
    dated = [entry for entry in entries if "date" in entry.statement.body]
    assert dated and all(entry.statement.body["date"] <= str(local_day(entry.statement.signed_at))
                         for entry in dated), "no business date after the day it was signed"
    assert {"admin", "agent", "cashier", "committee", "supervisor", "auditor", "intake"} == {
        role for record in state.keys.values() for role in record.roles}  # intake: questions
    kinds = [entry.statement.type for entry in entries]
    assert kinds.count("entry.confirmed") > kinds.count("entry.posted") // 3
    assert all(balance >= 0 for (account, _, _), balance in state.balances.items()
               if state.accounts[account].kind)
    for role in ("agent", "cashier", "auditor"):
        assert (cli.settings.data_dir / "keys" / slug / f"{role}.key").is_file()
    assert "OK" in cli.ok("verify", slug).stdout


def test_running_the_demo_again_on_its_ledger_says_so_and_changes_nothing(cli, slug):
    cli.ok("demo", slug, "--entries", "160")
    second = cli.stored_size(SECOND)
    assert second > 0
    reason = cli.fails("demo", slug, "--entries", "160")
    assert "already exists" in reason and "--fresh-ledger" in reason
    assert cli.stored_size(slug) == 160
    again = cli.ok("demo", slug, "--entries", "170", "--fresh-ledger", f"{slug}-b").stdout
    assert f"ledger {SECOND} (河畔社区) already exists; left as it is" in again
    assert cli.stored_size(f"{slug}-b") == 170
    assert cli.stored_size(slug) == 160
    assert cli.stored_size(SECOND) == second


def test_demo_if_missing_builds_once_and_then_leaves_the_ledger_as_it_is(cli, slug):
    cli.ok("demo", slug, "--entries", "160", "--if-missing")
    assert cli.stored_size(slug) == 160
    second = cli.stored_size(SECOND)
    again = cli.ok("demo", slug, "--entries", "180", "--if-missing").stdout
    assert "left as it is" in again
    assert f"ledger {SECOND} (河畔社区) already exists; left as it is" in again
    assert cli.stored_size(slug) == 160
    assert cli.stored_size(SECOND) == second > 0


@pytest.mark.own_database  # a store without 河畔社区, even on PostgreSQL
def test_demo_if_missing_adds_the_second_community_to_an_older_demo(cli, slug):
    """A store whose demo was built before 河畔社区 existed gets it on the next run."""
    from ledger.demo.build import build_demo

    application = LedgerApplication(cli.settings)
    try:
        build_demo(application, slug, entries=160)
    finally:
        application.close()
    assert cli.stored_size(SECOND) == 0
    built = cli.ok("demo", slug, "--if-missing").stdout
    assert "left as it is" in built and f"built {SECOND} (河畔社区)" in built
    assert cli.stored_size(slug) == 160 and cli.stored_size(SECOND) > 0


def test_a_demo_too_small_for_its_setup_is_refused_before_anything_is_written(cli, slug):
    assert "at least" in cli.fails("demo", slug, "--entries", "10")
    assert cli.stored_size(slug) == 0
    assert not (cli.settings.data_dir / "keys" / slug).exists()
    assert not (cli.settings.data_dir / "keys" / SECOND).exists()  # nor the second


def test_the_second_community_verifies_and_the_overview_grades_it_differently(cli, slug):
    built = cli.ok("demo", slug, "--entries", "200").stdout
    assert SECOND in built
    assert "OK" in cli.ok("verify", SECOND).stdout
    application = LedgerApplication(cli.settings)
    try:
        state = application.state(SECOND)
        assert state.name == "河畔社区" and set(state.funds) == {"general", "livelihood",
                                                                "elderly"}
        catch_up(application)
        now = utc_now()
        rows = {row["ledger"]: row for row in overview(
            open_view(application), now.astimezone(LEDGER_TIME_ZONE).date(), now,
            LEDGER_TIME_ZONE)["items"] if row["ledger"] in (slug, SECOND)}
    finally:
        application.close()
    hepan = rows[SECOND]
    # What ledger/demo/second.py sets out to show, by the default rule: an ordinary
    # community with one of each thing a street office looks at.
    assert {key: hepan[key] for key in (
        "grade", "reasons", "disclosures_overdue", "disclosure_period_rate", "findings_open",
        "findings_overdue", "red_flags_open", "cash_unconfirmed", "arrears_amount",
        "questions_unanswered", "satisfaction_rate", "satisfaction_rated")} == {
        "grade": "ordinary", "reasons": [], "disclosures_overdue": 1,
        "disclosure_period_rate": 1.0, "findings_open": 0, "findings_overdue": 0,
        "red_flags_open": 1, "cash_unconfirmed": 1, "arrears_amount": 0,
        "questions_unanswered": 1, "satisfaction_rate": 1.0, "satisfaction_rated": 1}
    assert hepan["disclosure_rate"] < 1
    assert rows[slug]["grade"] == "priority" and rows[slug]["reasons"]


def test_the_same_seed_plans_the_same_year_and_another_seed_another():
    first, _ = plan_year(7, 600, SETUP_COUNT, date(2026, 12, 31))
    again, _ = plan_year(7, 600, SETUP_COUNT, date(2026, 12, 31))
    other, _ = plan_year(8, 600, SETUP_COUNT, date(2026, 12, 31))
    assert first == again and first != other
    assert len(first) == 600


def test_a_year_of_a_few_thousand_entries_has_every_kind_of_event_and_ends_in_december():
    specs, _ = plan_year(2026, 3000, SETUP_COUNT, date(2026, 12, 31))
    categories = {spec.body.get("category") for spec in specs if spec.type == "entry.posted"}
    assert {"grant", "rent", "activity", "renovation", "subsidy", "transfer"} <= categories
    assert any(spec.type == "entry.reversed" for spec in specs)
    people = [spec for spec in specs if spec.type == "entry.posted"
              and spec.body["counterparty"]["kind"] == "person"]
    assert people and all(spec.body.get("documents") for spec in people)
    last_date = max(spec.body["date"] for spec in specs if "date" in spec.body)
    assert last_date.startswith("2026-12")


def test_a_year_cut_short_on_its_last_day_has_as_many_entries_and_none_after_it():
    specs, _ = plan_year(2026, 600, SETUP_COUNT, date(2026, 2, 10))
    assert len(specs) == 600
    days = [spec.body[name] for spec in specs for name in ("date",) if name in spec.body]
    assert max(days) <= "2026-02-10" and min(days) >= "2026-01-01"


def test_demo_signs_its_final_size_so_serve_answers_checkpoint_and_figures_at_once(
        cli, slug, tmp_path):
    built = cli.ok("demo", slug, "--entries", "160", "--if-missing")
    assert "signed a checkpoint and its figures at size 160" in built.stdout
    # The server's own timer is an hour away: whatever it answers, the demo signed.
    with serving(cli.settings, tmp_path, SUNLEDGER_CHECKPOINT_EVERY_SECONDS="3600") as url:
        checkpoint = httpx.get(f"{url}/v1/ledgers/{slug}/checkpoint", timeout=30)
        figures = httpx.get(f"{url}/v1/ledgers/{slug}/figures", timeout=30)
    assert checkpoint.status_code == 200, checkpoint.text
    assert checkpoint.text.splitlines()[1] == "160"
    assert figures.status_code == 200, figures.text
    answer = figures.json()
    assert answer["figures"]["size"] == 160 and answer["figures"]["ledger"] == slug
    assert answer["note"].split("\n")[2] == "160"


def test_the_year_is_planned_day_by_day_and_closes_each_month_after_its_entries():
    specs, _ = plan_year(2026, 2000, SETUP_COUNT, date(2026, 10, 19))
    days = [spec.day for spec in specs]
    assert None not in days and days == sorted(days)  # recorded in the order of its days
    for spec in specs:
        for name in ("date", "published_on", "accepted_on"):
            assert spec.body.get(name, "") <= spec.day.isoformat(), (spec.type, spec.body)
    closed_through = ""
    for spec in specs:
        if spec.type == "period.closed":
            closed_through = spec.body["month"]
        elif spec.type in ("entry.posted", "entry.reversed"):
            assert spec.body["date"][:7] > closed_through, spec.body
    closes = [spec.body["month"] for spec in specs if spec.type == "period.close_cosigned"]
    assert closes == [f"2026-{month:02d}" for month in range(1, 10)]
    statements = [spec for spec in specs if spec.type == "bank.statement_recorded"]
    assert len(statements) == len(closes)
