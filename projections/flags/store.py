"""Writing findings: one row each in ``view_red_flags``, put or taken back.

Rows are written at once (not buffered like the view's running sums): a later
entry of the same batch may read them back, as a new payment reads the
split-payment clusters it may join.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Sequence

from projections.flags import shown

if TYPE_CHECKING:
    from projections.view import Tx

SEQ_DIGITS = 15  # zero-padded, the seqs compare as text the way tuples of ints do
NO_SEQ = -1  # seq_1 or seq_2 of a finding with fewer seqs: before any seq

FLAG_UPSERT = (
    "INSERT INTO view_red_flags (ledger, code, subject, seq_1, seq_2, sort_key, tiebreak, "
    "message, seqs, party_key, first_date, first_seq, last_date, last_seq) "
    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (ledger, code, subject) "
    "DO UPDATE SET seq_1 = excluded.seq_1, seq_2 = excluded.seq_2, "
    "sort_key = excluded.sort_key, tiebreak = excluded.tiebreak, "
    "message = excluded.message, seqs = excluded.seqs, party_key = excluded.party_key, "
    "first_date = excluded.first_date, first_seq = excluded.first_seq, "
    "last_date = excluded.last_date, last_seq = excluded.last_seq")


def sort_key(seqs: Sequence[int]) -> str:
    return ",".join(f"{seq:0{SEQ_DIGITS}d}" for seq in seqs)


def put(tx: Tx, ledger: str, code: str, subject: str, message: str, seqs: Sequence[int], *,
        tiebreak: str = "", span: tuple[str, str, int, str, int] | None = None) -> None:
    """Raise (or restate) a finding; ``span`` is a split cluster's (party, first
    date, first seq, last date, last seq)."""
    party, first_date, first_seq, last_date, last_seq = span or (None, None, None, None, None)
    first_two = [*seqs[:2], NO_SEQ, NO_SEQ][:2]
    before = _named_by(tx, ledger, code, subject)
    tx.run(FLAG_UPSERT, (ledger, code, subject, *first_two, sort_key(seqs), tiebreak, message,
                         json.dumps(list(seqs)), party, first_date, first_seq, last_date,
                         last_seq))
    shown.keep(tx, ledger, seqs)
    shown.forget_unnamed(tx, ledger, set(before) - set(seqs))


def drop(tx: Tx, ledger: str, code: str, subject: str) -> None:
    """Take a finding back: what it rested on no longer stands."""
    before = _named_by(tx, ledger, code, subject)
    tx.run("DELETE FROM view_red_flags WHERE ledger = ? AND code = ? AND subject = ?",
           (ledger, code, subject))
    shown.forget_unnamed(tx, ledger, before)


def _named_by(tx: Tx, ledger: str, code: str, subject: str) -> list[int]:
    row = tx.one("SELECT seqs FROM view_red_flags WHERE ledger = ? AND code = ? AND "
                 "subject = ?", (ledger, code, subject))
    return [] if row is None else json.loads(row["seqs"])
