"""Genesis, keys, funds, accounts and budgets: the names the other views show."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ledger.format.keys import PublicKey
from ledger.format.statements import Entry
from projections.handlers import handles

if TYPE_CHECKING:
    from projections.view import Tx


def _insert_key(tx: Tx, entry: Entry, declaration: dict[str, Any]) -> None:
    key_id = PublicKey.from_b64(declaration["key"]).key_id
    roles = ",".join(sorted(declaration["roles"]))
    tx.run("INSERT INTO view_keys (ledger, key_id, roles, label, registered_seq, revoked_seq) "
           "VALUES (?, ?, ?, ?, ?, NULL)",
           (entry.ledger, key_id, roles, str(declaration["label"]), entry.seq))


@handles("ledger.opened")
def ledger_opened(tx: Tx, entry: Entry) -> None:
    body = entry.statement.body
    tx.run("UPDATE view_ledgers SET name = ?, origin = ?, currency = ? WHERE ledger = ?",
           (str(body["name"]), str(body["origin"]), str(body["currency"]), entry.ledger))
    for declaration in body["keys"]:
        _insert_key(tx, entry, declaration)


@handles("key.registered")
def key_registered(tx: Tx, entry: Entry) -> None:
    _insert_key(tx, entry, entry.statement.body)


@handles("key.revoked")
def key_revoked(tx: Tx, entry: Entry) -> None:
    tx.run("UPDATE view_keys SET revoked_seq = ? WHERE ledger = ? AND key_id = ?",
           (entry.seq, entry.ledger, str(entry.statement.body["key_id"])))


@handles("ledger.log_key_rotated")
def log_key_rotated(tx: Tx, entry: Entry) -> None:
    """Nothing to show beyond the log row: checkpoints are another module's."""


@handles("fund.created")
def fund_created(tx: Tx, entry: Entry) -> None:
    body = entry.statement.body
    tx.run("INSERT INTO view_funds (ledger, code, name_zh, name_en, restricted, purpose, "
           "created_seq) VALUES (?, ?, ?, ?, ?, ?, ?)",
           (entry.ledger, str(body["code"]), str(body["name_zh"]), str(body["name_en"]),
            int(bool(body.get("restricted", False))), str(body.get("purpose", "")), entry.seq))


@handles("account.opened")
def account_opened(tx: Tx, entry: Entry) -> None:
    body = entry.statement.body
    tx.run("INSERT INTO view_accounts (ledger, code, name_zh, name_en, class, kind, "
           "opened_seq) VALUES (?, ?, ?, ?, ?, ?, ?)",
           (entry.ledger, str(body["code"]), str(body["name_zh"]), str(body["name_en"]),
            str(body["class"]), body.get("kind"), entry.seq))


@handles("fund.budgeted")
def fund_budgeted(tx: Tx, entry: Entry) -> None:
    # A later budget for the same fund and year replaces the earlier one (as in the domain).
    body = entry.statement.body
    year, amount = body["year"], body["amount"]
    if not (isinstance(year, int) and isinstance(amount, int)):
        raise TypeError("budget year and amount must be integers")
    tx.run("INSERT INTO view_budgets (ledger, fund, year, amount, seq) VALUES (?, ?, ?, ?, ?) "
           "ON CONFLICT (ledger, fund, year) DO UPDATE SET amount = excluded.amount, "
           "seq = excluded.seq", (entry.ledger, str(body["fund"]), year, amount, entry.seq))
