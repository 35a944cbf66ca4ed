"""What the public sees, from the command line: `disclosure catalogue|publish`,
`question answer|close|list`, and `intake-key` (registering the server's
question-intake key, ``ledger.keystore.intake_keys``).

A disclosure's sheet is rendered here from the ledger (``ledger.domain.sheets``)
and only its SHA-256 (and, for a period, its totals) goes on the log; keep the
sheet with ``--sheet-out`` to print it for the notice board.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Optional

import typer
from rich.table import Table
from rich.text import Text

from ledger.keystore import intake_keys
from ledger.cli.common import LedgerArg, cli_of, out, print_receipt, today
from ledger.cli.governance import DateOption, digest, key_option, write_sheet
from ledger.cli.input_files import load_json_document
from ledger.domain import questions as question_board
from ledger.domain.disclosures import STANDARD_CATALOGUE
from ledger.domain.sheets import period_sheet, trade_sheet
from ledger.errors import FormatError, NotFound

disclosure_app = typer.Typer(help="Disclosures (公开): the catalogue and published sheets.",
                             no_args_is_help=True)
question_app = typer.Typer(help="Residents' questions (质询): answer, close, list.",
                           no_args_is_help=True)
READ_PAGE = 1000


def register(app: typer.Typer) -> None:
    app.add_typer(disclosure_app, name="disclosure")
    app.add_typer(question_app, name="question")
    app.command("intake-key")(intake_key)


@disclosure_app.command("catalogue")
def catalogue(
    ctx: typer.Context, ledger: LedgerArg,
    file: Annotated[Optional[Path], typer.Option(
        "--file", exists=True, dir_okay=False,
        help="A JSON list of {code, name_zh, name_en, frequency}; default: the four "
             "mandatory items.")] = None,
    key: Annotated[str, key_option("committee")] = "committee",
) -> None:
    """Set what must be disclosed (committee)."""
    cli = cli_of(ctx)
    items = load_json_document(file) if file else STANDARD_CATALOGUE
    print_receipt(cli.submit(cli.signer(ledger, key).set_catalogue(items)),
                  "disclosure catalogue set")


def _entries(cli, ledger: str, size: int) -> list:
    entries: list = []
    while len(entries) < size:
        entries += cli.app.entries(ledger, len(entries), min(READ_PAGE, size - len(entries)))
    return entries


@disclosure_app.command("publish")
def publish(
    ctx: typer.Context, ledger: LedgerArg,
    trade: Annotated[Optional[int], typer.Option("--trade", help="A trade's award or "
                                                                 "completion.")] = None,
    stage: Annotated[Optional[str], typer.Option("--stage", help="award or completion.")] = None,
    item: Annotated[Optional[str], typer.Option(
        "--item", help="A catalogue item, e.g. fund_flows (with --period).")] = None,
    period: Annotated[Optional[str], typer.Option("--period", help="2026-03, 2026-Q1, 2026.")
                      ] = None,
    fund: Annotated[Optional[str], typer.Option("--fund")] = None,
    project: Annotated[Optional[str], typer.Option("--project")] = None,
    sheet: Annotated[Optional[Path], typer.Option(
        "--sheet", exists=True, dir_okay=False,
        help="For other items: the sheet that was published.")] = None,
    where: Annotated[Optional[str], typer.Option("--where", help="e.g. 社区公开栏.")] = None,
    sheet_out: Annotated[Optional[Path], typer.Option("--sheet-out")] = None,
    date: DateOption = None,
    key: Annotated[str, key_option("committee")] = "committee",
) -> None:
    """Publish a disclosure (committee): a trade's award or completion sheet, a period's
    income and spending of a fund or project (totals checked by the ledger), or any
    other catalogue item's sheet."""
    cli = cli_of(ctx)
    state = cli.app.state(ledger)
    signer = cli.signer(ledger, key)
    published_on = date or today()
    if trade is not None:
        if stage not in ("award", "completion") or item not in (None, "asset_trades"):
            raise FormatError("--trade goes with --stage award or --stage completion")
        if trade not in state.trades:
            raise NotFound(f"trade {trade} does not exist", trade=trade)
        rendered = trade_sheet(state, trade, stage)
        signed = signer.publish_disclosure(
            "asset_trades", published_on, rendered.sha256, where=where,
            subject={"kind": "trade", "ref": trade, "stage": stage})
    elif item and period:
        if (fund is None) == (project is None):
            raise FormatError("--period goes with --fund or --project (one of them)")
        if project is not None and project not in state.projects:
            raise NotFound(f"project {project} is not registered", project=project)
        rendered = period_sheet(state, _entries(cli, ledger, state.size), period=period,
                                fund=fund, project=project)
        signed = signer.publish_disclosure(item, published_on, rendered.sha256, period=period,
                                           fund=fund, project=project,
                                           totals=rendered.totals_body(), where=where)
    elif item and sheet is not None:
        signed = signer.publish_disclosure(item, published_on, digest(sheet, None, "sheet"),
                                           where=where)
        rendered = None
    else:
        raise FormatError("give --trade and --stage, or --item with --period, or --item with "
                          "--sheet")
    if rendered is not None:
        write_sheet(sheet_out, rendered.text)
    print_receipt(cli.submit(signed), "disclosure published")


# --- questions ---------------------------------------------------------------------------


@question_app.command("answer")
def answer(
    ctx: typer.Context, ledger: LedgerArg,
    question: Annotated[int, typer.Argument(help="The question's seq.")],
    text: Annotated[str, typer.Option("--text", help="The answer, for everyone to read.")],
    key: Annotated[str, key_option("committee")] = "committee",
) -> None:
    """Answer a resident's question (committee or supervisor)."""
    cli = cli_of(ctx)
    print_receipt(cli.submit(cli.signer(ledger, key).answer(question, text)),
                  f"answered question {question}")


@question_app.command("close")
def close(
    ctx: typer.Context, ledger: LedgerArg,
    question: Annotated[int, typer.Argument(help="The question's seq.")],
    note: Annotated[Optional[str], typer.Option("--note")] = None,
    key: Annotated[str, key_option("committee")] = "committee",
) -> None:
    """Close an answered question (committee or supervisor)."""
    cli = cli_of(ctx)
    print_receipt(cli.submit(cli.signer(ledger, key).close_question(question, note)),
                  f"closed question {question}")


@question_app.command("list")
def list_questions(
    ctx: typer.Context, ledger: LedgerArg,
    status: Annotated[Optional[str], typer.Option("--status",
                                                  help="open, answered or closed.")] = None,
) -> None:
    """Every question with its status and how long it took (hours)."""
    cli = cli_of(ctx)
    rows = question_board.board(cli.app.state(ledger))
    table = Table(title=f"questions of {ledger}")
    for column in ("seq", "about", "status", "asked at", "hours to answer", "hours to close",
                   "rating", "question"):
        table.add_column(column)
    for row in rows:
        if status and row["status"] != status:
            continue
        text = cli.app.entries(ledger, row["seq"], 1)[0].statement.body["text"]
        about = f"{row['about']['kind']} {row['about']['ref'] or ''}".strip()
        table.add_row(str(row["seq"]), about,
                      row["status"], row["asked_at"], _hours(row["hours_to_answer"]),
                      _hours(row["hours_to_close"]), row["rating"] or "", Text(text))
    out().print(table)


def _hours(value: float | None) -> str:
    return "" if value is None else f"{value:g}"


# --- the server's intake key ----------------------------------------------------------------


def intake_key(
    ctx: typer.Context, ledger: LedgerArg,
    admin_key: Annotated[str, typer.Option(
        "--admin-key", metavar="PATH_OR_LABEL", help="The admin's key file or label.")
    ] = "admin",
) -> None:
    """Register this server's question-intake key (made if missing, kept under
    DATA_DIR/intake-keys/) so the API takes residents' questions for LEDGER."""
    cli = cli_of(ctx)
    key, made = intake_keys.load_or_create_intake_key(cli.settings, ledger)
    path = intake_keys.intake_key_path(cli.settings, ledger)
    console = out()
    console.print(f"intake key {key.key_id} {'made at' if made else 'from'} {path}",
                  markup=False, soft_wrap=True)
    if intake_keys.is_registered(cli.app.state(ledger), key):
        console.print("already registered with the role intake; nothing to do")
        return
    admin = cli.signer(ledger, admin_key)
    receipt = cli.submit(admin.register_key(key, ["intake"], intake_keys.REGISTERED_LABEL))
    print_receipt(receipt, f"registered {key.key_id} as intake")
