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

from datetime import date, timedelta
from typing import TYPE_CHECKING

from ledger.domain import flag_rules
from ledger.domain.state import LedgerState
from projections.flags import store

if TYPE_CHECKING:
    from projections.view import Tx

CODE = "split-payment"
# Both read the party's clusters by where they end (the index): only the last few.
SPANNING_SQL = (
    "SELECT first_date, first_seq FROM view_red_flags WHERE ledger = ? AND party_key = ? "
    "AND code = 'split-payment' AND (last_date, last_seq) >= (?, ?) "
    "AND (first_date, first_seq) < (?, ?) ORDER BY first_date, first_seq LIMIT 1")
LATER_DELETE = (
    "DELETE FROM view_red_flags WHERE ledger = ? AND party_key = ? AND code = 'split-payment' "
    "AND (last_date, last_seq) >= (?, ?) AND (first_date, first_seq) >= (?, ?)")
TAIL_SQL = (
    "SELECT seq, date, party_name, party_id, amount, cash, approval_threshold, "
    "split_window_days, round_cash_limit FROM view_flag_entries WHERE ledger = ? "
    "AND party_key = ? AND (date, seq) >= (?, ?) AND standing = 1 AND may_be_split = 1 "
    "ORDER BY date, seq")


def refresh(tx: Tx, state: LedgerState, ledger: str, party: str, day: str) -> None:
    """A payment to ``party`` dated ``day`` came or went: find the clusters again."""
    reach = timedelta(days=flag_rules.longest_split_window_days(state))
    start = ((date.fromisoformat(day) - reach).isoformat(), -1)
    while True:  # a cluster that reaches across the start starts the fold earlier
        spanning = tx.one(SPANNING_SQL, (ledger, party, *start, *start))
        if spanning is None:
            break
        start = (spanning["first_date"], spanning["first_seq"])
    tail = [flag_rules.Posted(**row) for row in tx.all(TAIL_SQL, (ledger, party, *start))]
    tx.run(LATER_DELETE, (ledger, party, *start, *start))
    for chosen in flag_rules.split_clusters(tail):
        first, last = chosen[0], chosen[-1]
        store.put(tx, ledger, CODE, str(first.seq), flag_rules.split_message(state, chosen),
                  sorted(p.seq for p in chosen),
                  span=(party, first.date, first.seq, last.date, last.seq))
