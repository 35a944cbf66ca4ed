"""Lookups and small writers the handlers share."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from ledger.domain import policy
from ledger.format.statements import Entry

if TYPE_CHECKING:
    from projections.view import Tx

PUBLIC_KINDS = frozenset({"organisation"})  # counterparties shown in full to the public


def detail_json(value: Any) -> str:
    """Stable JSON text (a rebuild must give identical rows)."""
    return json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def public_name(kind: str, name: str) -> str:
    """Organisations in full; a person keeps only the first character ("张*", "L*").

    One star whatever the length, so the mask does not leak the name's length.
    Any kind other than an organisation is treated as a person.
    """
    if kind in PUBLIC_KINDS:
        return name
    stripped = name.strip()
    return (stripped[:1] + "*") if stripped else "*"


def add_finding(tx: Tx, ledger: str, seq: int, kind: str, detail: dict[str, Any]) -> None:
    tx.run("INSERT INTO view_findings (ledger, seq, kind, detail) VALUES (?, ?, ?, ?) "
           "ON CONFLICT DO NOTHING", (ledger, seq, kind, detail_json(detail)))


def ledger_currency(tx: Tx, ledger: str) -> str:
    key = ("currency", ledger)
    if key not in tx.cache:
        row = tx.one("SELECT currency FROM view_ledgers WHERE ledger = ?", (ledger,))
        tx.cache[key] = row["currency"] if row else ""
    return tx.cache[key]


def account(tx: Tx, ledger: str, code: str) -> dict[str, Any]:
    """The account's class and kind; LookupError if the view has never seen it."""
    key = ("account", ledger, code)
    if key not in tx.cache:
        row = tx.one("SELECT class, kind FROM view_accounts WHERE ledger = ? AND code = ?",
                     (ledger, code))
        if row is None:
            raise LookupError(f"account {code} was never opened")
        tx.cache[key] = row  # accounts never change once opened
    return tx.cache[key]


def signer_role(tx: Tx, entry: Entry) -> str:
    """The role the signer used: its roles that may sign this type (all if none may)."""
    key = ("roles", entry.ledger, entry.signed.signer)
    roles = tx.cache.get(key)
    if roles is None:
        row = tx.one("SELECT roles FROM view_keys WHERE ledger = ? AND key_id = ?",
                     (entry.ledger, entry.signed.signer))
        if row is None:
            return ""
        roles = tx.cache[key] = frozenset(row["roles"].split(","))  # roles never change
    allowed = roles & policy.SIGNING_ROLES.get(entry.statement.type, frozenset())
    return ",".join(sorted(allowed or roles))


def approval_level(tx: Tx, ledger: str, payment: int) -> str | None:
    """Which approval a payment of ``payment`` fen waits for under the policy in
    force (the latest policy.set), as ledger.domain.records.Policy.level decides."""
    key = ("policy", ledger)
    if key not in tx.cache:
        tx.cache[key] = tx.one("SELECT approval_threshold, major_threshold FROM view_policies "
                               "WHERE ledger = ? ORDER BY seq DESC LIMIT 1", (ledger,))
    policy = tx.cache[key]
    if policy is None or payment <= 0:
        return None
    if policy["major_threshold"] is not None and payment >= policy["major_threshold"]:
        return "major"
    if policy["approval_threshold"] is not None and payment >= policy["approval_threshold"]:
        return "approval"
    return None
