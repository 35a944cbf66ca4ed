"""What an auditor sees of each entry a finding rests on, kept beside the findings.

An entry never changes once in the log, so its rendering is written once, when
a finding first names it, from the stored entry (read in the projection's own
transaction). An answer then reads the rows of one page's entries by key,
instead of reading and checking each entry from the log in the request.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any, Iterable

from ledger.format.statements import Entry
from ledger.log.store import ledger_stream
from projections.states import stored_entries

if TYPE_CHECKING:
    from projections.view import Tx

SHOWN_INSERT = ("INSERT INTO view_flag_shown (ledger, seq, shown) VALUES (?, ?, ?) "
                "ON CONFLICT DO NOTHING")


def rests_on(entry: Entry) -> dict[str, Any]:
    """What an auditor needs to see of an entry a finding names (full names: audit view)."""
    body = entry.statement.body
    shown: dict[str, Any] = {"seq": entry.seq, "type": entry.statement.type,
                             "recorded_at": entry.recorded_at, "signer": entry.signed.signer,
                             "entry_hash": entry.hash, "body": body}
    if entry.statement.type == "entry.posted":
        shown["amount"] = sum(p["amount"] for p in body["postings"] if p["side"] == "debit")
    return shown


def keep(tx: Tx, ledger: str, seqs: Iterable[int]) -> None:
    """Make sure the entries at ``seqs`` have their rows (most already do)."""
    wanted = sorted(set(seqs))
    if not wanted:
        return
    marks = ", ".join("?" * len(wanted))
    have = {row["seq"] for row in tx.all(f"SELECT seq FROM view_flag_shown WHERE ledger = ? "
                                         f"AND seq IN ({marks})", (ledger, *wanted))}
    missing = [seq for seq in wanted if seq not in have]
    if not missing:
        return
    assert tx.domain is not None, "rows are kept only while projecting"
    entries = stored_entries(tx, tx.domain.states.recorder, ledger_stream(ledger), missing)
    tx.many(SHOWN_INSERT, [(ledger, entry.seq, json.dumps(rests_on(entry), ensure_ascii=False,
                                                          sort_keys=True))
                           for entry in entries])


def forget_unnamed(tx: Tx, ledger: str, seqs: Iterable[int]) -> None:
    """Remove the rows of ``seqs`` that no finding names any more: the rows are then
    exactly the entries today's findings name, however the entries were batched (a
    finding raised and taken back inside one batch would otherwise leave rows in one
    projection and not in a rebuild)."""
    candidates = set(seqs)
    if not candidates:
        return
    named = {seq for row in tx.all("SELECT seqs FROM view_red_flags WHERE ledger = ?",
                                   (ledger,))
             for seq in json.loads(row["seqs"])}
    orphans = sorted(candidates - named)
    if orphans:
        marks = ", ".join("?" * len(orphans))
        tx.run(f"DELETE FROM view_flag_shown WHERE ledger = ? AND seq IN ({marks})",
               (ledger, *orphans))


def read(tx: Tx, ledger: str, seqs: Iterable[int]) -> dict[int, dict[str, Any]]:
    wanted = sorted(set(seqs))
    if not wanted:
        return {}
    marks = ", ".join("?" * len(wanted))
    return {row["seq"]: json.loads(row["shown"])
            for row in tx.all(f"SELECT seq, shown FROM view_flag_shown WHERE ledger = ? "
                              f"AND seq IN ({marks})", (ledger, *wanted))}
