"""A community's first year of books, in domain terms, recorded on ``Community``
with every statement kept so that tests can compute the figures independently."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field

from ledger.client import posting
from ledger.format.statements import SignedStatement
from tests.builders.community import ACCOUNTS, STREET_OFFICE, Community

ACCOUNT_CLASS = {code: cls for code, _, _, cls, _ in ACCOUNTS}
SUPPLIER = {"kind": "organisation", "name": "阳光文体用品店"}
WRONG_SUPPLIER = {"kind": "organisation", "name": "错误供应商"}
BANK = {"kind": "organisation", "name": "中国工商银行"}
ZHANG = {"kind": "person", "name": "张三丰"}
LI = {"kind": "person", "name": "Li Wei"}
RECEIPT = {"kind": "receipt", "sha256": hashlib.sha256(b"receipt 2026-03-03").hexdigest()}


@dataclass
class Books:
    community: Community
    submitted: list[tuple[int, SignedStatement]] = field(default_factory=list)
    seqs: dict[str, int] = field(default_factory=dict)  # name -> seq of a notable entry

    def submit(self, signed: SignedStatement, name: str | None = None) -> int:
        receipt = self.community.app.submit(signed)
        self.submitted.append((receipt.seq, signed))
        if name:
            self.seqs[name] = receipt.seq
        return receipt.seq

    def pay(self, fund: str, amount: int, date: str, category: str, counterparty: dict,
            account: str = "5001", name: str | None = None, **kw) -> int:
        lines = [posting(account, fund, "debit", amount), posting("1002", fund, "credit", amount)]
        return self.submit(self.community.agent.post(date, category, counterparty, lines, **kw),
                           name)

    def receive(self, fund: str, amount: int, date: str, category: str, counterparty: dict,
                account: str = "4001", name: str | None = None) -> int:
        lines = [posting("1002", fund, "debit", amount), posting(account, fund, "credit", amount)]
        return self.submit(self.community.agent.post(date, category, counterparty, lines,
                                                     memo=f"{category} {date}"), name)


def a_year_of_books(community: Community) -> Books:
    """Budgets, grants, rent, payments to shops and to people, a reversal, a
    transfer to cash and one confirmation, across 2025 and 2026."""
    books, agent = Books(community), community.agent
    books.submit(community.committee.budget("activity", 2026, 300_000))
    books.submit(community.committee.budget("renovation", 2026, 2_000_000))
    books.submit(community.committee.budget("activity", 2025, 100_000))
    books.submit(community.committee.budget("activity", 2026, 350_000,  # replaces 300,000
                                            reason="重阳节活动增加 more for the autumn festival"))
    books.receive("general", 100_000, "2025-12-20", "grant", STREET_OFFICE, name="grant_2025")
    books.receive("activity", 500_000, "2026-01-05", "grant", STREET_OFFICE, name="grant")
    books.receive("renovation", 3_000_000, "2026-01-10", "grant", STREET_OFFICE)
    books.receive("general", 60_000, "2026-02-15", "rent", SUPPLIER, account="4002")
    books.pay("activity", 120_000, "2026-02-01", "activity", SUPPLIER, memo="活动用品 supplies")
    books.pay("activity", 8_000, "2026-03-03", "stipend", ZHANG, memo="志愿者补贴",
              documents=[RECEIPT], name="zhang")
    books.pay("renovation", 500_000, "2026-03-20", "works", LI, account="5002", name="li")
    mistaken = books.pay("activity", 30_000, "2026-04-02", "activity", WRONG_SUPPLIER,
                         name="mistaken")
    mistaken_lines = books.submitted[-1][1].statement.body["postings"]
    books.submit(agent.reverse(mistaken, mistaken_lines, "2026-05-10", "wrong supplier"),
                 name="reversal")
    books.submit(agent.post("2026-06-01", "transfer", BANK,
                            [posting("1001", "general", "debit", 5_000),
                             posting("1002", "general", "credit", 5_000)], memo="备用金"),
                 name="transfer")
    books.submit(community.cashier.confirm(books.seqs["grant"], "2026-01-06"))
    return books
