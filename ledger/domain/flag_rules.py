"""The red-flag patterns, stated on the few records each one needs.

``ledger.domain.redflags.red_flags`` states every pattern over a whole log at
once: it is the reference an auditor can rerun, and the test oracle. A read
model that finds the same flags as entries arrive (``projections/flags``)
asks this module instead, one counterparty's payments in a date window, one
document, one entry at a time, so that what counts as a red flag, and what
each finding says, is still decided here in the domain and nowhere else.
"""

from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any, Sequence

from ledger.domain import policy
from ledger.domain.assets import book_value_differences
from ledger.domain.bank import Sheet, sheets
from ledger.domain.disclosures import flows_for, period_months
from ledger.domain.contract_records import Contract
from ledger.domain.dates import local_day
from ledger.domain.journal import payment_amount, signed_postings
from ledger.domain.records import DEFAULT_POLICY, Policy, same_party
from ledger.domain.state import LedgerState
from ledger.format import money

INVOICE_KINDS = frozenset({"receipt", "invoice"})


@dataclass(frozen=True)
class Posted:
    """What the payment patterns need of one ``entry.posted``, fixed when it is
    recorded: the policy that counts is the one in force before its seq."""

    seq: int
    date: str
    party_name: str
    party_id: str
    amount: int          # money leaving cash and bank; 0 if the entry pays nothing
    cash: int            # of which in cash (the ledger's currency)
    approval_threshold: int | None
    split_window_days: int
    round_cash_limit: int
    major_threshold: int | None = None

    @property
    def party_key(self) -> str:
        return party_key(self.party_name)

    @property
    def may_be_split(self) -> bool:
        """Under a threshold: a part of a split payment, if others join it."""
        return (self.amount > 0 and self.approval_threshold is not None
                and self.amount < self.approval_threshold)

    @property
    def may_be_split_major(self) -> bool:
        """Under the major threshold: a part of payments split to dodge 三重一大."""
        return (self.amount > 0 and self.major_threshold is not None
                and self.amount < self.major_threshold)

    def threshold(self, level: str) -> int | None:
        return self.approval_threshold if level == "approval" else self.major_threshold


# The two thresholds a payment may be split under, with the code of each finding.
SPLIT_LEVELS = {"approval": "split-payment", "major": "split-payment-major"}


def party_key(name: str) -> str:
    """Counterparties are grouped by name with spacing and case ignored."""
    return " ".join(name.split()).lower()


def policy_before(state: LedgerState, seq: int) -> Policy:
    earlier = [s for s in state.policies if s < seq]
    return state.policies[max(earlier)] if earlier else DEFAULT_POLICY


def longest_split_window_days(state: LedgerState) -> int:
    """No payment's window reaches further back than this (any policy so far)."""
    return max([DEFAULT_POLICY.split_window_days,
                *(rules.split_window_days for rules in state.policies.values())])


def posted(state: LedgerState, seq: int, body: dict[str, Any]) -> Posted:
    postings = signed_postings(body, state.currency)
    cash = -sum(signed for account, _, currency, signed in postings
                if state.accounts[account].kind == "cash" and currency == state.currency)
    rules = policy_before(state, seq)
    counterparty = body["counterparty"]
    return Posted(seq, body["date"], counterparty["name"], counterparty.get("id", ""),
                  payment_amount(state, postings), cash, rules.approval_threshold,
                  rules.split_window_days, rules.round_cash_limit, rules.major_threshold)


def standing(state: LedgerState, seq: int) -> bool:
    """A posted entry counts unless reversed, or held and not (yet) approved."""
    pending = state.pending.get(seq)
    return seq not in state.reversed_by and (pending is None or pending.status == "approved")


def fen(state: LedgerState, amount: int) -> str:
    return money.format_amount(amount, state.currency)


# --- the patterns ----------------------------------------------------------------------


def split_clusters(group: Sequence[Posted], level: str = "approval") -> list[list[Posted]]:
    """Split payments among ``group``: one counterparty's payments under their
    ``level`` threshold (approval or major), in (date, seq) order, starting where no earlier cluster reaches.
    A run is a payment and those after it to the same party within its window;
    a run that sums to its threshold joins the cluster it overlaps, else opens
    one. The window is found by bisection: never all pairs."""
    ids = {p.party_id.strip().lower() for p in group if p.party_id.strip()}
    if len(ids) <= 1:  # every payment is the same party: runs are slices
        return [list(group[start:end]) for start, end in _slice_clusters(group, level)]
    days = [item.date for item in group]
    clusters: list[set[int]] = []
    for i, first in enumerate(group):
        run = [p for p in group[i:_window_end(days, i, first)]
               if same_party(first.party_name, first.party_id, p.party_name, p.party_id)]
        threshold = first.threshold(level)
        assert threshold is not None
        if len(run) > 1 and sum(p.amount for p in run) >= threshold:
            seqs = {p.seq for p in run}
            if clusters and clusters[-1] & seqs:
                clusters[-1] |= seqs
            else:
                clusters.append(seqs)
    return [[p for p in group if p.seq in seqs] for seqs in clusters]


def _window_end(days: list[str], i: int, first: Posted) -> int:
    """The index after the last payment within ``first``'s window (dates sorted)."""
    end = date.fromisoformat(first.date) + timedelta(days=first.split_window_days)
    return bisect_right(days, end.isoformat(), lo=i)


def _slice_clusters(group: Sequence[Posted], level: str) -> list[tuple[int, int]]:
    """``split_clusters`` when every run is a slice: sums by prefix, overlaps by index."""
    days = [item.date for item in group]
    before = [0]
    for item in group:
        before.append(before[-1] + item.amount)
    clusters: list[list[int]] = []
    for i, first in enumerate(group):
        end = _window_end(days, i, first)
        threshold = first.threshold(level)
        assert threshold is not None
        if end - i > 1 and before[end] - before[i] >= threshold:
            if clusters and i < clusters[-1][1]:
                clusters[-1][1] = max(clusters[-1][1], end)
            else:
                clusters.append([i, end])
    return [(start, end) for start, end in clusters]


def split_message(state: LedgerState, chosen: Sequence[Posted], level: str = "approval") -> str:
    total = sum(p.amount for p in chosen)
    threshold = chosen[0].threshold(level)
    assert threshold is not None
    return (f"{len(chosen)} payments to {chosen[0].party_name} from {chosen[0].date} to "
            f"{chosen[-1].date} total {fen(state, total)}, each under the {level} "
            f"threshold {fen(state, threshold)}")


def round_cash_message(state: LedgerState, payment: Posted) -> str | None:
    """Why a standing payment's cash is a round sum worth a look, or None."""
    if not payment.amount or payment.cash < payment.round_cash_limit:
        return None
    if payment.cash % policy.round_cash_unit_fen:
        return None
    return (f"entry {payment.seq} pays {fen(state, payment.cash)} in cash, a round sum at or "
            f"above {fen(state, payment.round_cash_limit)}")


def invoices(body: dict[str, Any]) -> list[str]:
    """The receipts and invoices an entry rests on, in its order (repeats kept)."""
    return [d["sha256"] for d in body.get("documents", []) if d["kind"] in INVOICE_KINDS]


def duplicate_message(digest: str, uses: int) -> str:
    return f"the same receipt or invoice {digest[:16]}… supports {uses} entries"


def outside_project_message(state: LedgerState, seq: int, code: str, day: str) -> str | None:
    project = state.projects[code]
    if project.starts <= day <= project.ends:
        return None
    return (f"entry {seq} of project {code} is dated {day}, outside its period "
            f"{project.starts} to {project.ends}")


def same_key_message(signer: str, first: int, first_type: str, second: int,
                     second_type: str) -> str:
    return (f"key {signer} signed both entry {first} ({first_type}) and entry {second} "
            f"({second_type})")


def related_bidder(bid: Any, interest: Any) -> str | None:
    if not same_party(bid.bidder, bid.bidder_id, interest.party, interest.party_id):
        return None
    return (f"trade {bid.trade} was awarded to {bid.bidder}, declared as {interest.relation} "
            f"of committee member {interest.member}")


def book_values(state: LedgerState) -> list[tuple[tuple[str, str], str, list[int]]]:
    """Where the register and the books disagree at this state: per (account, fund),
    the message and the seqs the assets on it were registered at."""
    found = []
    for difference in book_value_differences(state):
        place = (difference["account"], difference["fund"])
        seqs = sorted(asset.registered_seq for asset in state.assets.values()
                      if (asset.account, asset.fund) == place)
        found.append((place, f"assets on account {place[0]} in fund {place[1]} are registered "
                             f"at {fen(state, difference['register'])} but the books hold "
                             f"{fen(state, difference['books'])}", seqs))
    return found


def disclosure_mismatches(state: LedgerState) -> list[tuple[int, str]]:
    """Periodic disclosures whose totals the ledger no longer gives for their period
    (a payment back-dated into a disclosed quarter): (disclosure seq, message)."""
    found = []
    for seq, disclosure in sorted(state.disclosures.items()):
        if disclosure.totals is None or disclosure.scope is None:
            continue
        scope, code = disclosure.scope
        now = flows_for(state, scope, code, period_months(disclosure.period))
        if now != disclosure.totals:
            found.append((seq, f"disclosure {seq} of {scope} {code} for {disclosure.period} "
                               f"states income {fen(state, disclosure.totals.income)} and "
                               f"spending {fen(state, disclosure.totals.spending)}; the ledger "
                               f"now has income {fen(state, now.income)} and spending "
                               f"{fen(state, now.spending)}"))
    return found


def unreconciled(state: LedgerState) -> list[tuple[int, str]]:
    """Bank statements whose difference from the books no item in transit explains:
    (statement seq, message)."""
    found = [(sheet.statement.seq, unreconciled_message(state, sheet))
             for sheet in sheets(state)]
    return [(seq, message) for seq, message in found if message]


def unreconciled_message(state: LedgerState, sheet: Sheet) -> str | None:
    """Why one sheet is a red flag, or None when the items in transit explain it."""
    if not sheet.unexplained:
        return None
    statement = sheet.statement
    return (f"bank statement {statement.seq} of account {statement.account} "
            f"({statement.fund or 'all funds'}) on {statement.date} shows "
            f"{fen(state, statement.balance)}; the books hold "
            f"{fen(state, sheet.book_balance)} and the items in transit explain "
            f"{fen(state, sheet.explained)}: {fen(state, sheet.unexplained)} unexplained")


def reconciliation_sheets(state: LedgerState, since: str = "") -> list[Sheet]:
    """The sheets of the statements dated ``since`` or later (ledger.domain.bank)."""
    return sheets(state, since)
# --- contracts (合同台账): found again from the state, like the register ---------------


def rent_below_winning_price(state: LedgerState, contract: Contract) -> str | None:
    """A lease from a trade whose rent (after an amendment) is below the winning bid."""
    if contract.winning_price is None or contract.annual_rent is None \
            or contract.annual_rent >= contract.winning_price:
        return None
    return (f"contract {contract.seq} leases {contract.asset} to {contract.party_name} for "
            f"{fen(state, contract.annual_rent)} a year, below the winning bid "
            f"{fen(state, contract.winning_price)} of trade {contract.trade}")


def log_day(state: LedgerState) -> date:
    """The day of the latest entry (in the ledger's time zone): what "overdue" is
    measured at, so that the findings are a function of the log alone."""
    return local_day(state.last_recorded_at)


def arrears_message(state: LedgerState, contract: Contract, today: date) -> str | None:
    """Rent owed to the community unpaid more than ``policy.arrears_grace_days`` after
    it fell due (nothing falls due after an ended contract's end)."""
    if contract.direction != "receivable":
        return None
    last = (today - timedelta(days=policy.arrears_grace_days)).isoformat()
    if contract.ended_on is not None:
        last = min(last, contract.ended_on)
    unpaid = [line for line in contract.lines if line.due_on <= last and line.open > 0]
    if not unpaid:
        return None
    oldest, latest = min(line.due_on for line in unpaid), max(line.due_on for line in unpaid)
    return (f"contract {contract.seq} with {contract.party_name}: "
            f"{fen(state, sum(line.open for line in unpaid))} due from {oldest} to {latest} "
            f"is unpaid more than {policy.arrears_grace_days} days")


def contract_findings(state: LedgerState) -> list[tuple[str, int, str, tuple[int, ...]]]:
    """(code, contract, message, seqs) of every contract finding at this state."""
    today = log_day(state) if state.last_recorded_at else None
    found = []
    for contract in sorted(state.contracts.values(), key=lambda c: c.seq):
        message = rent_below_winning_price(state, contract)
        if message:
            found.append(("rent-below-winning-price", contract.seq, message,
                          (contract.trade, contract.seq)))
        message = arrears_message(state, contract, today) if today else None
        if message:
            found.append(("arrears", contract.seq, message, (contract.seq,)))
    return found
