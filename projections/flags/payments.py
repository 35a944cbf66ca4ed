"""Patterns over standing entries: round sums in cash, one invoice on two
entries, payments outside a project's period, and (``split.py``) payments
split under the approval threshold or under the major one.

Whether an entry stands (not reversed, not held unapproved) can change long
after it is recorded: an approval makes a held payment count, a reversal
takes an entry out. Each change looks again at exactly what that entry
touches: its counterparty's payments around its date, its documents, itself.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ledger.domain import flag_rules
from ledger.domain.flag_rules import Posted
from ledger.domain.state import LedgerState
from projections.flags import split, store

if TYPE_CHECKING:
    from projections.handlers import At
    from projections.view import Tx

ENTRY_INSERT = (
    "INSERT INTO view_flag_entries (ledger, seq, standing, date, party_key, party_name, "
    "party_id, amount, cash, approval_threshold, split_window_days, round_cash_limit, "
    "may_be_split, major_threshold, may_be_split_major) "
    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")
ENTRY_COLUMNS = ("seq, date, party_name, party_id, amount, cash, approval_threshold, "
                 "split_window_days, round_cash_limit, major_threshold")


def entry_posted(at: At, state: LedgerState, seq: int) -> None:
    """A new ``entry.posted``: index it, and if it stands, look at what it touches."""
    facts = flag_rules.posted(state, seq, at.body)
    standing = flag_rules.standing(state, seq)
    at.tx.run(ENTRY_INSERT, (at.ledger, seq, int(standing), facts.date, facts.party_key,
                             facts.party_name, facts.party_id, facts.amount, facts.cash,
                             facts.approval_threshold, facts.split_window_days,
                             facts.round_cash_limit, int(facts.may_be_split),
                             facts.major_threshold, int(facts.may_be_split_major)))
    digests = flag_rules.invoices(at.body)
    at.tx.many("INSERT INTO view_flag_documents (ledger, sha256, seq, ordinal) VALUES "
               "(?, ?, ?, ?) ON CONFLICT DO NOTHING",
               [(at.ledger, digest, seq, ordinal) for ordinal, digest in enumerate(digests)])
    if standing:  # new: nothing of it to take back, its documents are in hand
        _look_again(at.tx, state, at.ledger, facts, sorted(set(digests)), new=True)


def restand(tx: Tx, state: LedgerState, ledger: str, seq: int) -> None:
    """An approval, rejection or reversal of entry ``seq``: if that changed whether
    it stands, the patterns it takes part in are looked at again."""
    row = tx.one(f"SELECT standing, {ENTRY_COLUMNS} FROM view_flag_entries "
                 "WHERE ledger = ? AND seq = ?", (ledger, seq))
    standing = flag_rules.standing(state, seq)
    if row is None or bool(row.pop("standing")) == standing:
        return
    tx.run("UPDATE view_flag_entries SET standing = ? WHERE ledger = ? AND seq = ?",
           (int(standing), ledger, seq))
    digests = [r["sha256"] for r in tx.all("SELECT DISTINCT sha256 FROM view_flag_documents "
                                           "WHERE ledger = ? AND seq = ?", (ledger, seq))]
    _look_again(tx, state, ledger, Posted(**row), sorted(digests), new=False)


def _look_again(tx: Tx, state: LedgerState, ledger: str, facts: Posted, digests: list[str], *,
                new: bool) -> None:
    """Every pattern entry ``facts`` takes part in; a ``new`` entry has no finding yet."""
    standing = flag_rules.standing(state, facts.seq)
    if facts.may_be_split:
        split.refresh(tx, state, ledger, facts.party_key, facts.date)
    if facts.may_be_split_major:
        split.refresh(tx, state, ledger, facts.party_key, facts.date, "major")
    _round_cash(tx, state, ledger, facts, standing, new)
    _outside_project(tx, state, ledger, facts, standing)
    for digest in digests:
        _duplicates(tx, ledger, digest)


def _round_cash(tx: Tx, state: LedgerState, ledger: str, facts: Posted, standing: bool,
                new: bool) -> None:
    message = flag_rules.round_cash_message(state, facts) if standing else None
    if message:
        store.put(tx, ledger, "round-cash", str(facts.seq), message, (facts.seq,))
    elif facts.amount and not new:
        store.drop(tx, ledger, "round-cash", str(facts.seq))


def _outside_project(tx: Tx, state: LedgerState, ledger: str, facts: Posted,
                     standing: bool) -> None:
    code = state.entry_projects.get(facts.seq)
    if code is None:
        return
    message = (flag_rules.outside_project_message(state, facts.seq, code, facts.date)
               if standing else None)
    if message:
        store.put(tx, ledger, "outside-project-period", str(facts.seq), message,
                  (state.projects[code].seq, facts.seq))
    else:
        store.drop(tx, ledger, "outside-project-period", str(facts.seq))


def _duplicates(tx: Tx, ledger: str, digest: str) -> None:
    """Every standing entry a receipt or invoice supports, in log order."""
    uses = tx.all("SELECT d.seq, d.ordinal FROM view_flag_documents d JOIN view_flag_entries e "
                  "ON e.ledger = d.ledger AND e.seq = d.seq WHERE d.ledger = ? AND d.sha256 = ? "
                  "AND e.standing = 1 ORDER BY d.seq, d.ordinal", (ledger, digest))
    if len(uses) > 1:
        # Two documents on the same entries come in the order the first entry lists them.
        store.put(tx, ledger, "duplicate-document", digest,
                  flag_rules.duplicate_message(digest, len(uses)), [u["seq"] for u in uses],
                  tiebreak=f"{uses[0]['ordinal']:06d}")
    else:
        store.drop(tx, ledger, "duplicate-document", digest)
