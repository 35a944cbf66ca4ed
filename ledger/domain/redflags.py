"""Red flags for auditors (巡察): findings, each with the entries it rests on.

``red_flags(entries)`` is a pure function of a ledger's entries (parsed, in
seq order, starting at 0): it replays them into a fresh state (no rules
re-run) and looks for patterns. A finding is a reason to look closer, not a
verdict: a rule the ledger enforces refuses a statement; a red flag only
points at entries the ledger had to accept.

This is the reference: an auditor can rerun it over an exported log, and the
tests hold the read model to it. No request runs it: the projection keeps the
same findings as entries arrive (``projections/flags``), asking
``ledger.domain.flag_rules``, which states each pattern on the few records it
needs, and ``GET .../audit/red-flags`` reads them from the view.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta

from ledger.domain import policy

from ledger.format import money
from ledger.domain import flag_rules, replay
from ledger.domain.assets import book_value_differences
from ledger.domain.journal import payment_amount, signed_postings
from ledger.domain.records import DEFAULT_POLICY, Policy, same_party
from ledger.domain.state import LedgerState
from ledger.format.statements import Entry

INVOICE_KINDS = frozenset({"receipt", "invoice"})


@dataclass(frozen=True)
class Finding:
    code: str
    message: str
    seqs: tuple[int, ...]

    def to_json(self) -> dict:
        return {"code": self.code, "message": self.message, "seqs": list(self.seqs)}


@dataclass(frozen=True)
class Payment:
    seq: int
    date: str
    party: tuple[str, str]  # counterparty (name, id)
    amount: int
    rules: Policy


def red_flags(entries: list[Entry]) -> list[Finding]:
    state = LedgerState(entries[0].ledger if entries else "empty")
    for entry in entries:
        replay(state, entry)
    payments = _payments(state, entries)
    findings = [*_split_payments(state, payments), *_duplicate_documents(state, entries),
                *_same_key(state, entries), *_outside_project(state, entries),
                *_round_cash(state, entries, payments), *_related_bidders(state, entries),
                *_book_values(state), *_by_state(state), *_contracts(state)]
    return sorted(findings, key=lambda finding: (finding.seqs, finding.code))


def _policy_at(state: LedgerState, seq: int) -> Policy:
    earlier = [s for s in state.policies if s < seq]
    return state.policies[max(earlier)] if earlier else DEFAULT_POLICY


def _standing(state: LedgerState, entry: Entry) -> bool:
    """A posted entry that moved money and was not reversed."""
    pending = state.pending.get(entry.seq)
    return (entry.statement.type == "entry.posted" and entry.seq not in state.reversed_by
            and (pending is None or pending.status == "approved"))


def _payments(state: LedgerState, entries: list[Entry]) -> list[Payment]:
    found = []
    for entry in entries:
        if not _standing(state, entry):
            continue
        body = entry.statement.body
        amount = payment_amount(state, signed_postings(body, state.currency))
        if amount:
            party = (body["counterparty"]["name"], body["counterparty"].get("id", ""))
            found.append(Payment(entry.seq, body["date"], party, amount,
                                 _policy_at(state, entry.seq)))
    return found


def _fen(state: LedgerState, amount: int) -> str:
    return money.format_amount(amount, state.currency)


def _split_payments(state: LedgerState, payments: list[Payment]) -> list[Finding]:
    """Payments to one counterparty, each under the approval (or the major) threshold,
    that sum to it or more within the policy's window: a payment split to dodge
    approval (``split-payment``) or the residents' resolution (``split-payment-major``)."""
    return [*_split_at(state, payments, "approval", "split-payment"),
            *_split_at(state, payments, "major", "split-payment-major")]


def _threshold(rules: Policy, level: str) -> int | None:
    return rules.approval_threshold if level == "approval" else rules.major_threshold


def _split_at(state: LedgerState, payments: list[Payment], level: str,
              code: str) -> list[Finding]:
    groups: dict[str, list[Payment]] = defaultdict(list)
    for payment in payments:
        threshold = _threshold(payment.rules, level)
        if threshold is not None and payment.amount < threshold:
            groups[" ".join(payment.party[0].split()).lower()].append(payment)
    findings = []
    for group in groups.values():
        group.sort(key=lambda p: (p.date, p.seq))
        clusters: list[set[int]] = []
        for i, first in enumerate(group):
            window = timedelta(days=first.rules.split_window_days)
            end = date.fromisoformat(first.date) + window
            run = [p for p in group[i:] if date.fromisoformat(p.date) <= end
                   and same_party(*first.party, *p.party)]
            if len(run) > 1 and sum(p.amount for p in run) >= _threshold(first.rules, level):
                seqs = {p.seq for p in run}
                if clusters and clusters[-1] & seqs:
                    clusters[-1] |= seqs
                else:
                    clusters.append(seqs)
        for seqs in clusters:
            chosen = [p for p in group if p.seq in seqs]
            total = sum(p.amount for p in chosen)
            findings.append(Finding(
                code,
                f"{len(chosen)} payments to {chosen[0].party[0]} from {chosen[0].date} to "
                f"{chosen[-1].date} total {_fen(state, total)}, each under the {level} "
                f"threshold {_fen(state, _threshold(chosen[0].rules, level))}",
                tuple(sorted(seqs))))
    return findings


def _duplicate_documents(state: LedgerState, entries: list[Entry]) -> list[Finding]:
    used: dict[str, list[int]] = defaultdict(list)
    for entry in entries:
        if _standing(state, entry):
            for document in entry.statement.body.get("documents", []):
                if document["kind"] in INVOICE_KINDS:
                    used[document["sha256"]].append(entry.seq)
    return [Finding("duplicate-document", f"the same receipt or invoice {digest[:16]}… "
                    f"supports {len(seqs)} entries", tuple(seqs))
            for digest, seqs in used.items() if len(seqs) > 1]


def _same_key(state: LedgerState, entries: list[Entry]) -> list[Finding]:
    """One key on both sides of a check: recorded and approved, recorded and
    co-signed, received the bids and awarded, awarded and co-signed the award."""
    findings = []
    award_signers: dict[int, tuple[int, str]] = {}
    for entry in entries:
        body, signer, kind = entry.statement.body, entry.signed.signer, entry.statement.type
        first: int | None = None
        if kind in ("entry.approved", "entry.confirmed"):
            if entries[body["entry"]].signed.signer == signer:
                first = body["entry"]
        elif kind == "resolution.cosigned":
            if state.resolutions[body["resolution"]].recorded_by == signer:
                first = body["resolution"]
        elif kind == "trade.awarded":
            award_signers[body["trade"]] = (entry.seq, signer)
            bids = [seq for seq in state.trades[body["trade"]].bids
                    if entries[seq].signed.signer == signer]
            first = bids[0] if bids else None
        elif kind == "trade.award_cosigned":
            award_seq, award_signer = award_signers.get(body["trade"], (None, ""))
            first = award_seq if award_signer == signer else None
        if first is not None:
            findings.append(Finding("same-key", f"key {signer} signed both entry {first} "
                                    f"({entries[first].statement.type}) and entry {entry.seq} "
                                    f"({kind})", (first, entry.seq)))
    return findings


def _outside_project(state: LedgerState, entries: list[Entry]) -> list[Finding]:
    findings = []
    for entry in entries:
        code = state.entry_projects.get(entry.seq)
        if code is None or not _standing(state, entry):
            continue
        project, day = state.projects[code], entry.statement.body["date"]
        if not project.starts <= day <= project.ends:
            findings.append(Finding(
                "outside-project-period", f"entry {entry.seq} of project {code} is dated {day}, "
                f"outside its period {project.starts} to {project.ends}",
                (project.seq, entry.seq)))
    return findings


def _round_cash(state: LedgerState, entries: list[Entry],
                payments: list[Payment]) -> list[Finding]:
    findings = []
    for payment in payments:
        postings = signed_postings(entries[payment.seq].statement.body, state.currency)
        cash = -sum(signed for account, _, currency, signed in postings
                    if state.accounts[account].kind == "cash" and currency == state.currency)
        if cash >= payment.rules.round_cash_limit and cash % policy.round_cash_unit_fen == 0:
            findings.append(Finding("round-cash", f"entry {payment.seq} pays "
                                    f"{_fen(state, cash)} in cash, a round sum at or above "
                                    f"{_fen(state, payment.rules.round_cash_limit)}",
                                    (payment.seq,)))
    return findings


def _related_bidders(state: LedgerState, entries: list[Entry]) -> list[Finding]:
    findings = []
    for entry in entries:
        if entry.statement.type != "trade.awarded":
            continue
        bid = state.bids[entry.statement.body["bid"]]
        for interest in state.interests.values():
            if same_party(bid.bidder, bid.bidder_id, interest.party, interest.party_id):
                findings.append(Finding(
                    "related-bidder", f"trade {bid.trade} was awarded to {bid.bidder}, "
                    f"declared as {interest.relation} of committee member {interest.member}",
                    tuple(sorted({interest.seq, bid.seq, entry.seq}))))
    return findings


def _book_values(state: LedgerState) -> list[Finding]:
    findings = []
    for difference in book_value_differences(state):
        seqs = tuple(sorted(asset.registered_seq for asset in state.assets.values()
                            if (asset.account, asset.fund) ==
                            (difference["account"], difference["fund"])))
        findings.append(Finding(
            "book-value-mismatch", f"assets on account {difference['account']} in fund "
            f"{difference['fund']} are registered at {_fen(state, difference['register'])} but "
            f"the books hold {_fen(state, difference['books'])}", seqs))
    return findings


def _by_state(state: LedgerState) -> list[Finding]:
    """Disclosed figures the ledger no longer gives, and bank differences nothing
    explains: both stand on the state at the log's size."""
    return [*(Finding("disclosure-mismatch", message, (seq,))
              for seq, message in flag_rules.disclosure_mismatches(state)),
            *(Finding("bank-unreconciled", message, (seq,))
              for seq, message in flag_rules.unreconciled(state))]
def _contracts(state: LedgerState) -> list[Finding]:
    """Leases below their trade's winning bid, and rent unpaid past the grace days at
    the day of the log's latest entry (stated once, in flag_rules)."""
    return [Finding(code, message, seqs)
            for code, _, message, seqs in flag_rules.contract_findings(state)]
