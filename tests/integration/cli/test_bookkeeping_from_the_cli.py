"""A community's books kept from the command line: init -> keys -> post -> balances -> verify."""

from __future__ import annotations

import hashlib
import stat

from ledger.log.application import LedgerApplication
from ledger.format.keys import load_key
from tests.builders.cli import grant, posted_seq, write

SPEND_YAML = """\
date: 2026-03-05
category: activity
counterparty: {kind: organisation, name: 阳光文体用品店}
memo: 重阳节敬老活动 [supplies]
postings:
  - {account: "5001", fund: activity, side: debit, amount: "1,234.56"}
  - {account: "1002", fund: activity, side: credit, amount: "1,234.56"}
documents:
  - {kind: receipt, file: receipt.jpg}
"""


def test_init_prints_the_genesis_hash_and_keeps_the_admin_and_log_keys(cli, slug):
    result = cli.ok("init", slug, "--name", "新竹社区", "--origin", f"example.org/{slug}")
    application = LedgerApplication(cli.settings)
    try:
        genesis = application.entries(slug, 0, 1)[0]
    finally:
        application.close()
    assert genesis.hash in result.stdout
    assert genesis.statement.body["origin"] == f"example.org/{slug}"
    admin_file = cli.settings.data_dir / "keys" / slug / "admin.key"
    assert stat.S_IMODE(admin_file.stat().st_mode) == 0o600
    assert load_key(admin_file).key_id == genesis.signed.signer
    assert (cli.settings.log_key_dir / f"{slug}.skey").exists()


def test_a_grant_and_a_payment_from_a_file_show_in_balances_and_the_log(cli, town, tmp_path):
    grant(cli, town)
    receipt = tmp_path / "receipt.jpg"
    receipt.write_bytes(b"scanned receipt")
    spend = posted_seq(cli.ok("post", town, "--file", str(write(tmp_path / "spend.yaml",
                                                                  SPEND_YAML))).stdout)
    cli.ok("confirm", town, str(spend), "--bank-reference", "ICBC-0001")

    balances = cli.ok("balances", town).stdout
    assert "48,765.44" in balances and "1,234.56" in balances and "活动经费" in balances
    log = cli.ok("log", town).stdout
    assert "阳光文体用品店" in log and "[supplies]" in log and "✓ confirmed" in log
    application = LedgerApplication(cli.settings)
    try:
        state = application.state(town)
        entry = application.entries(town, spend, 1)[0]
    finally:
        application.close()
    assert state.balance("1002", "activity") == 4_876_544
    assert state.confirmed[spend] == spend + 1
    assert entry.statement.body["documents"] == [
        {"kind": "receipt", "sha256": hashlib.sha256(b"scanned receipt").hexdigest()}]
    assert "OK" in cli.ok("verify", town).stdout


def test_a_reversal_mirrors_the_payment_and_brings_the_balance_back(cli, town):
    grant(cli, town)
    spend = posted_seq(cli.ok("post", town, "--category", "activity", "--counterparty", "惠民超市",
                              "--debit", "5001:activity:800.00",
                              "--credit", "1002:activity:800.00").stdout)
    cli.ok("reverse", town, str(spend), "--reason", "金额录入错误 wrong amount")
    balances = cli.ok("balances", town, "--fund", "activity").stdout
    assert "50,000.00" in balances and "800.00" not in balances
    assert f"reversed by #{spend + 1}" in cli.ok("log", town, "--start", str(spend)).stdout


def test_a_budget_typed_in_yuan_is_kept_in_fen_and_shown_beside_spending(cli, town):
    cli.ok("budget", "set", town, "activity", "2026", "60,000.00", "--memo", "居民代表会议决议")
    application = LedgerApplication(cli.settings)
    try:
        assert application.state(town).budgets[("activity", 2026)] == 6_000_000
    finally:
        application.close()
    assert "budget 2026: 60,000.00" in cli.ok("balances", town).stdout


def test_keys_list_shows_roles_and_a_revoked_key_signs_nothing_more(cli, town):
    application = LedgerApplication(cli.settings)
    try:
        cashier = next(k for k in application.state(town).keys.values() if "cashier" in k.roles)
    finally:
        application.close()
    revoked = posted_seq(cli.ok("keys", "revoke", town, cashier.key_id,
                                "--reason", "出纳离职 cashier left").stdout)
    listing = cli.ok("keys", "list", town).stdout
    row = next(line for line in listing.splitlines() if cashier.key_id in line)
    assert "cashier" in row and str(revoked) in row
    seq = grant(cli, town)
    assert "revoked" in cli.fails("confirm", town, str(seq))


def test_a_key_is_registered_from_its_pub_file_or_its_base64_alone(cli, town, tmp_path):
    out_file = tmp_path / "elsewhere" / "supervisor.key"
    made = cli.ok("keys", "new", "supervisor", "--out", str(out_file)).stdout
    cli.ok("keys", "register", town, "--key", str(out_file.with_suffix(".pub")),
           "--roles", "supervisor", "--label", "居务监督委员会")
    cli.ok("keys", "new", "auditor", "--out", str(tmp_path / "auditor.key"))
    public = (tmp_path / "auditor.pub").read_text().strip()
    cli.ok("keys", "register", town, "--key", public, "--roles", "auditor", "--label", "审计")
    listing = cli.ok("keys", "list", town).stdout
    assert made.split()[2] in listing and "审计" in listing
    before = cli.stored_size(town)
    assert "already registered" in cli.fails("keys", "register", town, "--key", public,
                                             "--roles", "auditor", "--label", "again")
    assert cli.stored_size(town) == before


def test_a_checkpoint_kept_earlier_proves_the_log_only_grew(cli, town, tmp_path):
    note = cli.ok("checkpoint", town).stdout
    assert note.startswith(f"ledger.example.org/{town}\n")
    kept = write(tmp_path / "kept.checkpoint", note)
    grant(cli, town)
    assert "OK" in cli.ok("verify", town, "--since", str(kept)).stdout
    genesis = LedgerApplication(cli.settings)
    try:
        pinned = genesis.entries(town, 0, 1)[0].hash
    finally:
        genesis.close()
    assert "OK" in cli.ok("verify", town, "--genesis-hash", pinned).stdout
    wrong = cli("verify", town, "--genesis-hash", "0" * 64)
    assert wrong.exit_code == 1 and "genesis-mismatch" in wrong.stdout
