"""Patterns about who signed and who won: one key on both sides of a check,
an award to a declared relative, and the register against the books.

One key on both sides is decided when the second signature arrives and never
changes. An award and a declared interest meet whichever comes first: each
looks the other up by the party's name and id. The register against the books
depends on the state at the view's size only, so it is found again, from the
domain state, once per batch for each ledger whose assets or money moved.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from ledger.domain import flag_rules
from ledger.domain.state import LedgerState
from projections.flags import shown, store

if TYPE_CHECKING:
    from projections.handlers import At
    from projections.view import Tx

# A journal entry's row type in view_entries, as the statement type it was.
JOURNAL_TYPES = {"posted": "entry.posted", "reversal": "entry.reversed"}
SIGNER_INSERT = ("INSERT INTO view_flag_signers (ledger, seq, type, trade, signer) "
                 "VALUES (?, ?, ?, ?, ?)")


def same_key(at: At, state: LedgerState) -> None:
    """If this entry's key also signed the entry it checks, say so."""
    kind, body, signer = at.entry.statement.type, at.body, at.entry.signed.signer
    first: tuple[int, str] | None = None
    if kind in ("entry.approved", "entry.confirmed"):
        row = at.tx.one("SELECT type, signer FROM view_entries WHERE ledger = ? AND seq = ?",
                        (at.ledger, body["entry"]))
        if row is not None and row["signer"] == signer:
            first = (body["entry"], JOURNAL_TYPES[row["type"]])
    elif kind == "resolution.cosigned":
        if state.resolutions[body["resolution"]].recorded_by == signer:
            first = (body["resolution"], "resolution.recorded")
    elif kind == "trade.awarded":
        first = _own_bid(at, state, body["trade"], signer)
    elif kind == "trade.award_cosigned":
        award = at.tx.one("SELECT seq, signer FROM view_flag_signers WHERE ledger = ? "
                          "AND trade = ? AND type = 'trade.awarded' ORDER BY seq DESC LIMIT 1",
                          (at.ledger, body["trade"]))
        if award is not None and award["signer"] == signer:
            first = (award["seq"], "trade.awarded")
    if kind in ("trade.bid_received", "trade.awarded"):
        at.tx.run(SIGNER_INSERT, (at.ledger, at.entry.seq, kind, body["trade"], signer))
    if first is not None:
        store.put(at.tx, at.ledger, "same-key", str(at.entry.seq),
                  flag_rules.same_key_message(signer, first[0], first[1], at.entry.seq, kind),
                  (first[0], at.entry.seq))


def _own_bid(at: At, state: LedgerState, trade: int, signer: str) -> tuple[int, str] | None:
    bids = set(state.trades[trade].bids)
    rows = at.tx.all("SELECT seq FROM view_flag_signers WHERE ledger = ? AND trade = ? AND "
                     "type = 'trade.bid_received' AND signer = ? ORDER BY seq",
                     (at.ledger, trade, signer))
    own = [row["seq"] for row in rows if row["seq"] in bids]
    return (own[0], "trade.bid_received") if own else None


def awarded(at: At, state: LedgerState) -> None:
    """An award: index it by the winner, and match it against every declared interest."""
    bid = state.bids[at.body["bid"]]
    at.tx.run("INSERT INTO view_flag_awards (ledger, seq, bid, name_key, id_key) "
              "VALUES (?, ?, ?, ?, ?)", (at.ledger, at.entry.seq, bid.seq,
                                         flag_rules.party_key(bid.bidder), _id_key(bid.bidder_id)))
    for interest in state.interests.values():
        _related(at.tx, state, at.ledger, at.entry.seq, bid, interest)


def interest_declared(tx: Tx, state: LedgerState, ledger: str, interest: Any) -> None:
    """A declared interest: match it against the awards so far (by id, else by name)."""
    key, party_id = flag_rules.party_key(interest.party), _id_key(interest.party_id)
    if party_id:
        awards = tx.all("SELECT seq, bid FROM view_flag_awards WHERE ledger = ? AND "
                        "(id_key = ? OR (id_key = '' AND name_key = ?))", (ledger, party_id, key))
    else:
        awards = tx.all("SELECT seq, bid FROM view_flag_awards WHERE ledger = ? AND "
                        "name_key = ?", (ledger, key))
    for award in awards:
        _related(tx, state, ledger, award["seq"], state.bids[award["bid"]], interest)


def _related(tx: Tx, state: LedgerState, ledger: str, award: int, bid: Any,
             interest: Any) -> None:
    message = flag_rules.related_bidder(bid, interest)
    if message:
        store.put(tx, ledger, "related-bidder", f"{award}:{interest.seq}", message,
                  sorted({interest.seq, bid.seq, award}))


def _id_key(party_id: str) -> str:
    return party_id.strip().lower()


def book_values(tx: Tx, state: LedgerState, ledger: str) -> None:
    """The register against the books at the view's size, replacing the last answer."""
    named_before = {seq for row in tx.all(
        "SELECT seqs FROM view_red_flags WHERE ledger = ? AND code = 'book-value-mismatch'",
        (ledger,)) for seq in json.loads(row["seqs"])}
    tx.run("DELETE FROM view_red_flags WHERE ledger = ? AND code = 'book-value-mismatch'",
           (ledger,))
    for place, message, seqs in flag_rules.book_values(state):
        # Apart per place, in (account, fund) order as the reference sorts them.
        store.put(tx, ledger, "book-value-mismatch", "/".join(place), message, seqs,
                  tiebreak="\x1f".join(place))
    shown.forget_unnamed(tx, ledger, named_before)  # what no finding names any more


CONTRACT_CODES = ("rent-below-winning-price", "arrears")


def contracts(tx: Tx, state: LedgerState, ledger: str) -> None:
    """Contract findings at the view's size, replacing the last answer: arrears move
    with the day of the latest entry, so they are found again once per batch from the
    state's contracts (a few per community), like the register against the books."""
    named_before = {seq for row in tx.all(
        "SELECT seqs FROM view_red_flags WHERE ledger = ? AND code IN (?, ?)",
        (ledger, *CONTRACT_CODES)) for seq in json.loads(row["seqs"])}
    tx.run("DELETE FROM view_red_flags WHERE ledger = ? AND code IN (?, ?)",
           (ledger, *CONTRACT_CODES))
    for code, contract, message, seqs in flag_rules.contract_findings(state):
        store.put(tx, ledger, code, str(contract), message, seqs)
    shown.forget_unnamed(tx, ledger, named_before)
