"""Journal entries, reversals (红字冲销) and the cashier's confirmations.

Postings are stored signed (debit +, credit -). A reversal's postings carry
the original's category and counterparty, dated on the reversal's own date
(the red-ink correction lands in the period it was made), so every sum over
postings nets the pair to zero. A payment the ledger's policy holds for
approval (docs/governance.md) is parked in ``view_pending``: its posting rows
go in, under its own seq and date, only when ``entry.approved`` lands.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date as Date
from typing import TYPE_CHECKING, Any

from ledger.format.statements import Entry
from projections.handlers import handles
from projections.handlers.common import (account, add_finding, approval_level, detail_json,
                                         ledger_currency, public_name, signer_role)

if TYPE_CHECKING:
    from projections.view import Tx

SIDES = {"debit": 1, "credit": -1}
POSTING_INSERT = (
    "INSERT INTO view_postings (ledger, seq, line, type, date, month, account, account_class, "
    "fund, currency, category, side, amount, counterparty_kind, counterparty_public, reverses, "
    "signer, signer_role, entry_hash, project) VALUES "
    "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")
BALANCE_UPSERT = (
    "INSERT INTO view_balances (ledger, account, fund, currency, balance) VALUES "
    "(?, ?, ?, ?, ?) ON CONFLICT (ledger, account, fund, currency) "
    "DO UPDATE SET balance = view_balances.balance + excluded.balance")
FLOW_UPSERT = (
    "INSERT INTO view_flows (ledger, fund, currency, month, account_class, category, "
    "counterparty_kind, counterparty_public, amount) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) "
    "ON CONFLICT (ledger, fund, currency, month, account_class, category, counterparty_kind, "
    "counterparty_public) DO UPDATE SET amount = view_flows.amount + excluded.amount")
FLOW_CLASSES = frozenset({"income", "expense"})
ENTRY_INSERT = (
    "INSERT INTO view_entries (ledger, seq, type, date, category, amount, currency, funds, "
    "counterparty_kind, counterparty_public, counterparty_name, memo, documents, signer, "
    "signer_role, entry_hash, recorded_at, reverses, reversed_by, reason, moves_money, "
    "confirmed_by, confirmed_date, project, approval, approval_level, decided_by) VALUES "
    "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, NULL, ?, ?, NULL, NULL, ?, ?, ?, "
    "NULL)")


@dataclass(frozen=True)
class Party:
    category: str
    kind: str
    name: str
    project: str | None = None


@dataclass(frozen=True)
class Lines:
    rows: list[tuple]  # view_postings rows, in POSTING_INSERT order
    amount: int        # the entry's total debit in the ledger currency
    funds: str         # the funds it touches, comma-joined and sorted
    moves_money: bool  # it touches a cash or bank account
    payment: int       # money leaving cash and bank, net, in the ledger currency


def _amount(value: Any) -> int:
    if not isinstance(value, int) or isinstance(value, bool) or value <= 0:
        raise ValueError(f"posting amount {value!r} is not a positive integer")
    return value


def _lines(tx: Tx, entry: Entry, kind: str, party: Party, reverses: int | None) -> Lines:
    body, ledger, seq = entry.statement.body, entry.ledger, entry.seq
    day = Date.fromisoformat(body["date"]).isoformat()
    currency, role = ledger_currency(tx, ledger), signer_role(tx, entry)
    shown = public_name(party.kind, party.name)
    per_fund: dict[tuple[str, str], int] = defaultdict(int)
    rows, debit, cash, moves_money = [], 0, 0, False
    for line, posting in enumerate(body["postings"]):
        info = account(tx, ledger, posting["account"])
        signed = SIDES[posting["side"]] * _amount(posting["amount"])
        fund, line_currency = str(posting["fund"]), str(posting.get("currency", currency))
        rows.append((ledger, seq, line, kind, day, day[:7], str(posting["account"]),
                     info["class"], fund, line_currency, party.category, posting["side"],
                     signed, party.kind, shown, reverses, entry.signed.signer, role, entry.hash,
                     party.project))
        per_fund[(fund, line_currency)] += signed
        in_currency = line_currency == currency
        debit += signed if signed > 0 and in_currency else 0
        cash += signed if info["kind"] and in_currency else 0
        moves_money = moves_money or bool(info["kind"])
    off = {f"{fund}/{cur}": total for (fund, cur), total in sorted(per_fund.items()) if total}
    if off:  # the trial balance stops balancing at this seq: say so, as a value
        add_finding(tx, ledger, seq, "trial_balance", {"imbalance": off})
    funds = ",".join(sorted({fund for fund, _ in per_fund}))
    return Lines(rows, debit, funds, moves_money, max(-cash, 0))


def move(tx: Tx, rows: list) -> None:
    """Post the rows, their balance moves and their monthly flows. Nothing reads
    them back within a batch, so all are buffered and written at flush."""
    for row in rows:
        tx.defer(POSTING_INSERT, row)
        (ledger, _, _, _, _, month, code, account_class, fund, currency, category, _, amount,
         kind, shown) = row[:15]
        tx.add(BALANCE_UPSERT, (ledger, code, fund, currency), amount)
        if account_class in FLOW_CLASSES:
            tx.add(FLOW_UPSERT, (ledger, fund, currency, month, account_class, category, kind,
                                 shown), amount)


def _insert_entry(tx: Tx, entry: Entry, kind: str, party: Party, lines: Lines, *,
                  reverses: int | None = None, reason: str = "",
                  level: str | None = None) -> None:
    body = entry.statement.body
    documents = body.get("documents", [])
    if not isinstance(documents, list):
        raise TypeError("documents must be a list")
    tx.run(ENTRY_INSERT,
           (entry.ledger, entry.seq, kind, lines.rows[0][4], party.category, lines.amount,
            ledger_currency(tx, entry.ledger), lines.funds, party.kind,
            public_name(party.kind, party.name), party.name, str(body.get("memo", "")),
            detail_json(documents), entry.signed.signer, signer_role(tx, entry), entry.hash,
            entry.recorded_at, reverses, reason, int(lines.moves_money), party.project,
            "pending" if level else None, level))


@handles("entry.posted")
def entry_posted(tx: Tx, entry: Entry) -> None:
    body = entry.statement.body
    counterparty, project = body["counterparty"], body.get("project")
    party = Party(str(body["category"]), str(counterparty["kind"]), str(counterparty["name"]),
                  None if project is None else str(project))
    lines = _lines(tx, entry, "posted", party, None)
    level = approval_level(tx, entry.ledger, lines.payment)
    if level is None:
        move(tx, lines.rows)
    else:  # waits for entry.approved (or entry.rejected): moves nothing yet
        tx.run("INSERT INTO view_pending (ledger, seq, level, amount, status, decided_by, "
               "postings) VALUES (?, ?, ?, ?, 'pending', NULL, ?)",
               (entry.ledger, entry.seq, level, lines.payment, detail_json(lines.rows)))
    _insert_entry(tx, entry, "posted", party, lines, level=level)


@handles("entry.reversed")
def entry_reversed(tx: Tx, entry: Entry) -> None:
    body = entry.statement.body
    original_seq = body["entry"]
    original = tx.one("SELECT category, counterparty_kind, counterparty_name, project "
                      "FROM view_entries WHERE ledger = ? AND seq = ? AND type = 'posted'",
                      (entry.ledger, original_seq))
    if original is None:
        raise LookupError(f"entry {original_seq} is not a posted journal entry")
    party = Party(original["category"], original["counterparty_kind"],
                  original["counterparty_name"], original["project"])
    lines = _lines(tx, entry, "reversal", party, original_seq)
    move(tx, lines.rows)
    _insert_entry(tx, entry, "reversal", party, lines, reverses=original_seq,
                  reason=str(body["reason"]))
    tx.run("UPDATE view_entries SET reversed_by = ? WHERE ledger = ? AND seq = ?",
           (entry.seq, entry.ledger, original_seq))


@handles("entry.confirmed")
def entry_confirmed(tx: Tx, entry: Entry) -> None:
    body = entry.statement.body
    tx.run("UPDATE view_entries SET confirmed_by = ?, confirmed_date = ? "
           "WHERE ledger = ? AND seq = ? AND confirmed_by IS NULL",
           (entry.seq, str(body["date"]), entry.ledger, body["entry"]))
