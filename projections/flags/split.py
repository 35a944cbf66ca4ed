"""Split payments, found again around one counterparty's changed payment.

The rule (``ledger.domain.flag_rules.split_clusters``) folds over one
counterparty's payments in (date, seq) order. A payment dated D can only
join runs that start on or after D minus the longest window, and a run that
starts after the last member of the cluster before it can never join that
cluster. So the fold is restarted from the earliest of those runs, moved back
to the start of any stored cluster that reaches across it: the clusters
before that point stand as they are, and only the counterparty's payments
from there on are read (by the ``(ledger, party_key, date, seq)`` index).
"""

from __future__ import annotations

import json
from datetime import date, timedelta
from typing import TYPE_CHECKING

from ledger.domain import flag_rules
from ledger.domain.state import LedgerState
from projections.flags import store

if TYPE_CHECKING:
    from projections.view import Tx

# The party's clusters that end at or after a point, by the index on where they end:
# only the last few of a long history.
CLUSTERS_SQL = (
    "SELECT subject, first_date, first_seq, seqs FROM view_red_flags WHERE ledger = ? "
    "AND party_key = ? AND code = ? AND (last_date, last_seq) >= (?, ?)")
# Under the approval threshold (may_be_split) or under the major one (may_be_split_major).
TAIL_SQL = (
    "SELECT seq, date, party_name, party_id, amount, cash, approval_threshold, "
    "split_window_days, round_cash_limit, major_threshold FROM view_flag_entries "
    "WHERE ledger = ? AND party_key = ? AND (date, seq) >= (?, ?) AND standing = 1 "
    "AND {flag} = 1 ORDER BY date, seq")
FLAG_COLUMNS = {"approval": "may_be_split", "major": "may_be_split_major"}

Position = tuple[str, int]  # (date, seq): the order of one party's payments


def refresh(tx: Tx, state: LedgerState, ledger: str, party: str, day: str,
            level: str = "approval") -> None:
    """A payment to ``party`` dated ``day`` came or went: find the clusters under the
    ``level`` threshold again. Clusters that come out the same are left as they are."""
    code = flag_rules.SPLIT_LEVELS[level]
    reach = timedelta(days=flag_rules.longest_split_window_days(state))
    start, kept = _fold_start(tx, ledger, party, code,
                              ((date.fromisoformat(day) - reach).isoformat(), -1))
    tail = [flag_rules.Posted(**row) for row in tx.all(
        TAIL_SQL.format(flag=FLAG_COLUMNS[level]), (ledger, party, *start))]
    for chosen in flag_rules.split_clusters(tail, level):
        first, last = chosen[0], chosen[-1]
        seqs = sorted(p.seq for p in chosen)
        if kept.pop(str(first.seq), None) == seqs:
            continue
        store.put(tx, ledger, code, str(first.seq),
                  flag_rules.split_message(state, chosen, level), seqs,
                  span=(party, first.date, first.seq, last.date, last.seq))
    for subject in sorted(kept):  # clusters the fold no longer finds
        store.drop(tx, ledger, code, subject)


def _fold_start(tx: Tx, ledger: str, party: str, code: str, start: Position
                ) -> tuple[Position, dict[str, list[int]]]:
    """Where to restart the fold (``start``, moved back to the first payment of any
    stored cluster that reaches across it), and the stored clusters from there on."""
    while True:
        clusters = tx.all(CLUSTERS_SQL, (ledger, party, code, *start))
        across = [(c["first_date"], c["first_seq"]) for c in clusters
                  if (c["first_date"], c["first_seq"]) < start]
        if not across:
            return start, {c["subject"]: json.loads(c["seqs"]) for c in clusters}
        start = min(across)
