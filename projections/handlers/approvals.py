"""The approval policy and the decisions on pending payments (三重一大)."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

from ledger.format.statements import Entry
from projections.handlers import handles
from projections.handlers.common import detail_json
from projections.handlers.journal import move

if TYPE_CHECKING:
    from projections.view import Tx


@handles("policy.set")
def policy_set(tx: Tx, entry: Entry) -> None:
    body = entry.statement.body
    tx.run("INSERT INTO view_policies (ledger, seq, approval_threshold, major_threshold, "
           "detail) VALUES (?, ?, ?, ?, ?)",
           (entry.ledger, entry.seq, body["approval_threshold"], body["major_threshold"],
            detail_json(body)))
    tx.cache.pop(("policy", entry.ledger), None)


def _decide(tx: Tx, entry: Entry, status: str) -> list:
    seq = entry.statement.body["entry"]
    pending = tx.one("SELECT postings FROM view_pending WHERE ledger = ? AND seq = ? "
                     "AND status = 'pending'", (entry.ledger, seq))
    if pending is None:
        raise LookupError(f"entry {seq} is not a payment waiting for approval")
    tx.run("UPDATE view_pending SET status = ?, decided_by = ? WHERE ledger = ? AND seq = ?",
           (status, entry.seq, entry.ledger, seq))
    tx.run("UPDATE view_entries SET approval = ?, decided_by = ? WHERE ledger = ? AND seq = ?",
           (status, entry.seq, entry.ledger, seq))
    return [tuple(row) for row in json.loads(pending["postings"])]


@handles("entry.approved")
def entry_approved(tx: Tx, entry: Entry) -> None:
    # The payment moves now, under its own seq and date (as the domain's apply_money).
    move(tx, _decide(tx, entry, "approved"))


@handles("entry.rejected")
def entry_rejected(tx: Tx, entry: Entry) -> None:
    _decide(tx, entry, "rejected")
