"""Funds (general and earmarked), the chart of accounts and yearly budgets."""

from __future__ import annotations

from ledger.domain import policy
from ledger.domain import fields
from ledger.domain.effects import AccountOpened, BudgetSet, Effects, FundCreated
from ledger.domain.types import Context, statement_type
from ledger.errors import DomainError, RevisionNeedsReason, UnknownFund
from ledger.domain.state import Account, Fund, LedgerState
from ledger.format.statements import Entry

ACCOUNT_CLASSES = frozenset({"asset", "liability", "net_assets", "income", "expense"})
MONEY_KINDS = frozenset({"cash", "bank"})
YEAR_MIN, YEAR_MAX = 2000, 2100


@statement_type("fund.created")
def decide_fund_created(ctx: Context) -> None:
    body = ctx.body
    fields.only_fields(body, {"code", "name_zh", "name_en"}, {"restricted", "purpose"})
    code = fields.code(body, "code")
    fields.text(body, "name_zh", bytes_max=policy.name_bytes_max)
    fields.text(body, "name_en", bytes_max=policy.name_bytes_max)
    fields.boolean(body, "restricted", False)
    fields.text(body, "purpose", bytes_max=policy.memo_bytes_max, required=False)
    if code in ctx.state.funds:
        raise DomainError(f"fund {code} already exists", fund=code)


@decide_fund_created.applier
def apply_fund_created(state: LedgerState, entry: Entry) -> Effects:
    body = entry.statement.body
    fund = Fund(body["code"], body["name_zh"], body["name_en"], body.get("restricted", False),
                body.get("purpose", ""), entry.seq)
    state.funds[fund.code] = fund
    return (FundCreated(entry.seq, fund),)


@statement_type("account.opened")
def decide_account_opened(ctx: Context) -> None:
    body = ctx.body
    fields.only_fields(body, {"code", "name_zh", "name_en", "class"}, {"kind"})
    code = fields.code(body, "code")
    fields.text(body, "name_zh", bytes_max=policy.name_bytes_max)
    fields.text(body, "name_en", bytes_max=policy.name_bytes_max)
    account_class = fields.choice(body, "class", ACCOUNT_CLASSES)
    kind = fields.choice(body, "kind", MONEY_KINDS, required=False)
    if kind and account_class != "asset":
        raise DomainError("only asset accounts can hold cash or bank money", account=code)
    if code in ctx.state.accounts:
        raise DomainError(f"account {code} already exists", account=code)
    _check_parent(ctx.state, code, account_class)


def _check_parent(state: LedgerState, code: str, account_class: str) -> None:
    """A sub-account (``211.01``: payables to one counterparty) reports on its parent's
    line of the balance sheet, so it keeps the parent's class."""
    parent = state.accounts.get(code.split(".", 1)[0]) if "." in code else None
    if parent is not None and parent.account_class != account_class:
        raise DomainError(f"sub-account {code} must have the class of its parent "
                          f"{parent.code} ({parent.account_class}), not {account_class}",
                          account=code, parent=parent.code)


@decide_account_opened.applier
def apply_account_opened(state: LedgerState, entry: Entry) -> Effects:
    body = entry.statement.body
    account = Account(body["code"], body["name_zh"], body["name_en"], body["class"],
                      body.get("kind"), entry.seq)
    state.accounts[account.code] = account
    return (AccountOpened(entry.seq, account),)


@statement_type("fund.budgeted")
def decide_fund_budgeted(ctx: Context) -> None:
    body = ctx.body
    fields.only_fields(body, {"fund", "year", "amount"}, {"memo", "reason"})
    fund = fields.code(body, "fund")
    if fund not in ctx.state.funds:
        raise UnknownFund(f"fund {fund} does not exist", fund=fund)
    year = fields.integer(body["year"], "year", minimum=YEAR_MIN, maximum=YEAR_MAX)
    fields.amount(body["amount"], "amount", maximum=policy.amount_max_fen)
    fields.text(body, "memo", bytes_max=policy.memo_bytes_max, required=False)
    reason = fields.text(body, "reason", bytes_max=policy.memo_bytes_max, required=False)
    # An adopted budget changes only by a stated revision (预算调整), never silently.
    if (fund, year) in ctx.state.budgets and not (reason or "").strip():
        raise RevisionNeedsReason(f"fund {fund} already has a budget for {year}: a revision "
                                  "must give its reason", fund=fund, year=year)


@decide_fund_budgeted.applier
def apply_fund_budgeted(state: LedgerState, entry: Entry) -> Effects:
    # A later budget for the same fund and year replaces the earlier one; both stay on the log.
    body = entry.statement.body
    state.budgets[(body["fund"], body["year"])] = body["amount"]
    return (BudgetSet(entry.seq, body["fund"], body["year"], body["amount"]),)
