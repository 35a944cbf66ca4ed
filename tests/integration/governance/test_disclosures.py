"""The disclosure catalogue and periodic disclosures whose printed sheet can be
checked against the log."""

from __future__ import annotations

from ledger.domain.sheets import period_sheet
from ledger.errors import DomainError, FormatError, NotFound, OutOfOrder, PolicyError
from tests.builders.community import CATALOGUE, YUAN, sha


def test_the_catalogue_must_keep_the_items_that_are_always_public(town):
    error = town.refused(town.committee.set_catalogue(CATALOGUE[:2]), DomainError,
                         "must include asset_trades, resolutions")
    assert error.details["missing"] == ["asset_trades", "resolutions"]
    town.refused(town.committee.set_catalogue(CATALOGUE + CATALOGUE[:1]), FormatError,
                 "appears twice")
    town.refused(town.agent.set_catalogue(CATALOGUE), PolicyError, "role committee")


def test_a_newer_catalogue_replaces_the_older_and_both_stay(town):
    first = town.catalogue()
    extra = {"code": "party_affairs", "name_zh": "党务", "name_en": "Party affairs",
             "frequency": "quarterly"}
    second = town.submit(town.committee.set_catalogue(CATALOGUE + [extra]))
    assert sorted(town.state.catalogues) == [first, second]
    town.submit(town.committee.publish_disclosure("party_affairs", "2026-04-01", sha("party")))


def test_publishing_without_a_catalogue_is_out_of_order(town):
    town.refused(town.committee.publish_disclosure("fund_flows", "2026-03-01", sha("s"),
                                                   period="2026-02", fund="general",
                                                   totals={"income": 0, "spending": 0}),
                 OutOfOrder, "no disclosure catalogue yet")


def test_an_item_outside_the_catalogue_is_refused(town):
    town.catalogue()
    town.refused(town.committee.publish_disclosure("secret_stuff", "2026-03-01", sha("s")),
                 DomainError, "not in the disclosure catalogue")


def test_monthly_totals_must_match_the_log(town):
    town.catalogue()
    town.grant("activity", 5_000 * YUAN, "2026-02-03")
    town.spend("activity", 1_200 * YUAN, "2026-02-10")
    town.spend("activity", 300 * YUAN, "2026-03-01")
    sheet = period_sheet(town.state, town.entries(), period="2026-02", fund="activity")
    assert sheet.totals_body() == {"income": 5_000 * YUAN, "spending": 1_200 * YUAN}
    assert sheet.text.count("\n") == 4 + 2 + 1  # header, column line, two lines, totals
    error = town.refused(town.committee.publish_disclosure(
        "fund_flows", "2026-03-01", sheet.sha256, period="2026-02", fund="activity",
        totals={"income": 5_000 * YUAN, "spending": 1_000 * YUAN}),
        DomainError, "the log has income 500000 and spending 120000")
    assert error.details == {"income": 500_000, "spending": 120_000}
    seq = town.submit(town.committee.publish_disclosure(
        "fund_flows", "2026-03-01", sheet.sha256, period="2026-02", fund="activity",
        totals=sheet.totals_body()))
    assert town.state.disclosures[seq].sheet_sha256 == sheet.sha256


def test_a_resident_can_rerender_the_sheet_and_get_the_signed_hash(town):
    town.catalogue()
    town.grant("activity", 5_000 * YUAN, "2026-02-03")
    sheet = period_sheet(town.state, town.entries(), period="2026-Q1", fund="activity")
    size = town.state.size
    seq = town.submit(town.committee.publish_disclosure(
        "livelihood_funds", "2026-04-01", sheet.sha256, period="2026-Q1", fund="activity",
        totals=sheet.totals_body()))
    # Later, from the log alone: replay the first `size` entries and render again.
    from ledger.domain import replay
    from ledger.domain.state import LedgerState
    entries = town.entries()[:size]
    state = LedgerState(town.slug)
    for entry in entries:
        replay(state, entry)
    again = period_sheet(state, entries, period="2026-Q1", fund="activity")
    assert again.sha256 == town.entries()[seq].statement.body["sheet_sha256"]


def test_periodic_items_need_totals_and_one_scope(town):
    town.catalogue()
    town.refused(town.committee.publish_disclosure("fund_flows", "2026-03-01", sha("s")),
                 FormatError, "carry totals")
    zero = {"income": 0, "spending": 0}
    town.refused(town.committee.publish_disclosure("fund_flows", "2026-03-01", sha("s"),
                                                   period="2026-02", totals=zero),
                 FormatError, "exactly one of fund and project")
    town.refused(town.committee.publish_disclosure("fund_flows", "2026-03-01", sha("s"),
                                                   period="2026-13", fund="general",
                                                   totals=zero),
                 FormatError, "period must be a month")
    town.refused(town.committee.publish_disclosure("fund_flows", "2026-03-01", sha("s"),
                                                   period="2026-02", project="nope",
                                                   totals=zero),
                 NotFound, "project nope is not registered")


def test_resolutions_are_disclosed_with_their_own_statement(town):
    town.catalogue()
    town.refused(town.committee.publish_disclosure("resolutions", "2026-03-01", sha("s")),
                 DomainError, "resolution.disclosed")


def test_a_trade_stage_is_disclosed_only_when_reached_and_only_once(town, clock):
    town.catalogue()
    trade = town.noticed_lease()
    award = {"kind": "trade", "ref": trade, "stage": "award"}
    town.refused(town.committee.publish_disclosure("asset_trades", "2026-03-01", sha("a"),
                                                   subject=award),
                 OutOfOrder, "is noticed; its award is disclosed once it is awarded")
    bid = town.submit(town.agent.receive_bid(trade, {"kind": "person", "name": "王"}, 10**9))
    clock.advance(days=11)
    town.submit(town.committee.award(trade, bid))
    town.submit(town.committee.publish_disclosure("asset_trades", "2026-03-01", sha("a"),
                                                  subject=award))
    town.refused(town.committee.publish_disclosure("asset_trades", "2026-03-02", sha("b"),
                                                   subject=award),
                 OutOfOrder, "already disclosed")
    town.refused(town.committee.publish_disclosure(
        "asset_trades", "2026-03-02", sha("b"),
        subject={"kind": "trade", "ref": trade, "stage": "completion"}),
        OutOfOrder, "its completion is disclosed once it is completed")
