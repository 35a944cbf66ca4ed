"""四议两公开 in full from the command line: `matter propose|discuss|review|implement|list|show`.
A matter's id is the seq of its `matter.proposed`; its resolution is recorded with
`sunledger resolution record ... --proposal SEQ` and published with `resolution disclose`.

Each command signs one statement as the committee (``--key`` defaults to it) and the
ledger checks it: a step out of order is refused with one line (``out-of-order``) and
nothing is written.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Optional

import typer
from rich.table import Table
from rich.text import Text

from ledger.cli.common import LedgerArg, cli_of, out, print_receipt, today
from ledger.cli.governance import DateOption, digest, key_option, parse_matter
from ledger.domain.effects import MATTER_STEPS
from ledger.errors import NotFound

matter_app = typer.Typer(help="Matters under 四议两公开: proposed, discussed, reviewed, "
                              "resolved, resolution published, result published.",
                         no_args_is_help=True)
MatterArg = Annotated[int, typer.Argument(metavar="MATTER",
                                          help="The matter (its matter.proposed seq).")]
Minutes = Annotated[Optional[Path], typer.Option("--minutes", exists=True, dir_okay=False,
                                                 help="The meeting's minutes (its SHA-256).")]
MinutesSha = Annotated[Optional[str], typer.Option("--minutes-sha256")]
MeetingDate = Annotated[Optional[str], typer.Option("--meeting-date", metavar="YYYY-MM-DD",
                                                    help="Default: today.")]


def register(app: typer.Typer) -> None:
    app.add_typer(matter_app, name="matter")


@matter_app.command("propose")
def propose(
    ctx: typer.Context, ledger: LedgerArg,
    subject: Annotated[str, typer.Option(
        "--subject", help="What it is about, as resolution record --matter: entry:SEQ, "
                          "trade:SEQ, contract[:SEQ], project:SEQ, policy, other.")],
    title: Annotated[str, typer.Option("--title", help="The matter, e.g. 3号楼外墙修缮.")],
    by: Annotated[str, typer.Option("--by", help="Who proposed it: party_branch (党支部) or "
                                                 "committee (居委会).")] = "party_branch",
    proposal: Annotated[Optional[Path], typer.Option(
        "--proposal", exists=True, dir_okay=False, help="The proposal document.")] = None,
    proposal_sha256: Annotated[Optional[str], typer.Option("--proposal-sha256")] = None,
    memo: Annotated[Optional[str], typer.Option("--memo")] = None,
    date_: DateOption = None,
    key: Annotated[str, key_option("committee")] = "committee",
) -> None:
    """提议: record a matter's proposal by the party branch or the committee (committee)."""
    cli = cli_of(ctx)
    kind, ref = parse_matter(subject)
    signed = cli.signer(ledger, key).propose_matter(
        kind, ref, title, date_ or today(), digest(proposal, proposal_sha256, "proposal"),
        proposed_by=by, memo=memo)
    print_receipt(cli.submit(signed), "matter proposed (its id is this seq)")


@matter_app.command("discuss")
def discuss(
    ctx: typer.Context, ledger: LedgerArg, matter: MatterArg,
    outcome: Annotated[str, typer.Option("--outcome", help="What the joint meeting agreed.")],
    minutes: Minutes = None, minutes_sha256: MinutesSha = None,
    meeting_date: MeetingDate = None,
    key: Annotated[str, key_option("committee")] = "committee",
) -> None:
    """商议: the joint meeting of the party branch, committee and supervisors (committee)."""
    cli = cli_of(ctx)
    signed = cli.signer(ledger, key).discuss_matter(
        matter, meeting_date or today(), digest(minutes, minutes_sha256, "minutes"), outcome)
    print_receipt(cli.submit(signed), f"matter {matter} discussed")


@matter_app.command("review")
def review(
    ctx: typer.Context, ledger: LedgerArg, matter: MatterArg,
    minutes: Minutes = None, minutes_sha256: MinutesSha = None,
    note: Annotated[Optional[str], typer.Option("--note")] = None,
    meeting_date: MeetingDate = None,
    key: Annotated[str, key_option("committee")] = "committee",
) -> None:
    """审议: the party members' meeting (committee). Next: resolution record --proposal."""
    cli = cli_of(ctx)
    signed = cli.signer(ledger, key).review_matter(
        matter, meeting_date or today(), digest(minutes, minutes_sha256, "minutes"), note)
    print_receipt(cli.submit(signed), f"matter {matter} reviewed")


@matter_app.command("implement")
def implement(
    ctx: typer.Context, ledger: LedgerArg, matter: MatterArg,
    result: Annotated[Optional[Path], typer.Option(
        "--result", exists=True, dir_okay=False, help="The implementation result sheet.")
    ] = None,
    result_sha256: Annotated[Optional[str], typer.Option("--result-sha256")] = None,
    where: Annotated[Optional[str], typer.Option("--where", help="e.g. 社区公开栏.")] = None,
    memo: Annotated[Optional[str], typer.Option("--memo")] = None,
    date_: DateOption = None,
    key: Annotated[str, key_option("committee")] = "committee",
) -> None:
    """实施结果公开: publish the implementation result of a matter whose resolution was
    published (committee)."""
    cli = cli_of(ctx)
    signed = cli.signer(ledger, key).implement_matter(
        matter, date_ or today(), digest(result, result_sha256, "result"), where, memo)
    print_receipt(cli.submit(signed), f"matter {matter}: implementation result published")


def _steps(matter) -> dict[str, int | None]:
    return dict(zip(MATTER_STEPS, (matter.seq, matter.discussed_seq, matter.reviewed_seq,
                                   matter.resolution, matter.published_seq,
                                   matter.implemented_seq)))


@matter_app.command("list")
def list_matters(ctx: typer.Context, ledger: LedgerArg) -> None:
    """Every matter with its status and the seq of each step taken."""
    state = cli_of(ctx).app.state(ledger)
    table = Table("seq", "title", "about", "by", "status", *MATTER_STEPS,
                  title=f"matters of {ledger}")
    for matter in sorted(state.matters.values(), key=lambda m: m.seq):
        about = matter.subject_kind + ("" if matter.subject_ref is None
                                       else f":{matter.subject_ref}")
        table.add_row(str(matter.seq), Text(matter.title), about, matter.proposed_by,
                      matter.status, *("-" if seq is None else str(seq)
                                       for seq in _steps(matter).values()))
    out().print(table)


@matter_app.command("show")
def show(ctx: typer.Context, ledger: LedgerArg, matter: MatterArg) -> None:
    """One matter's six steps: the seq and date of each one taken."""
    state = cli_of(ctx).app.state(ledger)
    found = state.matters.get(matter)
    if found is None:
        raise NotFound(f"entry {matter} is not a proposed matter (matter.proposed)",
                       matter=matter)
    dates = (found.proposed_on, found.discussed_on, found.reviewed_on, found.resolved_on,
             found.published_on, found.implemented_on)
    console = out()
    console.print(Text(f"matter {found.seq}: {found.title} ({found.status})"))
    for (step, seq), day in zip(_steps(found).items(), dates):
        console.print(f"  {step:<12} " + (f"seq {seq}  {day}" if seq is not None else "-"))
