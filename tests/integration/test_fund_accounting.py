"""Fund accounting properties over generated histories (SQLite, a real file).

Whatever grants, spends, transfers between funds, cash withdrawals, reversals,
confirmations and batches a community throws at the ledger (invalid ones are
refused and then change nothing):
- every fund balances: per fund and currency the account balances sum to 0;
- cash and bank never go negative in any fund;
- balances equal the sum of the postings on the log;
- a fresh application replaying the log reaches the identical state.
"""

from __future__ import annotations

from collections import defaultdict

import pytest
from hypothesis import HealthCheck, event, given
from hypothesis import settings as hsettings
from hypothesis import strategies as st

from ledger.log.application import LedgerApplication, Receipt
from ledger.client import posting
from ledger.domain.journal import signed_postings
from ledger.errors import LedgerError
from ledger.settings import Settings
from tests.builders.community import FUNDS, STREET_OFFICE, Community

FUND_CODES = [code for code, *_ in FUNDS]
MONEY_ACCOUNTS = ("1001", "1002")

funds = st.sampled_from(FUND_CODES)
grants = st.integers(min_value=1_000, max_value=50_000)
amounts = st.integers(min_value=1, max_value=20_000)  # smaller than grants: some spends pass
picks = st.integers(min_value=0, max_value=1_000)  # which earlier entry, modulo how many

single_ops = st.one_of(
    st.tuples(st.just("grant"), funds, grants),
    st.tuples(st.just("spend"), funds, amounts, st.sampled_from(MONEY_ACCOUNTS)),
    st.tuples(st.just("transfer"), funds, funds, amounts),
    st.tuples(st.just("withdraw"), funds, amounts),
    st.tuples(st.just("reverse"), picks),
    st.tuples(st.just("confirm"), picks),
)
operations = st.one_of(
    single_ops,
    st.tuples(st.just("batch"), st.lists(single_ops, min_size=1, max_size=4), st.booleans()),
)
histories = st.lists(operations, min_size=1, max_size=14)


@pytest.fixture(scope="module")
def store(tmp_path_factory) -> Settings:
    folder = tmp_path_factory.mktemp("properties")
    return Settings(database_url=f"sqlite:///{folder / 'ledger.sqlite3'}", data_dir=folder / "data")


@pytest.fixture(scope="module")
def shared_app(store):
    app = LedgerApplication(store)
    yield app
    app.close()


class History:
    """Turns generated operations into signed statements for one community."""

    def __init__(self, town: Community) -> None:
        self.town = town
        self.posted: list[tuple[int, list]] = []  # (seq, postings) of stored entry.posted

    def statement(self, op: tuple):
        kind, agent = op[0], self.town.agent
        if kind == "grant":
            _, fund, amount = op
            return self._post([posting("1002", fund, "debit", amount),
                               posting("4001", fund, "credit", amount)])
        if kind == "spend":
            _, fund, amount, account = op
            return self._post([posting("5001", fund, "debit", amount),
                               posting(account, fund, "credit", amount)])
        if kind == "transfer":  # out of one fund's bank money into another's, via payables
            _, source, target, amount = op
            return self._post([posting("2001", source, "debit", amount),
                               posting("1002", source, "credit", amount),
                               posting("1002", target, "debit", amount),
                               posting("2001", target, "credit", amount)])
        if kind == "withdraw":
            _, fund, amount = op
            return self._post([posting("1001", fund, "debit", amount),
                               posting("1002", fund, "credit", amount)])
        seq, lines = self.posted[op[1] % len(self.posted)] if self.posted else (0, [])
        if kind == "reverse":
            return agent.reverse(seq, lines, "2026-04-01", "红字冲销")
        assert kind == "confirm"
        return self.town.cashier.confirm(seq, "2026-04-02")

    def _post(self, lines: list):
        return self.town.agent.post("2026-03-01", "prop", STREET_OFFICE, lines)

    def remember(self, results: list) -> None:
        for result in results:
            if isinstance(result, Receipt) and result.entry.statement.type == "entry.posted":
                self.posted.append((result.seq, result.entry.statement.body["postings"]))


def snapshot(app: LedgerApplication, slug: str) -> dict:
    state = app.state(slug)
    return {
        "size": state.size, "head": state.head, "root": state.frontier.root(),
        "last_recorded_at": state.last_recorded_at,
        **{name: dict(getattr(state, name)) for name in (
            "keys", "funds", "accounts", "balances", "budgets", "cash_entries", "confirmed",
            "reversed_by")},
    }


def assert_invariants(app: LedgerApplication, slug: str) -> None:
    state = app.state(slug)
    per_fund: dict[tuple[str, str], int] = defaultdict(int)
    for (account, fund, currency), balance in state.balances.items():
        per_fund[(fund, currency)] += balance
        if state.accounts[account].kind:
            assert balance >= 0, f"{account} in {fund} went negative: {balance}"
    assert all(total == 0 for total in per_fund.values()), dict(per_fund)
    from_log: dict[tuple, int] = defaultdict(int)
    for entry in app.entries(slug, 0, 10_000):
        if entry.statement.type in ("entry.posted", "entry.reversed"):
            for account, fund, currency, signed in signed_postings(entry.statement.body,
                                                                   state.currency):
                from_log[(account, fund, currency)] += signed
    assert {k: v for k, v in from_log.items() if v} == \
           {k: v for k, v in state.balances.items() if v}


@hsettings(max_examples=30, deadline=None,
           suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(history=histories)
def test_any_history_keeps_every_fund_balanced_and_replays_identically(shared_app, store, history):
    town = Community.open(shared_app)
    book = History(town)
    for op in history:
        before = snapshot(shared_app, town.slug)
        if op[0] == "batch":
            _, ops, all_or_nothing = op
            statements = [book.statement(item) for item in ops]
            try:
                results = shared_app.submit_many(statements, all_or_nothing=all_or_nothing)
            except LedgerError:
                assert all_or_nothing
                assert snapshot(shared_app, town.slug) == before
                continue
            stored = sum(isinstance(r, Receipt) and r.created for r in results)
            assert snapshot(shared_app, town.slug)["size"] == before["size"] + stored
            book.remember(results)
        else:
            try:
                book.remember([shared_app.submit(book.statement(op))])
                event(f"{op[0]} accepted")
            except LedgerError as error:
                event(f"{op[0]} refused: {error.code}")
                assert snapshot(shared_app, town.slug) == before
        assert_invariants(shared_app, town.slug)

    fresh = LedgerApplication(store)
    try:
        assert snapshot(fresh, town.slug) == snapshot(shared_app, town.slug)
    finally:
        fresh.close()
