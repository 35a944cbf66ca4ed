"""`sunledger restore`: bring back the entries a restored (older) database lost.

After a database is restored from a backup older than the server's latest
checkpoint, the server refuses writes (``log-behind-checkpoint``). An audit
bundle exported later (``sunledger export LEDGER --bundle DIR``) holds the
missing entries: the bundle is verified offline first (chain, signatures, its
checkpoint, and consistency with the checkpoint this server kept), then
``ledger.log.restore`` writes the entries the store lacks in one transaction,
checking each again against the ledger as it stood.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape

from ledger.cli.common import LedgerArg, cli_of, out, progress_bar
from ledger.errors import CheckpointError


def register(app: typer.Typer) -> None:
    app.command("restore")(restore)


def restore(
    ctx: typer.Context,
    ledger: LedgerArg,
    bundle: Annotated[Path, typer.Option(
        "--bundle", exists=True, file_okay=False, metavar="DIR",
        help="An audit bundle of LEDGER exported after the backup was taken.")],
) -> None:
    """Put back, from a newer audit bundle, the entries of LEDGER the database lacks."""
    from ledger.log.kept_checkpoint import kept_path
    from ledger.log.restore import restore_entries
    from ledger.verify.bundle import ENTRIES_FILE, verify_bundle

    cli = cli_of(ctx)
    kept = kept_path(cli.settings, ledger)
    with progress_bar("verifying the bundle") as progress:
        report = verify_bundle(bundle, since=kept if kept.exists() else None,
                               progress=progress)
    if not report.ok:
        first = report.findings[0]
        raise CheckpointError(f"the bundle does not verify ({len(report.findings)} finding(s); "
                              f"first: {first.message}); nothing was restored")
    with (bundle / ENTRIES_FILE).open("rb") as handle:
        leaves = (line.rstrip(b"\n") for line in handle)
        written = restore_entries(cli.app, ledger, leaves)
    size = cli.app.reader.size(ledger)
    out().print(f"restored {written} entries of [bold]{escape(ledger)}[/bold] from "
                f"{escape(str(bundle))}; the store holds {size} entries and extends the "
                "checkpoint this server signed")
    if kept.exists():
        out().print(f"check it: sunledger verify {ledger} --since {escape(str(kept))}",
                    soft_wrap=True)
