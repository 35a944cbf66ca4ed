"""The governance records kept in LedgerState maps (docs/governance.md).

Every record is frozen: a status change is a new record written over the
old one under the same key, never a deletion, so LedgerState.fork/absorb
keep working. Histories (``history``) are the seqs of every statement that
touched the record, oldest first: the asset's or trade's story on the log.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

from ledger.domain import policy

Posting = tuple[str, str, str, int]  # (account, fund, currency, signed minor units)


@dataclass(frozen=True)
class Policy:
    """Thresholds in fen and who approves what; None threshold = no approval needed."""

    seq: int
    approval_threshold: int | None = None
    major_threshold: int | None = None
    notice_days_min: int = policy.notice_days_min_default
    approval_roles: frozenset[str] = frozenset({"committee"})
    major_roles: frozenset[str] = policy.major_roles_required
    split_window_days: int = policy.split_window_days_default
    round_cash_limit: int = policy.round_cash_limit_fen_default
    date_allowance_days: int = policy.date_allowance_days_default
    # 四议两公开 in full: a resolution about a major matter must name a proposal that
    # was discussed and reviewed (ledger/domain/matters.py). Off unless a policy says so.
    full_procedure_for_major: bool = False

    def level(self, amount: int) -> str | None:
        """Which approval path a payment of ``amount`` fen takes."""
        if self.major_threshold is not None and amount >= self.major_threshold:
            return "major"
        if self.approval_threshold is not None and amount >= self.approval_threshold:
            return "approval"
        return None


DEFAULT_POLICY = Policy(seq=-1)


def current_policy(state: Any) -> Policy:
    return state.policies[max(state.policies)] if state.policies else DEFAULT_POLICY


@dataclass(frozen=True)
class PendingEntry:
    """A payment that waits for approval; it moves no balance until approved."""

    seq: int
    recorder: str
    amount: int
    level: str                    # "approval" | "major"
    date: str
    postings: tuple[Posting, ...]
    status: str = "pending"       # "pending" | "approved" | "rejected"
    decided_seq: int | None = None
    resolution: int | None = None  # the resolution an approved major payment rests on


@dataclass(frozen=True)
class Flow:
    """Income and spending of one fund or project in one month, in fen."""

    income: int = 0
    spending: int = 0

    def plus(self, other: Flow) -> Flow:
        return Flow(self.income + other.income, self.spending + other.spending)


@dataclass(frozen=True)
class Project:
    code: str
    fund: str
    name_zh: str
    name_en: str
    starts: str
    ends: str
    seq: int
    budget: int | None = None     # fen; contracts naming the project stay within it


@dataclass(frozen=True)
class Resolution:
    """A residents' representative meeting resolution (四议两公开)."""

    seq: int
    matter_kind: str              # "entry" | "trade" | "policy" | "other"
    matter_ref: int | None
    title: str
    passed: bool
    recorded_by: str
    cosigners: frozenset[str] = frozenset()
    cosigned_roles: frozenset[str] = frozenset()
    disclosed_seq: int | None = None
    proposal: int | None = None   # the matter.proposed it resolves (四议两公开 in full)

    def cosigned_by(self, roles: frozenset[str]) -> bool:
        return roles <= self.cosigned_roles


MATTER_STATUSES = ("proposed", "discussed", "reviewed", "resolved", "rejected", "published",
                   "implemented")


@dataclass(frozen=True)
class Matter:
    """A matter's life under 四议两公开 (ledger/domain/matters.py): proposed by the party
    branch or the committee, discussed (商议), reviewed (审议), resolved by the residents'
    representatives (决议, a ``resolution.recorded`` naming it), the resolution published
    (``resolution.disclosed``) and the implementation result published. Each ``*_seq`` is
    the entry of that step; each ``*_on`` its business date (steps never go back in time).
    ``status`` is the last step taken; a resolution that did not pass makes it
    ``rejected``, an end (a new proposal starts again)."""

    seq: int                      # of matter.proposed
    proposed_by: str              # "party_branch" | "committee"
    subject_kind: str             # a resolution's matter kind (MATTER_KINDS)
    subject_ref: int | None
    title: str
    proposed_on: str
    status: str = "proposed"      # one of MATTER_STATUSES
    discussed_seq: int | None = None
    discussed_on: str = ""
    reviewed_seq: int | None = None
    reviewed_on: str = ""
    resolution: int | None = None
    resolved_on: str = ""
    published_seq: int | None = None
    published_on: str = ""
    implemented_seq: int | None = None
    implemented_on: str = ""
    history: tuple[int, ...] = ()

    def then(self, seq: int, **changes: Any) -> Matter:
        return replace(self, history=self.history + (seq,), **changes)

    @property
    def last_date(self) -> str:
        """The business date of its latest step: the next one may not be earlier."""
        return (self.implemented_on or self.published_on or self.resolved_on
                or self.reviewed_on or self.discussed_on or self.proposed_on)


@dataclass(frozen=True)
class Asset:
    code: str
    kind: str
    name_zh: str
    location: str
    book_value: int
    account: str | None
    fund: str | None
    registered_seq: int
    status: str = "available"     # "available" | "leased" | "assigned" | "disposed"
    holder: str = ""
    holder_kind: str = ""         # "person" | "organisation" when held
    appraisal: int | None = None
    appraised_on: str | None = None
    open_trade: int | None = None
    history: tuple[int, ...] = ()

    def then(self, seq: int, **changes: Any) -> Asset:
        return replace(self, history=self.history + (seq,), **changes)


@dataclass(frozen=True)
class Bid:
    seq: int
    trade: int
    bidder: str
    bidder_id: str
    amount: int
    recorded_at: str
    bidder_kind: str = ""         # "person" | "organisation"


@dataclass(frozen=True)
class Trade:
    """A lease, sale or transfer of an asset following the public procedure."""

    seq: int
    asset: str
    method: str                   # "lease" | "sale" | "transfer"
    reserve: int
    status: str = "proposed"
    resolution: int | None = None
    notice_seq: int | None = None
    notice_days: int | None = None
    notice_closes: str = ""
    bids: tuple[int, ...] = ()
    award_bid: int | None = None
    award_reason: str = ""
    award_disclosure: int | None = None
    contract_sha256: str = ""
    received: int = 0
    completion_disclosure: int | None = None
    history: tuple[int, ...] = ()

    def then(self, seq: int, **changes: Any) -> Trade:
        return replace(self, history=self.history + (seq,), **changes)


TRADE_STATUSES = ("proposed", "resolved", "noticed", "award_pending", "awarded", "contracted",
                  "settled", "completed", "cancelled")


@dataclass(frozen=True)
class Catalogue:
    seq: int
    items: frozenset[str]


@dataclass(frozen=True)
class Disclosure:
    seq: int
    item: str
    sheet_sha256: str
    published_on: str
    subject: tuple[str, int, str] | None = None  # ("trade"|"resolution", ref, stage)
    # A periodic disclosure's figures as published: ("fund"|"project", code), its
    # period ("2026-Q1") and the totals the sheet states (a later back-dated entry
    # may make them untrue: the disclosure-mismatch red flag).
    scope: tuple[str, str] | None = None
    period: str = ""
    totals: Flow | None = None


@dataclass(frozen=True)
class Question:
    seq: int
    about_kind: str
    about_ref: int | str | None   # a seq, a code ("fund", "asset" ...) or None (the ledger)
    asked_at: str
    status: str = "open"          # "open" | "answered" | "closed"
    answers: tuple[int, ...] = ()
    answered_at: str = ""
    closed_at: str = ""
    receipt_sha256: str = ""      # SHA-256 of the asker's receipt code, if one was given
    rating: str = ""              # the asker's satisfaction once closed (SATISFACTION)


@dataclass(frozen=True)
class Interest:
    """A declared tie between a committee member and an outside party (利益冲突登记)."""

    seq: int
    member: str
    member_key: str
    party: str
    party_id: str
    relation: str
    ended_seq: int | None = None


@dataclass(frozen=True)
class Finding:
    """An inspection finding (巡察) on its way to rectification (ledger/domain/inspection.py)."""

    seq: int
    about_kind: str               # "entry" | "trade" | "contract" | "fund" | "red_flag"
    about_ref: str                # a seq, a fund code or a red flag's "<code>:<subject>"
    raised_roles: frozenset[str]  # the raiser's roles that may raise: they take it on
    raised_at: str
    status: str = "open"          # "open" | "assigned" | "rectified" | "reopened" | "closed"
    owner: str = ""
    deadline: str = ""            # YYYY-MM-DD once assigned
    evidence_sha256: str = ""
    rectified_at: str = ""
    closed_at: str = ""
    history: tuple[int, ...] = ()


@dataclass(frozen=True)
class Period:
    """A month's close (结账): signed by the agent, co-signed by the supervisors."""

    month: str                  # "YYYY-MM"
    closed_seq: int
    closed_by: str              # key id of the agent
    closed_at: str              # recorded_at of period.closed
    cosigned_seq: int | None = None
    cosigned_by: str = ""
    cosigned_at: str = ""

    @property
    def status(self) -> str:
        """"closing" until the supervisors co-sign, then "closed"."""
        return "closing" if self.cosigned_seq is None else "closed"


@dataclass(frozen=True)
class BankStatement:
    """A bank statement's balance as the cashier read it (银行对账单)."""

    seq: int
    account: str
    fund: str | None            # None: the account's balance over all funds
    date: str
    balance: int
    statement_sha256: str
    recorded_by: str


def same_party(name_a: str, id_a: str, name_b: str, id_b: str) -> bool:
    """Bidders and related parties match on their id when both have one, else on
    the name with spacing and case ignored."""
    if id_a.strip() and id_b.strip():
        return id_a.strip().lower() == id_b.strip().lower()
    return " ".join(name_a.split()).lower() == " ".join(name_b.split()).lower()


@dataclass(frozen=True)
class ConfidentialReport:
    """A report (举报) whose text only the supervisors and auditors can read: the log
    holds the hash of the sealed text and whom it was sealed to, never the text."""

    seq: int
    filed_at: str
    sealed_sha256: str
    recipients: tuple[str, ...]   # key ids of the supervisor and auditor keys it was sealed to
    handled_on: str = ""
