"""The small-power list (小微权力清单): which role may sign which statement type,
and the limits every input is held to. docs/statement-types.md mirrors this table."""

from __future__ import annotations

ROLES = frozenset({"admin", "agent", "cashier", "committee", "supervisor", "auditor", "intake"})

# Roles that must never share one key: the one who records the books and the
# one who holds the money (钱账分离).
# The server's question-intake key (质询) holds no other role: it only relays
# residents' questions and must never sign money or approvals.
INCOMPATIBLE_ROLES = (frozenset({"agent", "cashier"}),
                      *(frozenset({"intake", role}) for role in sorted(ROLES - {"intake"})))

SIGNING_ROLES: dict[str, frozenset[str]] = {
    "ledger.opened": frozenset({"admin"}),
    "key.registered": frozenset({"admin"}),
    "key.revoked": frozenset({"admin"}),
    "ledger.log_key_rotated": frozenset({"admin"}),
    "fund.created": frozenset({"admin", "agent"}),
    "fund.budgeted": frozenset({"committee"}),
    "account.opened": frozenset({"admin", "agent"}),
    "entry.posted": frozenset({"agent"}),
    "entry.reversed": frozenset({"agent"}),
    "entry.confirmed": frozenset({"cashier"}),
    # governance (docs/governance.md): approvals, resolutions, assets, trades,
    # disclosures, questions, the conflict-of-interest register.
    "policy.set": frozenset({"admin", "committee"}),
    "entry.approved": frozenset({"committee", "supervisor"}),
    "entry.rejected": frozenset({"committee", "supervisor"}),
    "resolution.recorded": frozenset({"committee"}),
    "resolution.cosigned": frozenset({"committee", "supervisor", "auditor"}),
    "resolution.disclosed": frozenset({"committee"}),
    # 四议两公开 in full (ledger/domain/matters.py): the committee records each meeting
    # of a matter's procedure (there is no party-branch role: a proposal says who made
    # it) and publishes the implementation result.
    "matter.proposed": frozenset({"committee"}),
    "matter.discussed": frozenset({"committee"}),
    "matter.reviewed": frozenset({"committee"}),
    "matter.implemented": frozenset({"committee"}),
    "project.registered": frozenset({"agent", "committee"}),
    "asset.registered": frozenset({"agent"}),
    "asset.valued": frozenset({"agent", "committee"}),
    "asset.assigned": frozenset({"committee"}),
    "asset.returned": frozenset({"agent", "committee"}),
    "asset.disposed": frozenset({"committee"}),
    "trade.proposed": frozenset({"committee"}),
    "trade.notice_published": frozenset({"committee"}),
    "trade.bid_received": frozenset({"agent"}),
    "trade.awarded": frozenset({"committee"}),
    "trade.award_cosigned": frozenset({"supervisor"}),
    "trade.contract_signed": frozenset({"committee"}),
    "trade.settled": frozenset({"agent"}),
    "trade.completed": frozenset({"committee"}),
    "trade.cancelled": frozenset({"committee"}),
    "disclosure.catalogue_set": frozenset({"committee"}),
    "disclosure.published": frozenset({"committee"}),
    "question.asked": frozenset({"intake"}),
    "question.answered": frozenset({"committee", "supervisor"}),
    "question.closed": frozenset({"committee", "supervisor"}),
    "question.rated": frozenset({"intake"}),
    "confidential.filed": frozenset({"intake"}),
    "confidential.handled": frozenset({"supervisor"}),
    "interest.declared": frozenset({"committee", "supervisor"}),
    "interest.ended": frozenset({"committee", "supervisor"}),
    # inspection findings (巡察, ledger/domain/inspection.py): raised, assigned, reopened
    # and closed by the inspecting side (only the role that raised one takes it on);
    # rectified by the community that keeps the books.
    "inspection.finding_raised": frozenset({"auditor", "supervisor"}),
    "inspection.finding_assigned": frozenset({"auditor", "supervisor"}),
    "inspection.finding_rectified": frozenset({"committee", "agent"}),
    "inspection.finding_reopened": frozenset({"auditor", "supervisor"}),
    "inspection.finding_closed": frozenset({"auditor", "supervisor"}),
    # periods (结账): the agent closes a month, the supervisory committee co-signs;
    # the cashier, who holds the bank account, records the bank's balance (钱账分离).
    "period.closed": frozenset({"agent"}),
    "period.close_cosigned": frozenset({"supervisor"}),
    "bank.statement_recorded": frozenset({"cashier"}),
    # contracts (合同台账): the committee signs for the community; acceptance (验收)
    # is witnessed by the committee or the supervisors.
    "contract.signed": frozenset({"committee"}),
    "contract.amended": frozenset({"committee"}),
    "contract.accepted": frozenset({"committee", "supervisor"}),
    "contract.ended": frozenset({"committee"}),
}



def signing_role(roles: frozenset[str], statement_type: str) -> str:
    """The role a key with ``roles`` signs ``statement_type`` in: those of its roles
    that may sign it, comma-joined (all of them for a type nobody may sign)."""
    allowed = roles & SIGNING_ROLES.get(statement_type, frozenset())
    return ",".join(sorted(allowed or roles))


# Limits (unit last in each name).
postings_min = 2
postings_max = 64
memo_bytes_max = 500
label_bytes_max = 200
name_bytes_max = 200
documents_max = 16
keys_in_genesis_max = 16
amount_max_fen = 10**13  # 100 billion yuan: far above any community, far below 2^53
clock_skew_max_seconds = 300
statement_bytes_max = 64 * 1024
# A document the store keeps (ledger/domain/documents.py): a scanned sheet or contract.
document_bytes_max = 8 * 1024 * 1024
batch_statements_max = 1000

# Dates (ledger/domain/dates.py): business days are counted in the ledger's time zone.
ledger_time_zone = "Asia/Shanghai"
date_allowance_days_default = 0   # how far past the signing day a business date may lie
date_allowance_days_max = 31      # the most a policy.set may allow
opening_balance_years = 10        # dates reach back to 1 January, opening year minus this
plan_years_max = 30               # planned dates (a project's end) reach at most this far
append_retries_max = 8

# Governance limits and defaults (a ledger's policy.set overrides the defaults).
notice_days_min_default = 5       # public notice of an asset trade, when no policy is set
notice_days_max = 90
approval_roles_allowed = frozenset({"committee", "supervisor"})
major_roles_required = frozenset({"committee", "supervisor"})  # 三重一大: both co-sign
major_roles_allowed = frozenset({"committee", "supervisor", "auditor"})
resolution_quorum = (2, 3)        # attendance >= 2/3 of representatives
representatives_max = 10_000
lease_months_max = 240
contract_lines_max = 400       # amounts due in one contract's schedule (20 years monthly)
bids_per_trade_max = 500
settlement_entries_max = 64
catalogue_items_max = 64
question_text_bytes_max = 2_000
answer_text_bytes_max = 4_000
finding_detail_bytes_max = 4_000  # an inspection finding's detail (auditors only)
split_window_days_default = 30    # red flag: split payments within this window
round_cash_limit_fen_default = 100_000  # red flag: round cash payments of 1,000 yuan and up
round_cash_unit_fen = 10_000      # "round" means a whole multiple of 100 yuan
arrears_grace_days = 30           # red flag: rent unpaid this long after it fell due
MANDATORY_DISCLOSURES = frozenset({"fund_flows", "livelihood_funds", "asset_trades",
                                   "resolutions"})
