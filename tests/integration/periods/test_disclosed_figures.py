"""A disclosure whose figures the ledger no longer gives is a red flag: a payment
back-dated into a disclosed quarter before its months were closed."""

from __future__ import annotations

from ledger.domain.redflags import red_flags
from ledger.errors import PeriodClosed
from tests.builders.community import VENDOR, YUAN, sha
from ledger.client import posting


def disclosed_q1(town) -> int:
    town.catalogue()
    town.grant("renovation", 200_000 * YUAN, date="2026-01-05")
    town.pay("renovation", 120_000 * YUAN, date="2026-02-10")
    return town.submit(town.committee.publish_disclosure(
        "fund_flows", "2026-04-03", sha("Q1 sheet"), period="2026-Q1", fund="renovation",
        totals={"income": 200_000 * YUAN, "spending": 120_000 * YUAN}))


def mismatches(town) -> list:
    return [f for f in red_flags(town.entries()) if f.code == "disclosure-mismatch"]


def test_a_payment_back_dated_into_a_disclosed_quarter_flags_the_disclosure(town):
    disclosure = disclosed_q1(town)
    assert mismatches(town) == []
    town.pay("renovation", 9_000 * YUAN, date="2026-03-15")
    [flag] = mismatches(town)
    assert flag.seqs == (disclosure,)
    assert "states income 200,000.00 and spending 120,000.00" in flag.message
    assert flag.message.endswith("spending 129,000.00")


def test_once_the_quarter_is_closed_the_back_dated_payment_is_refused_instead(town):
    disclosed_q1(town)
    town.submit(town.agent.close_period("2026-03"))
    town.submit(town.supervisor.cosign_period_close("2026-03"))
    town.refused(town.agent.post("2026-03-15", "works", VENDOR, [
        posting("5002", "renovation", "debit", 9_000 * YUAN),
        posting("1002", "renovation", "credit", 9_000 * YUAN)]), PeriodClosed, "2026-03")
    assert mismatches(town) == []
