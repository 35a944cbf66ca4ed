"""The approval policy (三重一大) as the log states it: one row per ``policy.set``.
Which payment waits is the domain's call (``PaymentHeld``, journal.py), not this table's."""

from __future__ import annotations

from ledger.domain.effects import PolicySet
from projections.handlers import At, writes
from projections.handlers.common import detail_json


@writes(PolicySet)
def policy_set(at: At, effect: PolicySet) -> None:
    at.tx.run("INSERT INTO view_policies (ledger, seq, approval_threshold, major_threshold, "
              "detail) VALUES (?, ?, ?, ?, ?)",
              (at.ledger, effect.seq, effect.policy.approval_threshold,
               effect.policy.major_threshold, detail_json(at.body)))
