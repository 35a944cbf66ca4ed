"""The shop lease and the major payment run end to end with the `sunledger` CLI
(the real Typer app in-process, on both real stores), every step signed by a
key the CLI made and kept; a skipped step is one red line, exit 1, and the log
unchanged. The server clock the CLI's application uses is the test's, so the
notice period can pass."""

from __future__ import annotations

import hashlib
import re
import uuid
from functools import partial

import pytest
from typer.testing import CliRunner

from ledger.cli import common as cli_common

from ledger.keystore import intake_keys
from ledger.log.application import LedgerApplication
from ledger.cli.main import app as sunledger
from ledger.client import Signer

HEX = hashlib.sha256(b"a document").hexdigest()


class Cli:
    def __init__(self, settings, app: LedgerApplication, slug: str) -> None:
        self.settings, self.app, self.slug = settings, app, slug

    def run(self, *args: str):
        return CliRunner().invoke(sunledger, ["--db", self.settings.database_url, "--data-dir",
                                              str(self.settings.data_dir), *args])

    def ok(self, *args: str) -> str:
        result = self.run(*args)
        assert result.exit_code == 0, (args, result.output, result.exception)
        return result.stdout

    def seq(self, *args: str) -> int:
        return int(re.search(r"seq (\d+)", self.ok(*args)).group(1))

    def fails(self, code: str, *args: str) -> str:
        """The command must fail with one line naming ``code``, and write nothing."""
        size = self.app.reader.size(self.slug)
        result = self.run(*args)
        assert result.exit_code == 1, (args, result.output)
        lines = result.stderr.strip().splitlines()
        assert len(lines) == 1 and lines[0].startswith("error: "), result.stderr
        assert f"[{code}]" in lines[0], lines[0]
        assert self.app.reader.size(self.slug) == size
        return lines[0]


@pytest.fixture
def cli(settings, app, clock, monkeypatch) -> Cli:
    monkeypatch.setattr(cli_common, "LedgerApplication", partial(LedgerApplication, clock=clock))
    runner = Cli(settings, app, f"g{uuid.uuid4().hex[:10]}")
    slug = runner.slug
    runner.ok("init", slug, "--name", "新竹社区")
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


def test_a_shop_lease_runs_end_to_end_through_the_cli(cli, clock, tmp_path):
    slug = cli.slug
    cli.ok("post", slug, "--category", "asset", "--counterparty", "新竹社区", "--debit",
           "1601:general:300,000.00", "--credit", "3001:general:300,000.00")
    cli.ok("asset", "register", slug, "shop-1", "--kind", "shop", "--zh", "临街门面1号",
           "--location", "新竹路1号", "--book-value", "300,000.00", "--account", "1601",
           "--fund", "general")
    cli.ok("asset", "value", slug, "shop-1", "--value", "320,000.00", "--appraiser", "信达评估",
           "--report-sha256", HEX)
    trade = cli.seq("trade", "propose", slug, "shop-1", "--method", "lease", "--reserve",
                    "108,000.00", "--conditions", "不得经营餐饮", "--term-months", "36")
    cli.fails("out-of-order", "trade", "notice", slug, str(trade), "--days", "10")
    resolution = cli.seq("resolution", "record", slug, "--matter", f"trade:{trade}", "--title",
                         "门面招租", "--representatives", "25", "--attendance", "22", "--for",
                         "20", "--against", "1", "--abstain", "1", "--minutes-sha256", HEX)
    cli.ok("resolution", "cosign", slug, str(resolution))
    cli.fails("approval-required", "trade", "notice", slug, str(trade), "--days", "10")
    cli.ok("resolution", "cosign", slug, str(resolution), "--key", "supervisor")
    sheet = tmp_path / "notice.txt"
    assert "bids are open until" in cli.ok("trade", "notice", slug, str(trade), "--days", "10",
                                           "--sheet-out", str(sheet))
    notice = cli.app.state(slug).disclosures
    assert [d.sheet_sha256 for d in notice.values()] == [
        hashlib.sha256(sheet.read_bytes()).hexdigest()]

    clock.advance(days=2)
    cli.ok("trade", "bid", slug, str(trade), "--bidder", "李四", "--amount", "100,000.00")
    best = cli.seq("trade", "bid", slug, str(trade), "--bidder", "王小明", "--bidder-id",
                   "110101198001010011", "--amount", "126,000.00")
    cli.fails("notice-period-open", "trade", "award", slug, str(trade), str(best))
    clock.advance(days=8, seconds=1)
    cli.fails("notice-closed", "trade", "bid", slug, str(trade), "--bidder", "迟到者",
              "--amount", "200,000.00")
    cli.ok("trade", "award", slug, str(trade), str(best))
    cli.fails("disclosure-required", "trade", "contract", slug, str(trade),
              "--contract-sha256", HEX)
    cli.ok("disclosure", "publish", slug, "--trade", str(trade), "--stage", "award")
    cli.ok("trade", "contract", slug, str(trade), "--contract-sha256", HEX)
    cli.fails("out-of-order", "trade", "complete", slug, str(trade))
    rent = cli.seq("post", slug, "--category", "rent", "--counterparty", "王小明",
                   "--counterparty-kind", "person", "--debit", "1002:general:36,000.00",
                   "--credit", "4002:general:36,000.00")
    assert "36,000.00" in cli.ok("trade", "settle", slug, str(trade), "--entry", str(rent))
    cli.ok("trade", "complete", slug, str(trade))
    cli.ok("disclosure", "publish", slug, "--trade", str(trade), "--stage", "completion")

    record = cli.app.state(slug).trades[trade]
    assert record.status == "completed" and record.completion_disclosure is not None
    shown = cli.ok("trade", "show", slug, str(trade))
    assert "completed" in shown and "awarded" in shown and "below reserve" in shown
    listed = cli.ok("asset", "list", slug)
    assert "leased" in listed and "book values tie" in listed


def test_a_major_payment_runs_end_to_end_through_the_cli(cli, tmp_path):
    slug = cli.slug
    cli.ok("post", slug, "--category", "grant", "--counterparty", "街道办事处", "--debit",
           "1002:renovation:200,000.00", "--credit", "4001:renovation:200,000.00")
    payment = cli.seq("post", slug, "--category", "works", "--counterparty", "宏远建筑",
                      "--debit", "5002:renovation:120,000.00", "--credit",
                      "1002:renovation:120,000.00")
    cli.fails("approval-required", "confirm", slug, str(payment))
    cli.fails("approval-required", "approve", slug, str(payment))
    resolution = cli.seq("resolution", "record", slug, "--matter", f"entry:{payment}",
                         "--title", "外墙修缮工程款", "--representatives", "35", "--attendance",
                         "29", "--for", "26", "--against", "1", "--abstain", "2",
                         "--minutes-sha256", HEX)
    cli.ok("resolution", "cosign", slug, str(resolution))
    cli.fails("approval-required", "approve", slug, str(payment), "--resolution",
              str(resolution))
    cli.ok("resolution", "cosign", slug, str(resolution), "--key", "supervisor")
    cli.ok("approve", slug, str(payment), "--resolution", str(resolution))
    cli.fails("disclosure-required", "confirm", slug, str(payment))
    sheet = tmp_path / "resolution.txt"
    cli.ok("resolution", "disclose", slug, str(resolution), "--where", "社区公开栏",
           "--sheet-out", str(sheet))
    assert "外墙修缮工程款" in sheet.read_text(encoding="utf-8")
    cli.ok("confirm", slug, str(payment))
    state = cli.app.state(slug)
    assert state.pending[payment].status == "approved" and payment in state.confirmed
    assert state.resolutions[resolution].disclosed_seq is not None


def test_the_intake_key_is_registered_once_and_questions_are_answered_from_the_cli(cli, clock):
    slug = cli.slug
    first = cli.ok("intake-key", slug)
    assert "registered" in first and "made at" in first
    assert "already registered" in cli.ok("intake-key", slug)
    key, made = intake_keys.load_or_create_intake_key(cli.settings, slug)
    assert not made and intake_keys.is_registered(cli.app.state(slug), key)
    question = cli.app.submit(Signer(key, slug).ask("entry", 1, "账本什么时候开的?")).seq
    cli.fails("out-of-order", "question", "close", slug, str(question))
    clock.advance(days=1)
    cli.ok("question", "answer", slug, str(question), "--text", "今天。Today.")
    cli.ok("question", "close", slug, str(question), "--note", "已答复", "--key", "supervisor")
    listed = cli.ok("question", "list", slug)
    assert "closed" in listed and "24" in listed and "账本什么时候开的" in listed
