"""A small community (新竹社区) and its books, in domain terms, for every tier's tests.

``Community.open(app)`` gives the keys (admin, agent, cashier, committee), the three
funds and seven accounts of a neighbourhood committee: 14 entries. With
``governance=True`` it also holds the supervisors' and the server's intake keys and
the asset accounts, and ``clock`` is the server clock the test moves forward (a
notice period must pass). ``grant`` and ``spend`` answer the application's
receipt; every other step answers the seq of the entry it made.
"""

from __future__ import annotations

import hashlib
import uuid
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Iterable

import pytest

from ledger.client import Signer, posting
from ledger.domain.disclosures import STANDARD_CATALOGUE
from ledger.format.keys import SigningKey
from ledger.format.notes import Signer as NoteSigner
from ledger.format.statements import SignedStatement, utc_now
from ledger.log.application import LedgerApplication
from tests.builders.refusals import LogView

YUAN = 100
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
SUPPLIER = {"kind": "organisation", "name": "阳光文体用品店"}
VENDOR = {"kind": "organisation", "name": "安居装修工程公司"}
CATALOGUE = STANDARD_CATALOGUE


def sha(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def bidder(name: str, id_: str | None = None) -> dict:
    party = {"kind": "person", "name": name}
    if id_:
        party["id"] = id_
    return party


class Clock:
    """The server's clock, moved by the test (starts at the real time so that
    statements signed now are never ahead of it)."""

    def __init__(self) -> None:
        self.now = utc_now()

    def __call__(self) -> datetime:
        return self.now

    def advance(self, days: float = 0, seconds: float = 0) -> None:
        self.now += timedelta(days=days, seconds=seconds)


@dataclass
class Community:
    app: LedgerApplication
    slug: str
    admin: Signer
    agent: Signer
    cashier: Signer
    committee: Signer
    log_signer: NoteSigner
    clock: Clock | None = None
    supervisor: Signer | None = None
    intake: Signer | None = None
    receipts: list = field(default_factory=list)

    @classmethod
    def open(cls, app: LedgerApplication, slug: str | None = None, *,
             clock: Clock | None = None, governance: bool = False,
             accounts: Iterable[tuple] | None = None) -> Community:
        """``accounts``: (code, 中文, English, class, kind) rows instead of ``ACCOUNTS``."""
        slug = slug or f"xinzhu-{uuid.uuid4().hex[:8]}"
        origin = f"sunledger.example/{slug}"
        people = {role: Signer(SigningKey.generate(role), slug)
                  for role in ("admin", "agent", "cashier", "committee")}
        log_signer = NoteSigner.from_seed(origin, SigningKey.generate().seed)
        town = cls(app, slug, people["admin"], people["agent"], people["cashier"],
                   people["committee"], log_signer, clock)
        app.submit(town.admin.open_ledger("新竹社区", origin, log_signer.verifier().vkey))
        for role in ("agent", "cashier", "committee"):
            app.submit(town.admin.register_key(people[role].key, [role], f"{role} of {slug}"))
        for code, zh, en, restricted in FUNDS:
            app.submit(town.agent.create_fund(code, zh, en, restricted=restricted))
        for code, zh, en, cls_, kind in (ACCOUNTS if accounts is None else accounts):
            app.submit(town.agent.open_account(code, zh, en, cls_, kind))
        if governance:
            town.take_up_governance()
        return town

    def take_up_governance(self) -> None:
        """Supervisors' and intake keys, and the accounts that hold the community's assets."""
        self.supervisor = self.new_key(["supervisor"], "居务监督委员会", "supervisor")
        self.intake = self.new_key(["intake"], "server question intake", "intake")
        self.submit(self.agent.open_account("1601", "固定资产", "Fixed assets", "asset"))
        self.submit(self.agent.open_account("3001", "净资产", "Net assets", "net_assets"))

    # --- the log -------------------------------------------------------------------

    @property
    def state(self):
        return self.app.state(self.slug)

    def submit(self, signed: SignedStatement) -> int:
        return self.app.submit(signed).seq

    def entries(self):
        return self.app.entries(self.slug, 0, self.state.size)

    def log_size(self) -> int:
        return self.state.size

    def new_key(self, roles: list[str], label: str, name: str | None = None) -> Signer:
        signer = Signer(SigningKey.generate(name or label), self.slug)
        self.submit(self.admin.register_key(signer.key, roles, label))
        return signer

    # --- money ---------------------------------------------------------------------

    def grant(self, fund: str, amount: int, date: str = "2026-01-05"):
        """Money arrives at the bank from the street office, earmarked for ``fund``."""
        lines = [posting("1002", fund, "debit", amount), posting("4001", fund, "credit", amount)]
        return self.app.submit(self.agent.post(date, "grant", STREET_OFFICE, lines,
                                               memo="财政拨款 grant"))

    def spend(self, fund: str, amount: int, date: str = "2026-02-01", account: str = "5001"):
        """Pay a supplier from the bank, out of ``fund``."""
        lines = [posting(account, fund, "debit", amount), posting("1002", fund, "credit", amount)]
        return self.app.submit(self.agent.post(date, "activity", SUPPLIER, lines,
                                               memo="活动用品 supplies"))

    def pay(self, fund: str, amount: int, date: str = "2026-02-01", *, account: str = "5002",
            money_account: str = "1002", counterparty: dict | None = None, by: Signer | None = None,
            documents: list | None = None, project: str | None = None) -> int:
        """Pay the works contractor (or ``counterparty``), signed by the agent or ``by``."""
        lines = [posting(account, fund, "debit", amount),
                 posting(money_account, fund, "credit", amount)]
        signer = by or self.agent
        args = (date, "works", counterparty or VENDOR, lines)
        if project:
            return self.submit(signer.post_for_project(project, *args, memo="工程款 works",
                                                       documents=documents))
        return self.submit(signer.post(*args, memo="工程款 works", documents=documents))

    def receive(self, fund: str, amount: int, payer: dict, date: str = "2026-03-20") -> int:
        lines = [posting("1002", fund, "debit", amount), posting("4002", fund, "credit", amount)]
        return self.submit(self.agent.post(date, "rent", payer, lines, memo="租金 rent"))

    def set_policy(self, approval: int = 5_000 * YUAN, major: int = 50_000 * YUAN,
                   notice_days: int = 10, **extra) -> int:
        """The committee's approval thresholds (三重一大): payments at or above wait."""
        return self.submit(self.committee.set_policy(approval, major, notice_days, **extra))

    # --- resolutions, assets, trades -------------------------------------------------

    def resolve(self, kind: str, ref: int | None, *, cosign: bool = True,
                disclose: bool = False, votes_for: int = 20) -> int:
        """A residents' representative meeting: 25 seats, 22 attend."""
        seq = self.submit(self.committee.record_resolution(
            kind, ref, "居民代表会议决议", "2026-02-10", 25, 22, votes_for, 22 - votes_for - 1, 1,
            sha(f"minutes of {kind} {ref}")))
        if cosign:
            self.submit(self.committee.cosign_resolution(seq))
            self.submit(self.supervisor.cosign_resolution(seq))
        if disclose:
            self.submit(self.committee.disclose_resolution(seq, "2026-02-11", sha(f"r{seq}")))
        return seq

    def register_shop(self, code: str = "shop-1", book_value: int = 300_000 * YUAN) -> str:
        lines = [posting("1601", "general", "debit", book_value),
                 posting("3001", "general", "credit", book_value)]
        self.submit(self.agent.post("2026-01-02", "asset", {"kind": "organisation",
                                                            "name": "新竹社区"}, lines,
                                    memo="门面入账 shop on the books"))
        self.submit(self.agent.register_asset(
            code, "shop", "临街门面1号", "新竹路1号", book_value, account="1601", fund="general",
            documents=[{"kind": "deed", "sha256": sha("deed " + code)}]))
        return code

    def noticed_lease(self, reserve: int = 36_000 * YUAN, days: int = 10) -> int:
        """A shop lease proposed, resolved and on public notice."""
        code = self.register_shop()
        trade = self.submit(self.committee.propose_trade(code, "lease", reserve,
                                                         "餐饮除外 no restaurants", 36))
        self.resolve("trade", trade)
        self.submit(self.committee.publish_notice(trade, days, sha(f"notice {trade}")))
        return trade

    def catalogue(self) -> int:
        return self.submit(self.committee.set_catalogue(CATALOGUE))

    # --- checks --------------------------------------------------------------------

    def refused(self, signed: SignedStatement, error: type, match: str):
        """Submit ``signed``, expect ``error`` with ``match`` in its message, and
        check that the log, its head and every state map are unchanged."""
        before = LogView.of(self.app, self.slug)
        with pytest.raises(error, match=match) as caught:
            self.app.submit(signed)
        assert LogView.of(self.app, self.slug) == before
        return caught.value
