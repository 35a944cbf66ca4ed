"""The shop lease and the major payment run end to end with the `sunledger` CLI
(the real Typer app in-process, on both real stores), every step signed by a
key the CLI made and kept; a skipped step is one red line, exit 1, and the log
unchanged. The server clock the CLI's application uses is the test's, so the
notice period can pass."""

from __future__ import annotations

import hashlib
import uuid
from functools import partial

import pytest

from ledger.cli import common as cli_common

from ledger.keystore import intake_keys
from ledger.log.application import LedgerApplication
from ledger.client import Signer
from tests.builders.cli import Cli, a_governed_community_from_the_command_line

HEX = hashlib.sha256(b"a document").hexdigest()


@pytest.fixture
def cli(settings, app, clock, monkeypatch) -> Cli:
    """A governed ledger kept from the command line, on the test's clock."""
    monkeypatch.setattr(cli_common, "LedgerApplication", partial(LedgerApplication, clock=clock))
    runner = Cli(settings, app, f"g{uuid.uuid4().hex[:10]}")
    return a_governed_community_from_the_command_line(runner)


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
    cli.refuses("out-of-order", "trade", "notice", slug, str(trade), "--days", "10")
    resolution = cli.seq("resolution", "record", slug, "--matter", f"trade:{trade}", "--title",
                         "门面招租", "--representatives", "25", "--attendance", "22", "--for",
                         "20", "--against", "1", "--abstain", "1", "--minutes-sha256", HEX)
    cli.ok("resolution", "cosign", slug, str(resolution))
    cli.refuses("approval-required", "trade", "notice", slug, str(trade), "--days", "10")
    cli.ok("resolution", "cosign", slug, str(resolution), "--key", "supervisor")
    sheet = tmp_path / "notice.txt"
    assert "bids are open until" in cli.out("trade", "notice", slug, str(trade), "--days", "10",
                                           "--sheet-out", str(sheet))
    notice = cli.app.state(slug).disclosures
    assert [d.sheet_sha256 for d in notice.values()] == [
        hashlib.sha256(sheet.read_bytes()).hexdigest()]

    clock.advance(days=2)
    cli.ok("trade", "bid", slug, str(trade), "--bidder", "李四", "--amount", "100,000.00")
    best = cli.seq("trade", "bid", slug, str(trade), "--bidder", "王小明", "--bidder-id",
                   "110101198001010011", "--amount", "126,000.00")
    cli.refuses("notice-period-open", "trade", "award", slug, str(trade), str(best))
    clock.advance(days=8, seconds=1)
    cli.refuses("notice-closed", "trade", "bid", slug, str(trade), "--bidder", "迟到者",
              "--amount", "200,000.00")
    cli.ok("trade", "award", slug, str(trade), str(best))
    cli.refuses("disclosure-required", "trade", "contract", slug, str(trade),
              "--contract-sha256", HEX)
    cli.ok("disclosure", "publish", slug, "--trade", str(trade), "--stage", "award")
    cli.ok("trade", "contract", slug, str(trade), "--contract-sha256", HEX)
    cli.refuses("out-of-order", "trade", "complete", slug, str(trade))
    rent = cli.seq("post", slug, "--category", "rent", "--counterparty", "王小明",
                   "--counterparty-kind", "person", "--debit", "1002:general:36,000.00",
                   "--credit", "4002:general:36,000.00")
    assert "36,000.00" in cli.out("trade", "settle", slug, str(trade), "--entry", str(rent))
    cli.ok("trade", "complete", slug, str(trade))
    cli.ok("disclosure", "publish", slug, "--trade", str(trade), "--stage", "completion")

    record = cli.app.state(slug).trades[trade]
    assert record.status == "completed" and record.completion_disclosure is not None
    shown = cli.out("trade", "show", slug, str(trade))
    assert "completed" in shown and "awarded" in shown and "below reserve" in shown
    listed = cli.out("asset", "list", slug)
    assert "leased" in listed and "book values tie" in listed


def test_a_major_payment_runs_end_to_end_through_the_cli(cli, tmp_path):
    slug = cli.slug
    cli.ok("post", slug, "--category", "grant", "--counterparty", "街道办事处", "--debit",
           "1002:renovation:200,000.00", "--credit", "4001:renovation:200,000.00")
    payment = cli.seq("post", slug, "--category", "works", "--counterparty", "宏远建筑",
                      "--debit", "5002:renovation:120,000.00", "--credit",
                      "1002:renovation:120,000.00")
    cli.refuses("approval-required", "confirm", slug, str(payment))
    cli.refuses("approval-required", "approve", slug, str(payment))
    resolution = cli.seq("resolution", "record", slug, "--matter", f"entry:{payment}",
                         "--title", "外墙修缮工程款", "--representatives", "35", "--attendance",
                         "29", "--for", "26", "--against", "1", "--abstain", "2",
                         "--minutes-sha256", HEX)
    cli.ok("resolution", "cosign", slug, str(resolution))
    cli.refuses("approval-required", "approve", slug, str(payment), "--resolution",
              str(resolution))
    cli.ok("resolution", "cosign", slug, str(resolution), "--key", "supervisor")
    cli.ok("approve", slug, str(payment), "--resolution", str(resolution))
    cli.refuses("disclosure-required", "confirm", slug, str(payment))
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
    first = cli.out("intake-key", slug)
    assert "registered" in first and "made at" in first
    assert "already registered" in cli.out("intake-key", slug)
    key, made = intake_keys.load_or_create_intake_key(cli.settings, slug)
    assert not made and intake_keys.is_registered(cli.app.state(slug), key)
    question = cli.app.submit(Signer(key, slug).ask("entry", 1, "账本什么时候开的?")).seq
    cli.refuses("out-of-order", "question", "close", slug, str(question))
    clock.advance(days=1)
    cli.ok("question", "answer", slug, str(question), "--text", "今天。Today.")
    cli.ok("question", "close", slug, str(question), "--note", "已答复", "--key", "supervisor")
    listed = cli.out("question", "list", slug)
    assert "closed" in listed and "24" in listed and "账本什么时候开的" in listed
