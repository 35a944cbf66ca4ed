"""The log's figures (FORMAT.md section 10): the balances a tree size implies, as the
domain state holds them, and the figures the log signed and kept.

``ledger.log.checkpointing`` signs a figures note with every checkpoint, from
the rows ``balance_rows`` reads under the same lock as the tree head;
``ledger.log.checkpoint_store`` keeps note and rows in the checkpoint's own
transaction. Public balances (the ``/funds`` view, pages, CSV) are held to
``figures_at``.
"""

from __future__ import annotations

from typing import Any

from ledger.domain.state import LedgerState
from ledger.errors import NotFound
from ledger.format.figures import Row, rows_from_signed
from ledger.log.checkpoint_store import CheckpointStore, KeptFigures

SIZES_SHOWN_MAX = 20  # sizes named in a 404's message; the problem's ``sizes`` has them all


def balance_rows(state: LedgerState) -> tuple[Row, ...]:
    """The figures rows of ``state``: every (account, fund, currency) a moved posting
    touched, its signed sum (debit +, credit -) turned to the account's normal side."""
    classes = {code: account.account_class for code, account in state.accounts.items()}
    return tuple(rows_from_signed(state.balances, classes))


def figures_at(app: Any, slug: str, size: int) -> dict[str, Any] | None:
    """The figures document the log signed at ``size``, or None if it signed none there."""
    kept = CheckpointStore(app).figures_at(slug, size)
    return kept.document() if kept else None


def kept_figures(app: Any, slug: str) -> list[KeptFigures]:
    """Every figures note the log kept for ``slug``, in checkpoint order (old checkpoints
    signed before figures existed have none)."""
    store = CheckpointStore(app)
    found = (store.figures_at(slug, size) for size in store.sizes(slug))
    return [kept for kept in found if kept is not None]


def no_figures(store: CheckpointStore, slug: str, size: int) -> NotFound:
    """The 404 for a size without figures, naming the checkpoint sizes that exist."""
    sizes = store.sizes(slug)
    if size in sizes:
        return NotFound(f"the checkpoint of {slug} at size {size} was signed before this log "
                        "signed figures; figures begin with the next checkpoint",
                        size=size, sizes=sizes)
    if not sizes:
        return NotFound(f"no checkpoint of {slug} has been signed yet", size=size, sizes=[])
    shown = ", ".join(map(str, sizes[-SIZES_SHOWN_MAX:]))
    if len(sizes) > SIZES_SHOWN_MAX:
        shown = f"... {shown} ({len(sizes)} in all)"
    return NotFound(f"no checkpoint of {slug} was signed at size {size}; checkpoints exist at "
                    f"sizes {shown}", size=size, sizes=sizes)
