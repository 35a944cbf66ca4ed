"""One statement never fails another: whatever goes wrong deciding one statement of a
group commit (an input the rules refuse, or a bug that raises something else) is that
statement's own answer; the others of its batch are decided and stored as if it had
never come. Real stores; the bug is planted in one statement type's decide/apply
(nothing of the store, the crypto or the appender is replaced)."""

from __future__ import annotations

import pytest

from ledger.client import posting
from ledger.domain.types import STATEMENT_TYPES
from ledger.errors import StatementFailed, UnsafeText
from ledger.log.appender import Appender
from ledger.log.application import Receipt
from tests.builders.community import STREET_OFFICE, Community

POISON = "poison: this memo trips the planted bug"


def grant(town: Community, amount: int, memo: str = "拨款 grant"):
    lines = [posting("1002", "general", "debit", amount),
             posting("4001", "general", "credit", amount)]
    return town.agent.post("2026-01-05", "grant", STREET_OFFICE, lines, memo=memo)


@pytest.fixture
def planted_bug(monkeypatch):
    """entry.posted raises a TypeError for the POISON memo: in decide (as `value not in
    options` did for a list), or in apply after changing the fork half way."""
    kind = STATEMENT_TYPES["entry.posted"]
    decide, apply = kind.decide, kind.apply

    def buggy_decide(ctx):
        if ctx.body.get("memo") == POISON and ctx.body["postings"][0]["amount"] == 1:
            raise TypeError("unhashable type: 'list'")
        decide(ctx)

    def buggy_apply(state, entry):
        effects = apply(state, entry)  # the fork's balances have moved...
        if entry.statement.body.get("memo") == POISON:
            raise KeyError("...and then the bug")  # ...and this entry never happens
        return effects

    monkeypatch.setattr(kind, "decide", buggy_decide)
    monkeypatch.setattr(kind, "apply", buggy_apply)


def test_a_bug_in_one_statement_of_a_batch_fails_only_that_statement(app, planted_bug):
    town = Community.open(app)
    batch = [grant(town, 100), grant(town, 1, POISON), grant(town, 200),
             grant(town, 7, POISON), grant(town, 300, "a\u202eevil")]
    results, _ = app.append_many(batch, all_or_nothing=False)
    assert [type(result) for result in results] == [
        Receipt, StatementFailed, Receipt, StatementFailed, UnsafeText]
    assert [result.seq for result in results if isinstance(result, Receipt)] == [14, 15]
    assert results[1].status == 500 and results[4].status == 422
    state = app.state(town.slug)
    assert state.size == 16 and app.reader.size(town.slug) == 16
    # The half-applied poison left nothing behind: only the two good grants moved money.
    assert state.balance("1002", "general") == 300
    assert [entry.statement.body["memo"] for entry in town.entries()[14:]] == ["拨款 grant"] * 2


def test_poisoned_statements_queued_with_valid_ones_do_not_fail_them(app, planted_bug):
    town = Community.open(app)
    appender = Appender(app)
    try:
        statements = [grant(town, 1 if i % 2 else 100 + i, POISON if i % 2 else "拨款")
                      for i in range(20)]
        futures = [appender.append(signed) for signed in statements]
        outcomes = [future.exception(timeout=30) or future.result() for future in futures]
    finally:
        appender.close()
    assert all(isinstance(outcome, Receipt) for outcome in outcomes[0::2])
    assert all(isinstance(outcome, StatementFailed) for outcome in outcomes[1::2])
    assert app.state(town.slug).balance("1002", "general") == sum(100 + i for i in range(0, 20, 2))


def test_alone_the_poisoned_statement_answers_its_own_500_and_stores_nothing(app, planted_bug):
    town = Community.open(app)
    with pytest.raises(StatementFailed):
        app.submit(grant(town, 1, POISON))
    assert app.reader.size(town.slug) == app.state(town.slug).size == 14
