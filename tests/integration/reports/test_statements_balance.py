"""Property: after any history (grants, spending, payables by counterparty, their
payment, year-end closes, reversals, held, approved and rejected payments), on a
standard chart or a chart of the ledger's own, the balance sheet balances per fund and
in total at any date, and the income statement over a range is exactly what net assets
gained over it (a closing entry, which only moves income into net assets, changes
neither)."""

from __future__ import annotations

from datetime import date, timedelta

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ledger.charts import CHARTS
from ledger.client import posting
from ledger.errors import LedgerError
from projections import reports
from projections.view import open_view
from projections.worker import catch_up
from tests.builders.community import STREET_OFFICE, SUPPLIER, Community

FUNDS = ("general", "activity", "renovation")
VILLAGE = [(a.code, a.name_zh, a.name_en, a.account_class, a.kind)
           for a in CHARTS["village"].accounts] + [
    ("211.01", "应付款—安居装修", "Payables: the builder", "liability", None)]
# (bank, income, expense, payable, net assets) of each chart
CODES = {"village": ("102", "503", "514", "211.01", "321"),
         "own": ("1002", "4001", "5001", "2001", None)}
DAYS = st.integers(0, 364)
steps = st.lists(st.one_of(
    st.tuples(st.just("grant"), st.sampled_from(FUNDS), st.integers(1, 1_000_000), DAYS),
    st.tuples(st.just("spend"), st.sampled_from(FUNDS), st.integers(1, 400_000), DAYS),
    st.tuples(st.just("owe"), st.sampled_from(FUNDS), st.integers(1, 400_000), DAYS),
    st.tuples(st.just("settle"), st.sampled_from(FUNDS), st.integers(1, 400_000), DAYS),
    st.tuples(st.just("close"), st.sampled_from(FUNDS), st.integers(1, 400_000), DAYS),
    st.tuples(st.just("reverse"), st.integers(0, 50)),
    st.tuples(st.just("policy"), st.integers(1, 600_000)),
    st.tuples(st.just("approve"), st.integers(0, 50)),
    st.tuples(st.just("reject"), st.integers(0, 50)),
), min_size=1, max_size=14)


def day(n: int) -> str:
    return (date(2026, 1, 1) + timedelta(days=n)).isoformat()


def lines_of(codes: tuple, step: tuple) -> list[dict] | None:
    bank, income, expense, payable, net_assets = codes
    kind, fund, amount = step[:3]
    pairs = {"grant": (bank, income), "spend": (expense, bank), "owe": (expense, payable),
             "settle": (payable, bank), "close": (income, net_assets)}
    debit, credit = pairs[kind]
    if debit is None or credit is None:
        return None
    return [posting(debit, fund, "debit", amount), posting(credit, fund, "credit", amount)]


def play(town: Community, codes: tuple, step: tuple, posted: list) -> None:
    kind = step[0]
    if kind == "policy":
        town.app.submit(town.committee.set_policy(step[1], 10**12, 10))
    elif kind in ("grant", "spend", "owe", "settle", "close"):
        lines = lines_of(codes, step)
        if lines is not None:
            party = STREET_OFFICE if kind == "grant" else SUPPLIER
            receipt = town.app.submit(town.agent.post(day(step[3]), kind, party, lines))
            posted.append((receipt.seq, lines))
    elif posted:
        seq, lines = posted[step[1] % len(posted)]
        signed = {"reverse": lambda: town.agent.reverse(seq, lines, "2026-12-31", "test"),
                  "approve": lambda: town.committee.approve(seq),
                  "reject": lambda: town.committee.reject(seq, "test")}[kind]()
        town.app.submit(signed)


def check_statements(view, slug: str, when: str, since: str) -> None:
    total = reports.balance_sheet(view, slug, when)
    assert total["balanced"], total
    assert all(fund["balanced"] for fund in total["funds"]), total["funds"]
    for name in ("assets", "liabilities", "net_assets"):
        per_fund = [reports.balance_sheet(view, slug, when, fund)[name] for fund in FUNDS]
        assert sum(per_fund) == total[name]
    for fund in (None, *FUNDS):
        sheet = reports.balance_sheet(view, slug, when, fund)
        assert sheet["balanced"] and sheet["assets"] == sheet["liabilities"] + sheet["net_assets"]
        before = reports.balance_sheet(view, slug, day_before(since), fund)["net_assets"]
        gained = reports.income_statement(view, slug, since, when, fund)["surplus"]
        assert sheet["net_assets"] - before == gained, (fund, since, when)


def day_before(text: str) -> str:
    return (date.fromisoformat(text) - timedelta(days=1)).isoformat()


@settings(max_examples=12, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(history=steps, chart=st.sampled_from(["village", "own"]), cut=DAYS, length=DAYS)
def test_the_statements_balance_after_any_history(app, history, chart, cut, length):
    town = Community.open(app, accounts=VILLAGE if chart == "village" else None)
    posted: list = []
    for step in history:
        try:
            play(town, CODES[chart], step, posted)
        except LedgerError:
            pass  # refused (no money, already reversed or decided): changes nothing
    catch_up(app)
    view = open_view(app)
    assert reports.balance_sheet(view, town.slug)["chart"] == (
        "village" if chart == "village" else None)
    since, until = sorted((day(cut), day(min(364, cut + length))))
    check_statements(view, town.slug, until, since)
    check_statements(view, town.slug, "2026-12-31", "2026-01-01")
