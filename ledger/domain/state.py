"""The in-memory state a ledger's decisions are made against.

It is derived from the log alone (``apply`` functions in ``ledger.domain``)
and is only ever added to or overwritten, never deleted from, which is what
lets ``fork()`` hand out a cheap copy-on-write view: the fork's writes land in
the first map of each ChainMap and are merged back by ``absorb()`` only after
the store has accepted the entries they came from.
"""

from __future__ import annotations

from collections import ChainMap
from dataclasses import dataclass, field, replace
from typing import Any

from ledger.format.keys import PublicKey
from ledger.format.merkle import CompactRange
from ledger.format.statements import ZERO_HASH, Entry

MAP_FIELDS = ("keys", "funds", "accounts", "balances", "budgets", "cash_entries",
              "confirmed", "reversed_by", "batch_entries",
              # governance (records in ledger.domain.records; statuses are overwrites)
              "policies", "pending", "flows", "entry_projects", "projects", "resolutions",
              "assets", "trades", "bids", "trade_receipts", "catalogues", "disclosures",
              "questions", "interests")


@dataclass(frozen=True)
class KeyRecord:
    public: PublicKey
    roles: frozenset[str]
    label: str
    registered_seq: int
    revoked_seq: int | None = None

    @property
    def key_id(self) -> str:
        return self.public.key_id

    def active(self) -> bool:
        return self.revoked_seq is None

    def revoked(self, seq: int) -> KeyRecord:
        return replace(self, revoked_seq=seq)


@dataclass(frozen=True)
class Fund:
    code: str
    name_zh: str
    name_en: str
    restricted: bool
    purpose: str
    created_seq: int


@dataclass(frozen=True)
class Account:
    code: str
    name_zh: str
    name_en: str
    account_class: str
    kind: str | None  # "cash" or "bank": money the cashier holds; never negative
    opened_seq: int


@dataclass
class LedgerState:
    slug: str
    size: int = 0
    head: str = ZERO_HASH
    last_recorded_at: str = ""
    name: str = ""
    origin: str = ""
    currency: str = ""
    log_keys: list[tuple[int, str]] = field(default_factory=list)  # (from size, vkey)
    frontier: CompactRange = field(default_factory=CompactRange)
    keys: Any = field(default_factory=dict)          # key_id -> KeyRecord
    funds: Any = field(default_factory=dict)         # code -> Fund
    accounts: Any = field(default_factory=dict)      # code -> Account
    balances: Any = field(default_factory=dict)      # (account, fund, currency) -> minor units
    budgets: Any = field(default_factory=dict)       # (fund, year) -> minor units
    cash_entries: Any = field(default_factory=dict)  # seq -> recorder key_id, if it moves cash/bank
    confirmed: Any = field(default_factory=dict)     # seq -> seq of the confirmation
    reversed_by: Any = field(default_factory=dict)   # seq -> seq of the reversal
    batch_entries: Any = field(default_factory=dict)  # entries of an unsaved batch, by seq
    # governance: see ledger/domain/records.py and docs/governance.md
    policies: Any = field(default_factory=dict)     # seq of policy.set -> Policy
    pending: Any = field(default_factory=dict)      # seq of entry.posted -> PendingEntry
    flows: Any = field(default_factory=dict)        # ("fund"|"project", code, "YYYY-MM") -> Flow
    entry_projects: Any = field(default_factory=dict)  # seq of entry.posted -> project code
    projects: Any = field(default_factory=dict)     # code -> Project
    resolutions: Any = field(default_factory=dict)  # seq -> Resolution
    assets: Any = field(default_factory=dict)       # code -> Asset
    trades: Any = field(default_factory=dict)       # seq of trade.proposed -> Trade
    bids: Any = field(default_factory=dict)         # seq of trade.bid_received -> Bid
    trade_receipts: Any = field(default_factory=dict)  # seq of a receipt entry -> trade seq
    catalogues: Any = field(default_factory=dict)   # seq -> Catalogue
    disclosures: Any = field(default_factory=dict)  # seq -> Disclosure
    questions: Any = field(default_factory=dict)    # seq of question.asked -> Question
    interests: Any = field(default_factory=dict)    # seq of interest.declared -> Interest

    @property
    def log_key(self) -> str:
        return self.log_keys[-1][1] if self.log_keys else ""

    def log_key_for_size(self, size: int) -> str:
        """The log key that signs checkpoints of a tree of ``size`` entries."""
        chosen = ""
        for from_size, vkey in self.log_keys:
            if from_size <= size:
                chosen = vkey
        return chosen

    def balance(self, account: str, fund: str, currency: str | None = None) -> int:
        return self.balances.get((account, fund, currency or self.currency), 0)

    def unconfirmed(self) -> list[int]:
        return sorted(seq for seq in self.cash_entries if seq not in self.confirmed)

    def fork(self) -> LedgerState:
        """A copy-on-write view for deciding a batch before it is stored."""
        # from_nodes copies the frontier's hash list: ~10x cheaper than deepcopy.
        frontier = CompactRange.from_nodes(self.frontier.size, self.frontier.nodes())
        child = replace(self, log_keys=list(self.log_keys), frontier=frontier)
        for name in MAP_FIELDS:
            parent_map = getattr(self, name)
            setattr(child, name, ChainMap({}, parent_map))
        child.batch_entries = ChainMap({}, {})
        return child

    def absorb(self, child: LedgerState) -> None:
        """Take over what a fork decided, once its entries are stored."""
        for name in MAP_FIELDS:
            if name != "batch_entries":
                getattr(self, name).update(getattr(child, name).maps[0])
        for attribute in ("size", "head", "last_recorded_at", "name", "origin", "currency",
                          "log_keys", "frontier"):
            setattr(self, attribute, getattr(child, attribute))

    def record_position(self, entry: Entry) -> list[bytes]:
        """Advance the chain and the Merkle frontier past ``entry``; return the
        Merkle nodes this entry completes (stored beside it, for proofs)."""
        self.size = entry.seq + 1
        self.head = entry.hash
        self.last_recorded_at = entry.recorded_at
        return self.frontier.append(bytes.fromhex(entry.hash))
