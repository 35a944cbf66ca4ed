"""The in-memory state a ledger's decisions are made against.

It is derived from the log alone (``apply`` functions in ``ledger.domain``)
and is only ever added to or overwritten, never deleted from, which is what
lets ``fork()`` hand out a cheap copy-on-write view: the fork's writes land in
the first map of each ChainMap and are merged back by ``absorb()`` only after
the store has accepted the entries they came from.
"""

from __future__ import annotations

from collections import ChainMap
from dataclasses import dataclass, field, fields, replace
from typing import TYPE_CHECKING, MutableMapping

from ledger.domain.seq_maps import SeqToLabel, SeqToMoneyLines, SeqToSeq
from ledger.format.keys import PublicKey
from ledger.format.merkle import CompactRange
from ledger.format.statements import ZERO_HASH, Entry

if TYPE_CHECKING:
    from ledger.domain.documents import NamedDocument
    from ledger.domain.records import (Asset, BankStatement, Bid, Catalogue,
                                       ConfidentialReport, Disclosure, Finding, Flow,
                                       Interest, Matter, PendingEntry, Period, Policy,
                                       Project, Question, Resolution, Trade)
    from ledger.domain.contract_records import Contract, ContractPayment

Balance = tuple[str, str, str]  # (account, fund, currency)
FlowKey = tuple[str, str, str]  # ("fund" | "project", code, "YYYY-MM")
YearKey = tuple[str, str, str, int]  # (account, fund, currency, year)
# An entry's lines on cash and bank accounts: (date, ((account, fund, currency, amount), ...))
MoneyLines = tuple[str, tuple[tuple[str, str, str, int], ...]]

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
    opened_at: str = ""  # recorded_at of ledger.opened: the opening year bounds dates
    name: str = ""
    origin: str = ""
    currency: str = ""
    log_keys: list[tuple[int, str]] = field(default_factory=list)  # (from size, vkey)
    frontier: CompactRange = field(default_factory=CompactRange)
    keys: MutableMapping[str, KeyRecord] = field(default_factory=dict)
    funds: MutableMapping[str, Fund] = field(default_factory=dict)
    accounts: MutableMapping[str, Account] = field(default_factory=dict)
    # signed: debit +, credit -
    balances: MutableMapping[Balance, int] = field(default_factory=dict)
    # (fund, year) -> minor units
    budgets: MutableMapping[tuple[str, int], int] = field(default_factory=dict)
    # The seq-keyed facts most entries add live in arrays (seq_maps.py), so memory
    # stays flat as the log grows. seq -> recorder key_id, if it moves cash/bank:
    cash_entries: MutableMapping[int, str] = field(default_factory=SeqToLabel)
    # seq -> seq of the confirmation
    confirmed: MutableMapping[int, int] = field(default_factory=SeqToSeq)
    # seq -> seq of the reversal
    reversed_by: MutableMapping[int, int] = field(default_factory=SeqToSeq)
    batch_entries: MutableMapping[int, Entry] = field(default_factory=dict)  # of an unsaved batch
    # governance: see ledger/domain/records.py and docs/governance.md
    policies: MutableMapping[int, Policy] = field(default_factory=dict)  # by seq of policy.set
    # by seq of entry.posted
    pending: MutableMapping[int, PendingEntry] = field(default_factory=dict)
    flows: MutableMapping[FlowKey, Flow] = field(default_factory=dict)
    # seq -> project code
    entry_projects: MutableMapping[int, str] = field(default_factory=SeqToLabel)
    projects: MutableMapping[str, Project] = field(default_factory=dict)
    resolutions: MutableMapping[int, Resolution] = field(default_factory=dict)
    # 四议两公开 in full (ledger/domain/matters.py): by seq of matter.proposed
    matters: MutableMapping[int, Matter] = field(default_factory=dict)
    assets: MutableMapping[str, Asset] = field(default_factory=dict)
    trades: MutableMapping[int, Trade] = field(default_factory=dict)  # by seq of trade.proposed
    bids: MutableMapping[int, Bid] = field(default_factory=dict)  # by seq of trade.bid_received
    # receipt seq -> trade seq
    trade_receipts: MutableMapping[int, int] = field(default_factory=SeqToSeq)
    catalogues: MutableMapping[int, Catalogue] = field(default_factory=dict)
    disclosures: MutableMapping[int, Disclosure] = field(default_factory=dict)
    # by seq of question.asked
    questions: MutableMapping[int, Question] = field(default_factory=dict)
    # by seq of confidential.filed
    confidential: MutableMapping[int, ConfidentialReport] = field(default_factory=dict)
    # by seq of interest.declared
    interests: MutableMapping[int, Interest] = field(default_factory=dict)
    # by seq of inspection.finding_raised
    inspection_findings: MutableMapping[int, Finding] = field(default_factory=dict)
    # sha256 -> the entries naming it as a document the store keeps (domain/documents.py)
    named_documents: MutableMapping[str, NamedDocument] = field(default_factory=dict)
    # periods (ledger/domain/periods.py): closed months by "YYYY-MM"; income and
    # expense balances per year (what a year-end close carries to net assets)
    periods: MutableMapping[str, Period] = field(default_factory=dict)
    year_results: MutableMapping[YearKey, int] = field(default_factory=dict)
    # bank reconciliation (ledger/domain/bank.py): statements by seq; each cash or
    # bank entry's money lines and the date the cashier confirmed it: the bank book.
    bank_statements: MutableMapping[int, BankStatement] = field(default_factory=dict)
    # Only the read side reads the bank book (the projections' states and the reference
    # red flags). The write side decides nothing with it and snapshots its state every
    # few thousand entries, where the bank book, one record per cash or bank entry
    # (~35 bytes each even in these dense maps), would be re-encoded every time: its
    # states are made with keeps_bank_book=False and their bank book stays empty.
    keeps_bank_book: bool = True
    money_lines: MutableMapping[int, MoneyLines] = field(default_factory=SeqToMoneyLines)
    confirmed_on: MutableMapping[int, str] = field(default_factory=SeqToLabel)
    # contracts (contract_records.py): by seq of contract.signed; what each entry.posted
    # naming a contract or project counted (by its seq); a project's cumulative payments
    contracts: MutableMapping[int, Contract] = field(default_factory=dict)
    contract_payments: MutableMapping[int, ContractPayment] = field(default_factory=dict)
    project_paid: MutableMapping[str, int] = field(default_factory=dict)

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

    def bank_book(self) -> tuple[MutableMapping[int, MoneyLines], MutableMapping[int, str]]:
        """(money lines, confirmation dates) by entry seq; only a state that keeps them
        has them (see ``keeps_bank_book``)."""
        if not self.keeps_bank_book:
            raise LookupError("this state keeps no bank book: the write side's states do "
                              "not; replay the log into LedgerState(slug) to reconcile")
        return self.money_lines, self.confirmed_on

    def unconfirmed(self) -> list[int]:
        return sorted(seq for seq in self.cash_entries if seq not in self.confirmed)

    def fork(self) -> LedgerState:
        """A copy-on-write view for deciding a batch before it is stored."""
        # from_nodes copies the frontier's hash list: ~10x cheaper than deepcopy.
        frontier = CompactRange.from_nodes(self.frontier.size, self.frontier.nodes())
        child = replace(self, log_keys=list(self.log_keys), frontier=frontier)
        for name in MAP_FIELDS:
            setattr(child, name, ChainMap({}, getattr(self, name)))
        child.batch_entries = ChainMap({}, {})
        return child

    def absorb(self, child: LedgerState) -> None:
        """Take over what a fork decided, once its entries are stored."""
        for name in MAP_FIELDS:
            if name != "batch_entries":
                getattr(self, name).update(getattr(child, name).maps[0])
        for attribute in SCALAR_FIELDS:
            setattr(self, attribute, getattr(child, attribute))

    def record_position(self, entry: Entry) -> list[bytes]:
        """Advance the chain and the Merkle frontier past ``entry``; return the
        Merkle nodes this entry completes (stored beside it, for proofs)."""
        self.size = entry.seq + 1
        self.head = entry.hash
        self.last_recorded_at = entry.recorded_at
        return self.frontier.append(bytes.fromhex(entry.hash))


# Derived from the fields, so a new map cannot be forgotten by fork() and absorb():
# every map is copy-on-write in a fork; everything else is taken over whole.
MAP_FACTORIES = (dict, SeqToLabel, SeqToSeq, SeqToMoneyLines)
MAP_FIELDS = tuple(f.name for f in fields(LedgerState) if f.default_factory in MAP_FACTORIES)
BANK_BOOK_MAPS = ("money_lines", "confirmed_on")  # empty unless keeps_bank_book
SCALAR_FIELDS = tuple(f.name for f in fields(LedgerState)
                      if f.name not in MAP_FIELDS and f.name != "slug")
