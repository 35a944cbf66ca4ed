"""Genesis, keys, funds, accounts and budgets: the names the other views show."""

from __future__ import annotations

from ledger.domain.effects import (AccountOpened, BudgetSet, FundCreated, KeyRegistered,
                                   KeyRevoked, LedgerOpened, LogKeyRotated)
from projections.handlers import At, writes


@writes(LedgerOpened)
def ledger_opened(at: At, opened: LedgerOpened) -> None:
    at.tx.run("UPDATE view_ledgers SET name = ?, origin = ?, currency = ?, log_key = ? "
              "WHERE ledger = ?",
              (opened.name, opened.origin, opened.currency, opened.log_key, at.ledger))


@writes(LogKeyRotated)
def log_key_rotated(at: At, rotated: LogKeyRotated) -> None:
    # The newest key is the one that signs the next checkpoints, so the list shows it.
    at.tx.run("UPDATE view_ledgers SET log_key = ? WHERE ledger = ?",
              (rotated.log_key, at.ledger))


@writes(KeyRegistered)
def key_registered(at: At, key: KeyRegistered) -> None:
    at.tx.run("INSERT INTO view_keys (ledger, key_id, roles, label, registered_seq, "
              "revoked_seq) VALUES (?, ?, ?, ?, ?, NULL)",
              (at.ledger, key.key_id, ",".join(sorted(key.roles)), key.label, key.seq))


@writes(KeyRevoked)
def key_revoked(at: At, revoked: KeyRevoked) -> None:
    at.tx.run("UPDATE view_keys SET revoked_seq = ? WHERE ledger = ? AND key_id = ?",
              (revoked.seq, at.ledger, revoked.key_id))


@writes(FundCreated)
def fund_created(at: At, created: FundCreated) -> None:
    fund = created.fund
    at.tx.run("INSERT INTO view_funds (ledger, code, name_zh, name_en, restricted, purpose, "
              "created_seq) VALUES (?, ?, ?, ?, ?, ?, ?)",
              (at.ledger, fund.code, fund.name_zh, fund.name_en, int(bool(fund.restricted)),
               str(fund.purpose), fund.created_seq))


@writes(AccountOpened)
def account_opened(at: At, opened: AccountOpened) -> None:
    account = opened.account
    at.tx.run("INSERT INTO view_accounts (ledger, code, name_zh, name_en, class, kind, "
              "opened_seq) VALUES (?, ?, ?, ?, ?, ?, ?)",
              (at.ledger, account.code, account.name_zh, account.name_en,
               account.account_class, account.kind, account.opened_seq))


@writes(BudgetSet)
def budget_set(at: At, budget: BudgetSet) -> None:
    # A later budget for the same fund and year replaces the earlier one (as in the domain).
    at.tx.run("INSERT INTO view_budgets (ledger, fund, year, amount, seq) VALUES "
              "(?, ?, ?, ?, ?) ON CONFLICT (ledger, fund, year) DO UPDATE SET "
              "amount = excluded.amount, seq = excluded.seq",
              (at.ledger, budget.fund, budget.year, budget.amount, budget.seq))
