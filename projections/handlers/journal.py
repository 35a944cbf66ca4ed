"""Journal entries, reversals (红字冲销), held payments and the cashier's
confirmations, written from the domain's effects.

Postings are stored signed (debit +, credit -), one row per ``MoneyMoved``:
at the entry itself, or, for a payment the policy held, when the domain says
its approval moved it (the rows keep the payment's own seq and date). A
reversal's rows carry the original's category and counterparty, dated on
the reversal's own date (the red-ink correction lands in the period it was
made), so every sum over postings nets the pair to zero.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date as Date
from typing import TYPE_CHECKING

from ledger.domain.effects import (EntryConfirmed, EntryPosted, EntryReversed, MoneyMoved,
                                   PaymentDecided, PaymentHeld)
from projections.handlers import At, writes
from projections.handlers.common import add_finding, detail_json, public_name

if TYPE_CHECKING:
    from projections.view import Tx

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
# view_flows is the income-and-spending table: it sums the lines of these classes.
FLOW_CLASSES = frozenset({"income", "expense"})
ENTRY_INSERT = (
    "INSERT INTO view_entries (ledger, seq, type, date, category, amount, currency, funds, "
    "counterparty_kind, counterparty_public, counterparty_name, memo, documents, signer, "
    "signer_role, entry_hash, recorded_at, reverses, reversed_by, reason, moves_money, "
    "confirmed_by, confirmed_date, project, approval, approval_level, decided_by) VALUES "
    "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, NULL, ?, ?, NULL, NULL, ?, NULL, "
    "NULL, NULL)")
SOURCE_SQL = ("SELECT type, category, counterparty_kind, counterparty_public, reverses, signer, "
              "signer_role, entry_hash FROM view_entries WHERE ledger = ? AND seq = ?")


@dataclass(frozen=True)
class Source:
    """What every posting row of one journal entry repeats (the view_entries columns)."""

    type: str               # "posted" | "reversal"
    category: str
    counterparty_kind: str
    counterparty_public: str
    reverses: int | None
    signer: str
    signer_role: str
    entry_hash: str


def _source(tx: Tx, ledger: str, seq: int) -> Source:
    """The entry's row: cached when this batch wrote it, else read back (an
    approval moves the money of a payment recorded earlier)."""
    key = ("source", ledger, seq)
    if key not in tx.cache:
        row = tx.one(SOURCE_SQL, (ledger, seq))
        if row is None:
            raise LookupError(f"entry {seq} is not in view_entries")
        tx.cache[key] = Source(**row)
    return tx.cache[key]


def _party(at: At, posted: EntryPosted) -> tuple[str, str, str]:
    """(category, counterparty kind, counterparty name): a reversal repeats its original's."""
    if posted.reverses is None:
        counterparty = at.body["counterparty"]
        return str(at.body["category"]), str(counterparty["kind"]), str(counterparty["name"])
    original = at.tx.one("SELECT category, counterparty_kind, counterparty_name FROM "
                         "view_entries WHERE ledger = ? AND seq = ? AND type = 'posted'",
                         (at.ledger, posted.reverses))
    if original is None:
        raise LookupError(f"entry {posted.reverses} is not a posted journal entry")
    return original["category"], original["counterparty_kind"], original["counterparty_name"]


def _check_balanced(at: At, posted: EntryPosted) -> None:
    """The log was checked when written; an entry that does not balance per fund
    means a damaged log, and the trial balance stops balancing here: say so."""
    per_fund: dict[str, int] = defaultdict(int)
    for line in posted.lines:
        per_fund[f"{line.fund}/{line.currency}"] += line.amount
    off = {key: total for key, total in sorted(per_fund.items()) if total}
    if off:
        add_finding(at.tx, at.ledger, posted.seq, "trial_balance", {"imbalance": off})


@writes(EntryPosted)
def entry_posted(at: At, posted: EntryPosted) -> None:
    tx, entry = at.tx, at.entry
    kind = "posted" if posted.reverses is None else "reversal"
    category, party_kind, party_name = _party(at, posted)
    shown = public_name(party_kind, party_name)
    documents = at.body.get("documents", [])
    if not isinstance(documents, list):
        raise TypeError("documents must be a list")
    _check_balanced(at, posted)
    tx.run(ENTRY_INSERT,
           (at.ledger, posted.seq, kind, Date.fromisoformat(posted.date).isoformat(), category,
            posted.amount, posted.currency, ",".join(posted.funds), party_kind, shown,
            party_name, str(at.body.get("memo", "")), detail_json(documents),
            entry.signed.signer, at.role, entry.hash, entry.recorded_at, posted.reverses,
            str(at.body.get("reason", "")), int(posted.moves_money), posted.project))
    tx.cache[("source", at.ledger, posted.seq)] = Source(
        kind, category, party_kind, shown, posted.reverses, entry.signed.signer, at.role,
        entry.hash)


@writes(MoneyMoved)
def money_moved(at: At, moved: MoneyMoved) -> None:
    """One posting row, its balance move and its monthly flow. Nothing reads them
    back within a batch, so all are buffered and written at flush."""
    tx, line = at.tx, moved.line
    source = _source(tx, at.ledger, moved.entry)
    day = Date.fromisoformat(moved.date).isoformat()
    tx.defer(POSTING_INSERT,
             (at.ledger, moved.entry, line.line, source.type, day, day[:7], line.account,
              line.account_class, line.fund, line.currency, source.category,
              "debit" if line.amount > 0 else "credit", line.amount, source.counterparty_kind,
              source.counterparty_public, source.reverses, source.signer, source.signer_role,
              source.entry_hash, moved.project))
    tx.add(BALANCE_UPSERT, (at.ledger, line.account, line.fund, line.currency), line.amount)
    if line.account_class in FLOW_CLASSES and not moved.closing:  # a year-end close is no flow
        tx.add(FLOW_UPSERT, (at.ledger, line.fund, line.currency, day[:7], line.account_class,
                             source.category, source.counterparty_kind,
                             source.counterparty_public), line.amount)


@writes(PaymentHeld)
def payment_held(at: At, held: PaymentHeld) -> None:
    at.tx.run("INSERT INTO view_pending (ledger, seq, level, amount, status, decided_by) "
              "VALUES (?, ?, ?, ?, 'pending', NULL)",
              (at.ledger, held.entry, held.level, held.amount))
    at.tx.run("UPDATE view_entries SET approval = 'pending', approval_level = ? "
              "WHERE ledger = ? AND seq = ?", (held.level, at.ledger, held.entry))


@writes(PaymentDecided)
def payment_decided(at: At, decided: PaymentDecided) -> None:
    for table in ("view_pending SET status", "view_entries SET approval"):
        at.tx.run(f"UPDATE {table} = ?, decided_by = ? WHERE ledger = ? AND seq = ?",
                  (decided.status, decided.seq, at.ledger, decided.entry))


@writes(EntryReversed)
def entry_reversed(at: At, reversed_: EntryReversed) -> None:
    at.tx.run("UPDATE view_entries SET reversed_by = ? WHERE ledger = ? AND seq = ?",
              (reversed_.seq, at.ledger, reversed_.entry))


@writes(EntryConfirmed)
def entry_confirmed(at: At, confirmed: EntryConfirmed) -> None:
    at.tx.run("UPDATE view_entries SET confirmed_by = ?, confirmed_date = ? "
              "WHERE ledger = ? AND seq = ? AND confirmed_by IS NULL",
              (confirmed.seq, str(confirmed.date), at.ledger, confirmed.entry))
