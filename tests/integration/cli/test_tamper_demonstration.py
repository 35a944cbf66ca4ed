"""What the README's tamper demonstration shows: an amount changed behind the
ledger's back, in the database itself, is found by `sunledger verify` at its seq."""

from __future__ import annotations

import pytest

from tests.builders.cli import grant, posted_seq
from tests.builders.tamper import overwrite_state, stored_states


@pytest.mark.parametrize("settings", ["sqlite"], indirect=True)
def test_an_amount_changed_in_the_database_is_found_at_its_seq(cli, town):
    grant(cli, town)
    spend = posted_seq(cli.ok("post", town, "--category", "activity", "--counterparty", "惠民超市",
                              "--debit", "5001:activity:1,280.00",
                              "--credit", "1002:activity:1,280.00").stdout)
    cli.ok("post", town, "--category", "activity", "--counterparty", "惠民超市",
           "--debit", "5001:activity:20.00", "--credit", "1002:activity:20.00")
    assert "OK" in cli.ok("verify", town).stdout

    url = cli.settings.database_url
    for rowid, state in stored_states(url, "EntryRecorded"):
        forged = state.replace(b'\\"amount\\":128000', b'\\"amount\\":12800')
        overwrite_state(url, rowid, forged)

    result = cli("verify", town)
    assert result.exit_code == 1
    assert "does not verify" in result.stderr
    findings = [line for line in result.stdout.splitlines() if line.startswith("│")]
    assert findings and findings[0].split("│")[1].strip() == str(spend)


def test_an_audit_bundle_verifies_offline_and_an_edited_line_is_found_at_its_seq(cli, town,
                                                                                  tmp_path):
    grant(cli, town)
    kept = tmp_path / "kept.checkpoint"
    kept.write_text(cli.ok("checkpoint", town).stdout, encoding="utf-8")
    spend = posted_seq(cli.ok("post", town, "--category", "activity", "--counterparty", "惠民超市",
                              "--debit", "5001:activity:1,280.00",
                              "--credit", "1002:activity:1,280.00").stdout)
    bundle = tmp_path / "audit"
    assert f"wrote {spend + 1} entries" in cli.ok("export", town, "--bundle", str(bundle)).stdout
    assert "OK" in cli.ok("verify", str(bundle), "--since", str(kept)).stdout

    lines = (bundle / "entries.ndjson").read_bytes().split(b"\n")
    lines[spend] = lines[spend].replace(b'"amount":128000', b'"amount":12800')
    (bundle / "entries.ndjson").write_bytes(b"\n".join(lines))
    result = cli("verify", str(bundle))
    assert result.exit_code == 1
    rows = [line.split("│") for line in result.stdout.splitlines() if line.startswith("│")]
    assert (str(spend), "bad-signature") in {(r[1].strip(), r[2].strip()) for r in rows}
    assert any(r[2].strip() == "root-mismatch" for r in rows)
