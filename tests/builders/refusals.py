"""A refused statement changes nothing: the checks every refusal test shares."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from ledger.domain.state import MAP_FIELDS
from ledger.errors import LedgerError
from ledger.format.statements import SignedStatement
from ledger.log.application import LedgerApplication


@dataclass(frozen=True)
class LogView:
    """Everything a refused statement must leave as it was, from the state (its size,
    head and every map: balances, keys, funds, trades...) AND from the store."""

    size: int
    head: str
    stored_size: int
    stored_head: str
    maps: dict

    @classmethod
    def of(cls, app: LedgerApplication, slug: str) -> LogView:
        state = app.state(slug)
        stored_size = app.reader.size(slug)
        stored_head = app.reader.entry(slug, stored_size - 1).hash
        maps = {name: dict(getattr(state, name)) for name in MAP_FIELDS}
        return cls(state.size, state.head, stored_size, stored_head, maps)


def assert_refused(app: LedgerApplication, slug: str, signed: SignedStatement,
                   error: type[LedgerError], match: str, code: str | None = None) -> LedgerError:
    """Submit ``signed``; it must raise ``error`` with a message matching ``match`` and
    leave the log, its head and every balance exactly as they were."""
    before = LogView.of(app, slug)
    with pytest.raises(error, match=match) as info:
        app.submit(signed)
    assert LogView.of(app, slug) == before
    if code is not None:
        assert info.value.code == code
    return info.value
