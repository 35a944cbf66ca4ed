"""The real `sunledger` Typer app run in-process (CliRunner) against a real store,
and a small community's books kept from the command line."""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass
from pathlib import Path

from typer.testing import CliRunner, Result

from ledger.cli.main import app as sunledger
from ledger.log.application import LedgerApplication
from ledger.settings import Settings


@dataclass
class Cli:
    settings: Settings

    def __call__(self, *args: str) -> Result:
        runner = CliRunner()
        return runner.invoke(sunledger, ["--db", self.settings.database_url,
                                         "--data-dir", str(self.settings.data_dir), *args])

    def ok(self, *args: str) -> Result:
        result = self(*args)
        assert result.exit_code == 0, (args, result.output, result.exception)
        return result

    def fails(self, *args: str) -> str:
        """Run a command that must fail; return its one-line reason."""
        result = self(*args)
        assert result.exit_code == 1, (args, result.output)
        lines = result.stderr.strip().splitlines()
        assert len(lines) == 1 and lines[0].startswith("error: "), result.stderr
        assert "Traceback" not in result.output
        return lines[0]

    def stored_size(self, slug: str) -> int:
        application = LedgerApplication(self.settings)
        try:
            return application.reader.size(slug)
        finally:
            application.close()


def a_ledger_name() -> str:
    """A ledger name of its own: the PostgreSQL database is shared by a whole run."""
    return f"t{uuid.uuid4().hex[:12]}"


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def a_community_from_the_command_line(cli: Cli, slug: str) -> str:
    """A small community set up entirely from the command line: agent, cashier,
    committee keys; the activity fund; bank, grant and spending accounts."""
    cli.ok("init", slug, "--name", "新竹社区")
    for role in ("agent", "cashier", "committee"):
        cli.ok("keys", "new", role, "--ledger", slug)
        cli.ok("keys", "register", slug, "--key", role, "--roles", role)
    cli.ok("fund", "create", slug, "activity", "--zh", "活动经费", "--en", "Activity funds",
           "--restricted", "--purpose", "社区活动")
    cli.ok("account", "open", slug, "1002", "--zh", "银行存款", "--en", "Bank deposits",
           "--class", "asset", "--kind", "bank")
    cli.ok("account", "open", slug, "4001", "--zh", "财政补助收入", "--en", "Government grants",
           "--class", "income")
    cli.ok("account", "open", slug, "5001", "--zh", "活动支出", "--en", "Activity spending",
           "--class", "expense")
    return slug


def posted_seq(output: str) -> int:
    match = re.search(r"seq (\d+)\s+hash ([0-9a-f]{64})", output)
    assert match, output
    return int(match.group(1))


def grant(cli, slug: str, amount: str = "50,000.00") -> int:
    result = cli.ok("post", slug, "--date", "2026-01-10", "--category", "grant",
                    "--counterparty", "街道办事处", "--memo", "活动经费拨款",
                    "--debit", f"1002:activity:{amount}", "--credit", f"4001:activity:{amount}")
    return posted_seq(result.stdout)
