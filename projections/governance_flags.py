"""Red flags for auditors (巡察), each with the entries it rests on, from the read model.

The findings are kept by the projection (``projections/flags``: found as
entries arrive, the same codes, messages and seqs as the reference
``ledger.domain.redflags.red_flags`` gives for the same log) in
``view_red_flags``. An answer reads those rows and, from the log, only the
entries they name: nothing here grows with the log. The answer says the size
the view reflects (``size``, ``head``) beside the log's (``log_size``,
``behind``), and where the view stopped if it did, as the status does.
"""

from __future__ import annotations

import json
from collections import Counter
from typing import Any, Iterator

from ledger.errors import LedgerNotFound
from ledger.format.statements import Entry
from ledger.log.application import LedgerApplication
from projections.queries import stopped_message
from projections.view import FinanceView


def _rests_on(entry: Entry) -> dict[str, Any]:
    """What an auditor needs to see of an entry a finding names (full names: audit view)."""
    body = entry.statement.body
    shown: dict[str, Any] = {"seq": entry.seq, "type": entry.statement.type,
                             "recorded_at": entry.recorded_at, "signer": entry.signed.signer,
                             "entry_hash": entry.hash, "body": body}
    if entry.statement.type == "entry.posted":
        shown["amount"] = sum(p["amount"] for p in body["postings"] if p["side"] == "debit")
    return shown


def _runs(seqs: list[int]) -> Iterator[tuple[int, int]]:
    """Sorted seqs as (start, stop) runs of consecutive ones: one log read per run."""
    start = previous = seqs[0]
    for seq in seqs[1:]:
        if seq != previous + 1:
            yield start, previous + 1
            start = seq
        previous = seq
    yield start, previous + 1


def _entries(app: LedgerApplication, ledger: str, seqs: set[int]) -> dict[int, Entry]:
    found: dict[int, Entry] = {}
    for start, stop in _runs(sorted(seqs)) if seqs else ():
        for stored in app.reader.stored(ledger, start, stop):
            entry = stored.entry()
            found[entry.seq] = entry
    return found


def red_flags(app: LedgerApplication, view: FinanceView, ledger: str) -> dict[str, Any]:
    """Every red flag of ``ledger`` at the size the view reflects, oldest seqs first;
    each item has ``code``, ``message``, ``seqs`` and ``entries`` (the entries themselves)."""
    log_size = app.reader.size(ledger)
    if log_size == 0:
        raise LedgerNotFound(f"ledger {ledger!r} does not exist", ledger=ledger)
    with view.reading() as tx:
        at = tx.one("SELECT size, head, stopped_at, stopped_reason FROM view_ledgers "
                    "WHERE ledger = ?", (ledger,)) or {"size": 0, "head": None}
        rows = tx.all("SELECT code, message, seqs, sort_key, tiebreak FROM view_red_flags "
                      "WHERE ledger = ?", (ledger,))
    # Sorted here, not in SQL: PostgreSQL would order the text by its locale's collation.
    rows.sort(key=lambda row: (row["sort_key"], row["code"], row["tiebreak"]))
    items = [{"code": row["code"], "message": row["message"], "seqs": json.loads(row["seqs"])}
             for row in rows]
    entries = _entries(app, ledger, {seq for item in items for seq in item["seqs"]})
    for item in items:
        item["entries"] = [_rests_on(entries[seq]) for seq in item["seqs"] if seq in entries]
    size, stopped_at = at["size"], at.get("stopped_at")
    return {"ledger": ledger, "size": size, "head": at["head"] if size else None,
            "log_size": log_size, "behind": max(log_size - size, 0),
            "stopped_at": stopped_at,
            "message": stopped_message(stopped_at, at.get("stopped_reason")),
            "counts": dict(sorted(Counter(item["code"] for item in items).items())),
            "items": items}
