"""Contracts (合同台账) from the command line: `contract sign|amend|accept|end|list`.
A contract's id is the seq of its `contract.signed`; receipts and payments name it
with `sunledger post ... --contract SEQ [--line INDEX]`.

Each command signs one statement with the role that takes that step (``--key``
defaults to it) and the ledger checks it: a contract that does not add up, a
lease to someone other than the winning bidder, a final payment before
acceptance are refused with one line and nothing is written.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any, Optional

import typer
from rich.table import Table
from rich.text import Text

from ledger.cli.common import (LedgerArg, amount_of, cli_of, local_today, out, print_receipt,
                               shown, today)
from ledger.cli.governance import DateOption, digest, key_option, party
from ledger.domain import contract_rules
from ledger.errors import FormatError

contract_app = typer.Typer(help="Contracts (合同台账): leases, works, what is owed.",
                           no_args_is_help=True)
ContractArg = Annotated[int, typer.Argument(metavar="CONTRACT",
                                            help="The contract (its contract.signed seq).")]
DocumentFile = Annotated[Optional[Path], typer.Option(
    "--document", exists=True, dir_okay=False, help="The signed document (its SHA-256).")]
DocumentSha = Annotated[Optional[str], typer.Option("--document-sha256")]
Monthly = Annotated[Optional[str], typer.Option("--monthly", help='Rent a month, "10,500.00".')]
Quarterly = Annotated[Optional[str], typer.Option("--quarterly", help="Rent a quarter.")]
Instalments = Annotated[Optional[list[str]], typer.Option(
    "--instalment", metavar="DATE=AMOUNT", help="An instalment due, e.g. 2026-03-15=90,000.00; "
                                                "repeat for more.")]
Final = Annotated[Optional[str], typer.Option(
    "--final", metavar="DATE=AMOUNT", help="The final instalment, paid after acceptance.")]


def register(app: typer.Typer) -> None:
    app.add_typer(contract_app, name="contract")


def _due(text: str, currency: str, kind: str) -> dict[str, Any]:
    when, _, amount = text.partition("=")
    if not amount:
        raise FormatError(f"an instalment is DATE=AMOUNT, e.g. 2026-03-15=90,000.00; got {text!r}")
    item: dict[str, Any] = {"due_on": when.strip(), "amount": amount_of(amount, currency)}
    if kind == "final":
        item["kind"] = "final"
    return item


def schedule_of(currency: str, monthly: str | None, quarterly: str | None,
                instalments: list[str] | None, final: str | None) -> dict[str, Any] | None:
    """The schedule the options describe (one way of giving it), or None for none."""
    ways = [monthly is not None, quarterly is not None, bool(instalments or final)]
    if sum(ways) > 1:
        raise FormatError("give --monthly, --quarterly or --instalment/--final: one of them")
    if monthly is not None or quarterly is not None:
        every, amount = ("month", monthly) if monthly is not None else ("quarter", quarterly)
        return {"every": every, "amount": amount_of(str(amount), currency, f"--{every}ly")}
    if not ways[2]:
        return None
    items = [_due(text, currency, "instalment") for text in instalments or []]
    if final:
        items.append(_due(final, currency, "final"))
    return {"instalments": items}


@contract_app.command("sign")
def sign(
    ctx: typer.Context, ledger: LedgerArg,
    party_name: Annotated[str, typer.Option("--party", help="The tenant or contractor.")],
    subject: Annotated[str, typer.Option("--subject", help="e.g. 临街门面1号租赁.")],
    fund: Annotated[str, typer.Option("--fund", help="The fund its money is kept in.")],
    total: Annotated[str, typer.Option("--total", help='The contract value, "378,000.00".')],
    starts: Annotated[str, typer.Option("--starts", metavar="YYYY-MM-DD")],
    ends: Annotated[str, typer.Option("--ends", metavar="YYYY-MM-DD")],
    direction: Annotated[str, typer.Option("--direction",
                                           help="receivable or payable.")] = "receivable",
    party_kind: Annotated[str, typer.Option("--party-kind")] = "organisation",
    party_id: Annotated[Optional[str], typer.Option("--party-id")] = None,
    monthly: Monthly = None, quarterly: Quarterly = None, instalment: Instalments = None,
    final: Final = None, document: DocumentFile = None, document_sha256: DocumentSha = None,
    trade: Annotated[Optional[int], typer.Option("--trade", help="The lease trade.")] = None,
    asset: Annotated[Optional[str], typer.Option("--asset")] = None,
    project: Annotated[Optional[str], typer.Option("--project")] = None,
    resolution: Annotated[Optional[int], typer.Option(
        "--resolution", help="The resolution a major contract rests on.")] = None,
    retention: Annotated[Optional[str], typer.Option("--retention", help="质保金 amount.")] = None,
    retention_release: Annotated[Optional[str], typer.Option("--retention-release")] = None,
    retention_account: Annotated[str, typer.Option("--retention-account")] = "2001",
    key: Annotated[str, key_option("committee")] = "committee",
) -> None:
    """Sign a contract (committee): rent by month or quarter, or instalments."""
    cli = cli_of(ctx)
    currency = cli.currency(ledger)
    schedule = schedule_of(currency, monthly, quarterly, instalment, final)
    if schedule is None:
        raise FormatError("give the schedule: --monthly, --quarterly or --instalment/--final")
    body: dict[str, Any] = {
        "direction": direction, "party": party(party_name, party_kind, party_id),
        "subject": subject, "fund": fund, "total": amount_of(total, currency, "--total"),
        "starts": starts, "ends": ends, "schedule": schedule,
        "contract_sha256": digest(document, document_sha256, "document")}
    body.update({name: value for name, value in (("trade", trade), ("asset", asset),
                                                 ("project", project),
                                                 ("resolution", resolution)) if value is not None})
    if retention is not None:
        body["retention"] = {"amount": amount_of(retention, currency, "--retention"),
                             "release_on": retention_release, "account": retention_account}
    receipt = cli.submit(cli.signer(ledger, key).sign("contract.signed", body))
    print_receipt(receipt, f"contract signed with {party_name}")


@contract_app.command("amend")
def amend(
    ctx: typer.Context, ledger: LedgerArg, contract: ContractArg,
    reason: Annotated[str, typer.Option("--reason")],
    ends: Annotated[Optional[str], typer.Option("--ends", metavar="YYYY-MM-DD")] = None,
    total: Annotated[Optional[str], typer.Option("--total", help="With a new schedule.")] = None,
    monthly: Monthly = None, quarterly: Quarterly = None, instalment: Instalments = None,
    final: Final = None, document: DocumentFile = None, document_sha256: DocumentSha = None,
    key: Annotated[str, key_option("committee")] = "committee",
) -> None:
    """Record a supplementary agreement (committee): a new end, or a new schedule."""
    cli = cli_of(ctx)
    currency = cli.currency(ledger)
    body: dict[str, Any] = {"contract": contract, "reason": reason,
                            "amendment_sha256": digest(document, document_sha256, "document")}
    schedule = schedule_of(currency, monthly, quarterly, instalment, final)
    if schedule is not None:
        body["schedule"] = schedule
    if total is not None:
        body["total"] = amount_of(total, currency, "--total")
    if ends is not None:
        body["ends"] = ends
    receipt = cli.submit(cli.signer(ledger, key).sign("contract.amended", body))
    print_receipt(receipt, f"contract {contract} amended")


@contract_app.command("accept")
def accept(
    ctx: typer.Context, ledger: LedgerArg, contract: ContractArg,
    report: Annotated[Optional[Path], typer.Option(
        "--report", exists=True, dir_okay=False, help="The acceptance report (验收报告).")] = None,
    report_sha256: Annotated[Optional[str], typer.Option("--report-sha256")] = None,
    date_: DateOption = None,
    key: Annotated[str, key_option("committee")] = "committee",
) -> None:
    """Record acceptance (验收) of the works (committee or supervisor)."""
    cli = cli_of(ctx)
    body = {"contract": contract, "accepted_on": date_ or today(),
            "report_sha256": digest(report, report_sha256, "report")}
    receipt = cli.submit(cli.signer(ledger, key).sign("contract.accepted", body))
    print_receipt(receipt, f"contract {contract} accepted")


@contract_app.command("end")
def end(
    ctx: typer.Context, ledger: LedgerArg, contract: ContractArg,
    reason: Annotated[str, typer.Option("--reason")], date_: DateOption = None,
    key: Annotated[str, key_option("committee")] = "committee",
) -> None:
    """End a contract (committee), at term or early: nothing falls due after the date."""
    cli = cli_of(ctx)
    body = {"contract": contract, "ended_on": date_ or today(), "reason": reason}
    receipt = cli.submit(cli.signer(ledger, key).sign("contract.ended", body))
    print_receipt(receipt, f"contract {contract} ended")


@contract_app.command("list")
def list_contracts(ctx: typer.Context, ledger: LedgerArg) -> None:
    """Every contract with what is due, settled and in arrears today."""
    cli = cli_of(ctx)
    state = cli.app.state(ledger)
    table = Table("seq", "party", "subject", "term", "total", "due", "settled", "arrears",
                  title=f"contracts of {ledger}")
    day = local_today()
    for contract in sorted(state.contracts.values(), key=lambda c: c.seq):
        lines = [{"line": i, "due_on": line.due_on, "amount": line.amount,
                  "settled": line.settled} for i, line in enumerate(contract.lines)]
        position = contract_rules.position(lines, day, contract.ended_on)
        overdue = contract_rules.arrears(lines, day, contract.ended_on)
        late = max((arrear.days_overdue for arrear in overdue), default=0)
        table.add_row(str(contract.seq), Text(contract.party_name), Text(contract.subject),
                      f"{contract.starts}..{contract.ended_on or contract.ends}",
                      shown(contract.total, state.currency),
                      shown(position["due_to_date"], state.currency),
                      shown(position["settled"], state.currency),
                      f"{len(overdue)} lines, {late} days" if overdue else "-")
    out().print(table)
