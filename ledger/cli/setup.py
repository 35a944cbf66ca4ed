"""Setting a ledger up: `init`, `keys ...`, `fund create`, `account open`, `budget set`."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any, Optional

import typer
from rich.markup import escape
from rich.table import Table
from rich.text import Text

from ledger.charts import CHARTS, Chart
from ledger.domain import policy

from ledger.format import money

from ledger.keystore import keyring
from ledger.cli.common import (Cli, LedgerArg, amount_of, cli_of, nothing_to_do, out,
                               print_receipt)
from ledger.client import Signer
from ledger.domain.accounts import ACCOUNT_CLASSES, MONEY_KINDS
from ledger.errors import DirectoryError, FormatError, LedgerExists
from ledger.format.notes import check_name
from ledger.format.statements import SLUG_RE
from ledger.settings import Settings

AdminKey = Annotated[str, typer.Option(
    "--admin-key", metavar="PATH_OR_LABEL",
    help="The admin's key file, or its label under DATA_DIR/keys/LEDGER/.")]

keys_app = typer.Typer(help="Make, register, revoke and list signing keys.",
                       no_args_is_help=True)
fund_app = typer.Typer(help="Funds: general and earmarked (专项资金) money.", no_args_is_help=True)
account_app = typer.Typer(help="The chart of accounts.", no_args_is_help=True)
budget_app = typer.Typer(help="Yearly budgets per fund (开放预算).", no_args_is_help=True)


def register(app: typer.Typer) -> None:
    app.command("init")(init)
    app.add_typer(keys_app, name="keys")
    app.add_typer(fund_app, name="fund")
    app.add_typer(account_app, name="account")
    app.add_typer(budget_app, name="budget")


def _check_slug(ledger: str) -> None:
    if not SLUG_RE.fullmatch(ledger):
        raise FormatError(f"ledger {ledger!r} must be 2-63 of a-z, 0-9, '-' (starting with "
                          "a letter or digit)")


def _check_genesis_inputs(name: str, origin: str, currency: str) -> None:
    """Refuse bad input before any key file is written."""
    if not name.strip() or len(name.encode()) > policy.name_bytes_max:
        raise FormatError(f"--name must be 1 to {policy.name_bytes_max} bytes")
    check_name(origin)
    money.minor_digits(currency)


def _standard_chart(name: str | None) -> Chart | None:
    if name is None:
        return None
    if name not in CHARTS:
        raise FormatError(f"--chart {name!r} is not a standard chart: give "
                          f"{' or '.join(sorted(CHARTS))}")
    return CHARTS[name]


def _open_chart(cli: Any, signer: Signer, chart: Chart) -> None:
    """The chart as ordinary account.opened statements, one entry per account."""
    for account in chart.accounts:
        cli.submit(signer.open_account(account.code, account.name_zh, account.name_en,
                                       account.account_class, account.kind))


def _public_origin(settings: Settings, ledger: str) -> str:
    """The genesis names the checkpoint origin for good: no placeholder host is made up."""
    if not settings.public_origin:
        raise FormatError("give the checkpoint origin: --origin HOST/LEDGER (the name "
                          "residents reach this server by, e.g. ledger.example.org/"
                          f"{ledger}), or set SUNLEDGER_PUBLIC_ORIGIN=HOST")
    return f"{settings.public_origin}/{ledger}"


def _place_by_directory(cli: Cli, ledger: str) -> None:
    """Point the CLI at the primary the directory gives ``ledger`` (before any store
    is opened); a ledger the directory does not list is not opened anywhere."""
    from dataclasses import replace

    from ledger.directory import Directory

    if cli.settings.directory is None:
        return
    database = Directory.read(cli.settings.directory).database_of(ledger)
    if database is None:
        raise DirectoryError(f"ledger {ledger!r} is not in the directory "
                             f"{cli.settings.directory}: add it to \"ledgers\" with the "
                             "database to keep it, then run init again", ledger=ledger)
    cli.settings = replace(cli.settings, database_url=database.primary,
                           read_database_urls=database.replicas)


def init(
    ctx: typer.Context,
    ledger: LedgerArg,
    name: Annotated[str, typer.Option("--name", help="The community's name, e.g. 新竹社区.")],
    origin: Annotated[Optional[str], typer.Option(
        "--origin", help="Checkpoint origin line, the server's public name and the ledger, "
                         "e.g. ledger.example.org/hexi. Default: "
                         "$SUNLEDGER_PUBLIC_ORIGIN/LEDGER.")] = None,
    currency: Annotated[str, typer.Option("--currency", help="ISO 4217 currency.")] = "CNY",
    admin_key: Annotated[Optional[Path], typer.Option(
        "--admin-key", metavar="PATH",
        help="Admin key file to sign genesis with (made if missing). Default: "
             "DATA_DIR/keys/LEDGER/admin.key.")] = None,
    label: Annotated[str, typer.Option("--label", help="Label of the admin key.")] = "admin",
    if_missing: Annotated[bool, typer.Option(
        "--if-missing", help="If the ledger already exists, leave it as it is and succeed "
                             "(so a setup script can run twice).")] = False,
    chart: Annotated[Optional[str], typer.Option(
        "--chart", metavar="village|npo",
        help="Open a standard chart of accounts: village (农村集体经济组织会计制度, "
             "财会〔2023〕14号) or npo (民间非营利组织会计制度, 财会〔2004〕7号).")] = None,
) -> None:
    """Open a new ledger: admin key, server log key, genesis entry (seq 0), and with
    --chart the accounts of a standard chart (signed by the admin). With a directory of
    ledgers (SUNLEDGER_DIRECTORY), on the database it places LEDGER on."""
    cli = cli_of(ctx)
    _check_slug(ledger)
    standard = _standard_chart(chart)
    _place_by_directory(cli, ledger)
    if cli.app.reader.size(ledger):
        if if_missing:
            console = out()
            console.print(f"ledger [bold]{ledger}[/bold] already exists in "
                          f"{escape(cli.settings.describe())}; left as it is")
            # The same last line as a first run: a script that keeps it gets the same hash.
            console.print("genesis entry hash (print it on the notice board; auditors pin it):")
            console.print(cli.app.entries(ledger, 0, 1)[0].hash, soft_wrap=True)
            return
        raise LedgerExists(f"ledger {ledger!r} already exists in {cli.settings.describe()}")
    origin = origin or _public_origin(cli.settings, ledger)
    _check_genesis_inputs(name, origin, currency)
    path = admin_key.expanduser() if admin_key else keyring.key_path(cli.settings, ledger, "admin")
    key, made = keyring.load_or_create(path, label)
    log_signer = keyring.load_or_create_log_key(cli.settings, ledger, origin)
    genesis = Signer(key, ledger).open_ledger(name, origin, log_signer.verifier().vkey,
                                              currency, label=label)
    receipt = cli.submit(genesis)
    # Signed now, not by the server's timer: /checkpoint answers from the first request.
    from ledger.log.checkpointing import CheckpointLog

    if standard is not None:
        _open_chart(cli, Signer(key, ledger), standard)
    CheckpointLog(cli.app).issue(ledger)
    console = out()
    if standard is not None:
        console.print(f"opened the {len(standard.accounts)} accounts of "
                      f"{standard.title_zh} ({escape(standard.source)})")
    console.print(f"opened ledger [bold]{ledger}[/bold] ({escape(name)}) in "
                  f"{escape(cli.settings.describe())}")
    console.print(f"admin key {key.key_id} {'made at' if made else 'from'} {escape(str(path))}",
                  soft_wrap=True)
    console.print(f"log key {log_signer.verifier().vkey}", markup=False, soft_wrap=True)
    console.print("genesis entry hash (print it on the notice board; auditors pin it):")
    console.print(receipt.hash, soft_wrap=True)


@keys_app.command("new")
def keys_new(
    ctx: typer.Context,
    label: Annotated[str, typer.Argument(help="A name for the key, e.g. agent (a file name).")],
    ledger: Annotated[Optional[str], typer.Option(
        "--ledger", help="Keep it under DATA_DIR/keys/LEDGER/ (else DATA_DIR/keys/).")] = None,
    out_path: Annotated[Optional[Path], typer.Option(
        "--out", metavar="PATH", help="Write the key file here instead.")] = None,
) -> None:
    """Make a new Ed25519 key file (0600) and its .pub for the admin to register; run
    again, it shows the key already there (a key file is never overwritten)."""
    cli = cli_of(ctx)
    path = out_path.expanduser() if out_path else keyring.key_path(cli.settings, ledger, label)
    key, made = keyring.load_or_create(path, keyring.check_label(label))
    console = out()
    if not made:
        nothing_to_do(f"key file {path} already exists and is kept as it is")
    console.print(f"key id  {key.key_id}")
    console.print(f"public  {key.public.b64}", markup=False)
    console.print(f"file    {path}  (public half in {keyring.public_path(path)})", markup=False,
                  soft_wrap=True)


@keys_app.command("register")
def keys_register(
    ctx: typer.Context,
    ledger: LedgerArg,
    key: Annotated[str, typer.Option(
        "--key", metavar="PUBFILE_OR_B64",
        help="The key to register: a .pub or key file, a label, or base64.")],
    roles: Annotated[str, typer.Option(
        "--roles", help=f"Comma-separated roles: {', '.join(sorted(policy.ROLES))}.")],
    label: Annotated[Optional[str], typer.Option(
        "--label", help="Who holds it, e.g. 'agent: 阳光代理记账'. Default: the file's.")] = None,
    admin_key: AdminKey = "admin",
) -> None:
    """Register a key with its roles (signed by an admin)."""
    cli = cli_of(ctx)
    public, file_label = keyring.read_public_key(cli.settings, ledger, key)
    label = label or file_label
    if not label:
        raise FormatError("--label is needed: the key carries no label")
    wanted = [role.strip() for role in roles.split(",") if role.strip()]
    record = cli.app.state(ledger).keys.get(public.key_id)
    if record is not None and record.revoked_seq is None and record.roles == set(wanted) \
            and record.label == label:
        nothing_to_do(f"{public.key_id} is registered as {', '.join(sorted(wanted))} "
                      f"since seq {record.registered_seq}")
        return
    body = {"key": public.b64, "roles": wanted, "label": label}
    receipt = cli.submit(cli.signer(ledger, admin_key).sign("key.registered", body))
    print_receipt(receipt, f"registered {public.key_id} as {', '.join(wanted)}")


@keys_app.command("revoke")
def keys_revoke(
    ctx: typer.Context,
    ledger: LedgerArg,
    key_id: Annotated[str, typer.Argument(help="The key id (32 hex) to revoke.")],
    reason: Annotated[str, typer.Option("--reason", help="Why, for the record.")],
    admin_key: AdminKey = "admin",
) -> None:
    """Revoke a key: it signs nothing after this entry."""
    cli = cli_of(ctx)
    signed = cli.signer(ledger, admin_key).revoke_key(key_id, reason)
    print_receipt(cli.submit(signed), f"revoked {key_id}")


@keys_app.command("list")
def keys_list(ctx: typer.Context, ledger: LedgerArg) -> None:
    """List the ledger's keys: id, roles, label, registered and revoked seq."""
    state = cli_of(ctx).app.state(ledger)
    table = Table(title=escape(f"keys of {ledger} ({state.name})"))
    for column in ("key id", "roles", "label", "registered seq", "revoked seq"):
        table.add_column(column, no_wrap=column == "key id")
    for record in sorted(state.keys.values(), key=lambda r: r.registered_seq):
        revoked = "" if record.revoked_seq is None else str(record.revoked_seq)
        table.add_row(record.key_id, ", ".join(sorted(record.roles)), Text(record.label),
                      str(record.registered_seq), revoked,
                      style="dim" if revoked else None)
    out().print(table)


SignerKey = Annotated[str, typer.Option(
    "--key", metavar="PATH_OR_LABEL",
    help="The signer's key file, or its label under DATA_DIR/keys/LEDGER/.")]
NameZh = Annotated[str, typer.Option("--zh", help="Chinese name, e.g. 活动经费.")]
NameEn = Annotated[str, typer.Option("--en", help="English name, e.g. Activity funds.")]
CodeArg = Annotated[str, typer.Argument(metavar="CODE", help="Short code, e.g. activity or 1001.")]


@fund_app.command("create")
def fund_create(
    ctx: typer.Context, ledger: LedgerArg, code: CodeArg, zh: NameZh, en: NameEn,
    restricted: Annotated[bool, typer.Option(
        "--restricted/--general", help="Earmarked for a purpose (专项) or general.")] = False,
    purpose: Annotated[str, typer.Option("--purpose", help="What the money is for.")] = "",
    key: SignerKey = "agent",
) -> None:
    """Create a fund (signed by an admin or agent)."""
    cli = cli_of(ctx)
    have = cli.app.state(ledger).funds.get(code)
    if have is not None and (have.name_zh, have.name_en, have.restricted, have.purpose) == (
            zh, en, restricted, purpose):
        nothing_to_do(f"fund {code} exists as asked since seq {have.created_seq}")
        return
    signed = cli.signer(ledger, key).create_fund(code, zh, en, restricted=restricted,
                                                 purpose=purpose)
    print_receipt(cli.submit(signed), f"fund {code} created")


@account_app.command("open")
def account_open(
    ctx: typer.Context, ledger: LedgerArg, code: CodeArg, zh: NameZh, en: NameEn,
    account_class: Annotated[str, typer.Option(
        "--class", help=f"One of {', '.join(sorted(ACCOUNT_CLASSES))}.")],
    kind: Annotated[Optional[str], typer.Option(
        "--kind", help=f"For money the cashier holds: {' or '.join(sorted(MONEY_KINDS))}.")
    ] = None,
    key: SignerKey = "agent",
) -> None:
    """Open an account in the chart of accounts (signed by an admin or agent)."""
    cli = cli_of(ctx)
    have = cli.app.state(ledger).accounts.get(code)
    if have is not None and (have.name_zh, have.name_en, have.account_class, have.kind) == (
            zh, en, account_class, kind):
        nothing_to_do(f"account {code} is open as asked since seq {have.opened_seq}")
        return
    signed = cli.signer(ledger, key).open_account(code, zh, en, account_class, kind)
    print_receipt(cli.submit(signed), f"account {code} opened")


@budget_app.command("set")
def budget_set(
    ctx: typer.Context, ledger: LedgerArg,
    fund: Annotated[str, typer.Argument(help="The fund's code.")],
    year: Annotated[int, typer.Argument(help="The budget year, e.g. 2026.")],
    amount: Annotated[str, typer.Argument(help='The amount as a decimal string, "1,200,000.00".')],
    memo: Annotated[str, typer.Option("--memo", help="A note, e.g. the resolution number.")] = "",
    reason: Annotated[str, typer.Option(
        "--reason", help="Why the budget changes (预算调整): required when the fund already "
                         "has a budget for the year.")] = "",
    key: SignerKey = "committee",
) -> None:
    """Set a fund's budget for a year, or revise it with --reason (signed by the committee)."""
    cli = cli_of(ctx)
    body = {"fund": fund, "year": year, "amount": amount_of(amount, cli.currency(ledger))}
    if not reason and cli.app.state(ledger).budgets.get((fund, year)) == body["amount"]:
        nothing_to_do(f"the {year} budget of {fund} is already {amount}")
        return
    if memo:
        body["memo"] = memo
    if reason:
        body["reason"] = reason
    receipt = cli.submit(cli.signer(ledger, key).sign("fund.budgeted", body))
    print_receipt(receipt, f"budget {fund} {year} set")

