"""Findings that stand on the books as a whole at the view's size: disclosed
figures the ledger no longer gives (a payment back-dated into a disclosed
quarter), and bank statements whose difference from the books nothing in
transit explains. Like the register against the books (checks.book_values),
both are found again from the domain state once per batch, replacing the last
answer; the reconciliation sheets are written beside them.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

from ledger.domain import flag_rules
from ledger.domain.state import LedgerState
from projections.flags import shown, store

if TYPE_CHECKING:
    from projections.view import Tx

SHEET_INSERT = (
    "INSERT INTO view_reconciliations (ledger, seq, account, fund, date, statement_sha256, "
    "recorded_by, bank_balance, book_balance, in_transit, unexplained, items) "
    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")


def replace_findings(tx: Tx, state: LedgerState, ledger: str) -> None:
    for code, found in (("disclosure-mismatch", flag_rules.disclosure_mismatches(state)),
                        ("bank-unreconciled", flag_rules.unreconciled(state))):
        named_before = {seq for row in tx.all(
            "SELECT seqs FROM view_red_flags WHERE ledger = ? AND code = ?", (ledger, code))
            for seq in json.loads(row["seqs"])}
        tx.run("DELETE FROM view_red_flags WHERE ledger = ? AND code = ?", (ledger, code))
        for seq, message in found:
            store.put(tx, ledger, code, str(seq), message, (seq,))
        shown.forget_unnamed(tx, ledger, named_before)


def replace_sheets(tx: Tx, state: LedgerState, ledger: str) -> None:
    tx.run("DELETE FROM view_reconciliations WHERE ledger = ?", (ledger,))
    for sheet in flag_rules.reconciliation_sheets(state):
        statement = sheet.statement
        items = [{"entry": item.entry, "date": item.date,
                  "confirmed_on": item.confirmed_on or None, "amount": item.amount,
                  "kind": item.kind} for item in sheet.items]
        tx.run(SHEET_INSERT, (ledger, statement.seq, statement.account, statement.fund,
                              statement.date, statement.statement_sha256,
                              statement.recorded_by, statement.balance, sheet.book_balance,
                              sheet.explained, sheet.unexplained, json.dumps(items)))
