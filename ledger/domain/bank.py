"""Bank reconciliation (银行存款余额调节表): the cashier records what the bank
statement says, and the books are held against it.

``bank.statement_recorded`` is a record, not a money movement: the cashier
(who holds the bank account, 钱账分离) states an account's balance on a date,
for one fund or for all funds, with the hash of the statement document.

``reconcile`` makes the sheet: the book balance on that date (every cash or
bank line on the account dated up to it), the bank's balance, and the items
in transit that explain the difference, as the cashier's confirmations
(``entry.confirmed``, dated when the money went through the bank) show them:

- booked, not yet through the bank: dated up to the statement's date, not
  confirmed by then;
- through the bank, booked later: confirmed by the statement's date but
  dated after it.

What the items do not explain is the unexplained difference, a red flag
(flag_rules.unreconciled). The sheet is worked out again from the state
whenever it is asked for, so a confirmation that comes later (dated on or
before the statement) takes its item out of transit.
"""

from __future__ import annotations

from dataclasses import dataclass

from ledger.domain import dates, fields, policy
from ledger.domain.effects import BankStatementRecorded, Effects
from ledger.domain.records import BankStatement
from ledger.domain.state import LedgerState
from ledger.domain.types import Context, statement_type
from ledger.errors import DomainError, UnknownAccount, UnknownFund
from ledger.format.statements import Entry

BOOKED_NOT_CLEARED = "booked_not_cleared"
CLEARED_NOT_BOOKED = "cleared_not_booked"


@dataclass(frozen=True)
class InTransit:
    entry: int
    date: str            # the entry's business date
    confirmed_on: str    # "" when the cashier has not confirmed it
    amount: int          # the entry's move on the account (debit +)
    kind: str            # BOOKED_NOT_CLEARED or CLEARED_NOT_BOOKED


@dataclass(frozen=True)
class Sheet:
    statement: BankStatement
    book_balance: int
    items: tuple[InTransit, ...]

    @property
    def explained(self) -> int:
        """How far the bank is from the books because of the items in transit."""
        return sum(-item.amount if item.kind == BOOKED_NOT_CLEARED else item.amount
                   for item in self.items)

    @property
    def unexplained(self) -> int:
        return self.statement.balance - (self.book_balance + self.explained)


@statement_type("bank.statement_recorded")
def decide_statement_recorded(ctx: Context) -> None:
    body = ctx.body
    fields.only_fields(body, {"account", "date", "balance", "statement_sha256"},
                       {"fund", "memo"})
    account = fields.code(body, "account")
    record = ctx.state.accounts.get(account)
    if record is None:
        raise UnknownAccount(f"account {account} does not exist", account=account)
    if record.kind != "bank":
        raise DomainError(f"account {account} is not a bank account (kind bank)",
                          account=account)
    if "fund" in body:
        fund = fields.code(body, "fund")
        if fund not in ctx.state.funds:
            raise UnknownFund(f"fund {fund} does not exist", fund=fund)
    dates.business_date(ctx, "date")
    fields.integer(body["balance"], "balance", minimum=0, maximum=policy.amount_max_fen)
    fields.sha256_hex(body["statement_sha256"], "statement_sha256")
    fields.text(body, "memo", bytes_max=policy.memo_bytes_max, required=False)


@decide_statement_recorded.applier
def apply_statement_recorded(state: LedgerState, entry: Entry) -> Effects:
    body = entry.statement.body
    statement = state.bank_statements[entry.seq] = BankStatement(
        entry.seq, body["account"], body.get("fund"), body["date"], body["balance"],
        body["statement_sha256"], entry.signed.signer)
    return (BankStatementRecorded(entry.seq, statement),)


def reconcile(state: LedgerState, statement: BankStatement) -> Sheet:
    """The reconciliation sheet of one statement, against the books as they stand."""
    book, items = 0, []
    money_lines, confirmed_on = state.bank_book()
    for seq, (day, lines) in sorted(money_lines.items()):
        amount = sum(line_amount for account, fund, currency, line_amount in lines
                     if account == statement.account and currency == state.currency
                     and statement.fund in (None, fund))
        if not amount:
            continue
        booked = day <= statement.date
        confirmed = confirmed_on.get(seq, "")
        cleared = bool(confirmed) and confirmed <= statement.date
        if booked:
            book += amount
        if booked and not cleared:
            items.append(InTransit(seq, day, confirmed, amount, BOOKED_NOT_CLEARED))
        elif cleared and not booked:
            items.append(InTransit(seq, day, confirmed, amount, CLEARED_NOT_BOOKED))
    return Sheet(statement, book, tuple(items))


def sheets(state: LedgerState, since: str = "") -> list[Sheet]:
    """The sheets of the statements dated ``since`` or later, in the order recorded.
    Money dated, and confirmations dated, after a statement's date leave its sheet as
    it was: a read model that knows the earliest date a batch touched recomputes
    only these."""
    return [reconcile(state, statement)
            for _, statement in sorted(state.bank_statements.items())
            if statement.date >= since]
