"""Reading the books: `balances` per fund and account, and a readable `log`."""

from __future__ import annotations

from collections import defaultdict
from typing import Annotated, Any, Optional

import typer
from rich.markup import escape
from rich.table import Table
from rich.text import Text

from ledger.domain import policy
from ledger.cli.common import LedgerArg, cli_of, out, shown
from ledger.errors import FormatError, UnknownFund
from ledger.domain.state import LedgerState
from ledger.format.statements import Entry

# Assets and expenses grow on the debit side; the others on the credit side.
NORMAL_SIGN = {"asset": 1, "expense": 1, "liability": -1, "net_assets": -1, "income": -1}


def register(app: typer.Typer) -> None:
    app.command("balances")(balances)
    app.command("log")(log)


def fund_rows(state: LedgerState, fund: str) -> list[tuple[str, str, int]]:
    """(account, currency, balance on the account's normal side), non-zero only."""
    rows = []
    for (account, code, currency), balance in state.balances.items():
        if code == fund and balance:
            sign = NORMAL_SIGN[state.accounts[account].account_class]
            rows.append((account, currency, sign * balance))
    return sorted(rows)


def _fund_caption(state: LedgerState, fund: str, rows: list[tuple[str, str, int]]) -> str:
    held = sum(amount for account, _, amount in rows if state.accounts[account].kind)
    spent = sum(amount for account, _, amount in rows
                if state.accounts[account].account_class == "expense")
    parts = [f"money held (cash + bank): {shown(held, state.currency)}"]
    for (code, year), budget in sorted(state.budgets.items()):
        if code == fund:
            share = f" ({spent * 100 / budget:.1f}%)" if budget else ""
            parts.append(f"budget {year}: {shown(budget, state.currency)}, "
                         f"spent {shown(spent, state.currency)}{share}")
    return " · ".join(parts)


def balances(
    ctx: typer.Context,
    ledger: LedgerArg,
    fund: Annotated[Optional[str], typer.Option(
        "--fund", help="Show only this fund (its code).")] = None,
) -> None:
    """Balances per fund and account, on each account's normal side (借/贷)."""
    state = cli_of(ctx).app.state(ledger)
    if fund is not None and fund not in state.funds:
        raise UnknownFund(f"fund {fund} does not exist; funds are {', '.join(sorted(state.funds))}")
    codes = [fund] if fund else sorted(state.funds, key=lambda c: state.funds[c].created_seq)
    console = out()
    console.print(f"[bold]{escape(state.name)}[/bold] ({ledger}), {state.size} entries, "
                  f"amounts in {state.currency}")
    for code in codes:
        info = state.funds[code]
        rows = fund_rows(state, code)
        kind = "专项 earmarked" if info.restricted else "general"
        table = Table(title=escape(f"{code} {info.name_zh} {info.name_en} ({kind})"),
                      caption=escape(_fund_caption(state, code, rows)), title_justify="left",
                      caption_justify="left")
        for column in ("account", "科目", "name", "class"):
            table.add_column(column)
        table.add_column("balance", justify="right", no_wrap=True)
        for account, currency, amount in rows:
            info_account = state.accounts[account]
            money = shown(amount, currency) + ("" if currency == state.currency
                                               else f" {currency}")
            table.add_row(account, Text(info_account.name_zh), Text(info_account.name_en),
                          info_account.account_class, money)
        if not rows:
            table.add_row("", "(no movements yet)", "", "", "")
        console.print(table)


def _total_debits(body: dict[str, Any], currency: str) -> str:
    totals: dict[str, int] = defaultdict(int)
    for line in body.get("postings", []):
        if line.get("side") == "debit":
            totals[line.get("currency", currency)] += line.get("amount", 0)
    return ", ".join(shown(total, code) + ("" if code == currency else f" {code}")
                     for code, total in sorted(totals.items()))


def summarize(entry: Entry, state: LedgerState) -> str:
    """One readable line per statement type."""
    body, kind = entry.statement.body, entry.statement.type
    if kind == "entry.posted":
        marks = ""
        if entry.seq in state.reversed_by:
            marks += f"  ↩ reversed by #{state.reversed_by[entry.seq]}"
        if entry.seq in state.confirmed:
            marks += "  ✓ confirmed"
        party = body.get("counterparty", {}).get("name", "")
        return (f"{body.get('date')} {body.get('category')} · {party} · "
                f"{_total_debits(body, state.currency)} · {body.get('memo', '')}{marks}")
    if kind == "entry.reversed":
        return f"{body.get('date')} reverses #{body.get('entry')}: {body.get('reason')}"
    if kind == "entry.confirmed":
        return f"{body.get('date')} confirms #{body.get('entry')} {body.get('bank_reference', '')}"
    if kind == "fund.created":
        earmark = " (earmarked)" if body.get("restricted") else ""
        return f"{body.get('code')} {body.get('name_zh')} / {body.get('name_en')}{earmark}"
    if kind == "account.opened":
        extra = f", {body['kind']}" if body.get("kind") else ""
        return (f"{body.get('code')} {body.get('name_zh')} / {body.get('name_en')} "
                f"({body.get('class')}{extra})")
    if kind == "fund.budgeted":
        return f"{body.get('fund')} {body.get('year')}: {shown(body.get('amount', 0), state.currency)}"
    if kind == "key.registered":
        return f"{body.get('label')}: {', '.join(body.get('roles', []))}"
    if kind == "key.revoked":
        return f"{body.get('key_id')}: {body.get('reason')}"
    if kind == "ledger.opened":
        return (f"{body.get('name')} ({body.get('origin')}), {body.get('currency')}, "
                f"{len(body.get('keys', []))} key(s)")
    return ", ".join(sorted(body))


def log(
    ctx: typer.Context,
    ledger: LedgerArg,
    start: Annotated[Optional[int], typer.Option(
        "--start", help="First seq to show. Default: the last --limit entries.")] = None,
    limit: Annotated[int, typer.Option(
        "--limit", help=f"How many entries (at most {policy.batch_statements_max}).")] = 50,
) -> None:
    """The log, readable: seq, time, type, signer and what each entry says."""
    if not 1 <= limit <= policy.batch_statements_max:
        raise FormatError(f"--limit must be between 1 and {policy.batch_statements_max}")
    app = cli_of(ctx).app
    state = app.state(ledger)
    first = max(0, state.size - limit) if start is None else max(0, start)
    table = Table(title=escape(f"{state.name} ({ledger}): entries {first}.. of {state.size}"),
                  title_justify="left")
    table.add_column("seq", justify="right")
    table.add_column("recorded (UTC)", no_wrap=True)
    table.add_column("type", no_wrap=True)
    table.add_column("signer")
    table.add_column("summary")
    for entry in app.entries(ledger, first, limit):
        record = state.keys.get(entry.signed.signer)
        signer = record.label if record else entry.signed.signer[:12]
        table.add_row(str(entry.seq), entry.recorded_at[:19].replace("T", " "),
                      entry.statement.type, Text(signer), Text(summarize(entry, state)))
    out().print(table)
