"""What an entry means, said once: the typed effects ``apply`` returns.

Every ``apply(state, entry)`` changes the state and returns a tuple of these
small frozen values; ``ledger.domain.replay`` puts a ``Signed`` in front. A
read model (``projections/``) writes rows from effects alone, so whether a
payment waits, which money moves, what state a trade or question is in and
which role signed are decided here and nowhere else. Effects are not stored:
the projector recomputes them with this same code (docs/effects.md).

Records (``Trade``, ``Asset``, ...) in an effect are the domain's own state
after the step, so a read model copies columns instead of re-deriving them.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ledger.domain.records import (Asset, BankStatement, Bid, Catalogue,
                                       ConfidentialReport, Disclosure, Finding, Interest,
                                       Matter, Period, Policy, Project, Question, Resolution,
                                       Trade)
    from ledger.domain.contract_records import Contract
    from ledger.domain.state import Account, Fund


@dataclass(frozen=True)
class Effect:
    """Base of every effect: ``seq`` is the entry that caused it."""

    seq: int


@dataclass(frozen=True)
class Signed(Effect):
    """Who signed the entry, and the role it used: the signer's roles that may
    sign this type (all of its roles for a type nobody may sign)."""

    signer: str
    role: str


# --- the trust roots and the chart ---------------------------------------------------


@dataclass(frozen=True)
class LedgerOpened(Effect):
    name: str
    origin: str
    currency: str
    log_key: str  # the verifier key of its checkpoints (FORMAT.md section 7)


@dataclass(frozen=True)
class KeyRegistered(Effect):
    key_id: str
    roles: frozenset[str]
    label: str


@dataclass(frozen=True)
class KeyRevoked(Effect):
    key_id: str


@dataclass(frozen=True)
class LogKeyRotated(Effect):
    from_size: int
    log_key: str  # signs the checkpoints of trees of ``from_size`` entries and more


@dataclass(frozen=True)
class FundCreated(Effect):
    fund: Fund


@dataclass(frozen=True)
class AccountOpened(Effect):
    account: Account


@dataclass(frozen=True)
class BudgetSet(Effect):
    fund: str
    year: int
    amount: int


@dataclass(frozen=True)
class ProjectRegistered(Effect):
    project: Project


# --- money -------------------------------------------------------------------------


@dataclass(frozen=True)
class Line:
    """One posting line of a journal entry, as the domain reads it."""

    line: int
    account: str
    account_class: str
    money: bool        # a cash or bank account (what the cashier holds)
    fund: str
    currency: str
    amount: int        # signed minor units: debit +, credit -


@dataclass(frozen=True)
class EntryPosted(Effect):
    """A journal entry (``entry.posted``, or the reversal of one) was recorded.
    Its money moves now (``MoneyMoved``) or later (``PaymentHeld``)."""

    date: str
    currency: str                 # the ledger's currency
    lines: tuple[Line, ...]
    amount: int                   # total debit in the ledger's currency
    funds: tuple[str, ...]        # sorted
    moves_money: bool             # touches a cash or bank account
    project: str | None
    reverses: int | None = None   # for a reversal: the entry it undoes


@dataclass(frozen=True)
class MoneyMoved(Effect):
    """A posting line changes a balance at ``seq``: the line's own entry, or the
    ``entry.approved`` of a held payment. ``entry`` and ``date`` are the line's
    entry and that entry's date (an approved payment counts on its own date)."""

    entry: int
    date: str
    line: Line
    project: str | None
    # A year-end close (结转) carries income and expenses to net assets: it moves
    # balances but is neither income nor spending of its period.
    closing: bool = False


@dataclass(frozen=True)
class PaymentHeld(Effect):
    """The policy in force holds this payment for approval: it moves nothing yet."""

    entry: int
    level: str                    # "approval" | "major"
    amount: int


@dataclass(frozen=True)
class PaymentDecided(Effect):
    entry: int
    status: str                   # "approved" | "rejected"


@dataclass(frozen=True)
class EntryReversed(Effect):
    entry: int


@dataclass(frozen=True)
class EntryConfirmed(Effect):
    entry: int
    date: str


@dataclass(frozen=True)
class PolicySet(Effect):
    policy: Policy


# --- governance ----------------------------------------------------------------------


@dataclass(frozen=True)
class ResolutionRecorded(Effect):
    resolution: Resolution


@dataclass(frozen=True)
class ResolutionStepped(Effect):
    """A resolution was co-signed or disclosed; ``resolution`` is its new state."""

    resolution: Resolution


# The six steps of a matter under 四议两公开, in order (ledger/domain/matters.py):
# proposed (提议), discussed (商议), reviewed (审议), resolved by the residents'
# representatives (决议), the resolution published (决议公开) and the implementation
# result published (实施结果公开).
MATTER_STEPS = ("proposed", "discussed", "reviewed", "resolved", "published", "implemented")


@dataclass(frozen=True)
class MatterProposed(Effect):
    """A matter was proposed (its first step); ``date`` and ``document`` are the
    proposal's date and SHA-256."""

    matter: Matter
    date: str
    document: str


@dataclass(frozen=True)
class MatterStepped(Effect):
    """A matter took ``step`` (one of MATTER_STEPS after the first) at ``seq``, on the
    business date ``date``, with the document of that step (minutes, sheet, result
    sheet) by SHA-256; ``matter`` is its new state."""

    matter: Matter
    step: str
    date: str
    document: str


@dataclass(frozen=True)
class AssetRegistered(Effect):
    asset: Asset


@dataclass(frozen=True)
class AssetStepped(Effect):
    """An asset was valued, assigned, returned, disposed, put in or out of a
    trade, leased or sold; ``asset`` is its new state."""

    asset: Asset


@dataclass(frozen=True)
class TradeProposed(Effect):
    trade: Trade


@dataclass(frozen=True)
class TradeStepped(Effect):
    """A trade moved on (or took a bid or a disclosure); ``trade`` is its new state."""

    trade: Trade


@dataclass(frozen=True)
class BidReceived(Effect):
    bid: Bid


@dataclass(frozen=True)
class Disclosed(Effect):
    """Something was made public: a periodic sheet, a trade's notice, award or
    completion, or a resolution."""

    disclosure: Disclosure


@dataclass(frozen=True)
class CatalogueSet(Effect):
    catalogue: Catalogue


@dataclass(frozen=True)
class QuestionAsked(Effect):
    question: Question


@dataclass(frozen=True)
class QuestionStepped(Effect):
    """A question was answered or closed; ``question`` is its new state."""

    question: Question


@dataclass(frozen=True)
class ConfidentialFiled(Effect):
    report: ConfidentialReport


@dataclass(frozen=True)
class ConfidentialHandled(Effect):
    report: ConfidentialReport


@dataclass(frozen=True)
class InterestDeclared(Effect):
    interest: Interest


@dataclass(frozen=True)
class InterestEnded(Effect):
    interest: Interest


@dataclass(frozen=True)
class FindingRaised(Effect):
    """An inspection finding was raised (not the projection's own findings)."""

    finding: Finding


@dataclass(frozen=True)
class FindingStepped(Effect):
    """A finding was assigned, rectified, reopened or closed; ``finding`` is its new state."""

    finding: Finding


@dataclass(frozen=True)
class PeriodStepped(Effect):
    """A month was closed by the agent or its close co-signed; ``period`` is its new state."""

    period: Period


@dataclass(frozen=True)
class BankStatementRecorded(Effect):
    statement: BankStatement
# --- contracts (合同台账) ---------------------------------------------------------------


@dataclass(frozen=True)
class ContractSigned(Effect):
    contract: Contract


@dataclass(frozen=True)
class ContractStepped(Effect):
    """A contract was amended, accepted (验收) or ended; ``contract`` is its new state."""

    contract: Contract


@dataclass(frozen=True)
class ContractSettled(Effect):
    """Entry ``entry`` settled ``lines`` ((line, amount) pairs) of a contract, or took
    them back (``sign`` -1: the entry was reversed or rejected); ``contract`` is its
    new state."""

    entry: int
    contract: Contract
    lines: tuple[tuple[int, int], ...]
    sign: int


@dataclass(frozen=True)
class ProjectPaid(Effect):
    """A project's cumulative payments (held ones too) changed to ``paid``."""

    project: str
    paid: int


Effects = tuple[Effect, ...]
