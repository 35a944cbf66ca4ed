"""`sunledger`: the command line of Sunledger (阳光账本).

The commands live in ``ledger/cli/*.py`` by group; this module builds the
Typer app, reads the global options and registers them. Every expected
failure ends as one red line on stderr and exit code 1 (``LedgerGroup``).
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Optional

import typer

from ledger.cli import (audit, confidential, demo, governance, inspection, journal, periods,
                        restore, serve, setup, show, witness)
from ledger.cli.common import Cli, LedgerGroup
from ledger.directory import placed_settings
from ledger.settings import Settings

app = typer.Typer(
    cls=LedgerGroup,
    name="sunledger",
    help="Sunledger (阳光账本): signed, hash-chained, Merkle-tree books for community "
         "finance. Agents record, cashiers confirm, residents and auditors verify.",
    no_args_is_help=True,
    pretty_exceptions_show_locals=False,
    add_completion=False,
)


@app.callback()
def main(
    ctx: typer.Context,
    db: Annotated[Optional[str], typer.Option(
        "--db", metavar="PATH_OR_URL",
        help="SQLite file or postgresql://user@host:port/db URL. Default: "
             "$SUNLEDGER_DATABASE_URL, else a SQLite file in the data dir.")] = None,
    data_dir: Annotated[Optional[Path], typer.Option(
        "--data-dir", metavar="DIR",
        help="Where keys, log keys and the default SQLite file live. Default: "
             "$SUNLEDGER_DATA_DIR, else the user data dir.")] = None,
) -> None:
    """Sunledger (阳光账本) command line."""
    cli = Cli(placed_settings(Settings.from_env(
        database=db, data_dir=data_dir.expanduser() if data_dir else None)))
    ctx.obj = cli
    ctx.call_on_close(cli.close)


for module in (setup, journal, show, audit, witness, demo, serve, governance, inspection,
               restore, confidential, periods):
    module.register(app)


