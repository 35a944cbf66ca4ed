"""A small community's books, in domain terms, for tests."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field

from ledger.log.application import LedgerApplication
from ledger.client import Signer, posting
from ledger.format.keys import SigningKey
from ledger.format.notes import Signer as NoteSigner

FUNDS = [
    ("general", "一般资金", "General fund", False),
    ("activity", "活动经费", "Activity funds", True),
    ("renovation", "微改造专项资金", "Micro-renovation special fund", True),
]
ACCOUNTS = [
    ("1001", "库存现金", "Cash", "asset", "cash"),
    ("1002", "银行存款", "Bank deposits", "asset", "bank"),
    ("2001", "应付款", "Payables", "liability", None),
    ("4001", "财政补助收入", "Government grants", "income", None),
    ("4002", "公共资源收入", "Public resource income", "income", None),
    ("5001", "活动支出", "Activity spending", "expense", None),
    ("5002", "工程支出", "Works spending", "expense", None),
]
STREET_OFFICE = {"kind": "organisation", "name": "街道办事处 Street office"}


@dataclass
class Community:
    app: LedgerApplication
    slug: str
    admin: Signer
    agent: Signer
    cashier: Signer
    committee: Signer
    log_signer: NoteSigner
    receipts: list = field(default_factory=list)

    @classmethod
    def open(cls, app: LedgerApplication, slug: str | None = None) -> "Community":
        slug = slug or f"xinzhu-{uuid.uuid4().hex[:8]}"
        origin = f"sunledger.example/{slug}"
        people = {role: Signer(SigningKey.generate(role), slug)
                  for role in ("admin", "agent", "cashier", "committee")}
        log_signer = NoteSigner.from_seed(origin, SigningKey.generate().seed)
        town = cls(app, slug, people["admin"], people["agent"], people["cashier"],
                   people["committee"], log_signer)
        admin = town.admin
        app.submit(admin.open_ledger("新竹社区", origin, log_signer.verifier().vkey))
        for role in ("agent", "cashier", "committee"):
            app.submit(admin.register_key(people[role].key, [role], f"{role} of {slug}"))
        for code, zh, en, restricted in FUNDS:
            app.submit(town.agent.create_fund(code, zh, en, restricted=restricted))
        for code, zh, en, cls_, kind in ACCOUNTS:
            app.submit(town.agent.open_account(code, zh, en, cls_, kind))
        return town

    def grant(self, fund: str, amount: int, date: str = "2026-01-05"):
        """Money arrives at the bank from the street office, earmarked for ``fund``."""
        lines = [posting("1002", fund, "debit", amount), posting("4001", fund, "credit", amount)]
        return self.app.submit(self.agent.post(date, "grant", STREET_OFFICE, lines,
                                               memo="财政拨款 grant"))

    def spend(self, fund: str, amount: int, date: str = "2026-02-01", account: str = "5001"):
        """Pay a supplier from the bank, out of ``fund``."""
        lines = [posting(account, fund, "debit", amount), posting("1002", fund, "credit", amount)]
        supplier = {"kind": "organisation", "name": "阳光文体用品店"}
        return self.app.submit(self.agent.post(date, "activity", supplier, lines,
                                               memo="活动用品 supplies"))

    def log_size(self) -> int:
        return self.app.state(self.slug).size
