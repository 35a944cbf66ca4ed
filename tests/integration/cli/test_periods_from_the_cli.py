"""Closing months, the year-end close and a bank statement from the `sunledger` CLI
(the real Typer app in-process, on both real stores): a back-dated entry into a
closed month is one red line naming period-closed, and the log unchanged."""

from __future__ import annotations

import hashlib
import uuid
from functools import partial

import pytest

from ledger.cli import common as cli_common
from ledger.log.application import LedgerApplication
from tests.builders.cli import Cli, a_governed_community_from_the_command_line

HEX = hashlib.sha256(b"bank statement").hexdigest()


@pytest.fixture
def cli(settings, app, clock, monkeypatch) -> Cli:
    monkeypatch.setattr(cli_common, "LedgerApplication", partial(LedgerApplication, clock=clock))
    runner = Cli(settings, app, f"p{uuid.uuid4().hex[:10]}")
    return a_governed_community_from_the_command_line(runner)


def test_a_month_closed_and_cosigned_from_the_cli_refuses_back_dated_entries(cli):
    slug = cli.slug
    cli.ok("post", slug, "--date", "2026-01-05", "--category", "grant", "--counterparty", "街道",
           "--debit", "1002:general:1,000.00", "--credit", "4001:general:1,000.00")
    cli.ok("period", "close", slug, "2026-01", "--memo", "一月结账")
    cli.refuses("forbidden-role", "period", "cosign", slug, "2026-01", "--key", "agent")
    cli.ok("period", "cosign", slug, "2026-01")
    cli.refuses("period-closed", "post", slug, "--date", "2026-01-20", "--category", "grant",
                "--counterparty", "街道", "--debit", "1002:general:10.00", "--credit",
                "4001:general:10.00")
    cli.refuses("out-of-order", "period", "close", slug, "2026-03")


def test_the_year_end_close_from_the_cli_carries_exactly_the_year(cli, app):
    slug = cli.slug
    cli.ok("post", slug, "--date", "2025-06-05", "--category", "grant", "--counterparty", "街道",
           "--debit", "1002:general:1,000.00", "--credit", "4001:general:1,000.00")
    cli.ok("post", slug, "--date", "2025-07-05", "--category", "works", "--counterparty", "工程队",
           "--debit", "5002:general:400.00", "--credit", "1002:general:400.00")
    cli.ok("period", "carry", slug, "2025", "--net-assets", "3001")
    state = app.state(slug)
    assert state.balance("4001", "general") == state.balance("5002", "general") == 0
    assert state.balance("3001", "general") == -60_000
    cli.refuses("rule-violated", "period", "carry", slug, "2025", "--net-assets", "3001")


def test_the_cashier_records_a_bank_statement_from_the_cli(cli, app):
    slug = cli.slug
    seq = cli.seq("bank", "statement", slug, "--account", "1002", "--date", "2026-03-31",
                  "--balance", "0", "--statement-sha256", HEX, "--fund", "general")
    statement = app.state(slug).bank_statements[seq]
    assert (statement.balance, statement.fund, statement.statement_sha256) == (0, "general", HEX)
    cli.refuses("forbidden-role", "bank", "statement", slug, "--account", "1002", "--date",
                "2026-03-31", "--balance", "1.00", "--statement-sha256", HEX, "--key", "agent")
