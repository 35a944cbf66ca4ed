"""The read tables, in the same database as the log, all named ``view_*``.

One DDL serves SQLite and PostgreSQL: ``BIGINT`` has INTEGER affinity in
SQLite, amounts are integer minor units (never floats) and dates are ISO
text, which sorts and compares the same in both.
"""

from __future__ import annotations

# Bump when a table changes: views are disposable, so a new version drops the
# view tables and the position, and the projection rebuilds them from the log.
SCHEMA_VERSION = "11"

# Every table the finance projection owns, in the order a rebuild empties them.
TABLES = ("view_ledgers", "view_log", "view_keys", "view_funds", "view_accounts",
          "view_budgets", "view_policies", "view_pending", "view_entries", "view_postings",
          "view_balances", "view_flows", "view_findings",
          # governance (projections/handlers/governance_*.py)
          "view_assets", "view_trades", "view_bids", "view_resolutions", "view_disclosures",
          "view_catalogues", "view_questions", "view_gov_steps", "view_confidential",
          # 四议两公开 in full (projections/handlers/matters.py)
          "view_matters", "view_matter_steps",
          # inspection findings (projections/handlers/inspection.py)
          "view_inspection_findings", "view_inspection_steps",
          # red flags (projections/flags)
          "view_red_flags", "view_flag_entries", "view_flag_documents", "view_flag_signers",
          "view_flag_awards", "view_flag_shown",
          # periods and bank reconciliation (projections/periods.py)
          "view_periods", "view_reconciliations",
          # contracts (projections/handlers/contracts.py)
          "view_contracts", "view_contract_lines", "view_contract_entries")

# Contracts (合同台账): each contract's latest state, its schedule lines with what is
# settled of each, and the entries that settled (or took back) them. What is due and
# overdue on a day is asked of ledger.domain.contract_rules when read.
CONTRACT_DDL = (
    "CREATE TABLE IF NOT EXISTS view_contracts (ledger TEXT NOT NULL, seq BIGINT NOT NULL, "
    "direction TEXT NOT NULL, party_kind TEXT NOT NULL, party_public TEXT NOT NULL, "
    "party_name TEXT NOT NULL, subject TEXT NOT NULL, fund TEXT NOT NULL, "
    "total BIGINT NOT NULL, starts TEXT NOT NULL, ends TEXT NOT NULL, status TEXT NOT NULL, "
    "asset TEXT, trade BIGINT, project TEXT, resolution BIGINT, winning_price BIGINT, "
    "annual_rent BIGINT, contract_sha256 TEXT NOT NULL, accepted_seq BIGINT, ended_on TEXT, "
    "committed BIGINT NOT NULL, settled BIGINT NOT NULL, lines BIGINT NOT NULL, "
    "recorded_at TEXT NOT NULL, last_seq BIGINT NOT NULL, PRIMARY KEY (ledger, seq))",
    "CREATE INDEX IF NOT EXISTS view_contracts_ends ON view_contracts (ledger, status, ends)",
    "CREATE TABLE IF NOT EXISTS view_contract_lines (ledger TEXT NOT NULL, "
    "contract BIGINT NOT NULL, line BIGINT NOT NULL, due_on TEXT NOT NULL, "
    "amount BIGINT NOT NULL, kind TEXT NOT NULL, settled BIGINT NOT NULL, "
    "PRIMARY KEY (ledger, contract, line))",
    "CREATE TABLE IF NOT EXISTS view_contract_entries (ledger TEXT NOT NULL, "
    "contract BIGINT NOT NULL, seq BIGINT NOT NULL, entry BIGINT NOT NULL, "
    "amount BIGINT NOT NULL, lines TEXT NOT NULL, PRIMARY KEY (ledger, contract, seq))",
)


# Red flags (projections/flags): the findings, and the indexes they are found by.
FLAG_DDL = (
    # One row per finding. Auditors read them in the order of their seqs (as tuples),
    # then code, then ``tiebreak`` (as ledger.domain.redflags sorts them): ``seq_1`` and
    # ``seq_2`` (-1 when there is none) page through them by index; ``sort_key`` (the
    # seqs zero-padded, too long to index) orders the few that share both. Split
    # payments also keep their party and their first and last payment's (date, seq),
    # to find the clusters a new payment may join.
    "CREATE TABLE IF NOT EXISTS view_red_flags (ledger TEXT NOT NULL, code TEXT NOT NULL, "
    "subject TEXT NOT NULL, seq_1 BIGINT NOT NULL, seq_2 BIGINT NOT NULL, "
    "sort_key TEXT NOT NULL, tiebreak TEXT NOT NULL, message TEXT NOT NULL, "
    "seqs TEXT NOT NULL, party_key TEXT, first_date TEXT, first_seq BIGINT, last_date TEXT, "
    "last_seq BIGINT, PRIMARY KEY (ledger, code, subject))",
    "CREATE INDEX IF NOT EXISTS view_red_flags_order ON view_red_flags (ledger, seq_1, seq_2)",
    # By where a cluster ends: a new payment reads only the clusters that reach its window.
    "CREATE INDEX IF NOT EXISTS view_red_flags_party "
    "ON view_red_flags (ledger, party_key, last_date, last_seq)",
    # What an auditor sees of each entry a finding names (JSON), written when first named.
    "CREATE TABLE IF NOT EXISTS view_flag_shown (ledger TEXT NOT NULL, seq BIGINT NOT NULL, "
    "shown TEXT NOT NULL, PRIMARY KEY (ledger, seq))",
    # Every entry.posted as the payment patterns see it, and whether it stands
    # (not reversed, not held unapproved); by counterparty and date for splits.
    "CREATE TABLE IF NOT EXISTS view_flag_entries (ledger TEXT NOT NULL, seq BIGINT NOT NULL, "
    "standing BIGINT NOT NULL, date TEXT NOT NULL, party_key TEXT NOT NULL, "
    "party_name TEXT NOT NULL, party_id TEXT NOT NULL, amount BIGINT NOT NULL, "
    "cash BIGINT NOT NULL, approval_threshold BIGINT, split_window_days BIGINT NOT NULL, "
    "round_cash_limit BIGINT NOT NULL, may_be_split BIGINT NOT NULL, major_threshold BIGINT, "
    "may_be_split_major BIGINT NOT NULL, PRIMARY KEY (ledger, seq))",
    "CREATE INDEX IF NOT EXISTS view_flag_entries_party "
    "ON view_flag_entries (ledger, party_key, date, seq)",
    # Receipts and invoices by hash: which entries each one supports.
    "CREATE TABLE IF NOT EXISTS view_flag_documents (ledger TEXT NOT NULL, sha256 TEXT NOT NULL, "
    "seq BIGINT NOT NULL, ordinal BIGINT NOT NULL, PRIMARY KEY (ledger, sha256, seq, ordinal))",
    "CREATE INDEX IF NOT EXISTS view_flag_documents_seq ON view_flag_documents (ledger, seq)",
    # Who signed the bids and awards (one key on both sides of a trade's checks).
    "CREATE TABLE IF NOT EXISTS view_flag_signers (ledger TEXT NOT NULL, seq BIGINT NOT NULL, "
    "type TEXT NOT NULL, trade BIGINT NOT NULL, signer TEXT NOT NULL, PRIMARY KEY (ledger, seq))",
    "CREATE INDEX IF NOT EXISTS view_flag_signers_trade ON view_flag_signers (ledger, trade, type)",
    # Awards by the winning bidder's name and id (awards to a declared relative).
    "CREATE TABLE IF NOT EXISTS view_flag_awards (ledger TEXT NOT NULL, seq BIGINT NOT NULL, "
    "bid BIGINT NOT NULL, name_key TEXT NOT NULL, id_key TEXT NOT NULL, "
    "PRIMARY KEY (ledger, seq))",
)

SCHEMA_TABLE = ("CREATE TABLE IF NOT EXISTS view_schema (name TEXT PRIMARY KEY, "
                "version TEXT NOT NULL)")

DDL = (
    # One row per projection: updating it first in every write transaction
    # serialises concurrent pollers (SQLite write lock, PostgreSQL row lock).
    "CREATE TABLE IF NOT EXISTS view_lock (name TEXT PRIMARY KEY, turns BIGINT NOT NULL)",
    SCHEMA_TABLE,
    "CREATE TABLE IF NOT EXISTS view_ledgers (ledger TEXT PRIMARY KEY, stream TEXT NOT NULL, "
    "name TEXT, origin TEXT, currency TEXT, size BIGINT NOT NULL, head TEXT NOT NULL, "
    "last_recorded_at TEXT NOT NULL, stopped_at BIGINT, stopped_reason TEXT, log_key TEXT)",
    "CREATE INDEX IF NOT EXISTS view_ledgers_stream ON view_ledgers (stream)",
    # Every entry of any statement type, known or not: activity and positions.
    "CREATE TABLE IF NOT EXISTS view_log (ledger TEXT NOT NULL, seq BIGINT NOT NULL, "
    "type TEXT NOT NULL, signer TEXT NOT NULL, signer_role TEXT NOT NULL, "
    "recorded_at TEXT NOT NULL, entry_hash TEXT NOT NULL, PRIMARY KEY (ledger, seq))",
    # The log-key rotations a browser check follows (GET .../log-keys): a few rows.
    "CREATE INDEX IF NOT EXISTS view_log_rotations ON view_log (ledger, seq) "
    "WHERE type = 'ledger.log_key_rotated'",
    "CREATE TABLE IF NOT EXISTS view_keys (ledger TEXT NOT NULL, key_id TEXT NOT NULL, "
    "roles TEXT NOT NULL, label TEXT NOT NULL, registered_seq BIGINT NOT NULL, "
    "revoked_seq BIGINT, PRIMARY KEY (ledger, key_id))",
    "CREATE TABLE IF NOT EXISTS view_funds (ledger TEXT NOT NULL, code TEXT NOT NULL, "
    "name_zh TEXT NOT NULL, name_en TEXT NOT NULL, restricted BIGINT NOT NULL, "
    "purpose TEXT NOT NULL, created_seq BIGINT NOT NULL, PRIMARY KEY (ledger, code))",
    "CREATE TABLE IF NOT EXISTS view_accounts (ledger TEXT NOT NULL, code TEXT NOT NULL, "
    "name_zh TEXT NOT NULL, name_en TEXT NOT NULL, class TEXT NOT NULL, kind TEXT, "
    "opened_seq BIGINT NOT NULL, PRIMARY KEY (ledger, code))",
    "CREATE TABLE IF NOT EXISTS view_budgets (ledger TEXT NOT NULL, fund TEXT NOT NULL, "
    "year BIGINT NOT NULL, amount BIGINT NOT NULL, seq BIGINT NOT NULL, "
    "PRIMARY KEY (ledger, fund, year))",
    # Approval thresholds in force from each policy.set on (docs/governance.md).
    "CREATE TABLE IF NOT EXISTS view_policies (ledger TEXT NOT NULL, seq BIGINT NOT NULL, "
    "approval_threshold BIGINT, major_threshold BIGINT, detail TEXT NOT NULL, "
    "PRIMARY KEY (ledger, seq))",
    # Payments the policy held for approval and what became of them (the domain's
    # PaymentHeld and PaymentDecided): their postings are written once approved.
    "CREATE TABLE IF NOT EXISTS view_pending (ledger TEXT NOT NULL, seq BIGINT NOT NULL, "
    "level TEXT NOT NULL, amount BIGINT NOT NULL, status TEXT NOT NULL, decided_by BIGINT, "
    "PRIMARY KEY (ledger, seq))",
    # One row per journal entry (posted or reversal): the transaction list.
    "CREATE TABLE IF NOT EXISTS view_entries (ledger TEXT NOT NULL, seq BIGINT NOT NULL, "
    "type TEXT NOT NULL, date TEXT NOT NULL, category TEXT NOT NULL, amount BIGINT NOT NULL, "
    "currency TEXT NOT NULL, funds TEXT NOT NULL, counterparty_kind TEXT NOT NULL, "
    "counterparty_public TEXT NOT NULL, counterparty_name TEXT NOT NULL, memo TEXT NOT NULL, "
    "documents TEXT NOT NULL, signer TEXT NOT NULL, signer_role TEXT NOT NULL, "
    "entry_hash TEXT NOT NULL, recorded_at TEXT NOT NULL, reverses BIGINT, reversed_by BIGINT, "
    "reason TEXT NOT NULL, moves_money BIGINT NOT NULL, confirmed_by BIGINT, "
    "confirmed_date TEXT, project TEXT, approval TEXT, approval_level TEXT, decided_by BIGINT, "
    "PRIMARY KEY (ledger, seq))",
    "CREATE INDEX IF NOT EXISTS view_entries_date ON view_entries (ledger, date)",
    # The entries still waiting for the cashier, by date: the street office's overview
    # counts them per ledger without reading the confirmed ones (projections/overview.py).
    "CREATE INDEX IF NOT EXISTS view_entries_unconfirmed ON view_entries (ledger, date) "
    "WHERE moves_money = 1 AND confirmed_by IS NULL",
    # One row per posting line; balances at a past date are a SUM up to that date.
    "CREATE TABLE IF NOT EXISTS view_postings (ledger TEXT NOT NULL, seq BIGINT NOT NULL, "
    "line BIGINT NOT NULL, type TEXT NOT NULL, date TEXT NOT NULL, month TEXT NOT NULL, "
    "account TEXT NOT NULL, account_class TEXT NOT NULL, fund TEXT NOT NULL, "
    "currency TEXT NOT NULL, category TEXT NOT NULL, side TEXT NOT NULL, "
    "amount BIGINT NOT NULL, counterparty_kind TEXT NOT NULL, "
    "counterparty_public TEXT NOT NULL, reverses BIGINT, signer TEXT NOT NULL, "
    "signer_role TEXT NOT NULL, entry_hash TEXT NOT NULL, project TEXT, "
    "PRIMARY KEY (ledger, seq, line))",
    "CREATE INDEX IF NOT EXISTS view_postings_account "
    "ON view_postings (ledger, account, fund, date)",
    "CREATE INDEX IF NOT EXISTS view_postings_date ON view_postings (ledger, date)",
    "CREATE TABLE IF NOT EXISTS view_balances (ledger TEXT NOT NULL, account TEXT NOT NULL, "
    "fund TEXT NOT NULL, currency TEXT NOT NULL, balance BIGINT NOT NULL, "
    "PRIMARY KEY (ledger, account, fund, currency))",
    # Income and expense postings summed per fund, month, category and (public)
    # counterparty: fund usage and budget-against-actual read this, not the postings.
    "CREATE TABLE IF NOT EXISTS view_flows (ledger TEXT NOT NULL, fund TEXT NOT NULL, "
    "currency TEXT NOT NULL, month TEXT NOT NULL, account_class TEXT NOT NULL, "
    "category TEXT NOT NULL, counterparty_kind TEXT NOT NULL, "
    "counterparty_public TEXT NOT NULL, amount BIGINT NOT NULL, PRIMARY KEY (ledger, fund, "
    "currency, month, account_class, category, counterparty_kind, counterparty_public))",
    # Fund usage and budgets ask for one year of one ledger: without this the primary
    # key (fund before month) makes them read every month of history.
    "CREATE INDEX IF NOT EXISTS view_flows_month ON view_flows (ledger, currency, month)",
    # Findings are values (beancount style): what the projection saw that it should not.
    "CREATE TABLE IF NOT EXISTS view_findings (ledger TEXT NOT NULL, seq BIGINT NOT NULL, "
    "kind TEXT NOT NULL, detail TEXT NOT NULL, PRIMARY KEY (ledger, seq, kind))",
    # --- governance (docs/governance.md): current state per asset, trade, bid,
    # resolution, disclosure and question; their stories in view_gov_steps.
    "CREATE TABLE IF NOT EXISTS view_assets (ledger TEXT NOT NULL, code TEXT NOT NULL, "
    "kind TEXT NOT NULL, name_zh TEXT NOT NULL, name_en TEXT NOT NULL, location TEXT NOT NULL, "
    "book_value BIGINT NOT NULL, account TEXT, fund TEXT, status TEXT NOT NULL, "
    "holder_kind TEXT NOT NULL, holder_public TEXT NOT NULL, holder_name TEXT NOT NULL, "
    "appraisal BIGINT, appraised_on TEXT, open_trade BIGINT, registered_seq BIGINT NOT NULL, "
    "last_seq BIGINT NOT NULL, PRIMARY KEY (ledger, code))",
    "CREATE TABLE IF NOT EXISTS view_trades (ledger TEXT NOT NULL, seq BIGINT NOT NULL, "
    "asset TEXT NOT NULL, method TEXT NOT NULL, reserve BIGINT NOT NULL, conditions TEXT NOT NULL, "
    "term_months BIGINT, status TEXT NOT NULL, resolution BIGINT, notice_seq BIGINT, "
    "notice_days BIGINT, notice_closes TEXT NOT NULL, award_bid BIGINT, "
    "award_reason TEXT NOT NULL, award_disclosure BIGINT, completion_disclosure BIGINT, "
    "contract_sha256 TEXT NOT NULL, "
    "received BIGINT NOT NULL, recorded_at TEXT NOT NULL, last_seq BIGINT NOT NULL, "
    "PRIMARY KEY (ledger, seq))",
    "CREATE TABLE IF NOT EXISTS view_bids (ledger TEXT NOT NULL, seq BIGINT NOT NULL, "
    "trade BIGINT NOT NULL, bidder_kind TEXT NOT NULL, bidder_public TEXT NOT NULL, "
    "bidder_name TEXT NOT NULL, amount BIGINT NOT NULL, recorded_at TEXT NOT NULL, "
    "PRIMARY KEY (ledger, seq))",
    "CREATE INDEX IF NOT EXISTS view_bids_trade ON view_bids (ledger, trade)",
    "CREATE TABLE IF NOT EXISTS view_resolutions (ledger TEXT NOT NULL, seq BIGINT NOT NULL, "
    "matter_kind TEXT NOT NULL, matter_ref BIGINT, title TEXT NOT NULL, "
    "meeting_date TEXT NOT NULL, representatives BIGINT NOT NULL, attendance BIGINT NOT NULL, "
    "votes_for BIGINT NOT NULL, votes_against BIGINT NOT NULL, votes_abstain BIGINT NOT NULL, "
    "passed BIGINT NOT NULL, minutes_sha256 TEXT NOT NULL, cosigned_roles TEXT NOT NULL, "
    "cosigners BIGINT NOT NULL, disclosed_seq BIGINT, recorded_at TEXT NOT NULL, "
    "proposal BIGINT, PRIMARY KEY (ledger, seq))",
    # Matters under 四议两公开 in full: each one's latest state, and its steps (at most one
    # of each of the six), with the step's business date, document and signing role.
    "CREATE TABLE IF NOT EXISTS view_matters (ledger TEXT NOT NULL, seq BIGINT NOT NULL, "
    "proposed_by TEXT NOT NULL, subject_kind TEXT NOT NULL, subject_ref BIGINT, "
    "title TEXT NOT NULL, status TEXT NOT NULL, proposed_on TEXT NOT NULL, resolution BIGINT, "
    "recorded_at TEXT NOT NULL, last_seq BIGINT NOT NULL, PRIMARY KEY (ledger, seq))",
    "CREATE INDEX IF NOT EXISTS view_matters_status ON view_matters (ledger, status, seq)",
    "CREATE TABLE IF NOT EXISTS view_matter_steps (ledger TEXT NOT NULL, matter BIGINT NOT NULL, "
    "step TEXT NOT NULL, seq BIGINT NOT NULL, type TEXT NOT NULL, date TEXT NOT NULL, "
    "sha256 TEXT NOT NULL, signer_role TEXT NOT NULL, recorded_at TEXT NOT NULL, "
    "detail TEXT NOT NULL, PRIMARY KEY (ledger, matter, step))",
    "CREATE TABLE IF NOT EXISTS view_disclosures (ledger TEXT NOT NULL, seq BIGINT NOT NULL, "
    "type TEXT NOT NULL, item TEXT NOT NULL, published_on TEXT NOT NULL, "
    "sheet_sha256 TEXT NOT NULL, place TEXT NOT NULL, subject_kind TEXT, subject_ref BIGINT, "
    "stage TEXT, period TEXT, fund TEXT, project TEXT, income BIGINT, spending BIGINT, "
    "recorded_at TEXT NOT NULL, PRIMARY KEY (ledger, seq))",
    "CREATE TABLE IF NOT EXISTS view_catalogues (ledger TEXT NOT NULL, seq BIGINT NOT NULL, "
    "items TEXT NOT NULL, recorded_at TEXT NOT NULL, PRIMARY KEY (ledger, seq))",
    "CREATE TABLE IF NOT EXISTS view_questions (ledger TEXT NOT NULL, seq BIGINT NOT NULL, "
    "about_kind TEXT NOT NULL, about_ref BIGINT, about_code TEXT, text TEXT NOT NULL, "
    "status TEXT NOT NULL, asked_at TEXT NOT NULL, answered_at TEXT, closed_at TEXT, "
    "answers BIGINT NOT NULL, rating TEXT, PRIMARY KEY (ledger, seq))",
    # Anyone may ask: the overview counts the open and the rated questions through these,
    # not by reading every question (projections/overview.py).
    "CREATE INDEX IF NOT EXISTS view_questions_open ON view_questions (ledger, asked_at) "
    "WHERE status = 'open'",
    "CREATE INDEX IF NOT EXISTS view_questions_rated ON view_questions (ledger, rating) "
    "WHERE rating IS NOT NULL",
    # Confidential reports: when filed and handled, never a word of the text.
    "CREATE TABLE IF NOT EXISTS view_confidential (ledger TEXT NOT NULL, seq BIGINT NOT NULL, "
    "filed_at TEXT NOT NULL, readers BIGINT NOT NULL, handled_on TEXT, "
    "PRIMARY KEY (ledger, seq))",
    "CREATE TABLE IF NOT EXISTS view_gov_steps (ledger TEXT NOT NULL, subject TEXT NOT NULL, "
    "ref TEXT NOT NULL, seq BIGINT NOT NULL, type TEXT NOT NULL, signer_role TEXT NOT NULL, "
    "recorded_at TEXT NOT NULL, detail TEXT NOT NULL, PRIMARY KEY (ledger, subject, ref, seq))",
    # Inspection findings (巡察): the current state of each, and each one's steps. The
    # title, detail, owner and notes are for the audit view; the public summary reads
    # only the other columns (projections/inspection.py).
    "CREATE TABLE IF NOT EXISTS view_inspection_findings (ledger TEXT NOT NULL, "
    "seq BIGINT NOT NULL, about_kind TEXT NOT NULL, about_ref TEXT NOT NULL, "
    "entries TEXT NOT NULL, title TEXT NOT NULL, detail TEXT NOT NULL, "
    "raised_role TEXT NOT NULL, raised_at TEXT NOT NULL, status TEXT NOT NULL, "
    "owner TEXT NOT NULL, deadline TEXT, evidence_sha256 TEXT, rectified_at TEXT, "
    "closed_at TEXT, last_seq BIGINT NOT NULL, PRIMARY KEY (ledger, seq))",
    "CREATE TABLE IF NOT EXISTS view_inspection_steps (ledger TEXT NOT NULL, "
    "finding BIGINT NOT NULL, seq BIGINT NOT NULL, type TEXT NOT NULL, "
    "signer_role TEXT NOT NULL, recorded_at TEXT NOT NULL, note TEXT NOT NULL, "
    "PRIMARY KEY (ledger, finding, seq))",
    *FLAG_DDL,
    # Closed months (结账): who closed and co-signed each, and when.
    "CREATE TABLE IF NOT EXISTS view_periods (ledger TEXT NOT NULL, month TEXT NOT NULL, "
    "status TEXT NOT NULL, closed_seq BIGINT NOT NULL, closed_by TEXT NOT NULL, "
    "closed_at TEXT NOT NULL, cosigned_seq BIGINT, cosigned_by TEXT, cosigned_at TEXT, "
    "PRIMARY KEY (ledger, month))",
    # One reconciliation sheet per bank statement, found again from the domain's
    # state at the end of each batch (a later confirmation changes what is in transit).
    "CREATE TABLE IF NOT EXISTS view_reconciliations (ledger TEXT NOT NULL, "
    "seq BIGINT NOT NULL, account TEXT NOT NULL, fund TEXT, date TEXT NOT NULL, "
    "statement_sha256 TEXT NOT NULL, recorded_by TEXT NOT NULL, bank_balance BIGINT NOT NULL, "
    "book_balance BIGINT NOT NULL, in_transit BIGINT NOT NULL, unexplained BIGINT NOT NULL, "
    "items TEXT NOT NULL, PRIMARY KEY (ledger, seq))",
    *CONTRACT_DDL,
)

# The ORDER BY that makes a table dump comparable (primary key order).
ORDER = {
    "view_ledgers": "ledger", "view_log": "ledger, seq", "view_keys": "ledger, key_id",
    "view_funds": "ledger, code", "view_accounts": "ledger, code",
    "view_budgets": "ledger, fund, year", "view_policies": "ledger, seq",
    "view_pending": "ledger, seq", "view_entries": "ledger, seq",
    "view_postings": "ledger, seq, line", "view_balances": "ledger, account, fund, currency",
    "view_flows": "ledger, fund, currency, month, account_class, category, counterparty_kind, "
                  "counterparty_public",
    "view_findings": "ledger, seq, kind",
    "view_assets": "ledger, code", "view_trades": "ledger, seq", "view_bids": "ledger, seq",
    "view_resolutions": "ledger, seq", "view_disclosures": "ledger, seq",
    "view_catalogues": "ledger, seq", "view_questions": "ledger, seq",
    "view_confidential": "ledger, seq",
    "view_matters": "ledger, seq", "view_matter_steps": "ledger, matter, step",
    "view_gov_steps": "ledger, subject, ref, seq",
    "view_inspection_findings": "ledger, seq", "view_inspection_steps": "ledger, finding, seq",
    "view_red_flags": "ledger, code, subject", "view_flag_entries": "ledger, seq",
    "view_flag_documents": "ledger, sha256, seq, ordinal", "view_flag_signers": "ledger, seq",
    "view_flag_awards": "ledger, seq", "view_flag_shown": "ledger, seq",
    "view_periods": "ledger, month", "view_reconciliations": "ledger, seq",
    "view_contracts": "ledger, seq", "view_contract_lines": "ledger, contract, line",
    "view_contract_entries": "ledger, contract, seq",
}
