"""The command line against a real running server (uvicorn): an auditor verifies it
from its URL, and a witness cosigns its checkpoint."""

from __future__ import annotations

import stat

from api.app import create_app
from ledger.log.application import LedgerApplication
from tests.builders.server import running
from tests.builders.cli import grant


def test_a_live_server_verifies_from_its_url_and_a_witness_cosigns_its_checkpoint(cli, town):
    grant(cli, town)
    cli.ok("checkpoint", town)
    application = LedgerApplication(cli.settings)
    try:
        log_vkey = application.state(town).log_key
    finally:
        application.close()
    made = cli.ok("witness", "new-key", "witness.example/street-office")
    witness_vkey = made.stdout.split()[-1]
    witness_key = cli.settings.data_dir / "witness" / "witness.example_street-office.skey"
    assert stat.S_IMODE(witness_key.stat().st_mode) == 0o600
    kept = witness_key.read_bytes()
    assert "never overwritten" in cli.fails("witness", "new-key", "witness.example/street-office")
    assert witness_key.read_bytes() == kept

    assert "may now cosign" in cli.ok("witness", "accept", witness_vkey).stdout
    assert "already listed" in cli.ok("witness", "accept", witness_vkey).stdout
    assert "malformed" in cli.fails("witness", "accept", "not-a-key")
    assert (cli.settings.data_dir / "witnesses").read_text().splitlines() == [witness_vkey]

    with running(create_app(cli.settings)) as url:
        verified = cli.ok("verify", "--url", url, "--ledger", town, "--log-key", log_vkey)
        assert "OK" in verified.stdout
        cosigned = cli.ok("witness", "run", "--url", url, "--ledger", town,
                          "--key", str(witness_key), "--log-key", log_vkey)
        assert "cosigned" in cosigned.stdout
        note = cli.ok("checkpoint", town).stdout
    assert "— witness.example/street-office " in note
    assert "cannot reach" in cli.fails("verify", "--url", url, "--ledger", town)
