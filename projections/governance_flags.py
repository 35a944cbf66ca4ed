"""Red flags for auditors (巡察), each with the entries it rests on.

Decision: red flags are computed by ``ledger.domain.redflags.red_flags`` over the
log's entries and cached per (application, ledger) for the log size they
were computed at, not kept in a view table. The patterns (split payments in a
sliding window under the policy then in force, the same key on both sides of
a check, the register against the books) look at the whole history at once,
so a table filled entry by entry would have to re-run them per batch; one
replay per new log size costs about as much as one batch and only happens
when an auditor asks. Reading the log (not the views) also means a finding
never waits for the projection and rests on exactly the entries it names.

The cache keeps one answer per ledger; the log only grows, so a cached answer
is right exactly while the log's size is unchanged.
"""

from __future__ import annotations

import copy
import threading
import weakref
from collections import Counter
from typing import Any

from ledger.log.application import LedgerApplication
from ledger.errors import LedgerNotFound
from ledger.domain.redflags import red_flags as find_red_flags
from ledger.format.statements import Entry

READ_PAGE = 1000

_CACHE: "weakref.WeakKeyDictionary[LedgerApplication, dict[str, tuple[int, dict]]]" = (
    weakref.WeakKeyDictionary())
_LOCK = threading.Lock()


def _entries(app: LedgerApplication, ledger: str, size: int) -> list[Entry]:
    entries: list[Entry] = []
    while len(entries) < size:
        page = app.entries(ledger, len(entries), min(READ_PAGE, size - len(entries)))
        if not page:
            break
        entries.extend(page)
    return entries


def _rests_on(entry: Entry) -> dict[str, Any]:
    """What an auditor needs to see of an entry a finding names (full names: audit view)."""
    body = entry.statement.body
    shown: dict[str, Any] = {"seq": entry.seq, "type": entry.statement.type,
                             "recorded_at": entry.recorded_at, "signer": entry.signed.signer,
                             "entry_hash": entry.hash, "body": body}
    if entry.statement.type == "entry.posted":
        shown["amount"] = sum(p["amount"] for p in body["postings"] if p["side"] == "debit")
    return shown


def compute(app: LedgerApplication, ledger: str, size: int) -> dict[str, Any]:
    entries = _entries(app, ledger, size)
    findings = find_red_flags(entries)
    items = [{**finding.to_json(), "entries": [_rests_on(entries[seq]) for seq in finding.seqs
                                               if seq < len(entries)]}
             for finding in findings]
    return {"ledger": ledger, "size": len(entries),
            "head": entries[-1].hash if entries else None,
            "counts": dict(sorted(Counter(item["code"] for item in items).items())),
            "items": items}


def red_flags(app: LedgerApplication, ledger: str) -> dict[str, Any]:
    """Every red flag of ``ledger`` at the log's current size, oldest seqs first; each
    item has ``code``, ``message``, ``seqs`` and ``entries`` (the entries themselves)."""
    size = app.reader.size(ledger)
    if size == 0:
        raise LedgerNotFound(f"ledger {ledger!r} does not exist", ledger=ledger)
    with _LOCK:
        cached = _CACHE.setdefault(app, {}).get(ledger)
    if cached is None or cached[0] != size:
        result = compute(app, ledger, size)
        with _LOCK:
            _CACHE.setdefault(app, {})[ledger] = (size, result)
    else:
        result = cached[1]
    return copy.deepcopy(result)
