"""Auditing and serving: `verify`, `export --bundle`, `checkpoint`, `serve`.

The verifier, bundles, checkpoints and the API live in their own modules and
are imported inside each command, so the rest of the CLI starts fast and
keeps working while one of them is being changed.
"""

from __future__ import annotations

import os
from functools import partial
from pathlib import Path
from typing import Annotated, Any, Optional

import typer
from rich.markup import escape
from rich.table import Table
from rich.text import Text

from ledger.cli.common import LedgerArg, cli_of, err, out, progress_bar
from ledger.cli.input_files import KEY_FILE_BYTES_MAX, read_text_capped
from ledger.errors import FormatError, LedgerNotFound
from ledger.format.statements import SLUG_RE


def register(app: typer.Typer) -> None:
    app.command("verify")(verify)
    app.command("export")(export)
    app.command("checkpoint")(checkpoint)
    app.command("serve")(serve)


def _text_or_file(value: str | None) -> str | None:
    """A key or note given inline, or the path of a file that holds it."""
    if value is None:
        return None
    path = Path(value).expanduser()
    if not path.is_file():
        return value.strip()
    return read_text_capped(path, KEY_FILE_BYTES_MAX, "key file").strip()


def _print_report(report: Any, what: str) -> None:
    findings = list(report.findings)
    if findings:
        table = Table(title=escape(f"findings for {what}"), title_justify="left")
        table.add_column("seq", justify="right")
        table.add_column("code", no_wrap=True)
        table.add_column("message")
        for finding in findings:
            where = getattr(finding, "checkpoint_size", None)
            seq = (str(finding.seq) if finding.seq is not None
                   else f"checkpoint {where}" if where is not None else "-")
            table.add_row(seq, Text(str(finding.code)), Text(str(finding.message)))
        out().print(table)
    size = getattr(report, "size", None)
    counted = f" ({size} entries)" if size is not None else ""
    if report.ok:
        out().print(f"[bold green]OK[/bold green]: {escape(what)} verifies{counted}")
        return
    err().print(Text(f"error: {what} does not verify: {len(findings)} finding(s){counted}",
                     style="bold red"), soft_wrap=True)
    raise typer.Exit(1)


def verify(
    ctx: typer.Context,
    target: Annotated[Optional[str], typer.Argument(
        metavar="LEDGER|DIR",
        help="A ledger slug (checked in the store) or an audit bundle directory.")] = None,
    url: Annotated[Optional[str], typer.Option(
        "--url", help="Verify a live server instead, e.g. https://sunledger.example.")] = None,
    ledger: Annotated[Optional[str], typer.Option(
        "--ledger", help="The ledger to verify on --url.")] = None,
    log_key: Annotated[Optional[str], typer.Option(
        "--log-key", metavar="VKEY_OR_FILE",
        help="The log's verifier key you trust (else the one in genesis).")] = None,
    genesis_hash: Annotated[Optional[str], typer.Option(
        "--genesis-hash", help="The genesis entry hash from the notice board, to pin.")] = None,
    since: Annotated[Optional[Path], typer.Option(
        "--since", exists=True, dir_okay=False, metavar="OLD_CHECKPOINT",
        help="A checkpoint you kept earlier: the log must be consistent with it.")] = None,
    workers: Annotated[Optional[int], typer.Option(
        "--workers", help="Processes for signature checks. Default: one per core.")] = None,
) -> None:
    """Check a whole ledger, a bundle or a live server; print every finding by seq."""
    from ledger.verify.bundle import verify_bundle, verify_url

    pins = {"log_vkey": _text_or_file(log_key), "genesis_hash": genesis_hash}
    if url:
        if not ledger or target:
            raise FormatError("--url needs --ledger LEDGER (and no LEDGER|DIR argument)")
        what = f"{ledger} at {url}"
        run = partial(verify_url, url, ledger, since=since, workers=workers, **pins)
    elif target and Path(target).expanduser().is_dir():
        what = f"bundle {target}"
        run = partial(verify_bundle, Path(target).expanduser(), since=since, workers=workers,
                      **pins)
    elif target and SLUG_RE.fullmatch(target):
        what = f"ledger {target}"
        old_note = read_text_capped(since, KEY_FILE_BYTES_MAX, "checkpoint") if since else None
        run = partial(_verify_store, cli_of(ctx), target, old_checkpoint_note=old_note,
                      workers=workers, **pins)
    elif target:
        raise FormatError(f"{target!r} is neither a bundle directory nor a ledger slug")
    else:
        raise FormatError("give a LEDGER, a bundle DIR, or --url URL --ledger LEDGER")
    with progress_bar("verifying") as progress:
        report = run(progress=progress)
    _print_report(report, what)


def _verify_store(cli: Any, slug: str, **options: Any) -> Any:
    from ledger.log.checkpointing import CheckpointLog
    from ledger.log.figures import kept_figures
    from ledger.verify.run import verify_ledger

    if cli.app.reader.size(slug) == 0:  # one clear line, not an empty report
        raise LedgerNotFound(f"ledger {slug!r} does not exist in {cli.settings.describe()}")
    latest = CheckpointLog(cli.app).latest(slug)
    figures = [(kept.note, kept.document()) for kept in kept_figures(cli.app, slug)]
    return verify_ledger(cli.app, slug, checkpoint_note=latest, figures=figures, **options)


def export(
    ctx: typer.Context,
    ledger: LedgerArg,
    bundle: Annotated[Optional[Path], typer.Option(
        "--bundle", metavar="DIR", file_okay=False,
        help="Write entries.ndjson, checkpoint, figures and figures.json here, for offline "
             "audit.")] = None,
    beancount: Annotated[Optional[Path], typer.Option(
        "--beancount", metavar="FILE", dir_okay=False,
        help="Write the books as one beancount file (bean-check accepts it; its balances "
             "are the figures at the checkpoint signed now).")] = None,
) -> None:
    """Sign a checkpoint of the ledger now and write an audit bundle, or the books as a
    beancount file, for it."""
    from ledger.format.checkpoints import Checkpoint
    from ledger.format.notes import split_note
    from ledger.log.checkpointing import CheckpointLog

    if (bundle is None) == (beancount is None):
        raise FormatError("give one of --bundle DIR or --beancount FILE")
    cli = cli_of(ctx)
    if cli.app.reader.size(ledger) == 0:
        raise LedgerNotFound(f"ledger {ledger!r} does not exist in {cli.settings.describe()}")
    log = CheckpointLog(cli.app)
    note = log.issue(ledger)
    size = Checkpoint.parse(split_note(note)[0]).size
    if beancount is not None:
        _export_beancount(cli, ledger, size, beancount.expanduser())
        return
    from ledger.verify.bundle import export_bundle

    kept = log.figures(ledger, size)
    count = export_bundle(cli.app, ledger, bundle.expanduser(), note,
                          (kept.note, kept.document()))
    out().print(f"wrote {count} entries, their checkpoint and figures to "
                f"{escape(str(bundle))}")
    out().print(f"check it with: sunledger verify {escape(str(bundle))}")


def _export_beancount(cli: Any, ledger: str, size: int, path: Path) -> None:
    from ledger.beancount import write_beancount

    write_beancount(cli.app, ledger, size, path)
    out().print(f"wrote the books of {ledger} at size {size} (the figures of that checkpoint) "
                f"to {escape(str(path))}")
    out().print(f"check it with: bean-check {escape(str(path))}")


def checkpoint(ctx: typer.Context, ledger: LedgerArg) -> None:
    """Sign (or fetch, if already signed) the checkpoint of the ledger's current tree."""
    from ledger.log.checkpointing import CheckpointLog

    note = CheckpointLog(cli_of(ctx).app).issue(ledger)
    out().print(Text(note), end="", soft_wrap=True)


def serve(
    ctx: typer.Context,
    host: Annotated[str, typer.Option("--host", help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", help="Port to listen on.")] = 8000,
    forwarded_allow_ips: Annotated[str, typer.Option(
        "--forwarded-allow-ips", metavar="ADDRESSES", envvar="SUNLEDGER_FORWARDED_ALLOW_IPS",
        help="Proxies whose X-Forwarded-For names the client (comma-separated addresses "
             "or networks, e.g. 127.0.0.1). Default: none; the peer is the client.")] = "",
    access_log: Annotated[bool, typer.Option(
        "--access-log/--no-access-log", envvar="SUNLEDGER_ACCESS_LOG",
        help="Print a line per request (uvicorn's access log). Off by default: it costs "
             "about 5% of a write's time, and the proxy in front keeps one anyway.")] = False,
    read_database_url: Annotated[Optional[list[str]], typer.Option(
        "--read-database-url", metavar="URL",
        help="A PostgreSQL hot standby of the database that answers reads (repeat for "
             "several). Default: SUNLEDGER_READ_DATABASE_URLS (comma-separated).")] = None,
) -> None:
    """Run the HTTP API and resident pages (uvicorn) on this machine's store."""
    from dataclasses import replace

    from api.app import serve as run_server

    cli = cli_of(ctx)
    settings = cli.settings
    if read_database_url:
        settings = replace(settings, read_database_urls=tuple(read_database_url))
    if settings.read_database_urls and not settings.is_postgres:
        raise FormatError("read replicas need a PostgreSQL primary (--db postgresql://...)")
    from projections.risk_grade import load_rule

    load_rule(settings.risk_rule)  # SUNLEDGER_RISK_RULE: a bad file stops here, in one line
    from api.app import projections_mode

    # SUNLEDGER_SERVE_PROJECTIONS: a bad value stops here, before anything is opened.
    mode = projections_mode(os.environ.get("SUNLEDGER_SERVE_PROJECTIONS", ""),
                            postgres=settings.is_postgres)
    replicas = f" and {len(settings.read_database_urls)} read replica(s)" \
        if settings.read_database_urls else ""
    projections = {"0": "elsewhere (sunledger project)", "thread": "in a thread",
                   "process": "in a child process"}[mode]
    err().print(f"serving {escape(settings.describe())}{replicas} on http://{host}:{port}/ "
                f"(read models kept {projections}; Ctrl+C stops)")
    run_server(settings, host=host, port=port, forwarded_allow_ips=forwarded_allow_ips,
               access_log=access_log)
