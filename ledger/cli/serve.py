"""Running the server side and signing in: `project` and `token`.

`sunledger serve` (in cli_audit) runs the API and, by default, the projections
beside it (a child process on PostgreSQL, a thread on SQLite). With PostgreSQL the
projection worker can run as a service of its own instead (`sunledger project`,
with SUNLEDGER_SERVE_PROJECTIONS=0 on the API). `sunledger token` prints a
one-request sign-in token for the audit views, signed by the caller's own
registered key.
"""

from __future__ import annotations

import signal
import threading
from typing import Annotated

import typer

from ledger.cli.common import LedgerArg, cli_of, err


def register(app: typer.Typer) -> None:
    app.command("project")(project)
    app.command("token")(token)


def project(
    ctx: typer.Context,
    once: Annotated[bool, typer.Option(
        "--once", help="Catch up with the log, then exit (instead of following it).")] = False,
    rebuild: Annotated[bool, typer.Option(
        "--rebuild", help="Empty the read models and replay the whole log first.")] = False,
) -> None:
    """Keep the read models (balances, usage, transaction list, audit views) current."""
    from projections import worker

    cli = cli_of(ctx)
    if rebuild or once:
        applied = (worker.rebuild if rebuild else worker.catch_up)(cli.app)
        err().print(f"projected {applied} entries from {cli.settings.describe()}")
        if once:
            return
    stop = threading.Event()
    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, lambda *_: stop.set())
    err().print(f"following {cli.settings.describe()} (Ctrl+C stops)")
    cli.close()  # the worker opens its own application
    worker.run(cli.settings, stop)


def token(
    ctx: typer.Context,
    ledger: LedgerArg,
    key: Annotated[str, typer.Option("--key", help="Your key: a label or a key file.")],
    lifetime: Annotated[int, typer.Option(
        "--lifetime", min=1, max=600, help="Seconds the token is good for.")] = 300,
) -> None:
    """Print a sign-in token (EdDSA JWT) for one request to LEDGER's audit views:
    curl -H "Authorization: Bearer $(sunledger token xinzhu --key agent)" ..."""
    from ledger.log.tokens import issue_token

    signer = cli_of(ctx).signer(ledger, key)
    typer.echo(issue_token(signer.key, ledger, lifetime_seconds=lifetime))
