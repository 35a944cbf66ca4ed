"""Contracts in domain terms (合同台账): a shop lease won through a trade, a works
contract with instalments, a final payment and a retention, and the entries that
settle them. Each helper answers the seq of the entry it made."""

from __future__ import annotations

from typing import Any

from ledger.client import posting
from tests.builders.community import YUAN, Community, bidder, sha

WANG = bidder("王小明", "110101198001010011")
BUILDER = {"kind": "organisation", "name": "安居装修工程公司"}


def contracted_lease(town: Community, clock) -> int:
    """A shop lease through the whole trade up to its contract: 王小明 won with a
    year's rent of 126,000 yuan (reserve 108,000). Answers the trade's seq."""
    town.catalogue()
    trade = town.noticed_lease(reserve=108_000 * YUAN)
    best = town.submit(town.agent.receive_bid(trade, WANG, 126_000 * YUAN))
    clock.advance(days=10, seconds=1)
    town.submit(town.committee.award(trade, best))
    town.submit(town.committee.publish_disclosure(
        "asset_trades", "2026-03-12", sha(f"award {trade}"),
        subject={"kind": "trade", "ref": trade, "stage": "award"}))
    town.submit(town.committee.sign_contract(trade, sha("lease"), "2026-03-15",
                                             "2026-04-01", "2029-03-31"))
    return trade


def lease_body(trade: int | None = None, monthly: int = 10_500 * YUAN, months: int = 36,
               party: dict | None = None, **extra: Any) -> dict[str, Any]:
    """Three years from 2026-04-01, rent due on the 1st of each month."""
    body = {"direction": "receivable", "party": party or WANG, "subject": "临街门面1号租赁",
            "fund": "general", "total": monthly * months, "starts": "2026-04-01",
            "ends": "2029-03-31", "schedule": {"every": "month", "amount": monthly},
            "contract_sha256": sha("lease contract")}
    if trade is not None:
        body["trade"] = trade
    return {**body, **extra}


def works_body(amounts=(30_000, 60_000), final: int = 7_000, retention: int = 3_000,
               **extra: Any) -> dict[str, Any]:
    """A renovation contract: instalments, a final payment after acceptance and a
    retention held on 2001 until 2026-11-30."""
    instalments = [{"due_on": f"2026-0{3 + i}-15", "amount": amount * YUAN}
                   for i, amount in enumerate(amounts)]
    instalments.append({"due_on": "2026-06-30", "amount": final * YUAN, "kind": "final"})
    body = {"direction": "payable", "party": BUILDER, "subject": "3号楼外墙修缮",
            "fund": "renovation", "total": (sum(amounts) + final + retention) * YUAN,
            "starts": "2026-03-01", "ends": "2026-06-30",
            "schedule": {"instalments": instalments},
            "retention": {"amount": retention * YUAN, "release_on": "2026-11-30",
                          "account": "2001"},
            "contract_sha256": sha("works contract")}
    return {**body, **extra}


def sign(town: Community, body: dict[str, Any]) -> int:
    return town.submit(town.committee.sign("contract.signed", body))


def settling(town: Community, contract: int, amount: int, date: str, *, fund: str = "general",
             line: int | None = None, party: dict | None = None, receipt: bool = True,
             extra_postings: list | None = None, **fields: Any):
    """The signed entry.posted that receives rent (or, ``receipt=False``, pays the
    contractor) naming ``contract`` and, if given, its schedule ``line``."""
    if receipt:
        lines = [posting("1002", fund, "debit", amount), posting("4002", fund, "credit", amount)]
    else:
        lines = extra_postings or [posting("5002", fund, "debit", amount),
                                   posting("1002", fund, "credit", amount)]
    body = {"date": date, "category": "rent" if receipt else "works", "memo": "",
            "counterparty": party or (WANG if receipt else BUILDER), "postings": lines,
            "contract": contract, **fields}
    if line is not None:
        body["schedule_line"] = line
    return town.agent.sign("entry.posted", body)


def accept(town: Community, contract: int, on: str = "2026-06-28") -> int:
    return town.submit(town.committee.sign("contract.accepted", {
        "contract": contract, "accepted_on": on, "report_sha256": sha(f"验收 {contract}")}))


def contract_story(town: Community, clock) -> dict[str, int]:
    """Every path of a contract: a lease from a trade with rent received, one receipt
    reversed, an amendment and an early end; a works contract with a held instalment
    approved and another rejected, acceptance, the final payment and the retention."""
    town.set_policy(approval=20_000 * YUAN, major=150_000 * YUAN)
    lease = sign(town, lease_body(contracted_lease(town, clock)))
    town.submit(settling(town, lease, 10_500 * YUAN, "2026-04-02", line=0))
    wrong = settling(town, lease, 10_500 * YUAN, "2026-05-02")
    wrong_seq = town.submit(wrong)
    town.submit(town.agent.reverse(wrong_seq, wrong.statement.body["postings"], "2026-05-03",
                                   "记错 recorded twice"))
    town.submit(town.committee.sign("contract.amended", {
        "contract": lease, "amendment_sha256": sha("补充协议"), "reason": "提前一年结束",
        "ends": "2028-03-31", "schedule": {"every": "month", "amount": 10_500 * YUAN},
        "total": 10_500 * YUAN * 24}))
    town.grant("renovation", 500_000 * YUAN)
    works = sign(town, works_body())
    held = town.submit(settling(town, works, 30_000 * YUAN, "2026-03-15", fund="renovation",
                                receipt=False, line=0))
    town.submit(town.committee.sign("entry.rejected", {"entry": held, "reason": "发票不符"}))
    held = town.submit(settling(town, works, 30_000 * YUAN, "2026-03-16", fund="renovation",
                                receipt=False, line=0))
    town.submit(town.committee.approve(held))
    town.submit(settling(town, works, 60_000 * YUAN, "2026-04-15", fund="renovation",
                         receipt=False, line=1))
    accept(town, works)
    town.submit(settling(town, works, 7_000 * YUAN, "2026-06-30", fund="renovation",
                         receipt=False, line=2))
    town.submit(settling(town, works, 3_000 * YUAN, "2026-11-30", fund="renovation",
                         receipt=False, line=3,
                         extra_postings=[posting("2001", "renovation", "debit", 3_000 * YUAN),
                                         posting("1002", "renovation", "credit", 3_000 * YUAN)]))
    town.submit(town.committee.sign("contract.ended", {
        "contract": lease, "ended_on": "2027-12-31", "reason": "承租人提前退租"}))
    return {"lease": lease, "works": works}
