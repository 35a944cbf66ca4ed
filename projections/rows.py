"""Row shapes shared by the public and the audit read models."""

from __future__ import annotations

import json
from typing import Any

# Accounts whose balance is naturally a credit: shown positive when in credit.
CREDIT_CLASSES = frozenset({"liability", "net_assets", "income"})
CLASSES = ("asset", "liability", "net_assets", "income", "expense")


def natural(account_class: str, signed: int) -> int:
    return -signed if account_class in CREDIT_CLASSES else signed


ENTRY_COLUMNS = ("e.seq, e.type, e.date, e.category, e.amount, e.currency, e.funds, "
                 "e.counterparty_kind, e.counterparty_public, e.counterparty_name, e.memo, "
                 "e.documents, e.signer, e.signer_role, e.entry_hash, e.recorded_at, "
                 "e.reverses, e.reversed_by, e.reason, e.moves_money, e.confirmed_by, "
                 "e.confirmed_date, e.project, e.approval, e.approval_level, e.decided_by")

# Money has moved (so the cashier can confirm it) unless a payment still waits for
# approval or was rejected.
MOVED_SQL = "(e.approval IS NULL OR e.approval = 'approved')"


def public_entry(row: dict[str, Any]) -> dict[str, Any]:
    """A journal entry as the public sees it: no key ids, people masked.

    ``approval`` is None (no approval needed), "pending" (moves no money yet),
    "approved" or "rejected" (never moved money)."""
    status = ("reversal" if row["type"] == "reversal"
              else "reversed" if row["reversed_by"] is not None else "in_force")
    return {"seq": row["seq"], "type": row["type"], "date": row["date"],
            "category": row["category"], "amount": row["amount"], "currency": row["currency"],
            "funds": row["funds"].split(",") if row["funds"] else [],
            "counterparty": {"kind": row["counterparty_kind"],
                             "name": row["counterparty_public"]},
            "memo": row["memo"], "documents": json.loads(row["documents"]),
            "signer_role": row["signer_role"], "entry_hash": row["entry_hash"],
            "recorded_at": row["recorded_at"], "reversal_status": status,
            "reverses": row["reverses"], "reversed_by": row["reversed_by"],
            "reason": row["reason"],
            "approval": row["approval"], "approval_level": row["approval_level"],
            "approval_decided_by": row["decided_by"], "project": row["project"],
            "needs_confirmation": (bool(row["moves_money"]) and row["confirmed_by"] is None
                                   and row["approval"] in (None, "approved")),
            "confirmed_by": row["confirmed_by"], "confirmed_date": row["confirmed_date"]}
