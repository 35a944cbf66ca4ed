"""Periods and the bank from the command line: closing a month (`period close`),
the supervisors' co-signature (`period cosign`), the year-end close
(`period carry`) and the cashier's bank statement (`bank statement`).

Each command signs one statement with the role that takes that step (``--key``
defaults to it); the ledger checks it, and a refusal is one line with nothing
written.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Optional

import typer

from ledger.cli.common import LedgerArg, cli_of, print_receipt
from ledger.cli.governance import key_option, digest
from ledger.domain.periods import closing_postings
from ledger.errors import DomainError
from ledger.format import money

period_app = typer.Typer(help="Closing months (结账) and the year-end close (结转).",
                         no_args_is_help=True)
bank_app = typer.Typer(help="Bank statements held against the books (银行对账).",
                       no_args_is_help=True)
Month = Annotated[str, typer.Argument(metavar="YYYY-MM", help="The month, e.g. 2026-03.")]
Memo = Annotated[Optional[str], typer.Option("--memo")]
SELF = "本社区 the community"


def register(app: typer.Typer) -> None:
    app.add_typer(period_app, name="period")
    app.add_typer(bank_app, name="bank")


@period_app.command("close")
def close(ctx: typer.Context, ledger: LedgerArg, month: Month, memo: Memo = None,
          key: Annotated[str, key_option("agent")] = "agent") -> None:
    """Close a month's books, as the agent (no entry may then be dated in it)."""
    cli = cli_of(ctx)
    print_receipt(cli.submit(cli.signer(ledger, key).close_period(month, memo)),
                  f"closed {month} (waits for the supervisors' co-signature)")


@period_app.command("cosign")
def cosign(ctx: typer.Context, ledger: LedgerArg, month: Month, memo: Memo = None,
           key: Annotated[str, key_option("supervisor")] = "supervisor") -> None:
    """Co-sign a month's close, as the supervisory committee (居务监督委员会)."""
    cli = cli_of(ctx)
    print_receipt(cli.submit(cli.signer(ledger, key).cosign_period_close(month, memo)),
                  f"co-signed the close of {month}")


@period_app.command("carry")
def carry(ctx: typer.Context, ledger: LedgerArg,
          year: Annotated[int, typer.Argument(help="The year to close, e.g. 2025.")],
          net_assets: Annotated[str, typer.Option(
              "--net-assets", help="The net-asset account the result goes to, e.g. 3001.")],
          key: Annotated[str, key_option("agent")] = "agent") -> None:
    """Post the year-end close (结转): the year's income and expenses, per fund, to net
    assets, dated 31 December; the ledger checks the amounts are exactly the year's."""
    cli = cli_of(ctx)
    postings = closing_postings(cli.app.state(ledger), year, net_assets)
    if not postings:
        raise DomainError(f"{year} has no income or expense left to carry")
    body = {"date": f"{year}-12-31", "category": "closing", "memo": f"{year}年度结转 year-end close",
            "counterparty": {"kind": "organisation", "name": SELF}, "closing": str(year),
            "postings": postings}
    print_receipt(cli.submit(cli.signer(ledger, key).sign("entry.posted", body)),
                  f"carried {year} to net assets")


@bank_app.command("statement")
def statement(
    ctx: typer.Context, ledger: LedgerArg,
    account: Annotated[str, typer.Option("--account", help="The bank account, e.g. 1002.")],
    date: Annotated[str, typer.Option("--date", metavar="YYYY-MM-DD",
                                      help="The statement's date.")],
    balance: Annotated[str, typer.Option("--balance", help="The bank's balance, e.g. "
                                                           "213,734.00.")],
    document: Annotated[Optional[Path], typer.Option(
        "--statement", exists=True, dir_okay=False, metavar="FILE",
        help="The bank statement: its SHA-256 goes on the log.")] = None,
    document_sha256: Annotated[Optional[str], typer.Option(
        "--statement-sha256", metavar="HEX", help="Or the statement's SHA-256.")] = None,
    fund: Annotated[Optional[str], typer.Option(
        "--fund", help="One fund's balance; leave out for all funds.")] = None,
    memo: Memo = None,
    key: Annotated[str, key_option("cashier")] = "cashier",
) -> None:
    """Record a bank statement's balance, as the cashier; the reconciliation sheet
    (GET .../reconciliations) holds it against the books."""
    cli = cli_of(ctx)
    minor = money.parse_amount(balance, cli.currency(ledger))
    signed = cli.signer(ledger, key).record_bank_statement(
        account, date, minor, digest(document, document_sha256, "statement"), fund, memo)
    print_receipt(cli.submit(signed), f"bank statement of {account} on {date}")
