"""A setup command run again finds its work done, says so, exits 0 and records nothing;
the same command with different content is still refused as before."""

from __future__ import annotations

from ledger.verify.bundle import verify_bundle
from tests.builders.cli import grant, posted_seq


def test_setup_commands_run_again_change_nothing(cli, town):
    before = cli.stored_size(town)
    key_file = cli.settings.data_dir / "keys" / town / "agent.key"
    kept = key_file.read_bytes()
    for args in (["keys", "new", "agent", "--ledger", town],
                 ["fund", "create", town, "activity", "--zh", "活动经费", "--en", "Activity funds",
                  "--restricted", "--purpose", "社区活动"],
                 ["account", "open", town, "1002", "--zh", "银行存款", "--en", "Bank deposits",
                  "--class", "asset", "--kind", "bank"]):
        assert "nothing to do" in cli.ok(*args).output, args
    assert key_file.read_bytes() == kept
    assert cli.stored_size(town) == before


def test_a_changed_request_is_still_refused(cli, town):
    before = cli.stored_size(town)
    assert "already exists" in cli.fails("fund", "create", town, "activity", "--zh", "别的经费",
                                         "--en", "Other funds")
    assert "already exists" in cli.fails("account", "open", town, "1002", "--zh", "银行存款",
                                         "--en", "Bank deposits", "--class", "asset")
    assert "already registered" in cli.fails("keys", "register", town, "--key", "agent",
                                             "--roles", "agent,committee", "--label", "x")
    assert cli.stored_size(town) == before


def test_a_budget_set_again_to_the_same_amount_is_done_another_needs_a_reason(cli, town):
    cli.ok("budget", "set", town, "activity", "2026", "60,000.00")
    before = cli.stored_size(town)
    assert "already 60,000.00; nothing to do" in cli.ok(
        "budget", "set", town, "activity", "2026", "60,000.00").output
    assert "must give its reason" in cli.fails("budget", "set", town, "activity", "2026",
                                               "70,000.00")
    assert cli.stored_size(town) == before


def test_a_confirmation_or_reversal_run_again_points_at_the_first(cli, town):
    seq = grant(cli, town, "5,000.00")
    confirmation = posted_seq(cli.out("confirm", town, str(seq), "--key", "cashier"))
    reversal = posted_seq(cli.out("reverse", town, str(seq), "--reason", "录错 wrong"))
    before = cli.stored_size(town)
    assert f"already confirmed by entry {confirmation}" in cli.ok(
        "confirm", town, str(seq), "--key", "cashier").output
    assert f"already reversed by entry {reversal}" in cli.ok(
        "reverse", town, str(seq), "--reason", "录错 wrong").output
    assert cli.stored_size(town) == before


def test_an_export_run_again_replaces_its_own_bundle_and_nothing_else(cli, town, tmp_path):
    bundle = tmp_path / "audit"
    cli.ok("export", town, "--bundle", str(bundle))
    first = (bundle / "entries.ndjson").read_bytes()
    grant(cli, town, "100.00")
    cli.ok("export", town, "--bundle", str(bundle))
    assert (bundle / "entries.ndjson").read_bytes().startswith(first)
    assert (bundle / "entries.ndjson").read_bytes().count(b"\n") == first.count(b"\n") + 1
    assert verify_bundle(bundle, workers=1).ok
    # nothing left beside it (the staging and retired directories are gone)
    assert not [p.name for p in tmp_path.iterdir() if p.name.startswith(".audit")]

    (bundle / "my-notes.txt").write_text("the auditor's own file", encoding="utf-8")
    assert "not an empty directory" in cli.fails("export", town, "--bundle", str(bundle))
    assert (bundle / "my-notes.txt").read_text(encoding="utf-8") == "the auditor's own file"


def test_init_if_missing_ends_with_the_same_genesis_hash(cli, town):
    first = cli.ok("init", f"{town}x", "--name", "新社区", "--origin", f"l.example/{town}x")
    again = cli.ok("init", f"{town}x", "--name", "新社区", "--origin", f"l.example/{town}x",
                   "--if-missing")
    assert "left as it is" in again.output
    assert first.output.strip().splitlines()[-1] == again.output.strip().splitlines()[-1]
