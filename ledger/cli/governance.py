"""Governance from the command line (docs/governance.md): the asset register
(`asset register|value|list`), the approval policy (`policy set`), approving or
rejecting a held payment (`approve`, `reject`) and residents' representative
resolutions (`resolution record|cosign|disclose`). Trades are in
``governance_trades``; disclosures, questions and the intake key in
``governance_public``; contracts in ``governance_contracts``; the steps of a matter
under 四议两公开 (`matter propose|discuss|review|implement`) in ``governance_matters``.

Each command signs one statement with the role that takes that step (``--key``
defaults to it) and the ledger checks it: a step out of order is refused with
one line and nothing is written.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Optional

import typer
from rich.table import Table
from rich.text import Text

from ledger.cli.common import LedgerArg, amount_of, cli_of, out, print_receipt, shown, today
from ledger.cli.input_files import sha256_of_file
from ledger.domain.assets import book_value_differences
from ledger.domain.sheets import resolution_sheet
from ledger.errors import FormatError, NotFound

asset_app = typer.Typer(help="The asset register (三资): register, value, list.",
                        no_args_is_help=True)
policy_app = typer.Typer(help="The approval policy (三重一大).", no_args_is_help=True)
resolution_app = typer.Typer(help="Residents' representative resolutions (四议两公开).",
                             no_args_is_help=True)


def register(app: typer.Typer) -> None:
    from ledger.cli import (governance_contracts, governance_matters, governance_public,
                            governance_trades)

    app.add_typer(asset_app, name="asset")
    app.add_typer(policy_app, name="policy")
    app.command("approve")(approve)
    app.command("reject")(reject)
    app.add_typer(resolution_app, name="resolution")
    governance_trades.register(app)
    governance_public.register(app)
    governance_contracts.register(app)
    governance_matters.register(app)


def key_option(role: str) -> typer.models.OptionInfo:
    return typer.Option("--key", metavar="PATH_OR_LABEL",
                        help=f"The signer's key file or label (default: {role}).")


DateOption = Annotated[Optional[str], typer.Option("--date", metavar="YYYY-MM-DD",
                                                   help="Business date. Default: today.")]


def digest(file: Path | None, sha256: str | None, what: str) -> str:
    """The SHA-256 of a document: of ``--WHAT FILE``, or given as ``--WHAT-sha256``."""
    if (file is None) == (sha256 is None):
        raise FormatError(f"give --{what} FILE or --{what}-sha256 HEX (one of them)")
    if file is not None:
        return sha256_of_file(file)
    return sha256.strip().lower()


def party(name: str, kind: str, id_: str | None = None) -> dict[str, str]:
    value = {"kind": kind, "name": name}
    if id_:
        value["id"] = id_
    return value


def write_sheet(path: Path | None, text: str) -> None:
    """Keep the rendered notice-board sheet: its SHA-256 is what goes on the log."""
    if path is not None:
        path.expanduser().write_text(text, encoding="utf-8")
        out().print(f"sheet written to {path}", markup=False, soft_wrap=True)


# --- assets -----------------------------------------------------------------------------


@asset_app.command("register")
def asset_register(
    ctx: typer.Context, ledger: LedgerArg,
    code: Annotated[str, typer.Argument(help="A short code, e.g. shop-1.")],
    kind: Annotated[str, typer.Option("--kind", help="shop, room, building, land, equipment, "
                                                     "vehicle or other.")],
    zh: Annotated[str, typer.Option("--zh", help="Chinese name, e.g. 临街门面1号.")],
    location: Annotated[str, typer.Option("--location", help="Where it is.")],
    en: Annotated[Optional[str], typer.Option("--en", help="English name.")] = None,
    book_value: Annotated[Optional[str], typer.Option(
        "--book-value", help='Value on the books, "380,000.00" (with --account, --fund).')] = None,
    account: Annotated[Optional[str], typer.Option(
        "--account", help="The non-money asset account carrying it, e.g. 1601.")] = None,
    fund: Annotated[Optional[str], typer.Option("--fund", help="The fund it is in.")] = None,
    deed: Annotated[Optional[Path], typer.Option(
        "--deed", exists=True, dir_okay=False, help="The deed or certificate (its SHA-256).")
    ] = None,
    key: Annotated[str, key_option("agent")] = "agent",
) -> None:
    """Put an asset in the register (signed by the agent)."""
    cli = cli_of(ctx)
    value = amount_of(book_value, cli.currency(ledger), "--book-value") if book_value else 0
    documents = [{"kind": "deed", "sha256": digest(deed, None, "deed")}] if deed else None
    signed = cli.signer(ledger, key).register_asset(code, kind, zh, location, value,
                                                    account=account, fund=fund, name_en=en,
                                                    documents=documents)
    print_receipt(cli.submit(signed), f"asset {code} registered")


@asset_app.command("value")
def asset_value(
    ctx: typer.Context, ledger: LedgerArg, code: Annotated[str, typer.Argument(help="Asset.")],
    value: Annotated[str, typer.Option("--value", help='Appraised value, "400,000.00".')],
    appraiser: Annotated[str, typer.Option("--appraiser", help="Who appraised it.")],
    appraiser_kind: Annotated[str, typer.Option("--appraiser-kind")] = "organisation",
    report: Annotated[Optional[Path], typer.Option("--report", exists=True, dir_okay=False,
                                                   help="The appraisal report.")] = None,
    report_sha256: Annotated[Optional[str], typer.Option("--report-sha256")] = None,
    date: DateOption = None,
    key: Annotated[str, key_option("agent")] = "agent",
) -> None:
    """Record an appraisal of an asset (agent or committee)."""
    cli = cli_of(ctx)
    signed = cli.signer(ledger, key).value_asset(
        code, date or today(), amount_of(value, cli.currency(ledger), "--value"),
        party(appraiser, appraiser_kind), digest(report, report_sha256, "report"))
    print_receipt(cli.submit(signed), f"asset {code} valued")


@asset_app.command("list")
def asset_list(ctx: typer.Context, ledger: LedgerArg) -> None:
    """The register: each asset's status, holder, book value, open trade; then the tie
    of book values to the asset accounts."""
    state = cli_of(ctx).app.state(ledger)
    table = Table(title=f"assets of {ledger}")
    for column in ("code", "kind", "name", "status", "holder", "book value", "appraisal",
                   "open trade", "history"):
        table.add_column(column)
    for asset in sorted(state.assets.values(), key=lambda a: a.code):
        table.add_row(asset.code, asset.kind, Text(asset.name_zh), asset.status,
                      Text(asset.holder), shown(asset.book_value, state.currency),
                      "" if asset.appraisal is None else shown(asset.appraisal, state.currency),
                      "" if asset.open_trade is None else str(asset.open_trade),
                      ",".join(map(str, asset.history)))
    console = out()
    console.print(table)
    differences = book_value_differences(state)
    for row in differences:
        console.print(f"[bold red]register and books differ[/] on account {row['account']} "
                      f"fund {row['fund']}: register {shown(row['register'], state.currency)}, "
                      f"books {shown(row['books'], state.currency)}")
    if not differences:
        console.print("book values tie to the asset accounts")


# --- policy and approvals ---------------------------------------------------------------


def _roles(text: str | None) -> list[str] | None:
    return None if text is None else [r.strip() for r in text.split(",") if r.strip()]


@policy_app.command("set")
def policy_set(
    ctx: typer.Context, ledger: LedgerArg,
    approval: Annotated[str, typer.Option("--approval", help='Payments from this amount wait '
                                                             'for approval, "20,000.00".')],
    major: Annotated[str, typer.Option("--major", help="Major matters (a resolution) from "
                                                       "this amount.")],
    notice_days: Annotated[int, typer.Option("--notice-days", help="Shortest trade notice.")],
    approvers: Annotated[Optional[str], typer.Option(
        "--approvers", help="Roles that approve, e.g. committee.")] = None,
    major_approvers: Annotated[Optional[str], typer.Option(
        "--major-approvers", help="Roles that co-sign major resolutions, "
                                  "e.g. committee,supervisor.")] = None,
    split_window_days: Annotated[Optional[int], typer.Option("--split-window-days")] = None,
    round_cash_limit: Annotated[Optional[str], typer.Option("--round-cash-limit")] = None,
    full_procedure: Annotated[Optional[bool], typer.Option(
        "--full-procedure-for-major/--no-full-procedure-for-major",
        help="Whether a resolution about a major matter must name a proposal that was "
             "discussed and reviewed (四议两公开 in full). Default: off.")] = None,
    resolution: Annotated[Optional[int], typer.Option(
        "--resolution", help="The disclosed resolution a loosening rests on.")] = None,
    memo: Annotated[Optional[str], typer.Option("--memo")] = None,
    key: Annotated[str, key_option("committee")] = "committee",
) -> None:
    """Set the thresholds and who approves (admin or committee)."""
    cli = cli_of(ctx)
    currency = cli.currency(ledger)
    chosen = {name: roles for name, roles in (("approval", _roles(approvers)),
                                              ("major", _roles(major_approvers))) if roles}
    signed = cli.signer(ledger, key).set_policy(
        amount_of(approval, currency, "--approval"), amount_of(major, currency, "--major"),
        notice_days, approvers=chosen or None, split_window_days=split_window_days,
        round_cash_limit=amount_of(round_cash_limit, currency) if round_cash_limit else None,
        full_procedure_for_major=full_procedure, resolution=resolution, memo=memo)
    print_receipt(cli.submit(signed), "policy set")


def approve(
    ctx: typer.Context, ledger: LedgerArg,
    seq: Annotated[int, typer.Argument(help="The payment waiting for approval.")],
    resolution: Annotated[Optional[int], typer.Option(
        "--resolution", help="For a major matter: the co-signed resolution about it.")] = None,
    memo: Annotated[Optional[str], typer.Option("--memo")] = None,
    key: Annotated[str, key_option("committee")] = "committee",
) -> None:
    """Approve a payment the policy holds (moves its money now)."""
    cli = cli_of(ctx)
    signed = cli.signer(ledger, key).approve(seq, resolution, memo)
    print_receipt(cli.submit(signed), f"approved entry {seq}")


def reject(
    ctx: typer.Context, ledger: LedgerArg,
    seq: Annotated[int, typer.Argument(help="The payment waiting for approval.")],
    reason: Annotated[str, typer.Option("--reason", help="Why it is rejected.")],
    key: Annotated[str, key_option("committee")] = "committee",
) -> None:
    """Reject a payment the policy holds (it never moves money)."""
    cli = cli_of(ctx)
    print_receipt(cli.submit(cli.signer(ledger, key).reject(seq, reason)),
                  f"rejected entry {seq}")


# --- resolutions ------------------------------------------------------------------------


def parse_matter(text: str) -> tuple[str, int | None]:
    kind, _, ref = text.partition(":")
    if kind in ("policy", "other", "contract") and not ref:
        return kind, None
    if kind in ("entry", "trade", "contract", "project") and ref.isdigit():
        return kind, int(ref)
    raise FormatError(f"--matter {text!r} must be entry:SEQ, trade:SEQ, contract[:SEQ], "
                      "project:SEQ, policy or other")


@resolution_app.command("record")
def resolution_record(
    ctx: typer.Context, ledger: LedgerArg,
    matter: Annotated[str, typer.Option(
        "--matter", help="entry:SEQ, trade:SEQ, contract (a new one), contract:SEQ, "
                         "project:SEQ (of its registration), policy, other.")],
    title: Annotated[str, typer.Option("--title", help="What was decided.")],
    representatives: Annotated[int, typer.Option("--representatives", help="Seats.")],
    attendance: Annotated[int, typer.Option("--attendance", help="Who attended.")],
    votes_for: Annotated[int, typer.Option("--for")],
    votes_against: Annotated[int, typer.Option("--against")] = 0,
    abstain: Annotated[int, typer.Option("--abstain")] = 0,
    minutes: Annotated[Optional[Path], typer.Option("--minutes", exists=True, dir_okay=False,
                                                    help="The meeting's minutes.")] = None,
    minutes_sha256: Annotated[Optional[str], typer.Option("--minutes-sha256")] = None,
    meeting_date: Annotated[Optional[str], typer.Option("--meeting-date")] = None,
    proposal: Annotated[Optional[int], typer.Option(
        "--proposal", help="The matter this resolves (its matter.proposed seq), once it was "
                           "discussed and reviewed (四议两公开).")] = None,
    key: Annotated[str, key_option("committee")] = "committee",
) -> None:
    """Record a residents' representative meeting's resolution (committee)."""
    cli = cli_of(ctx)
    kind, ref = parse_matter(matter)
    signed = cli.signer(ledger, key).record_resolution(
        kind, ref, title, meeting_date or today(), representatives, attendance, votes_for,
        votes_against, abstain, digest(minutes, minutes_sha256, "minutes"), proposal=proposal)
    receipt = cli.submit(signed)
    passed = cli.app.state(ledger).resolutions[receipt.seq].passed
    print_receipt(receipt, f"resolution recorded ({'passed' if passed else 'did not pass'})")


@resolution_app.command("cosign")
def resolution_cosign(
    ctx: typer.Context, ledger: LedgerArg, seq: Annotated[int, typer.Argument()],
    memo: Annotated[Optional[str], typer.Option("--memo")] = None,
    key: Annotated[str, key_option("committee")] = "committee",
) -> None:
    """Co-sign a passed resolution (committee, supervisor or auditor; once per key)."""
    cli = cli_of(ctx)
    print_receipt(cli.submit(cli.signer(ledger, key).cosign_resolution(seq, memo)),
                  f"co-signed resolution {seq}")


@resolution_app.command("disclose")
def resolution_disclose(
    ctx: typer.Context, ledger: LedgerArg, seq: Annotated[int, typer.Argument()],
    where: Annotated[Optional[str], typer.Option("--where", help="e.g. 社区公开栏.")] = None,
    sheet_out: Annotated[Optional[Path], typer.Option(
        "--sheet-out", help="Write the notice-board sheet here to print it.")] = None,
    date: DateOption = None,
    key: Annotated[str, key_option("committee")] = "committee",
) -> None:
    """Disclose a co-signed resolution: renders its sheet and signs the sheet's SHA-256."""
    cli = cli_of(ctx)
    state = cli.app.state(ledger)
    if seq not in state.resolutions:
        raise NotFound(f"entry {seq} is not a recorded resolution", resolution=seq)
    sheet = resolution_sheet(state, {seq: cli.app.entries(ledger, seq, 1)[0]}, seq)
    write_sheet(sheet_out, sheet.text)
    signed = cli.signer(ledger, key).disclose_resolution(seq, date or today(), sheet.sha256,
                                                         where)
    print_receipt(cli.submit(signed), f"disclosed resolution {seq}")
