"""Red flags kept by the projection are exactly the reference's (ledger.domain.redflags):
the same codes, messages and seqs in the same order, on varied books, whether
the entries arrive one batch at a time or all at once, and after a rebuild."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import HealthCheck, given, settings as hsettings, strategies as st

from ledger.client import posting
from ledger.domain.disclosures import flows_for, period_months
from ledger.errors import FormatError, LedgerError
from ledger.domain.redflags import red_flags as reference_flags
from ledger.log.application import LedgerApplication
from projections.governance_flags import red_flags as projected_flags
from projections.view import open_view
from projections.worker import ProjectionPoller, rebuild
from tests.builders.books import a_year_of_books
from tests.builders.community import YUAN, Clock, Community, bidder, sha
from tests.builders.contracts import lease_body, settling, sign
from tests.builders.story import FUNDS, Story

PAINTER = {"kind": "organisation", "name": "彩虹油漆店"}
PAINTER_SPACED = {"kind": "organisation", "name": "  彩虹油漆店 "}  # the same party, spelt loosely
WANG = bidder("王小明", "110101198001010011")
NAMESAKE = {"kind": "person", "name": "Li Ming", "id": "A-1"}
OTHER_NAMESAKE = {"kind": "person", "name": "li  ming", "id": "B-2"}  # same name, another id
EVERY_CODE = {"split-payment", "split-payment-major", "rent-below-winning-price", "arrears",
              "duplicate-document", "same-key", "outside-project-period",
              "round-cash", "related-bidder", "book-value-mismatch", "disclosure-mismatch",
              "bank-unreconciled"}


def reference(town: Community) -> list[tuple]:
    return [(f.code, f.message, f.seqs) for f in reference_flags(town.entries())]


def projected(town: Community) -> list[tuple]:
    answer = projected_flags(town.app, open_view(town.app), town.slug)
    assert answer["size"] == town.log_size() and answer["behind"] == 0
    return [(item["code"], item["message"], tuple(item["seqs"])) for item in answer["items"]]


def project_in_batches_of(town: Community, batch: int) -> None:
    ProjectionPoller(town.app, batch_size=batch).catch_up()


@pytest.fixture
def town(settings):
    clock = Clock()
    app = LedgerApplication(settings, clock=clock)
    yield Community.open(app, clock=clock, governance=True)
    app.close()


def seed_every_flag(town: Community, checkpoint) -> None:
    """Books with every kind of red flag, and entries that later change them: a held
    payment approved into a split, a reversal that breaks one, a backdated payment,
    a policy with a longer window, an interest declared after the award it concerns.
    ``checkpoint()`` runs between steps (to project in pieces)."""
    a_year_of_books(town)
    town.set_policy(approval=5_000 * YUAN, major=50_000 * YUAN)
    town.grant("general", 400_000 * YUAN)
    town.grant("renovation", 900_000 * YUAN)
    split = [town.pay("general", 2_000 * YUAN, day, counterparty=PAINTER)
             for day in ("2026-02-01", "2026-02-05", "2026-02-09")]
    town.pay("general", 2_500 * YUAN, "2026-02-07", counterparty=PAINTER_SPACED)
    checkpoint()
    above = town.pay("general", 6_000 * YUAN, "2026-02-08", counterparty=PAINTER)
    town.submit(town.committee.approve(above))  # at the threshold: never part of a split
    for day in ("2026-05-01", "2026-05-20", "2026-06-10"):  # a second cluster, later broken
        town.pay("general", 3_000 * YUAN, day, counterparty=PAINTER)
    town.submit(town.agent.reverse(town.log_size() - 2, town.entries()[-2].statement.body[
        "postings"], "2026-06-11", "记错 recorded in error"))
    town.pay("general", 1_500 * YUAN, "2026-01-20", counterparty=PAINTER)  # backdated
    for party in (NAMESAKE, OTHER_NAMESAKE, NAMESAKE):  # one name, two ids
        town.pay("general", 3_000 * YUAN, "2026-03-02", counterparty=party)
    checkpoint()
    rejected = town.pay("general", 7_000 * YUAN, "2026-03-03", counterparty=NAMESAKE)
    town.submit(town.supervisor.reject(rejected, "报价过高 too dear"))
    town.set_policy(approval=4_000 * YUAN, major=50_000 * YUAN, split_window_days=90)
    for day in ("2026-07-01", "2026-08-15", "2026-09-20"):
        town.pay("general", 3_000 * YUAN, day, counterparty=PAINTER)
    checkpoint()
    invoice = [{"kind": "invoice", "sha256": sha("invoice 0042")},
               {"kind": "receipt", "sha256": sha("receipt 0042")}]
    twice = [town.pay("renovation", 1_000 * YUAN, day, documents=invoice)
             for day in ("2026-03-01", "2026-03-05", "2026-03-09")]
    town.submit(town.agent.reverse(twice[1], town.entries()[twice[1]].statement.body[
        "postings"], "2026-03-10", "重复 entered twice"))
    held, refused = (town.pay("renovation", 6_000 * YUAN, day, documents=invoice[:1])
                     for day in ("2026-03-12", "2026-03-13"))
    checkpoint()  # held: not counted until approved
    town.submit(town.committee.approve(held))
    town.submit(town.supervisor.reject(refused, "重复 a copy"))
    withdraw = [posting("1001", "general", "debit", 10_000 * YUAN),
                posting("1002", "general", "credit", 10_000 * YUAN)]
    town.submit(town.agent.post("2026-01-10", "transfer", {"kind": "organisation",
                                                           "name": "银行"}, withdraw))
    town.pay("general", 2_000 * YUAN, money_account="1001",
             counterparty={"kind": "person", "name": "临时工"})
    checkpoint()
    town.submit(town.agent.register_project("reno-a", "renovation", "楼道改造",
                                            "Stairwell works", "2026-03-01", "2026-06-30"))
    town.pay("renovation", 1_000 * YUAN, "2026-04-01", project="reno-a")
    town.pay("renovation", 1_000 * YUAN, "2026-07-15", project="reno-a")
    payment = town.pay("renovation", 60_000 * YUAN)
    town.resolve("entry", payment)  # recorded and co-signed by one committee key
    both = town.new_key(["agent", "committee"], "agent on the committee")
    trade = town.noticed_lease()
    checkpoint()
    bid = town.submit(both.receive_bid(trade, WANG, 50_000 * YUAN))
    town.submit(town.agent.receive_bid(trade, bidder("李四"), 40_000 * YUAN))
    town.clock.advance(days=11)
    town.submit(both.award(trade, bid))
    checkpoint()
    town.submit(town.supervisor.declare_interest(
        "张主任", WANG, "relative", member_key_id=town.committee.key_id, note="外甥 nephew"))
    town.submit(town.agent.register_asset("van-1", "vehicle", "巡逻车", "车库", 80_000 * YUAN,
                                          account="1601", fund="general"))
    checkpoint()  # instalments each approved alone, together over the major threshold
    for day in ("2026-10-01", "2026-10-05", "2026-10-09"):
        town.submit(town.committee.approve(town.pay("renovation", 20_000 * YUAN, day,
                                                    counterparty=PAINTER)))
    checkpoint()  # the lease becomes a contract, its rent lowered below the bid, unpaid
    town.catalogue()
    town.submit(town.committee.publish_disclosure(
        "asset_trades", "2026-03-12", sha(f"award {trade}"),
        subject={"kind": "trade", "ref": trade, "stage": "award"}))
    town.submit(town.committee.sign_contract(trade, sha("lease"), "2026-03-15"))
    lease = sign(town, lease_body(trade, monthly=4_200 * YUAN))
    town.submit(settling(town, lease, 4_000 * YUAN, "2026-04-02", line=0))
    checkpoint()
    town.submit(town.committee.sign("contract.amended", {
        "contract": lease, "amendment_sha256": sha("补充协议"), "reason": "减租",
        "schedule": {"every": "month", "amount": 4_000 * YUAN}, "total": 4_000 * YUAN * 36}))
    checkpoint()
    disclosed_then_back_dated(town, checkpoint)


def disclosed_then_back_dated(town: Community, checkpoint) -> None:
    """A disclosed quarter a later receipt is back-dated into, and bank statements the
    books do not explain; a confirmation then changes what is in transit."""
    town.catalogue()
    quarter = flows_for(town.state, "fund", "activity", period_months("2026-Q1"))
    town.submit(town.committee.publish_disclosure(
        "fund_flows", "2026-04-03", sha("Q1 activity"), period="2026-Q1", fund="activity",
        totals={"income": quarter.income, "spending": quarter.spending}))
    checkpoint()
    back_dated = town.grant("activity", 800 * YUAN, date="2026-03-28").seq
    town.submit(town.cashier.record_bank_statement("1002", "2026-12-01", 0,
                                                   sha("general statement"), fund="general"))
    checkpoint()
    town.submit(town.cashier.record_bank_statement("1002", "2026-03-31", 800 * YUAN,
                                                   sha("march statement"), fund="activity"))
    checkpoint()
    town.submit(town.cashier.confirm(back_dated, "2026-03-30", "late"))
@pytest.mark.parametrize("batch", [1, 7, 500])
def test_projected_red_flags_equal_the_reference_whatever_the_batches(town, batch):
    seen = []

    def checkpoint():
        project_in_batches_of(town, batch)
        seen.append(projected(town) == reference(town))

    seed_every_flag(town, checkpoint)
    checkpoint()
    expected = reference(town)
    assert {code for code, _, _ in expected} == EVERY_CODE
    assert projected(town) == expected
    assert all(seen)


def test_a_rebuild_of_the_views_gives_the_same_red_flags(town):
    seed_every_flag(town, lambda: project_in_batches_of(town, 3))
    project_in_batches_of(town, 3)
    before = projected(town)
    rebuild(town.app)
    assert projected(town) == before == reference(town)


@pytest.mark.parametrize("batch", [1, 3])
def test_every_red_flag_table_is_the_same_after_a_rebuild_however_the_entries_came(town, batch):
    """Views are a function of the log: a finding raised and taken back between two
    batches leaves nothing behind (the entries it named are shown no more)."""
    seed_every_flag(town, lambda: project_in_batches_of(town, batch))
    project_in_batches_of(town, batch)
    view = open_view(town.app)

    def ours() -> dict[str, list]:
        return {table: [row for row in rows if row["ledger"] == town.slug]
                for table, rows in view.dump().items() if table.startswith("view_flag")
                or table == "view_red_flags"}

    before = ours()
    rebuild(town.app)
    assert ours() == before
    named = {seq for item in projected_flags(town.app, view, town.slug, limit=1000)["items"]
             for seq in item["seqs"]}
    assert {row["seq"] for row in before["view_flag_shown"]} == named


def test_the_answer_says_the_size_the_view_reflects_when_behind(town):
    town.set_policy(approval=5_000 * YUAN)
    town.grant("general", 50_000 * YUAN)
    project_in_batches_of(town, 500)
    size = town.log_size()
    for day in ("2026-02-01", "2026-02-05", "2026-02-09"):
        town.pay("general", 2_000 * YUAN, day, counterparty=PAINTER)
    answer = projected_flags(town.app, open_view(town.app), town.slug)
    assert (answer["size"], answer["log_size"], answer["behind"]) == (size, size + 3, 3)
    assert answer["items"] == [] and answer["counts"] == {}
    project_in_batches_of(town, 500)
    caught_up = projected_flags(town.app, open_view(town.app), town.slug)
    assert caught_up["behind"] == 0 and caught_up["counts"] == {"split-payment": 1}


@pytest.mark.parametrize("limit", [1, 2, 5])
def test_pages_of_red_flags_put_together_are_the_whole_list(town, limit):
    seed_every_flag(town, lambda: None)
    project_in_batches_of(town, 500)
    shown, cursor, pages = [], None, 0
    while True:
        page = projected_flags(town.app, open_view(town.app), town.slug, cursor, limit)
        shown += [(item["code"], item["message"], tuple(item["seqs"])) for item in page["items"]]
        assert sum(page["counts"].values()) == len(reference(town))
        cursor, pages = page["next_cursor"], pages + 1
        if cursor is None:
            break
    assert shown == reference(town) and pages >= len(shown) / (limit + 2)


@pytest.mark.parametrize("cursor", ["", "7", "1:2:3", "x:1", "-3:0", f"{2**63}:0", "1: 2"])
def test_a_cursor_no_page_gave_is_refused(town, cursor):
    project_in_batches_of(town, 500)
    with pytest.raises(FormatError):
        projected_flags(town.app, open_view(town.app), town.slug, cursor)


# --- random histories: the property ---------------------------------------------------

picks = st.integers(min_value=0, max_value=1_000)
STEPS = ["approve", "reject", "reverse", "confirm", "resolution", "assign"] + ["trade"] * 4
days = st.dates(min_value=date(2026, 1, 1), max_value=date(2026, 4, 30)).map(date.isoformat)
operations = st.one_of(
    st.tuples(st.just("grant"), st.sampled_from(FUNDS), st.integers(1_000, 80_000 * YUAN)),
    st.tuples(st.just("vendor_pay"), st.integers(100, 9_000 * YUAN), days,
              st.sampled_from([PAINTER, PAINTER_SPACED, NAMESAKE, OTHER_NAMESAKE])),
    st.tuples(st.sampled_from(STEPS), picks),
    st.tuples(st.just("project"), picks),
)


class FlagStory(Story):
    """The governance story, with payments to a few counterparties on chosen dates."""

    def vendor_pay(self, amount: int, day: str, party: dict) -> None:
        fund = FUNDS[amount % 2]
        if self.state.balance("1002", fund) >= amount:
            self.town.pay(fund, amount, day, counterparty=party)


@hsettings(max_examples=12, deadline=None,
           suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow,
                                  HealthCheck.data_too_large])
@given(history=st.lists(operations, min_size=10, max_size=40), batch=st.integers(1, 9))
def test_after_any_history_the_projected_flags_equal_the_reference(town, history, batch):
    town = Community.open(town.app, clock=town.clock, governance=True)  # fresh per example
    town.set_policy(approval=5_000 * YUAN, major=50_000 * YUAN)
    town.grant("general", 200_000 * YUAN)
    story = FlagStory(town)
    for step, op in enumerate(history):
        if op[0] != "project":
            try:
                story.run(op)
            except LedgerError:
                pass  # refused (the bank cannot cover it, ...): changes nothing anywhere
        if op[0] == "project" or step == len(history) - 1:
            project_in_batches_of(town, batch)
            assert projected(town) == reference(town), op
