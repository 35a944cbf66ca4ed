"""Confidential reports (举报) for the supervisory committee and the auditors:
`confidential list|read|handled`.

Reports come in through the API (``POST .../confidential``); the server seals
each to the supervisors' and auditors' keys and keeps the sealed bundle under
its data dir. ``read`` opens one with the reader's own key, on the machine that
holds both (the key never leaves it); ``handled`` signs the day it was dealt
with, which is all the public sees.
"""

from __future__ import annotations

from typing import Annotated, Optional

import typer
from rich.table import Table
from rich.text import Text

from ledger.cli.common import LedgerArg, cli_of, out, print_receipt, today
from ledger.cli.governance import key_option
from ledger.errors import NotFound
from ledger.keystore import keyring
from ledger.log import sealed_reports

confidential_app = typer.Typer(
    help="Confidential reports (举报): list, read (supervisors and auditors), mark handled.",
    no_args_is_help=True)
SeqArg = Annotated[int, typer.Argument(help="The report's seq (its confidential.filed entry).")]


def register(app: typer.Typer) -> None:
    app.add_typer(confidential_app, name="confidential")


@confidential_app.command("list")
def list_reports(ctx: typer.Context, ledger: LedgerArg) -> None:
    """Every report: when it was filed, whom it was sealed to, when it was handled."""
    cli = cli_of(ctx)
    table = Table(title=f"confidential reports of {ledger}")
    for column in ("seq", "filed at", "readers", "handled on"):
        table.add_column(column)
    for report in sorted(cli.app.state(ledger).confidential.values(), key=lambda r: r.seq):
        table.add_row(str(report.seq), report.filed_at, str(len(report.recipients)),
                      report.handled_on or "not yet")
    out().print(table)


@confidential_app.command("read")
def read(ctx: typer.Context, ledger: LedgerArg, report: SeqArg,
         key: Annotated[str, key_option("supervisor")] = "supervisor") -> None:
    """Open a report with your key (a supervisor or auditor it was sealed to)."""
    cli = cli_of(ctx)
    filed = cli.app.state(ledger).confidential.get(report)
    if filed is None:
        raise NotFound(f"entry {report} is not a confidential report", report=report)
    reader = keyring.load_signing_key(cli.settings, ledger, key)
    bundle = sealed_reports.read_bundle(cli.settings, ledger, filed.sealed_sha256)
    out().print(Text(sealed_reports.open_sealed(bundle, reader)))


@confidential_app.command("handled")
def handled(ctx: typer.Context, ledger: LedgerArg, report: SeqArg,
            on: Annotated[Optional[str], typer.Option(
                "--on", metavar="YYYY-MM-DD", help="The day it was handled. Default: today.")
            ] = None,
            key: Annotated[str, key_option("supervisor")] = "supervisor") -> None:
    """Record that a report was handled (supervisor); the public sees only the day."""
    cli = cli_of(ctx)
    print_receipt(cli.submit(cli.signer(ledger, key).handle_report(report, on or today())),
                  f"report {report} handled")
