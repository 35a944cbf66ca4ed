"""Shared checks for the rules tests: a refused statement changes nothing."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from ledger.log.application import LedgerApplication
from ledger.errors import LedgerError
from ledger.format.statements import SignedStatement


@dataclass(frozen=True)
class LogView:
    """Everything a refused statement must leave as it was, from the state AND the store."""

    size: int
    head: str
    stored_size: int
    stored_head: str
    balances: dict
    keys: dict
    funds: dict
    accounts: dict
    budgets: dict
    cash_entries: dict
    confirmed: dict
    reversed_by: dict

    @classmethod
    def of(cls, app: LedgerApplication, slug: str) -> LogView:
        state = app.state(slug)
        stored_size = app.reader.size(slug)
        stored_head = app.reader.entry(slug, stored_size - 1).hash
        return cls(state.size, state.head, stored_size, stored_head, dict(state.balances),
                   dict(state.keys), dict(state.funds), dict(state.accounts),
                   dict(state.budgets), dict(state.cash_entries), dict(state.confirmed),
                   dict(state.reversed_by))


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
