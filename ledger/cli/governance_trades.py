"""Asset trades (三资交易) from the command line: `trade propose|notice|bid|award|
cosign|contract|settle|complete|cancel|show`. The trade's id is the seq of its
proposal. The notice's sheet is rendered here from the ledger (``--sheet-out``
keeps it for the notice board) and only its SHA-256 goes on the log.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Optional

import typer
from rich.markup import escape
from rich.table import Table
from rich.text import Text

from ledger.cli.common import LedgerArg, amount_of, cli_of, out, print_receipt, shown, today
from ledger.cli.governance import DateOption, digest, key_option, party, write_sheet
from ledger.domain.journal import SIDES
from ledger.domain.sheets import trade_sheet
from ledger.errors import NotFound

trade_app = typer.Typer(help="Asset trades (三资交易): lease, sell or transfer in public.",
                        no_args_is_help=True)
TradeArg = Annotated[int, typer.Argument(metavar="TRADE", help="The trade (its proposal's seq).")]


def register(app: typer.Typer) -> None:
    app.add_typer(trade_app, name="trade")


@trade_app.command("propose")
def propose(
    ctx: typer.Context, ledger: LedgerArg,
    asset: Annotated[str, typer.Argument(help="The asset's code.")],
    method: Annotated[str, typer.Option("--method", help="lease, sale or transfer.")],
    reserve: Annotated[str, typer.Option("--reserve", help='Reserve price, "108,000.00".')],
    conditions: Annotated[str, typer.Option("--conditions", help="Terms bidders accept.")],
    term_months: Annotated[Optional[int], typer.Option("--term-months",
                                                       help="A lease's term.")] = None,
    key: Annotated[str, key_option("committee")] = "committee",
) -> None:
    """Propose a trade of an asset (committee); next comes a resolution about it."""
    cli = cli_of(ctx)
    signed = cli.signer(ledger, key).propose_trade(
        asset, method, amount_of(reserve, cli.currency(ledger), "--reserve"), conditions,
        term_months)
    print_receipt(cli.submit(signed), f"trade proposed for {asset}")


@trade_app.command("notice")
def notice(
    ctx: typer.Context, ledger: LedgerArg, trade: TradeArg,
    days: Annotated[int, typer.Option("--days", help="How long bids are open.")],
    where: Annotated[Optional[str], typer.Option("--where", help="e.g. 街道三资交易平台.")] = None,
    sheet_out: Annotated[Optional[Path], typer.Option("--sheet-out")] = None,
    key: Annotated[str, key_option("committee")] = "committee",
) -> None:
    """Publish the trade's notice (committee): bids are open for --days from now."""
    cli = cli_of(ctx)
    state = cli.app.state(ledger)
    if trade not in state.trades:
        raise NotFound(f"trade {trade} does not exist", trade=trade)
    sheet = trade_sheet(state, trade, "notice")
    write_sheet(sheet_out, sheet.text)
    receipt = cli.submit(cli.signer(ledger, key).publish_notice(trade, days, sheet.sha256,
                                                                    where))
    print_receipt(receipt, f"notice of trade {trade} published")
    closes = cli.app.state(ledger).trades[trade].notice_closes
    out().print(f"bids are open until {closes}", markup=False)


@trade_app.command("bid")
def bid(
    ctx: typer.Context, ledger: LedgerArg, trade: TradeArg,
    bidder: Annotated[str, typer.Option("--bidder", help="The bidder's name.")],
    amount: Annotated[str, typer.Option("--amount", help='The bid, "126,000.00".')],
    bidder_kind: Annotated[str, typer.Option("--bidder-kind",
                                             help="person or organisation.")] = "person",
    bidder_id: Annotated[Optional[str], typer.Option(
        "--bidder-id", help="ID or registration number (never shown to the public).")] = None,
    bid_file: Annotated[Optional[Path], typer.Option("--bid-file", exists=True,
                                                     dir_okay=False)] = None,
    key: Annotated[str, key_option("agent")] = "agent",
) -> None:
    """Record a bid received while the notice is open (agent)."""
    cli = cli_of(ctx)
    signed = cli.signer(ledger, key).receive_bid(
        trade, party(bidder, bidder_kind, bidder_id),
        amount_of(amount, cli.currency(ledger), "--amount"),
        digest(bid_file, None, "bid-file") if bid_file else None)
    print_receipt(cli.submit(signed), f"bid on trade {trade}")


@trade_app.command("award")
def award(
    ctx: typer.Context, ledger: LedgerArg, trade: TradeArg,
    bid_seq: Annotated[int, typer.Argument(metavar="BID", help="The winning bid's seq.")],
    reason: Annotated[Optional[str], typer.Option(
        "--reason", help="Needed unless it is the highest bid at or above the reserve.")] = None,
    key: Annotated[str, key_option("committee")] = "committee",
) -> None:
    """Award the trade after the notice closed (committee)."""
    cli = cli_of(ctx)
    receipt = cli.submit(cli.signer(ledger, key).award(trade, bid_seq, reason))
    print_receipt(receipt, f"trade {trade} awarded to bid {bid_seq}")
    if cli.app.state(ledger).trades[trade].status == "award_pending":
        out().print("not the best valid bid: the supervisor co-signs it "
                    "(`sunledger trade cosign`)")


@trade_app.command("cosign")
def cosign(
    ctx: typer.Context, ledger: LedgerArg, trade: TradeArg,
    memo: Annotated[Optional[str], typer.Option("--memo")] = None,
    key: Annotated[str, key_option("supervisor")] = "supervisor",
) -> None:
    """Co-sign an award made with a written reason (supervisor)."""
    cli = cli_of(ctx)
    print_receipt(cli.submit(cli.signer(ledger, key).cosign_award(trade, memo)),
                  f"award of trade {trade} co-signed")


@trade_app.command("contract")
def contract(
    ctx: typer.Context, ledger: LedgerArg, trade: TradeArg,
    contract_file: Annotated[Optional[Path], typer.Option(
        "--contract", exists=True, dir_okay=False, help="The signed contract.")] = None,
    contract_sha256: Annotated[Optional[str], typer.Option("--contract-sha256")] = None,
    starts: Annotated[Optional[str], typer.Option("--starts")] = None,
    ends: Annotated[Optional[str], typer.Option("--ends")] = None,
    date: DateOption = None,
    key: Annotated[str, key_option("committee")] = "committee",
) -> None:
    """Record the contract, once the award is disclosed (committee)."""
    cli = cli_of(ctx)
    signed = cli.signer(ledger, key).sign_contract(
        trade, digest(contract_file, contract_sha256, "contract"), date or today(), starts, ends)
    print_receipt(cli.submit(signed), f"contract of trade {trade} signed")


@trade_app.command("settle")
def settle(
    ctx: typer.Context, ledger: LedgerArg, trade: TradeArg,
    entries: Annotated[list[int], typer.Option(
        "--entry", help="A posted entry of money from the winner. Repeat for more.")],
    amount: Annotated[Optional[str], typer.Option(
        "--amount", help="What they bring in all (default: their total).")] = None,
    key: Annotated[str, key_option("agent")] = "agent",
) -> None:
    """Settle the trade with the winner's payments (agent)."""
    cli = cli_of(ctx)
    state = cli.app.state(ledger)
    if amount is not None:
        total = amount_of(amount, state.currency, "--amount")
    else:
        total = sum(_money_in(cli, ledger, seq) for seq in entries)
    signed = cli.signer(ledger, key).settle_trade(trade, entries, total)
    print_receipt(cli.submit(signed), f"trade {trade} settled with "
                                          f"{shown(total, state.currency)}")


def _money_in(cli, ledger: str, seq: int) -> int:
    """Money an entry brought into cash and bank (what the ledger counts as received)."""
    state = cli.app.state(ledger)
    if not 0 <= seq < state.size:
        raise NotFound(f"entry {seq} does not exist (the log has {state.size})", seq=seq)
    body = cli.app.entries(ledger, seq, 1)[0].statement.body
    return sum(SIDES[p["side"]] * p["amount"] for p in body.get("postings", [])
               if p["account"] in state.accounts and state.accounts[p["account"]].kind
               and p.get("currency", state.currency) == state.currency)


@trade_app.command("complete")
def complete(
    ctx: typer.Context, ledger: LedgerArg, trade: TradeArg,
    memo: Annotated[Optional[str], typer.Option("--memo")] = None,
    date: DateOption = None,
    key: Annotated[str, key_option("committee")] = "committee",
) -> None:
    """Complete a settled trade (committee); a sale disposes of the asset."""
    cli = cli_of(ctx)
    print_receipt(cli.submit(cli.signer(ledger, key).complete_trade(trade, date or today(),
                                                                        memo)),
                  f"trade {trade} completed")


@trade_app.command("cancel")
def cancel(
    ctx: typer.Context, ledger: LedgerArg, trade: TradeArg,
    reason: Annotated[str, typer.Option("--reason", help="e.g. 无人竞价 no bids.")],
    key: Annotated[str, key_option("committee")] = "committee",
) -> None:
    """Cancel a trade before its contract (committee)."""
    cli = cli_of(ctx)
    print_receipt(cli.submit(cli.signer(ledger, key).cancel_trade(trade, reason)),
                  f"trade {trade} cancelled")


@trade_app.command("show")
def show(ctx: typer.Context, ledger: LedgerArg, trade: TradeArg) -> None:
    """A trade's status, notice, bids, award and its steps on the log."""
    cli = cli_of(ctx)
    state = cli.app.state(ledger)
    record = state.trades.get(trade)
    if record is None:
        raise NotFound(f"trade {trade} does not exist", trade=trade)
    console = out()
    console.print(f"trade {trade}: {record.method} of {escape(record.asset)}, reserve "
                  f"{shown(record.reserve, state.currency)}, status [bold]{record.status}[/]")
    if record.notice_closes:
        console.print(f"notice closes {record.notice_closes}", markup=False)
    table = Table(title="bids")
    for column in ("seq", "bidder", "amount", "recorded at", ""):
        table.add_column(column)
    for seq in record.bids:
        offer = state.bids[seq]
        mark = "awarded" if seq == record.award_bid else (
            "below reserve" if offer.amount < record.reserve else "")
        table.add_row(str(seq), Text(offer.bidder), shown(offer.amount, state.currency),
                      offer.recorded_at, mark)
    console.print(table)
    if record.award_reason:
        console.print(Text(f"award reason: {record.award_reason}"))
    for seq in record.history:
        entry = cli.app.entries(ledger, seq, 1)[0]
        console.print(f"  {entry.seq:>6}  {entry.recorded_at}  {entry.statement.type}",
                      markup=False)
