"""Confidential reports from the command line: the supervisor lists them, opens one
with their own key and records it handled; a key it was not sealed to cannot open it."""

from __future__ import annotations

import asyncio
import uuid
from concurrent.futures import ThreadPoolExecutor
from functools import partial

import pytest

from ledger.cli import common as cli_common
from ledger.log.appender import Appender
from ledger.log.application import LedgerApplication
from ledger.log.intake import QuestionIntake
from tests.builders.cli import Cli, a_governed_community_from_the_command_line

REPORT = "工程款被分成九笔支付 the works were paid in nine parts"


@pytest.fixture
def cli(settings, app, clock, monkeypatch) -> Cli:
    monkeypatch.setattr(cli_common, "LedgerApplication", partial(LedgerApplication, clock=clock))
    runner = Cli(settings, app, f"c{uuid.uuid4().hex[:10]}")
    return a_governed_community_from_the_command_line(runner)


def file_report(cli: Cli, text: str) -> int:
    cli.ok("intake-key", cli.slug)
    appender = Appender(cli.app)
    try:
        # On a thread of its own: an event loop another test left running must not matter.
        with ThreadPoolExecutor(1) as thread:
            return thread.submit(asyncio.run, QuestionIntake(appender).file_report_async(
                cli.slug, text)).result().seq
    finally:
        appender.close()


def test_the_supervisor_reads_a_report_with_their_key_and_marks_it_handled(cli):
    report = file_report(cli, REPORT)
    assert "not yet" in cli.out("confidential", "list", cli.slug)
    assert REPORT in cli.out("confidential", "read", cli.slug, str(report))
    cli.refuses("forbidden-role", "confidential", "handled", cli.slug, str(report),
                "--key", "committee")
    cli.ok("confidential", "handled", cli.slug, str(report))
    assert cli.app.state(cli.slug).confidential[report].handled_on
    assert "not yet" not in cli.out("confidential", "list", cli.slug)


def test_a_key_the_report_was_not_sealed_to_cannot_read_it(cli):
    report = file_report(cli, REPORT)
    line = cli.fails("confidential", "read", cli.slug, str(report), "--key", "committee")
    assert "not sealed to this key" in line and REPORT not in line

