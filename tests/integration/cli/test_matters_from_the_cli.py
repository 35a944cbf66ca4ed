"""四议两公开 in full from the `sunledger` CLI (the real Typer app in-process, on both
real stores): the policy turned on, a major payment's matter proposed, discussed,
reviewed, resolved with `resolution record --proposal`, published and its result
published; a step out of order, a resolution without the procedure and turning the
procedure off without a resolution are refused with one line and nothing written;
`matter list` and `matter show` tell the story."""

from __future__ import annotations

import hashlib
import uuid
from functools import partial

import pytest

from ledger.cli import common as cli_common
from ledger.log.application import LedgerApplication
from tests.builders.cli import Cli, a_governed_community_from_the_command_line

HEX = {name: hashlib.sha256(name.encode()).hexdigest()
       for name in ("proposal", "joint", "party", "minutes", "result")}


@pytest.fixture
def cli(settings, app, clock, monkeypatch) -> Cli:
    monkeypatch.setattr(cli_common, "LedgerApplication", partial(LedgerApplication, clock=clock))
    runner = Cli(settings, app, f"m{uuid.uuid4().hex[:10]}")
    return a_governed_community_from_the_command_line(runner)


def _resolution(cli: Cli, payment: int, *extra: str) -> list[str]:
    return ["resolution", "record", cli.slug, "--matter", f"entry:{payment}", "--title",
            "3号楼外墙修缮", "--representatives", "35", "--attendance", "29", "--for", "26",
            "--against", "2", "--abstain", "1", "--minutes-sha256", HEX["minutes"],
            "--meeting-date", "2026-05-12", *extra]


def test_a_matter_takes_its_six_steps_from_the_cli(cli, tmp_path):
    slug = cli.slug
    cli.ok("policy", "set", slug, "--approval", "5,000.00", "--major", "50,000.00",
           "--notice-days", "10", "--full-procedure-for-major")
    cli.ok("post", slug, "--date", "2026-04-01", "--category", "grant", "--counterparty",
           "街道办事处", "--debit", "1002:renovation:200,000.00", "--credit",
           "4001:renovation:200,000.00")
    payment = cli.seq("post", slug, "--date", "2026-04-28", "--category", "works",
                      "--counterparty", "安居装修工程公司", "--debit",
                      "5002:renovation:120,000.00", "--credit", "1002:renovation:120,000.00")
    line = cli.refuses("approval-required", *_resolution(cli, payment))
    assert "full procedure" in line
    proposal = tmp_path / "proposal.txt"
    proposal.write_text("3号楼外墙修缮提议\n", encoding="utf-8")
    matter = cli.seq("matter", "propose", slug, "--subject", f"entry:{payment}", "--title",
                     "3号楼外墙修缮", "--by", "party_branch", "--proposal", str(proposal),
                     "--date", "2026-05-01")
    cli.refuses("out-of-order", "matter", "review", slug, str(matter), "--minutes-sha256",
                HEX["party"], "--meeting-date", "2026-05-05")
    cli.refuses("not-found", "matter", "discuss", slug, str(payment), "--outcome", "同意",
                "--minutes-sha256", HEX["joint"], "--meeting-date", "2026-05-03")
    cli.ok("matter", "discuss", slug, str(matter), "--outcome", "同意提交党员大会审议",
           "--minutes-sha256", HEX["joint"], "--meeting-date", "2026-05-03")
    cli.ok("matter", "review", slug, str(matter), "--minutes-sha256", HEX["party"],
           "--meeting-date", "2026-05-05")
    resolution = cli.seq(*_resolution(cli, payment, "--proposal", str(matter)))
    for key in ("committee", "supervisor"):
        cli.ok("resolution", "cosign", slug, str(resolution), "--key", key)
    cli.refuses("out-of-order", "matter", "implement", slug, str(matter), "--result-sha256",
                HEX["result"], "--date", "2026-06-30")
    cli.ok("resolution", "disclose", slug, str(resolution), "--date", "2026-05-14")
    cli.ok("matter", "implement", slug, str(matter), "--result-sha256", HEX["result"],
           "--where", "社区公开栏", "--date", "2026-06-30")

    state = cli.app.state(slug)
    assert state.matters[matter].status == "implemented"
    assert state.named_documents[hashlib.sha256(proposal.read_bytes()).hexdigest()].seq == matter
    listed = cli.out("matter", "list", slug)
    assert "3号楼外墙修缮" in listed and "implemented" in listed
    shown = cli.out("matter", "show", slug, str(matter))
    assert f"resolved     seq {resolution}  2026-05-12" in shown
    assert "implemented  seq" in shown and "2026-06-30" in shown
    cli.refuses("not-found", "matter", "show", slug, str(payment))
    # Turning the procedure off loosens the policy: it rests on a resolution.
    line = cli.refuses("approval-required", "policy", "set", slug, "--approval", "5,000.00",
                       "--major", "50,000.00", "--notice-days", "10",
                       "--no-full-procedure-for-major")
    assert "no longer requires the full procedure" in line

