"""When an inspection finding is overdue (ledger/domain/inspection.py): it was given a
deadline, the day has passed, and it is not rectified (assigned, or reopened after a
rectification its raiser did not accept). Judged on the day it is asked: the
server's today, in the ledger's time zone."""

from __future__ import annotations

from datetime import date

AWAITING_RECTIFICATION = frozenset({"assigned", "reopened"})
STATUSES = ("open", "assigned", "rectified", "reopened", "closed")


def is_overdue(status: str, deadline: str | None, today: date) -> bool:
    return (status in AWAITING_RECTIFICATION and bool(deadline)
            and date.fromisoformat(str(deadline)) < today)
