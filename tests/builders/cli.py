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
    app: LedgerApplication | None = None  # the test's own application, to look at the state
    slug: str | None = None               # the ledger the test keeps from the command line

    def __call__(self, *args: str) -> Result:
        runner = CliRunner()
        return runner.invoke(sunledger, ["--db", self.settings.database_url,
                                         "--data-dir", str(self.settings.data_dir), *args])

    def ok(self, *args: str) -> Result:
        result = self(*args)
        assert result.exit_code == 0, (args, result.output, result.exception)
        return result

    def out(self, *args: str) -> str:
        return self.ok(*args).stdout

    def seq(self, *args: str) -> int:
        """Run a command that records an entry; return its seq."""
        return int(re.search(r"seq (\d+)", self.out(*args)).group(1))

    def fails(self, *args: str) -> str:
        """Run a command that must fail; return its one-line reason."""
        result = self(*args)
        assert result.exit_code == 1, (args, result.output)
        lines = result.stderr.strip().splitlines()
        assert len(lines) == 1 and lines[0].startswith("error: "), result.stderr
        assert "Traceback" not in result.output
        return lines[0]

    def refuses(self, code: str, *args: str) -> str:
        """The command must fail with one line naming ``code``, and write nothing."""
        size = self.stored_size(self.slug)
        line = self.fails(*args)
        assert f"[{code}]" in line, line
        assert self.stored_size(self.slug) == size
        return line

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
    cli.ok("init", slug, "--name", "新竹社区", "--origin", f"ledger.example.org/{slug}")
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


def a_governed_community_from_the_command_line(runner: Cli) -> Cli:
    """Keys for every role but intake, two funds, the asset and works accounts, an
    approval policy and the disclosure catalogue, all from the command line."""
    slug = runner.slug
    runner.ok("init", slug, "--name", "新竹社区", "--origin", f"ledger.example.org/{slug}")
    for role in ("agent", "cashier", "committee", "supervisor"):
        runner.ok("keys", "new", role, "--ledger", slug)
        runner.ok("keys", "register", slug, "--key", role, "--roles", role)
    runner.ok("fund", "create", slug, "general", "--zh", "一般资金", "--en", "General fund")
    runner.ok("fund", "create", slug, "renovation", "--zh", "微改造专项资金", "--en",
              "Micro-renovation", "--restricted")
    for code, zh, en, cls, kind in (("1002", "银行存款", "Bank", "asset", "bank"),
                                    ("1601", "固定资产", "Fixed assets", "asset", None),
                                    ("3001", "净资产", "Net assets", "net_assets", None),
                                    ("4001", "财政补助收入", "Grants", "income", None),
                                    ("4002", "公共资源收入", "Rent", "income", None),
                                    ("5002", "工程支出", "Works", "expense", None)):
        runner.ok("account", "open", slug, code, "--zh", zh, "--en", en, "--class", cls,
                  *(("--kind", kind) if kind else ()))
    runner.ok("policy", "set", slug, "--approval", "5,000.00", "--major", "50,000.00",
              "--notice-days", "10")
    runner.ok("disclosure", "catalogue", slug)
    return runner
