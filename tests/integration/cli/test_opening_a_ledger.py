"""`sunledger init`: the genesis names the deployment's real origin, and the command
can run twice in a setup script."""

from __future__ import annotations

from typer.testing import CliRunner

from ledger.cli.main import app as sunledger
from ledger.format import cjson
from ledger.log.application import LedgerApplication


def _run(cli, *args: str, env: dict[str, str] | None = None):
    return CliRunner().invoke(sunledger, ["--db", cli.settings.database_url, "--data-dir",
                                          str(cli.settings.data_dir), *args],
                              env={"SUNLEDGER_PUBLIC_ORIGIN": "", **(env or {})})


def _genesis_origin(cli, slug: str) -> str:
    """Read from the stored genesis leaf itself (what auditors pin)."""
    app = LedgerApplication(cli.settings)
    try:
        genesis = cjson.loads(app.reader.entry(slug, 0).leaf)
    finally:
        app.close()
    return genesis["statement"]["body"]["origin"]


def test_without_an_origin_init_refuses_and_writes_nothing(cli, slug):
    result = _run(cli, "init", slug, "--name", "新竹社区")
    assert result.exit_code == 1
    assert "--origin" in result.output and "SUNLEDGER_PUBLIC_ORIGIN" in result.output
    assert cli.stored_size(slug) == 0
    assert not (cli.settings.data_dir / "keys" / slug).exists()
    assert not (cli.settings.log_key_dir / f"{slug}.skey").exists()


def test_the_public_origin_setting_names_the_checkpoint_origin(cli, slug):
    result = _run(cli, "init", slug, "--name", "新竹社区",
                  env={"SUNLEDGER_PUBLIC_ORIGIN": "ledger.example.org/"})
    assert result.exit_code == 0, result.output
    assert _genesis_origin(cli, slug) == f"ledger.example.org/{slug}"


def test_init_if_missing_runs_twice_and_keeps_the_first_genesis(cli, slug):
    first = _run(cli, "init", slug, "--name", "新竹社区", "--origin", f"a.example/{slug}",
                 "--if-missing")
    assert first.exit_code == 0, first.output
    size = cli.stored_size(slug)
    again = _run(cli, "init", slug, "--name", "别的名字", "--origin", f"b.example/{slug}",
                 "--if-missing")
    assert again.exit_code == 0, again.output
    assert "already exists" in again.output
    assert cli.stored_size(slug) == size
    assert _genesis_origin(cli, slug) == f"a.example/{slug}"
