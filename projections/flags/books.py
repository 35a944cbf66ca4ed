"""Findings that stand on the books as a whole: disclosed figures the ledger no
longer gives (a payment back-dated into a disclosed quarter), and bank
statements whose difference from the books nothing in transit explains, with
the reconciliation sheets written beside them.

Disclosures are checked again at the end of every batch from the domain state
(a few rows: each periodic disclosure's months), replacing the last answer. A
sheet takes a pass over the ledger's cash and bank entries, so only the sheets
a batch can have changed are made again: those of statements dated on or after
the earliest business date the batch's money, confirmations or statements
touched (``touch``); an entry or a confirmation dated later leaves an earlier
statement's sheet as it was (ledger.domain.bank.sheets).
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

from ledger.domain import flag_rules
from ledger.domain.state import LedgerState
from projections.flags import shown, store

if TYPE_CHECKING:
    from projections.view import Tx

SHEET_UPSERT = (
    "INSERT INTO view_reconciliations (ledger, seq, account, fund, date, statement_sha256, "
    "recorded_by, bank_balance, book_balance, in_transit, unexplained, items) "
    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (ledger, seq) DO UPDATE SET "
    "book_balance = excluded.book_balance, in_transit = excluded.in_transit, "
    "unexplained = excluded.unexplained, items = excluded.items")
UNRECONCILED = "bank-unreconciled"


def touch(tx: Tx, ledger: str, day: str) -> None:
    """Statements dated ``day`` or later may have another sheet after this batch."""
    tx.touched[ledger] = min(day, tx.touched.get(ledger, day))


def disclosures(tx: Tx, state: LedgerState, ledger: str) -> None:
    code = "disclosure-mismatch"
    named_before = {seq for row in tx.all(
        "SELECT seqs FROM view_red_flags WHERE ledger = ? AND code = ?", (ledger, code))
        for seq in json.loads(row["seqs"])}
    tx.run("DELETE FROM view_red_flags WHERE ledger = ? AND code = ?", (ledger, code))
    for seq, message in flag_rules.disclosure_mismatches(state):
        store.put(tx, ledger, code, str(seq), message, (seq,))
    shown.forget_unnamed(tx, ledger, named_before)


def reconciliations(tx: Tx, state: LedgerState, ledger: str) -> None:
    since = tx.touched.pop(ledger, None)
    if since is None:
        return
    for sheet in flag_rules.reconciliation_sheets(state, since):
        statement = sheet.statement
        items = [{"entry": item.entry, "date": item.date,
                  "confirmed_on": item.confirmed_on or None, "amount": item.amount,
                  "kind": item.kind} for item in sheet.items]
        tx.run(SHEET_UPSERT, (ledger, statement.seq, statement.account, statement.fund,
                              statement.date, statement.statement_sha256,
                              statement.recorded_by, statement.balance, sheet.book_balance,
                              sheet.explained, sheet.unexplained, json.dumps(items)))
        message = flag_rules.unreconciled_message(state, sheet)
        if message:
            store.put(tx, ledger, UNRECONCILED, str(statement.seq), message, (statement.seq,))
        else:
            store.drop(tx, ledger, UNRECONCILED, str(statement.seq))
