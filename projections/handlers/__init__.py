"""The dispatch table: one handler per statement type.

A handler is ``handler(tx, entry)``: it writes the view rows one entry
means, inside the batch's transaction. A type with no handler is skipped
(its entry still gets a ``view_log`` row and the position still advances),
so a new statement type never stops the projection. To project a new type,
add a module here with ``@handles("noun.verbed")`` functions and import it
at the bottom of this file.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Callable

from ledger.format.statements import Entry

if TYPE_CHECKING:
    from projections.view import Tx

Handler = Callable[["Tx", Entry], None]

HANDLERS: dict[str, Handler] = {}


def handles(statement_type: str) -> Callable[[Handler], Handler]:
    def register(handler: Handler) -> Handler:
        assert statement_type not in HANDLERS, f"{statement_type} has two handlers"
        HANDLERS[statement_type] = handler
        return handler
    return register


# Handler modules register themselves on import (they need ``handles`` above).
from projections.handlers import approvals, journal, registry  # noqa: E402,F401
from projections.handlers import governance_assets, governance_records  # noqa: E402,F401
