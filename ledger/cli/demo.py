"""`sunledger demo`: the demo community 新竹社区 and a year of its books, and the small
second community 河畔社区 beside it (once) for the street office's overview."""

from __future__ import annotations

from typing import Annotated, Optional

import typer
from rich.markup import escape

from ledger.cli.common import cli_of, out, progress_bar
from ledger.demo.year import SEED


def register(app: typer.Typer) -> None:
    app.command("demo")(demo)


def demo(
    ctx: typer.Context,
    ledger: Annotated[str, typer.Argument(help="Slug of the demo ledger.")] = "xinzhu",
    entries: Annotated[int, typer.Option(
        "--entries", help="How many entries the year has in all.")] = 3000,
    seed: Annotated[int, typer.Option(
        "--seed", help="The same seed plans the same year.")] = SEED,
    fresh_ledger: Annotated[Optional[str], typer.Option(
        "--fresh-ledger", metavar="NAME",
        help="Build the demo as a new ledger NAME (when LEDGER already exists).")] = None,
    if_missing: Annotated[bool, typer.Option(
        "--if-missing",
        help="If the ledger already exists, leave it as it is and succeed (for scripts "
             "that build the demo once and serve it every time).")] = False,
) -> None:
    """Build the demo community 新竹社区 with this year of its books (up to the build day).

    Keys for every role, funds, the standard npo chart of accounts, budgets, policy and
    disclosure catalogue in January; then grants, leases and rent (one tenant in
    arrears), seasonal activities, works contracts with instalments, acceptance and
    retention, subsidies, transfers, reversals, the cashier's confirmations, and each
    month a bank statement, a close and disclosures; then its governance.
    Beside it, once, the small community 河畔社区 (ledger hepan), so the street
    office's overview (/overview) compares two.
    """
    from ledger.demo.build import build_demo, check_new_ledger
    from ledger.log.checkpointing import CheckpointLog

    cli = cli_of(ctx)
    slug = fresh_ledger or ledger
    if if_missing and cli.app.reader.size(slug):
        out().print(f"ledger [bold]{slug}[/bold] already exists in "
                    f"{escape(cli.settings.describe())}; left as it is")
        second_community(cli)
        return
    check_new_ledger(cli.app, slug, entries)  # before the progress bar: a refusal is one line
    with progress_bar(f"building {slug}", total=entries) as progress:
        result = build_demo(cli.app, slug, entries=entries, seed=seed, progress=progress)
    # Signed now, not by the server's timer: `demo && serve` answers /checkpoint and
    # /figures from its first request, and the page's balances are signed at once.
    CheckpointLog(cli.app).issue(slug)
    console = out()
    console.print(f"built [bold]{slug}[/bold] (新竹社区): {result.size} entries in "
                  f"{escape(cli.settings.describe())}")
    console.print(f"keys for every role in {escape(str(result.key_dir))}")
    console.print(f"genesis entry hash (auditors pin it): {result.genesis_hash}", soft_wrap=True)
    console.print(f"signed a checkpoint and its figures at size {result.size}")
    console.print(f"next: sunledger balances {slug} · sunledger log {slug} · "
                  f"sunledger verify {slug} · sunledger serve")
    second_community(cli)


def second_community(cli) -> None:
    """河畔社区 (``hepan``) beside the demo, once: the street office's overview compares
    two (ledger/demo/second.py). One that exists is left as it is."""
    from ledger.demo.second import NAME, SLUG, build_second_if_missing
    from ledger.log.checkpointing import CheckpointLog

    built = build_second_if_missing(cli.app)
    if built is None:
        out().print(f"ledger [bold]{SLUG}[/bold] ({NAME}) already exists; left as it is")
        return
    CheckpointLog(cli.app).issue(SLUG)
    out().print(f"built [bold]{SLUG}[/bold] ({NAME}): {built.size} entries, signed at that "
                "size; both communities side by side: /overview")
