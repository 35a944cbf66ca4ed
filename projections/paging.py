"""Checking query parameters, and seq-cursor pages.

Bad parameters raise ``FormatError`` naming the field (the API maps it to
422); an unknown ledger raises ``LedgerNotFound``. Pages are ordered by seq
and the cursor is the last seq of the page before, so a page never shifts
when new entries arrive.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date as Date
from typing import TYPE_CHECKING, Any

from ledger.domain import policy
from ledger.errors import FormatError, LedgerNotFound

if TYPE_CHECKING:
    from projections.view import Tx

PAGE_SIZE_MAX = 1000
PAGE_SIZE_DEFAULT = 100
TEXT_FILTER_BYTES_MAX = policy.name_bytes_max
ENTRY_TYPES = frozenset({"posted", "reversal"})


def check_limit(limit: Any) -> int:
    if not isinstance(limit, int) or isinstance(limit, bool) or not 1 <= limit <= PAGE_SIZE_MAX:
        raise FormatError(f"limit must be an integer from 1 to {PAGE_SIZE_MAX}", field="limit",
                          limit=PAGE_SIZE_MAX)
    return limit


def check_seq(value: Any, name: str = "seq") -> int:
    if not isinstance(value, int) or isinstance(value, bool) or not 0 <= value < 2**53:
        raise FormatError(f"{name} must be a seq (a non-negative integer)", field=name)
    return value


def check_cursor(cursor: Any) -> int | None:
    return None if cursor is None else check_seq(cursor, "cursor")


def check_date(value: Any, name: str) -> str | None:
    if value is None:
        return None
    if isinstance(value, Date):
        return value.isoformat()
    try:
        if isinstance(value, str) and len(value) == 10:
            return Date.fromisoformat(value).isoformat()
    except ValueError:
        pass
    raise FormatError(f"{name} must be a date like 2026-03-31", field=name)


def check_year(value: Any, name: str = "year") -> int | None:
    if value is None:
        return None
    if not isinstance(value, int) or isinstance(value, bool) or not 2000 <= value <= 2100:
        raise FormatError(f"{name} must be a year from 2000 to 2100", field=name)
    return value


def check_amount(value: Any, name: str) -> int | None:
    if value is None:
        return None
    if not isinstance(value, int) or isinstance(value, bool) or value < 0:
        raise FormatError(f"{name} must be a non-negative integer in minor units (fen)",
                          field=name)
    return value


CONTROL_CHARACTER_RE = re.compile(r"[\x00-\x1f\x7f]")


def check_text(value: Any, name: str) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str) or len(value.encode("utf-8")) > TEXT_FILTER_BYTES_MAX:
        raise FormatError(f"{name} must be text of at most {TEXT_FILTER_BYTES_MAX} bytes",
                          field=name)
    # PostgreSQL cannot hold a NUL in text at all; no stored name has control characters.
    if CONTROL_CHARACTER_RE.search(value):
        raise FormatError(f"{name} must not contain control characters", field=name)
    return value


def like_pattern(text: str) -> str:
    """A LIKE pattern matching ``text`` anywhere, with its wildcards taken literally."""
    escaped = text.lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


@dataclass(frozen=True)
class TransactionFilters:
    """Filters of the public transaction list; every field is optional."""

    date_from: str | None = None
    date_to: str | None = None
    fund: str | None = None
    category: str | None = None
    counterparty: str | None = None  # substring of the public (masked) name, any case
    amount_min: int | None = None    # on the entry's total debit, minor units
    amount_max: int | None = None
    type: str | None = None          # "posted" or "reversal"

    def __post_init__(self) -> None:
        for name in ("date_from", "date_to"):
            object.__setattr__(self, name, check_date(getattr(self, name), name))
        for name in ("fund", "category", "counterparty"):
            check_text(getattr(self, name), name)
        for name in ("amount_min", "amount_max"):
            check_amount(getattr(self, name), name)
        if self.type is not None and self.type not in ENTRY_TYPES:
            raise FormatError("type must be posted or reversal", field="type")

    def where(self) -> tuple[str, list[Any]]:
        """SQL conditions on ``view_entries e`` and their parameters."""
        parts: list[str] = []
        params: list[Any] = []
        for sql, value in (("e.date >= ?", self.date_from), ("e.date <= ?", self.date_to),
                           ("e.category = ?", self.category), ("e.type = ?", self.type),
                           ("e.amount >= ?", self.amount_min), ("e.amount <= ?", self.amount_max)):
            if value is not None:
                parts.append(sql)
                params.append(value)
        if self.fund is not None:
            parts.append("EXISTS (SELECT 1 FROM view_postings p WHERE p.ledger = e.ledger "
                         "AND p.seq = e.seq AND p.fund = ?)")
            params.append(self.fund)
        if self.counterparty:
            parts.append("LOWER(e.counterparty_public) LIKE ? ESCAPE '\\'")
            params.append(like_pattern(self.counterparty))
        return "".join(f" AND {part}" for part in parts), params


def require_ledger(tx: Tx, ledger: str) -> dict[str, Any]:
    row = tx.one("SELECT ledger, name, origin, currency, size, head, last_recorded_at "
                 "FROM view_ledgers WHERE ledger = ? AND size > 0", (ledger,))
    if row is None:
        raise LedgerNotFound(f"ledger {ledger!r} is not in the views (yet)", ledger=ledger)
    return row


def seq_window(cursor: int | None, order: str) -> tuple[str, list[Any], str]:
    """The cursor condition and ORDER BY for seq pages (``order`` asc or desc)."""
    if order not in ("asc", "desc"):
        raise FormatError("order must be asc or desc", field="order")
    if cursor is None:
        return "", [], order.upper()
    return (" AND e.seq > ?" if order == "asc" else " AND e.seq < ?"), [cursor], order.upper()


def page(rows: list[dict[str, Any]], limit: int) -> tuple[list[dict[str, Any]], int | None]:
    """Rows were fetched with ``limit + 1``: the extra one says there is a next page."""
    if len(rows) > limit:
        return rows[:limit], rows[limit - 1]["seq"]
    return rows, None
