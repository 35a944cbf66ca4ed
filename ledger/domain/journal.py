"""Journal entries, reversals (红字冲销) and the cashier's confirmations (钱账分离).

A posting is ``{"account", "fund", "side": "debit"|"credit", "amount": fen}``;
each entry balances per fund and currency, so money moves between funds only
through an explicit pair of postings.

A payment (money leaving cash and bank) at or above the ledger policy's
approval threshold is recorded as PENDING: it moves no balance until an
``entry.approved`` lands (ledger/domain/approvals.py), which applies its
postings then. Whether an entry is pending is decided in ``apply`` from the
policy recorded on the log before it, so replay gives the same answer.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from ledger.domain import policy

from ledger.format import money
from ledger.domain import dates, fields, periods
from ledger.domain import contract_payments
from ledger.domain.effects import (Effects, EntryConfirmed, EntryPosted, EntryReversed, Line,
                                   MoneyMoved, PaymentHeld)
from ledger.domain.types import Context, statement_type
from ledger.domain.records import Flow, PendingEntry, Posting, current_policy
from ledger.errors import (AlreadyReversed, ApprovalRequired, DisclosureRequired, DomainError,
                           FormatError, InsufficientFunds, NotFound, OutOfOrder, UnbalancedEntry,
                           UnknownAccount, UnknownFund)
from ledger.domain.state import LedgerState
from ledger.format.statements import Entry

SIDES = {"debit": 1, "credit": -1}
COUNTERPARTY_KINDS = frozenset({"organisation", "person"})
DOCUMENT_KINDS = frozenset({"receipt", "invoice", "contract", "bank_statement", "other"})
POSTED_FIELDS = {"date", "category", "memo", "counterparty", "postings"}


def _posting(ctx: Context, value: Any, index: int) -> tuple[str, str, str, int]:
    where = f"postings[{index}]"
    if not isinstance(value, dict):
        raise FormatError(f"{where} must be an object")
    fields.only_fields(value, {"account", "fund", "side", "amount"}, {"currency", "memo"})
    account, fund = fields.code(value, "account"), fields.code(value, "fund")
    if account not in ctx.state.accounts:
        raise UnknownAccount(f"{where}: account {account} does not exist", account=account)
    if fund not in ctx.state.funds:
        raise UnknownFund(f"{where}: fund {fund} does not exist", fund=fund)
    side = fields.choice(value, "side", frozenset(SIDES))
    amount = fields.amount(value["amount"], f"{where}.amount", maximum=policy.amount_max_fen)
    currency = value.get("currency", ctx.state.currency)
    money.minor_digits(currency if isinstance(currency, str) else "")
    fields.text(value, "memo", bytes_max=policy.memo_bytes_max, required=False)
    return account, fund, currency, SIDES[side] * amount


def _postings(ctx: Context, value: Any) -> list[tuple[str, str, str, int]]:
    if not isinstance(value, list) or not policy.postings_min <= len(value) <= policy.postings_max:
        raise FormatError(f"postings must list {policy.postings_min} to {policy.postings_max} "
                          "postings", limit=policy.postings_max)
    postings = [_posting(ctx, item, i) for i, item in enumerate(value)]
    totals: dict[tuple[str, str], int] = defaultdict(int)
    for _, fund, currency, signed in postings:
        totals[(fund, currency)] += signed
    off = {f"{fund}/{currency}": total for (fund, currency), total in totals.items() if total}
    if off:
        # Said in the unit people type (yuan), never in fen; `imbalance` keeps the fen.
        raise UnbalancedEntry("debits and credits differ per fund: " + ", ".join(
            f"{fund}: {_side_ahead(total)} by {money.format_amount(abs(total), currency)} "
            f"{currency}" for (fund, currency), total in sorted(totals.items()) if total),
            imbalance=off)
    return postings


def _side_ahead(signed_total: int) -> str:
    """Debits count positive in a posting's signed amount."""
    return "debits exceed credits" if signed_total > 0 else "credits exceed debits"


def check_money_accounts(state: LedgerState, postings: list[Posting] | tuple[Posting, ...]) -> None:
    """Cash and bank never go negative in any fund."""
    moves: dict[tuple[str, str, str], int] = defaultdict(int)
    for account, fund, currency, signed in postings:
        if state.accounts[account].kind:
            moves[(account, fund, currency)] += signed
    for (account, fund, currency), move in sorted(moves.items()):
        balance = state.balances.get((account, fund, currency), 0)
        if balance + move < 0:
            raise InsufficientFunds(
                f"account {account} in fund {fund} holds {money.format_amount(balance, currency)}"
                f" {currency}; this entry would take it to "
                f"{money.format_amount(balance + move, currency)}",
                account=account, fund=fund, balance=balance, amount=-move)


def _common_fields(ctx: Context) -> None:
    body = ctx.body
    dates.business_date(ctx, "date")
    fields.text(body, "memo", bytes_max=policy.memo_bytes_max, required=False, allow_empty=True)
    fields.documents(body, DOCUMENT_KINDS)


def _counterparty(body: dict[str, Any]) -> None:
    value = body.get("counterparty")
    if not isinstance(value, dict):
        raise FormatError("counterparty must be an object {kind, name}")
    fields.only_fields(value, {"kind", "name"}, {"id"})
    fields.choice(value, "kind", COUNTERPARTY_KINDS)
    fields.text(value, "name", bytes_max=policy.name_bytes_max)
    fields.text(value, "id", bytes_max=policy.label_bytes_max, required=False)


def _project(ctx: Context, postings: list[Posting]) -> None:
    if "project" not in ctx.body:
        return
    code = fields.code(ctx.body, "project")
    project = ctx.state.projects.get(code)
    if project is None:
        raise DomainError(f"project {code} is not registered", project=code)
    if project.fund not in {fund for _, fund, _, _ in postings}:
        raise DomainError(f"project {code} belongs to fund {project.fund}, which this entry "
                          "does not post to", project=code, fund=project.fund)


@statement_type("entry.posted")
def decide_posted(ctx: Context) -> None:
    fields.only_fields(ctx.body, POSTED_FIELDS - {"memo"},
                       {"memo", "documents", "project", "corrects", "closing", "contract",
                        "schedule_line"})
    _common_fields(ctx)
    periods.check_open(ctx)
    fields.code(ctx.body, "category")
    _counterparty(ctx.body)
    periods.check_corrects(ctx)
    postings = _postings(ctx, ctx.body["postings"])
    _project(ctx, postings)
    periods.check_closing(ctx, postings)
    check_money_accounts(ctx.state, postings)
    contract_payments.check_entry(ctx, postings, payment_amount(ctx.state, postings))


def signed_postings(body: dict[str, Any], currency: str) -> list[Posting]:
    return [(p["account"], p["fund"], p.get("currency", currency), SIDES[p["side"]] * p["amount"])
            for p in body["postings"]]


def payment_amount(state: LedgerState, postings: list[Posting] | tuple[Posting, ...]) -> int:
    """Money leaving cash and bank (in the ledger's currency); 0 for receipts and transfers."""
    net = sum(signed for account, _, currency, signed in postings
              if state.accounts[account].kind and currency == state.currency)
    return max(-net, 0)


def lines_of(state: LedgerState, postings: list[Posting] | tuple[Posting, ...]
             ) -> tuple[Line, ...]:
    """The postings as the read models need them: with their account's class and
    whether the account holds money."""
    return tuple(Line(index, account, state.accounts[account].account_class,
                      bool(state.accounts[account].kind), fund, currency, signed)
                 for index, (account, fund, currency, signed) in enumerate(postings))


def entry_posted(state: LedgerState, seq: int, date: str, lines: tuple[Line, ...],
                 project: str | None, reverses: int | None = None) -> EntryPosted:
    debit = sum(line.amount for line in lines
                if line.amount > 0 and line.currency == state.currency)
    return EntryPosted(seq, date, state.currency, lines, debit,
                       tuple(sorted({line.fund for line in lines})),
                       any(line.money for line in lines), project, reverses)


def apply_money(state: LedgerState, seq: int, entry: int, recorder: str,
                postings: list[Posting] | tuple[Posting, ...], date: str,
                project: str | None, closing: bool = False) -> Effects:
    """Move balances and the monthly flows for the postings of ``entry``, at ``seq``
    (a year-end close moves balances only: it is not income or spending)."""
    by_fund: dict[str, Flow] = defaultdict(Flow)
    lines = lines_of(state, postings)
    for line in lines:
        key = (line.account, line.fund, line.currency)
        state.balances[key] = state.balances.get(key, 0) + line.amount
        if line.account_class in periods.CARRIED_CLASSES:
            year_key = (*key, int(date[:4]))
            state.year_results[year_key] = state.year_results.get(year_key, 0) + line.amount
        if closing:
            continue
        if line.currency == state.currency and line.account_class in ("income", "expense"):
            flow = (Flow(-line.amount, 0) if line.account_class == "income"
                    else Flow(0, line.amount))
            by_fund[line.fund] = by_fund[line.fund].plus(flow)
    money_lines = tuple((line.account, line.fund, line.currency, line.amount)
                        for line in lines if line.money)
    if money_lines:
        state.cash_entries[entry] = recorder
        if state.keeps_bank_book:
            state.money_lines[entry] = (date, money_lines)
    month = date[:7]
    for fund, flow in by_fund.items():
        _add_flow(state, ("fund", fund, month), flow)
    if project and state.projects[project].fund in by_fund:
        _add_flow(state, ("project", project, month), by_fund[state.projects[project].fund])
    return tuple(MoneyMoved(seq, entry, date, line, project, closing) for line in lines)


def _add_flow(state: LedgerState, key: tuple[str, str, str], flow: Flow) -> None:
    state.flows[key] = state.flows.get(key, Flow()).plus(flow)


@decide_posted.applier
def apply_posted(state: LedgerState, entry: Entry) -> Effects:
    body, seq = entry.statement.body, entry.seq
    postings = signed_postings(body, state.currency)
    project = body.get("project")
    if project is not None:
        state.entry_projects[seq] = project
    posted = entry_posted(state, seq, body["date"], lines_of(state, postings), project)
    amount = payment_amount(state, postings)
    level = current_policy(state).level(amount)
    counted = contract_payments.record(state, seq, body, postings, amount)
    if level is not None:
        state.pending[seq] = PendingEntry(seq, entry.signed.signer, amount, level, body["date"],
                                          tuple(postings))
        return (posted, PaymentHeld(seq, seq, level, amount), *counted)
    return (posted, *apply_money(state, seq, seq, entry.signed.signer, postings, body["date"],
                                 project, closing="closing" in body), *counted)


def mirrored(postings: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The postings that exactly undo ``postings``: same lines, sides swapped."""
    swap = {"debit": "credit", "credit": "debit"}
    return [{**p, "side": swap[p["side"]]} for p in postings]


def _original(ctx: Context, name: str) -> tuple[int, Entry]:
    seq = fields.integer(ctx.body.get(name), name, minimum=0, maximum=2**53 - 1)
    if seq >= ctx.state.size:
        raise NotFound(f"entry {seq} does not exist (the log has {ctx.state.size})", seq=seq)
    return seq, ctx.reader.entry(seq)


@statement_type("entry.reversed")
def decide_reversed(ctx: Context) -> None:
    fields.only_fields(ctx.body, {"entry", "date", "reason", "postings"}, {"memo"})
    dates.business_date(ctx, "date")
    periods.check_open(ctx)
    fields.text(ctx.body, "reason", bytes_max=policy.memo_bytes_max)
    fields.text(ctx.body, "memo", bytes_max=policy.memo_bytes_max, required=False, allow_empty=True)
    seq, original = _original(ctx, "entry")
    if original.statement.type != "entry.posted":
        raise DomainError(f"entry {seq} is a {original.statement.type}; only posted journal "
                          "entries can be reversed", seq=seq)
    if "closing" in original.statement.body:
        raise DomainError(f"entry {seq} is a year-end close; it carries exactly the year's "
                          "balances and is not reversed", seq=seq)
    _moved_money(ctx, seq, "reversed")
    if seq in ctx.state.reversed_by:
        raise AlreadyReversed(f"entry {seq} was already reversed by entry "
                              f"{ctx.state.reversed_by[seq]}", seq=seq)
    expected = mirrored(original.statement.body["postings"])
    if ctx.body["postings"] != expected:
        raise DomainError(f"postings must mirror entry {seq} exactly (same lines, sides "
                          "swapped)", seq=seq)
    check_money_accounts(ctx.state, _postings(ctx, ctx.body["postings"]))


def _moved_money(ctx: Context, seq: int, verb: str) -> None:
    """A pending or rejected payment moved nothing: it cannot be reversed or confirmed."""
    pending = ctx.state.pending.get(seq)
    if pending is None or pending.status == "approved":
        return
    if pending.status == "rejected":
        raise OutOfOrder(f"entry {seq} was rejected at seq {pending.decided_seq} and moved no "
                         f"money; it cannot be {verb}", seq=seq)
    if verb == "reversed":
        raise OutOfOrder(f"entry {seq} is pending approval and has moved no money; reject it "
                         "with entry.rejected instead of reversing it", seq=seq)
    raise ApprovalRequired(f"entry {seq} is a payment of "
                           f"{money.format_amount(pending.amount, ctx.state.currency)} waiting "
                           f"for {'a major-matter' if pending.level == 'major' else 'an'} "
                           "approval; it cannot be confirmed before it is approved",
                           seq=seq, level=pending.level)


@decide_reversed.applier
def apply_reversed(state: LedgerState, entry: Entry) -> Effects:
    body, seq = entry.statement.body, entry.seq
    original = body["entry"]
    state.reversed_by[original] = seq
    project = state.entry_projects.get(original)
    if project:
        state.entry_projects[seq] = project
    postings = signed_postings(body, state.currency)
    posted = entry_posted(state, seq, body["date"], lines_of(state, postings), project,
                          reverses=original)
    moved = apply_money(state, seq, seq, entry.signed.signer, postings, body["date"], project)
    return (posted, *moved, EntryReversed(seq, original),
            *contract_payments.take_back(state, seq, original))


@statement_type("entry.confirmed")
def decide_confirmed(ctx: Context) -> None:
    fields.only_fields(ctx.body, {"entry", "date"}, {"bank_reference", "memo"})
    dates.business_date(ctx, "date")
    fields.text(ctx.body, "bank_reference", bytes_max=policy.label_bytes_max, required=False)
    fields.text(ctx.body, "memo", bytes_max=policy.memo_bytes_max, required=False, allow_empty=True)
    seq, _ = _original(ctx, "entry")
    _moved_money(ctx, seq, "confirmed")
    _resolution_disclosed(ctx, seq)
    recorder = ctx.state.cash_entries.get(seq)
    if recorder is None:
        raise DomainError(f"entry {seq} moves no cash or bank money; nothing to confirm", seq=seq)
    if seq in ctx.state.confirmed:
        raise DomainError(f"entry {seq} was already confirmed by entry "
                          f"{ctx.state.confirmed[seq]}", seq=seq)
    if recorder == ctx.signed.signer:
        raise DomainError("the key that recorded an entry may not confirm it", seq=seq)


def _resolution_disclosed(ctx: Context, seq: int) -> None:
    """三重一大: a major payment is confirmed only after its resolution is public."""
    pending = ctx.state.pending.get(seq)
    if pending is None or pending.level != "major":
        return
    resolution = ctx.state.resolutions[pending.resolution]
    if resolution.disclosed_seq is None:
        raise DisclosureRequired(f"entry {seq} is a major-matter payment; its resolution "
                                 f"(seq {resolution.seq}) must be disclosed with "
                                 "resolution.disclosed before the payment is confirmed",
                                 seq=seq, resolution=resolution.seq)


@decide_confirmed.applier
def apply_confirmed(state: LedgerState, entry: Entry) -> Effects:
    body = entry.statement.body
    state.confirmed[body["entry"]] = entry.seq
    if state.keeps_bank_book:
        state.confirmed_on[body["entry"]] = body["date"]
    return (EntryConfirmed(entry.seq, body["entry"], body["date"]),)
