"""`sunledger witness ...`: an independent witness that cosigns a log's checkpoints
only while each one extends the last it cosigned (ledger.witness.cosigner does the work)."""

from __future__ import annotations

import re
import time
from pathlib import Path
from typing import Annotated, Optional

import typer
from rich.markup import escape

from ledger.cli.common import cli_of, out
from ledger.cli.input_files import KEY_FILE_BYTES_MAX, read_text_capped
from ledger.errors import FormatError, LedgerError
from ledger.format.keys import write_secret_file

witness_app = typer.Typer(help="Run a witness that cosigns checkpoints (split-view defence).",
                          no_args_is_help=True)


def register(app: typer.Typer) -> None:
    app.add_typer(witness_app, name="witness")


def _default_key_path(data_dir: Path, name: str) -> Path:
    return data_dir / "witness" / (re.sub(r"[^A-Za-z0-9._-]", "_", name) + ".skey")


@witness_app.command("new-key")
def new_key(
    ctx: typer.Context,
    name: Annotated[str, typer.Argument(help="The witness's name, e.g. witness.example/alice.")],
    out_path: Annotated[Optional[Path], typer.Option(
        "--out", metavar="PATH", help="Where to keep the secret key. Default: "
        "DATA_DIR/witness/NAME.skey.")] = None,
) -> None:
    """Make a witness key; prints the verifier key logs add to their witnesses file."""
    from ledger.witness.cosigner import new_witness_signer

    cli = cli_of(ctx)
    signer = new_witness_signer(name)
    path = out_path.expanduser() if out_path else _default_key_path(cli.settings.data_dir, name)
    try:
        write_secret_file(path, signer.skey + "\n")
    except FileExistsError:
        raise LedgerError(f"witness key {path} already exists; it is never overwritten") from None
    out().print(f"witness key kept in {escape(str(path))}")
    out().print("verifier key (give it to the log):")
    out().print(signer.verifier().vkey, soft_wrap=True, markup=False)


@witness_app.command("accept")
def accept(
    ctx: typer.Context,
    vkey: Annotated[str, typer.Argument(
        metavar="VKEY_OR_FILE", help="The witness's verifier key (what `witness new-key` "
        "printed), or a file holding it.")],
) -> None:
    """On the log's server: list a witness whose cosignatures the log accepts
    (DATA_DIR/witnesses; the server reads it when it starts)."""
    from ledger.log.cosignatures import load_witness_keys, witnesses_file, witnesses_of

    cli = cli_of(ctx)
    key = _read(vkey)
    witness = witnesses_of(cli.settings, [key])[0]  # refuses a malformed or non-witness key
    listed = load_witness_keys(cli.settings) or []
    path = witnesses_file(cli.settings)
    if key in listed:
        out().print(f"{escape(witness.name)} is already listed in {escape(str(path))}")
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    held = path.read_text(encoding="utf-8") if path.exists() else ""
    ends_open = bool(held) and not held.endswith("\n")
    with path.open("a", encoding="utf-8") as listing:
        listing.write(("\n" if ends_open else "") + key + "\n")
    out().print(f"{escape(witness.name)} may now cosign; listed in {escape(str(path))} "
                "(restart the server to apply)")


def _read(value: str) -> str:
    path = Path(value).expanduser()
    if not path.is_file():
        return value.strip()
    return read_text_capped(path, KEY_FILE_BYTES_MAX, "key file").strip()


@witness_app.command("run")
def run(
    ctx: typer.Context,
    url: Annotated[str, typer.Option("--url", help="The log server, e.g. http://127.0.0.1:8000.")],
    ledger: Annotated[str, typer.Option("--ledger", help="The ledger to witness.")],
    key: Annotated[Path, typer.Option(
        "--key", exists=True, dir_okay=False, help="The witness's secret key file.")],
    log_key: Annotated[str, typer.Option(
        "--log-key", metavar="VKEY_OR_FILE", help="The log's verifier key you trust.")],
    state: Annotated[Optional[Path], typer.Option(
        "--state", metavar="DIR", help="The witness's memory: a directory with one state file "
        "per log origin, locked during each round. Default: DATA_DIR/witness/.")] = None,
    every: Annotated[Optional[float], typer.Option(
        "--every", metavar="SECONDS", help="Keep running, cosigning this often.")] = None,
) -> None:
    """Cosign the ledger's latest checkpoint if it extends the last one cosigned."""
    from ledger.format.notes import Signer
    from ledger.witness.cosigner import run_forever, run_once

    cli = cli_of(ctx)
    try:
        signer = Signer.parse(read_text_capped(key, KEY_FILE_BYTES_MAX, "key file").strip())
    except (UnicodeError, ValueError, FormatError):
        raise FormatError(f"{key} is not a witness key file") from None
    memory = state.expanduser() if state else cli.settings.data_dir / "witness"
    vkey = _read(log_key)
    if every:
        out().print(f"witnessing {escape(ledger)} at {escape(url)} every {every:g}s (Ctrl+C stops)")
        run_forever(url, ledger, signer, memory, vkey, interval_seconds=every,
                    report=RoundReport())
        return
    result = run_once(url, ledger, signer, memory, vkey)
    out().print(f"cosigned {escape(result.origin)} at size {result.size} "
                f"(last cosigned: {result.old_size})")


class RoundReport:
    """What `witness run --every` prints: each newly cosigned checkpoint, and each new
    reason a round failed (once, not every round while the log stays down)."""

    def __init__(self) -> None:
        self.size: int | None = None
        self.failure: str | None = None

    def __call__(self, outcome) -> None:
        from ledger.witness.cosigner import WitnessError

        now = time.strftime("%H:%M:%S")
        if isinstance(outcome, WitnessError):
            if str(outcome) != self.failure:
                self.failure = str(outcome)
                out().print(f"{now} not cosigned: {escape(self.failure)} (trying again)")
            return
        self.failure = None
        if outcome.size != self.size:
            self.size = outcome.size
            out().print(f"{now} cosigned {escape(outcome.origin)} at size {outcome.size} "
                        f"(last cosigned: {outcome.old_size})")
