"""The journal from the command line: `post`, `reverse` (红字冲销), `confirm` (出纳确认).

Amounts are typed as decimal strings ("1,234.56") and become integer fen
here; a number that is not a string in an entry file is refused, because a
YAML or JSON number may already have been read as a float.
"""

from __future__ import annotations

from datetime import date as Date
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Annotated, Any, Optional

import typer

from ledger.cli.common import LedgerArg, amount_of, cli_of, nothing_to_do, print_receipt, today
from ledger.cli.input_files import load_document, sha256_of_file
from ledger.client import posting
from ledger.errors import DomainError, FormatError, LedgerError, NotFound
from ledger.format import cjson
from ledger.format.statements import Entry, parse_time
from ledger.log.application import LedgerApplication

FILE_FIELDS = {"date", "category", "counterparty", "memo", "postings", "debit", "credit",
               "documents"}

KeyOption = Annotated[str, typer.Option(
    "--key", metavar="PATH_OR_LABEL",
    help="The signer's key file, or its label under DATA_DIR/keys/LEDGER/.")]
DateOption = Annotated[Optional[str], typer.Option(
    "--date", metavar="YYYY-MM-DD", help="Business date. Default: today.")]

SAME_ENTRY_DAYS = 30
SAME_ENTRY_LOOKBACK_MAX = 5_000  # entries read back at most: bounded work per post


def register(app: typer.Typer) -> None:
    app.command("post")(post)
    app.command("reverse")(reverse)
    app.command("confirm")(confirm)


def decimal_amount(value: Any, where: str, currency: str) -> int:
    if not isinstance(value, str):
        raise FormatError(f"{where} must be a decimal string like \"1,234.56\", not "
                          f"{type(value).__name__} {value!r} (amounts are never floats)")
    return amount_of(value, currency, where)


def leg(text: str, side: str, currency: str, where: str) -> dict[str, Any]:
    """``ACCOUNT:FUND:AMOUNT`` -> a posting in fen."""
    parts = text.split(":", 2) if isinstance(text, str) else []
    if len(parts) != 3 or not all(part.strip() for part in parts):
        raise FormatError(f"{where} {text!r} must look like ACCOUNT:FUND:AMOUNT, e.g. "
                          "1002:activity:1,200.00")
    account, fund, amount = (part.strip() for part in parts)
    return posting(account, fund, side, decimal_amount(amount, where, currency))


def _code(value: Any, where: str) -> str:
    if not isinstance(value, str):
        raise FormatError(f"{where} must be a string (in YAML, quote codes like \"1001\")")
    return value


def _file_posting(value: Any, index: int, currency: str) -> dict[str, Any]:
    where = f"postings[{index}]"
    if not isinstance(value, dict):
        raise FormatError(f"{where} must be a mapping of account, fund, side, amount")
    line = dict(value)
    line["account"] = _code(line.get("account"), f"{where}.account")
    line["fund"] = _code(line.get("fund"), f"{where}.fund")
    line["amount"] = decimal_amount(line.get("amount"), f"{where}.amount", currency)
    return line


def _file_document(value: Any, index: int, base: Path) -> dict[str, str]:
    if isinstance(value, dict) and "file" in value and "sha256" not in value:
        return {"kind": str(value.get("kind", "receipt")),
                "sha256": file_sha256(base / str(value["file"]))}
    if not isinstance(value, dict):
        raise FormatError(f"documents[{index}] must be a mapping of kind and sha256 (or file)")
    return value


def file_sha256(path: Path) -> str:
    return sha256_of_file(path)


def read_entry_file(path: Path) -> dict[str, Any]:
    document = load_document(path)
    if not isinstance(document, dict):
        raise FormatError(f"{path} must hold a mapping: date, category, counterparty, postings")
    unknown = set(document) - FILE_FIELDS
    if unknown:
        raise FormatError(f"{path} has unknown fields {', '.join(sorted(map(str, unknown)))}")
    return document


def body_from_file(path: Path, currency: str) -> dict[str, Any]:
    """An entry file (JSON or YAML) -> the entry.posted body, amounts in fen."""
    document = read_entry_file(path)
    when = document.get("date", today())
    body: dict[str, Any] = {
        "date": when.isoformat() if isinstance(when, Date) else when,
        "category": document.get("category"),
        "memo": document.get("memo", ""),
        "counterparty": document.get("counterparty"),
    }
    if isinstance(body["counterparty"], str):
        body["counterparty"] = {"kind": "organisation", "name": body["counterparty"]}
    lines = [_file_posting(item, i, currency)
             for i, item in enumerate(document.get("postings") or [])]
    for side in ("debit", "credit"):
        given = document.get(side) or []
        for i, text in enumerate([given] if isinstance(given, str) else given):
            lines.append(leg(text, side, currency, f"{side}[{i}]"))
    body["postings"] = lines
    documents = [_file_document(item, i, path.parent)
                 for i, item in enumerate(document.get("documents") or [])]
    if documents:
        body["documents"] = documents
    return body


def body_from_options(currency: str, date: str | None, category: str | None,
                      counterparty: str | None, kind: str, memo: str, debit: list[str],
                      credit: list[str], receipts: list[Path]) -> dict[str, Any]:
    if not category or not counterparty:
        raise FormatError("give --file ENTRY.yaml, or --category, --counterparty and "
                          "--debit/--credit lines")
    lines = [leg(text, "debit", currency, "--debit") for text in debit]
    lines += [leg(text, "credit", currency, "--credit") for text in credit]
    body: dict[str, Any] = {"date": date or today(), "category": category, "memo": memo,
                            "counterparty": {"kind": kind, "name": counterparty},
                            "postings": lines}
    if receipts:
        body["documents"] = [{"kind": "receipt", "sha256": file_sha256(p)} for p in receipts]
    return body


def post(
    ctx: typer.Context,
    ledger: LedgerArg,
    key: KeyOption = "agent",
    file: Annotated[Optional[Path], typer.Option(
        "--file", exists=True, dir_okay=False, metavar="ENTRY.json|yaml",
        help="The entry as JSON or YAML (date, category, counterparty, memo, postings with "
             "amounts as strings); replaces the options below.")] = None,
    date: DateOption = None,
    category: Annotated[Optional[str], typer.Option(
        "--category", help="A short code: grant, rent, activity, renovation, subsidy ...")] = None,
    counterparty: Annotated[Optional[str], typer.Option(
        "--counterparty", help="Who paid or was paid, e.g. 阳光文体用品店.")] = None,
    counterparty_kind: Annotated[str, typer.Option(
        "--counterparty-kind", help="organisation or person.")] = "organisation",
    memo: Annotated[str, typer.Option("--memo", help="What it was for.")] = "",
    debit: Annotated[Optional[list[str]], typer.Option(
        "--debit", metavar="ACCOUNT:FUND:AMOUNT",
        help="A debit line, e.g. 5001:activity:1,200.00. Repeat for more.")] = None,
    credit: Annotated[Optional[list[str]], typer.Option(
        "--credit", metavar="ACCOUNT:FUND:AMOUNT",
        help="A credit line, e.g. 1002:activity:1200.00. Repeat for more.")] = None,
    receipt: Annotated[Optional[list[Path]], typer.Option(
        "--receipt", exists=True, dir_okay=False, metavar="FILE",
        help="A scanned receipt: its SHA-256 goes on the log. Repeat for more.")] = None,
    contract: Annotated[Optional[int], typer.Option(
        "--contract", metavar="SEQ", help="The contract this receipt or payment settles.")] = None,
    line: Annotated[Optional[int], typer.Option(
        "--line", metavar="INDEX", help="The contract's schedule line it settles (0, 1, ...); "
                                        "without it, the open lines oldest first.")] = None,
    again: Annotated[bool, typer.Option(
        "--again", help=f"Record it even though an entry with the same content was posted in "
                        f"the last {SAME_ENTRY_DAYS} days (a real second payment).")] = False,
) -> None:
    """Record a journal entry (signed by the agent); prints its seq and hash."""
    cli = cli_of(ctx)
    currency = cli.currency(ledger)
    if file is not None:
        if category or counterparty or memo or debit or credit or receipt or date:
            raise FormatError("--file holds the whole entry; leave out the other entry options")
        body = body_from_file(file, currency)
    else:
        body = body_from_options(currency, date, category, counterparty, counterparty_kind, memo,
                                 debit or [], credit or [], receipt or [])
    if contract is not None:
        body["contract"] = contract
    if line is not None:
        body["schedule_line"] = line
    if not again:
        earlier = same_entry_posted_lately(cli.app, ledger, body)
        if earlier is not None:
            nothing_to_do(f"entry {earlier}, posted in the last {SAME_ENTRY_DAYS} days, has "
                          "exactly this content, so it is not recorded again. If it really "
                          "happened twice, run the command again with --again")
            return
    signed = cli.signer(ledger, key).sign("entry.posted", body)
    print_receipt(cli.submit(signed), "posted")


def same_entry_posted_lately(app: LedgerApplication, ledger: str,
                             body: dict[str, Any]) -> int | None:
    """The seq of a posted entry of the last SAME_ENTRY_DAYS whose body equals ``body``:
    the same file run twice would otherwise record the same payment twice."""
    size = app.reader.size(ledger)
    since = datetime.now(timezone.utc) - timedelta(days=SAME_ENTRY_DAYS)
    wanted = cjson.dumps(body)
    match = None
    for stored in app.reader.stored(ledger, max(0, size - SAME_ENTRY_LOOKBACK_MAX), size):
        try:
            entry = Entry.from_leaf(stored.leaf)
        except LedgerError:
            continue  # the verifier reports a damaged entry; here it is just not a match
        statement = entry.signed.statement
        if (statement.type == "entry.posted" and parse_time(entry.recorded_at) >= since
                and cjson.dumps(statement.body) == wanted):
            match = entry.seq
    return match


def reverse(
    ctx: typer.Context,
    ledger: LedgerArg,
    seq: Annotated[int, typer.Argument(help="The seq of the posted entry to reverse.")],
    reason: Annotated[str, typer.Option("--reason", help="Why it is reversed (红字冲销).")],
    key: KeyOption = "agent",
    date: DateOption = None,
) -> None:
    """Reverse a posted entry with its mirror image (nothing is ever edited)."""
    cli = cli_of(ctx)
    size = cli.app.state(ledger).size
    if not 0 <= seq < size:
        raise NotFound(f"entry {seq} does not exist (the log has {size})")
    original = cli.app.entries(ledger, seq, 1)[0]
    reversal = cli.app.state(ledger).reversed_by.get(seq)
    if reversal is not None:
        nothing_to_do(f"entry {seq} is already reversed by entry {reversal}")
        return
    if original.statement.type != "entry.posted":
        raise DomainError(f"entry {seq} is a {original.statement.type}; only posted journal "
                          "entries can be reversed")
    signed = cli.signer(ledger, key).reverse(seq, original.statement.body["postings"],
                                             date or today(), reason)
    print_receipt(cli.submit(signed), f"reversed entry {seq}")


def confirm(
    ctx: typer.Context,
    ledger: LedgerArg,
    seq: Annotated[int, typer.Argument(help="The seq of the entry whose money really moved.")],
    key: KeyOption = "cashier",
    bank_reference: Annotated[str, typer.Option(
        "--bank-reference", help="The bank statement's reference.")] = "",
    date: DateOption = None,
) -> None:
    """Confirm, as the cashier, that an entry's cash or bank money really moved (钱账分离)."""
    cli = cli_of(ctx)
    confirmation = cli.app.state(ledger).confirmed.get(seq)
    if confirmation is not None:
        nothing_to_do(f"entry {seq} is already confirmed by entry {confirmation}")
        return
    signed = cli.signer(ledger, key).confirm(seq, date or today(), bank_reference)
    print_receipt(cli.submit(signed), f"confirmed entry {seq}")
