"""A works contract runs from the `sunledger` CLI (the real Typer app in-process, on
both real stores): signed with instalments, a final payment and a retention,
paid with `post --contract`, the final payment refused before acceptance (one
line, exit 1, log unchanged), accepted, paid, listed."""

from __future__ import annotations

import hashlib
import uuid
from functools import partial

import pytest

from ledger.cli import common as cli_common
from ledger.log.application import LedgerApplication
from tests.builders.cli import Cli, a_governed_community_from_the_command_line

HEX = hashlib.sha256(b"a contract").hexdigest()


@pytest.fixture
def cli(settings, app, clock, monkeypatch) -> Cli:
    monkeypatch.setattr(cli_common, "LedgerApplication", partial(LedgerApplication, clock=clock))
    runner = Cli(settings, app, f"c{uuid.uuid4().hex[:10]}")
    return a_governed_community_from_the_command_line(runner)


def _pay(cli: Cli, amount: str, date: str, *extra: str) -> list[str]:
    return ["post", cli.slug, "--date", date, "--category", "works", "--counterparty",
            "安居装修工程公司", "--debit", f"5002:renovation:{amount}", "--credit",
            f"1002:renovation:{amount}", *extra]


def test_a_works_contract_is_signed_paid_accepted_and_listed_from_the_cli(cli):
    slug = cli.slug
    cli.ok("account", "open", slug, "2001", "--zh", "应付款", "--en", "Payables", "--class",
           "liability")
    cli.ok("post", slug, "--date", "2026-02-01", "--category", "grant", "--counterparty",
           "街道办事处", "--debit", "1002:renovation:100,000.00", "--credit",
           "4001:renovation:100,000.00")
    contract = cli.seq("contract", "sign", slug, "--direction", "payable", "--party",
                       "安居装修工程公司", "--subject", "楼道粉刷", "--fund", "renovation",
                       "--total", "10,000.00", "--starts", "2026-03-01", "--ends", "2026-06-30",
                       "--instalment", "2026-03-15=4,000.00", "--final", "2026-06-30=5,700.00",
                       "--retention", "300.00", "--retention-release", "2027-06-30",
                       "--document-sha256", HEX)
    cli.ok(*_pay(cli, "4,000.00", "2026-03-15", "--contract", str(contract)))
    before = cli.app.state(slug).size
    cli.refuses("out-of-order", *_pay(cli, "5,700.00", "2026-06-30", "--contract",
                                      str(contract), "--line", "1"))
    assert cli.app.state(slug).size == before
    cli.ok("contract", "accept", slug, str(contract), "--report-sha256", HEX, "--date",
           "2026-06-28", "--key", "supervisor")
    cli.ok(*_pay(cli, "5,700.00", "2026-06-30", "--contract", str(contract), "--line", "1"))
    lines = cli.app.state(slug).contracts[contract].lines
    assert [line.settled for line in lines] == [400_000, 570_000, 0]
    listed = cli.out("contract", "list", slug)
    assert "楼道粉刷" in listed and "9,700.00" in listed


def test_a_major_contract_rests_on_a_resolution_recorded_from_the_cli(cli):
    """Above the 50,000 major threshold: refused without a resolution, signed with one
    about a new contract (`--matter contract`), co-signed by committee and supervisor."""
    args = ["contract", "sign", cli.slug, "--direction", "payable", "--party", "安居装修工程公司",
            "--subject", "外墙修缮", "--fund", "renovation", "--total", "60,000.00", "--starts",
            "2026-03-01", "--ends", "2026-06-30", "--instalment", "2026-03-15=60,000.00",
            "--document-sha256", HEX]
    cli.refuses("approval-required", *args)
    resolution = cli.seq("resolution", "record", cli.slug, "--matter", "contract", "--title",
                         "外墙修缮合同", "--representatives", "25", "--attendance", "22",
                         "--for", "20", "--against", "1", "--abstain", "1",
                         "--minutes-sha256", HEX)
    cli.ok("resolution", "cosign", cli.slug, str(resolution))
    cli.ok("resolution", "cosign", cli.slug, str(resolution), "--key", "supervisor")
    contract = cli.seq(*args, "--resolution", str(resolution))
    assert cli.app.state(cli.slug).contracts[contract].resolution == resolution


def test_a_contract_whose_schedule_does_not_add_up_is_one_red_line(cli):
    cli.refuses("rule-violated", "contract", "sign", cli.slug, "--party", "王小明",
                "--party-kind", "person", "--subject", "门面", "--fund", "general", "--total",
                "1.00", "--starts", "2026-04-01", "--ends", "2026-06-30", "--monthly",
                "1,000.00", "--document-sha256", HEX)
