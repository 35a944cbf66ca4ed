"""Inspection findings (巡察) and the document store from the command line:
`finding raise|assign|rectify|reopen|close|list` and `document upload`.

`finding raise --from-red-flag ID` turns a red flag (its ``id`` from
``/audit/red-flags``, as the read model holds it) into a finding in one step: the
flag's entries, and its message as the auditors-only detail. `finding rectify
--evidence FILE` signs the file's SHA-256 and then keeps the file in the document
store, so residents can download it and check it against the log.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Optional

import typer
from rich.table import Table

from ledger.cli.common import LedgerArg, cli_of, out, print_receipt
from ledger.cli.governance import key_option
from ledger.domain.documents import sha256_of
from ledger.errors import FormatError, NotFound

finding_app = typer.Typer(help="Inspection findings (巡察): raise, assign, rectify, reopen, "
                               "close, list.", no_args_is_help=True)
document_app = typer.Typer(help="The document store: sheets, minutes, contracts and evidence "
                                "the log names by SHA-256.", no_args_is_help=True)
FindingArg = Annotated[int, typer.Argument(metavar="FINDING",
                                           help="The seq of the finding_raised entry.")]


def register(app: typer.Typer) -> None:
    app.add_typer(finding_app, name="finding")
    app.add_typer(document_app, name="document")


def _read(path: Path) -> bytes:
    from ledger.domain import policy

    path = path.expanduser()
    if path.stat().st_size > policy.document_bytes_max:
        raise FormatError(f"{path} is over the document limit of {policy.document_bytes_max} "
                          "bytes")
    return path.read_bytes()


def keep_document(cli, ledger: str, key: str, path: Path, media_type: str = "") -> None:
    from ledger.log.documents import DocumentStore

    content = _read(path)
    signer = cli.signer(ledger, key)
    kept = DocumentStore(cli.app).put(ledger, signer.key_id, sha256_of(content), content,
                                      media_type)
    again = "" if kept.created else " (already kept)"
    out().print(f"document {kept.sha256} kept as {kept.media_type}, {kept.size} bytes{again}",
                markup=False, soft_wrap=True)


@document_app.command("upload")
def upload(ctx: typer.Context, ledger: LedgerArg,
           file: Annotated[Path, typer.Argument(exists=True, dir_okay=False)],
           key: Annotated[str, key_option("committee")] = "committee",
           media_type: Annotated[str, typer.Option(
               "--type", help="text/csv or application/json for text; others are told by "
                              "their bytes.")] = "") -> None:
    """Keep FILE in the document store; an entry must name its SHA-256 already, and the
    key's role must be one that may sign that entry's type."""
    keep_document(cli_of(ctx), ledger, key, file, media_type)


def _from_red_flag(cli, ledger: str, flag_id: str) -> tuple[str, str, list[int]]:
    from projections.governance_flags import red_flag
    from projections.view import open_view
    from projections.worker import catch_up

    catch_up(cli.app)
    flag = red_flag(open_view(cli.app), ledger, flag_id)
    if flag is None:
        raise NotFound(f"ledger {ledger} has no red flag {flag_id} (see /audit/red-flags)",
                       flag=flag_id)
    return f"红旗 red flag {flag['code']}", flag["message"], flag["seqs"]


@finding_app.command("raise")
def raise_finding(
    ctx: typer.Context, ledger: LedgerArg,
    about: Annotated[Optional[str], typer.Option(
        "--about", metavar="KIND:REF", help="entry:SEQ, trade:SEQ, contract:SEQ, fund:CODE.")
    ] = None,
    from_red_flag: Annotated[Optional[str], typer.Option(
        "--from-red-flag", metavar="ID", help="A red flag's id, e.g. round-cash:1830.")] = None,
    title: Annotated[Optional[str], typer.Option("--title")] = None,
    detail: Annotated[Optional[str], typer.Option("--detail")] = None,
    key: Annotated[str, key_option("supervisor")] = "supervisor",
) -> None:
    """Raise a finding about an entry, trade, contract or fund, or promote a red flag."""
    cli = cli_of(ctx)
    if (about is None) == (from_red_flag is None):
        raise FormatError("give --about KIND:REF or --from-red-flag ID (one of them)")
    entries = None
    if from_red_flag is not None:
        flag_title, flag_detail, entries = _from_red_flag(cli, ledger, from_red_flag)
        kind, ref = "red_flag", from_red_flag
        title, detail = title or flag_title, detail or flag_detail
    else:
        kind, _, text = about.partition(":")
        ref = int(text) if text.isdigit() and kind != "fund" else text
    if not title:
        raise FormatError("give --title")
    signed = cli.signer(ledger, key).raise_finding(kind, ref, title, detail=detail,
                                                   entries=entries)
    print_receipt(cli.submit(signed), "finding raised")


@finding_app.command("assign")
def assign(ctx: typer.Context, ledger: LedgerArg, finding: FindingArg,
           owner: Annotated[str, typer.Option("--owner")],
           deadline: Annotated[str, typer.Option("--deadline", metavar="YYYY-MM-DD")],
           key: Annotated[str, key_option("supervisor")] = "supervisor") -> None:
    """Give a finding to an owner with a deadline (the raising role)."""
    cli = cli_of(ctx)
    print_receipt(cli.submit(cli.signer(ledger, key).assign_finding(finding, owner, deadline)),
                  "finding assigned")


@finding_app.command("rectify")
def rectify(ctx: typer.Context, ledger: LedgerArg, finding: FindingArg,
            evidence: Annotated[Path, typer.Option("--evidence", exists=True, dir_okay=False)],
            note: Annotated[Optional[str], typer.Option("--note")] = None,
            key: Annotated[str, key_option("committee")] = "committee") -> None:
    """Record the rectification with its evidence file, and keep the file."""
    cli = cli_of(ctx)
    digest = sha256_of(_read(evidence))
    print_receipt(cli.submit(cli.signer(ledger, key).rectify_finding(finding, digest,
                                                                     note=note)),
                  "finding rectified")
    keep_document(cli, ledger, key, evidence)


@finding_app.command("reopen")
def reopen(ctx: typer.Context, ledger: LedgerArg, finding: FindingArg,
           reason: Annotated[str, typer.Option("--reason")],
           key: Annotated[str, key_option("supervisor")] = "supervisor") -> None:
    """Send a rectified finding back (the raising role)."""
    cli = cli_of(ctx)
    print_receipt(cli.submit(cli.signer(ledger, key).reopen_finding(finding, reason)),
                  "finding reopened")


@finding_app.command("close")
def close(ctx: typer.Context, ledger: LedgerArg, finding: FindingArg,
          note: Annotated[Optional[str], typer.Option("--note")] = None,
          key: Annotated[str, key_option("supervisor")] = "supervisor") -> None:
    """Close a rectified finding (the raising role)."""
    cli = cli_of(ctx)
    print_receipt(cli.submit(cli.signer(ledger, key).close_finding(finding, note=note)),
                  "finding closed")


@finding_app.command("list")
def list_findings(ctx: typer.Context, ledger: LedgerArg) -> None:
    """Every finding with its status, deadline and whether it is overdue (today)."""
    from api.web_lang import server_today
    from ledger.domain.inspection_deadlines import is_overdue

    app = cli_of(ctx).app
    state, today = app.state(ledger), server_today(app)
    table = Table("seq", "about", "raised by", "status", "deadline", "overdue")
    for finding in sorted(state.inspection_findings.values(), key=lambda f: f.seq):
        overdue = is_overdue(finding.status, finding.deadline, today)
        table.add_row(str(finding.seq), f"{finding.about_kind}:{finding.about_ref}",
                      ",".join(sorted(finding.raised_roles)), finding.status,
                      finding.deadline or "-", "OVERDUE" if overdue else "")
    out().print(table)
