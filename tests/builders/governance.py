"""A community with the governance keys (supervisor, intake) and a clock that
tests move forward, written in domain terms for the governance tests."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import datetime, timedelta

import pytest

from ledger.log.application import LedgerApplication
from ledger.client import Signer, posting
from ledger.domain.disclosures import STANDARD_CATALOGUE
from ledger.format.keys import SigningKey
from ledger.domain.state import MAP_FIELDS
from ledger.format.statements import SignedStatement, utc_now
from tests.builders.community import Community

YUAN = 100
VENDOR = {"kind": "organisation", "name": "安居装修工程公司"}
CATALOGUE = STANDARD_CATALOGUE


def sha(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


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
class Town:
    community: Community
    clock: Clock
    supervisor: Signer
    intake: Signer
    receipts: list = field(default_factory=list)

    @classmethod
    def open(cls, app: LedgerApplication, clock: Clock) -> Town:
        community = Community.open(app)
        slug, admin = community.slug, community.admin
        supervisor = Signer(SigningKey.generate("supervisor"), slug)
        intake = Signer(SigningKey.generate("intake"), slug)
        app.submit(admin.register_key(supervisor.key, ["supervisor"], "居务监督委员会"))
        app.submit(admin.register_key(intake.key, ["intake"], "server question intake"))
        app.submit(community.agent.open_account("1601", "固定资产", "Fixed assets", "asset"))
        app.submit(community.agent.open_account("3001", "净资产", "Net assets", "net_assets"))
        return cls(community, clock, supervisor, intake)

    # --- shortcuts ---------------------------------------------------------------

    @property
    def app(self) -> LedgerApplication:
        return self.community.app

    @property
    def slug(self) -> str:
        return self.community.slug

    @property
    def agent(self) -> Signer:
        return self.community.agent

    @property
    def committee(self) -> Signer:
        return self.community.committee

    @property
    def cashier(self) -> Signer:
        return self.community.cashier

    @property
    def admin(self) -> Signer:
        return self.community.admin

    @property
    def state(self):
        return self.app.state(self.slug)

    def submit(self, signed: SignedStatement) -> int:
        return self.app.submit(signed).seq

    def entries(self):
        return self.app.entries(self.slug, 0, self.state.size)

    def new_key(self, roles: list[str], label: str) -> Signer:
        signer = Signer(SigningKey.generate(label), self.slug)
        self.submit(self.admin.register_key(signer.key, roles, label))
        return signer

    # --- domain steps ------------------------------------------------------------

    def set_policy(self, approval: int = 5_000 * YUAN, major: int = 50_000 * YUAN,
                   notice_days: int = 10, **extra) -> int:
        return self.submit(self.committee.set_policy(approval, major, notice_days, **extra))

    def grant(self, fund: str, amount: int, date: str = "2026-01-05") -> int:
        return self.community.grant(fund, amount, date).seq

    def pay(self, fund: str, amount: int, date: str = "2026-02-01", *, account: str = "5002",
            money_account: str = "1002", counterparty: dict | None = None, by: Signer | None = None,
            documents: list | None = None, project: str | None = None) -> int:
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

    def snapshot(self) -> dict:
        state = self.state
        maps = {name: dict(getattr(state, name)) for name in MAP_FIELDS}
        return {"size": state.size, "head": state.head, "stored": self.app.reader.size(self.slug),
                **maps}

    def refused(self, signed: SignedStatement, error: type, match: str):
        """Submit ``signed``, expect ``error`` with ``match`` in its message, and
        check that the log, its head and every state map are unchanged."""
        before = self.snapshot()
        with pytest.raises(error, match=match) as caught:
            self.app.submit(signed)
        assert self.snapshot() == before
        return caught.value


def bidder(name: str, id_: str | None = None) -> dict:
    party = {"kind": "person", "name": name}
    if id_:
        party["id"] = id_
    return party
