"""Closed months (结账) as the domain states them: one row per month, replaced at
each step (the agent's close, the supervisors' co-signature)."""

from __future__ import annotations

from ledger.domain.effects import PeriodStepped
from projections.handlers import At, writes

PERIOD_UPSERT = (
    "INSERT INTO view_periods (ledger, month, status, closed_seq, closed_by, closed_at, "
    "cosigned_seq, cosigned_by, cosigned_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) "
    "ON CONFLICT (ledger, month) DO UPDATE SET status = excluded.status, "
    "cosigned_seq = excluded.cosigned_seq, cosigned_by = excluded.cosigned_by, "
    "cosigned_at = excluded.cosigned_at")


@writes(PeriodStepped)
def period_stepped(at: At, effect: PeriodStepped) -> None:
    period = effect.period
    at.tx.run(PERIOD_UPSERT, (at.ledger, period.month, period.status, period.closed_seq,
                              period.closed_by, period.closed_at, period.cosigned_seq,
                              period.cosigned_by or None, period.cosigned_at or None))
