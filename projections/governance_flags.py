"""Red flags for auditors (巡察), each with the entries it rests on, from the read model.

The findings are kept by the projection (``projections/flags``: found as
entries arrive, the same codes, messages and seqs as the reference
``ledger.domain.redflags.red_flags`` gives for the same log) in
``view_red_flags``. An answer reads one page of those rows by index, in the
reference's order, and what the auditor sees of the entries they name
(``view_flag_shown``, written by the projection when a finding first names an
entry): nothing here grows with the log, and no entry is read from the log. ``counts`` counts every finding (one index scan of the
findings, not of the log). The answer says the size the view reflects
(``size``, ``head``) beside the log's (``log_size``, ``behind``), and where
the view stopped if it did, as the status does.
"""

from __future__ import annotations

import json
import re
from typing import Any

from ledger.errors import FormatError, LedgerNotFound
from ledger.format.cjson import INT_MAX as SEQ_MAX
from ledger.log.application import LedgerApplication
from projections.flags import shown
from projections.paging import check_limit
from projections.queries import stopped_message
from projections.view import FinanceView, Tx

Position = tuple[int, int]  # (seq_1, seq_2) of view_red_flags: where a page ends
START: Position = (-2, -2)  # before every finding (a finding's seq_1, seq_2 are >= -1)
COLUMNS = "code, subject, message, seqs, seq_1, seq_2, sort_key, tiebreak"
# Each finding brings the entries it rests on (a split payment, several): a page
# of 50 findings is a few hundred entries, some 200 KB of JSON.
FLAGS_PAGE_DEFAULT = 50


def _page(tx: Tx, ledger: str, after: Position, limit: int
          ) -> tuple[list[dict[str, Any]], Position | None]:
    """Up to ``limit`` findings after ``after`` (more if the last ones share their first
    two seqs: a page never splits those), in the reference's order; and where the next
    page starts, if there is one."""
    rows = tx.all(f"SELECT {COLUMNS} FROM view_red_flags WHERE ledger = ? "
                  "AND (seq_1, seq_2) > (?, ?) ORDER BY seq_1, seq_2 LIMIT ?",
                  (ledger, *after, limit + 1))
    if len(rows) <= limit:
        return _ordered(rows), None
    last = (rows[limit - 1]["seq_1"], rows[limit - 1]["seq_2"])
    rows = [row for row in rows if (row["seq_1"], row["seq_2"]) < last]
    rows += tx.all(f"SELECT {COLUMNS} FROM view_red_flags WHERE ledger = ? "
                   "AND seq_1 = ? AND seq_2 = ?", (ledger, *last))
    more = tx.one("SELECT 1 AS more FROM view_red_flags WHERE ledger = ? "
                  "AND (seq_1, seq_2) > (?, ?) LIMIT 1", (ledger, *last))
    return _ordered(rows), last if more else None


def _ordered(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    # Sorted here, not in SQL: PostgreSQL would order the text by its locale's collation.
    return sorted(rows, key=lambda row: (row["sort_key"], row["code"], row["tiebreak"]))


def parse_cursor(cursor: str | None) -> Position:
    """``next_cursor`` of the page before ("seq_1:seq_2"), or the start."""
    if cursor is None:
        return START
    shape = re.fullmatch(r"(-?[0-9]{1,19}):(-?[0-9]{1,19})", cursor)
    position = (int(shape[1]), int(shape[2])) if shape else ()
    if not position or not all(-1 <= part <= SEQ_MAX for part in position):
        raise FormatError("cursor must be the next_cursor of a page before", field="cursor")
    return position[0], position[1]


def red_flags(app: LedgerApplication, view: FinanceView, ledger: str, cursor: str | None = None,
              limit: int = FLAGS_PAGE_DEFAULT) -> dict[str, Any]:
    """A page of the red flags of ``ledger`` at the size the view reflects, oldest seqs
    first (``next_cursor`` continues); each item has ``code``, ``message``, ``seqs`` and
    ``entries`` (the entries themselves)."""
    after, limit = parse_cursor(cursor), check_limit(limit)
    log_size = app.reader.size(ledger)
    if log_size == 0:
        raise LedgerNotFound(f"ledger {ledger!r} does not exist", ledger=ledger)
    with view.reading() as tx:
        at = tx.one("SELECT size, head, stopped_at, stopped_reason FROM view_ledgers "
                    "WHERE ledger = ?", (ledger,)) or {"size": 0, "head": None}
        rows, following = _page(tx, ledger, after, limit)
        counts = tx.all("SELECT code, COUNT(*) AS n FROM view_red_flags WHERE ledger = ? "
                        "GROUP BY code", (ledger,))
        # ``id`` names the flag for an inspection finding about it (about.ref).
        items = [{"id": f"{row['code']}:{row['subject']}", "code": row["code"],
                  "message": row["message"], "seqs": json.loads(row["seqs"])} for row in rows]
        entries = shown.read(tx, ledger, [seq for item in items for seq in item["seqs"]])
    for item in items:
        item["entries"] = [entries[seq] for seq in item["seqs"] if seq in entries]
    size, stopped_at = at["size"], at.get("stopped_at")
    return {"ledger": ledger, "size": size, "head": at["head"] if size else None,
            "log_size": log_size, "behind": max(log_size - size, 0),
            "stopped_at": stopped_at,
            "message": stopped_message(stopped_at, at.get("stopped_reason")),
            "counts": {row["code"]: row["n"] for row in sorted(counts, key=lambda r: r["code"])},
            "items": items,
            "next_cursor": None if following is None else f"{following[0]}:{following[1]}"}


def red_flag(view: FinanceView, ledger: str, flag_id: str) -> dict[str, Any] | None:
    """One red flag by its ``id`` ("<code>:<subject>", as ``red_flags`` gives it), as far
    as the view has come; None if the view holds no such flag."""
    code, _, subject = flag_id.partition(":")
    with view.reading() as tx:
        row = tx.one("SELECT code, subject, message, seqs FROM view_red_flags WHERE ledger = ? "
                     "AND code = ? AND subject = ?", (ledger, code, subject))
    if row is None:
        return None
    return {"id": flag_id, "code": row["code"], "message": row["message"],
            "seqs": json.loads(row["seqs"])}
