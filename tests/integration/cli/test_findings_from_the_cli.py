"""Inspection findings and documents from the `sunledger` CLI (the real Typer app
in-process, on both real stores): a red flag promoted to a finding in one step,
assigned, rectified with an evidence file the store then keeps, and closed by the
supervisors; a document nobody named is refused with one line and nothing kept."""

from __future__ import annotations

import hashlib
import uuid

import pytest

from ledger.log.documents import DocumentStore
from projections.governance_flags import red_flags
from projections.view import open_view
from projections.worker import catch_up
from tests.builders.cli import Cli, a_governed_community_from_the_command_line


@pytest.fixture
def cli(settings, app) -> Cli:
    runner = Cli(settings, app, f"f{uuid.uuid4().hex[:10]}")
    return a_governed_community_from_the_command_line(runner)


def pay(cli: Cli, amount: str, memo: str) -> int:
    return cli.seq("post", cli.slug, "--category", "works", "--counterparty", "安居装修工程公司",
                   "--memo", memo, "--debit", f"5002:renovation:{amount}", "--credit",
                   f"1002:renovation:{amount}")


def test_a_red_flag_becomes_a_finding_that_is_worked_to_the_end_from_the_cli(cli, app,
                                                                              tmp_path):
    slug = cli.slug
    cli.ok("post", slug, "--category", "grant", "--counterparty", "街道办事处", "--debit",
           "1002:renovation:100,000.00", "--credit", "4001:renovation:100,000.00")
    pay(cli, "3,000.00", "一期 first part")
    pay(cli, "3,000.00", "二期 second part")  # both under the 5,000 threshold: split
    catch_up(app)
    flag = next(item for item in red_flags(app, open_view(app), slug)["items"]
                if item["code"] == "split-payment")
    finding = cli.seq("finding", "raise", slug, "--from-red-flag", flag["id"])
    raised = app.state(slug).inspection_findings[finding]
    assert (raised.about_kind, raised.about_ref) == ("red_flag", flag["id"])
    assert app.entries(slug, finding, 1)[0].statement.body["entries"] == flag["seqs"]

    cli.ok("finding", "assign", slug, str(finding), "--owner", "居委会主任", "--deadline",
           "2099-06-30")
    evidence = tmp_path / "rectification.txt"
    evidence.write_text("整改报告: 合并付款已补办审批\n", encoding="utf-8")
    assert "kept as text/plain" in cli.out("finding", "rectify", slug, str(finding),
                                           "--evidence", str(evidence))
    digest = hashlib.sha256(evidence.read_bytes()).hexdigest()
    assert DocumentStore(app).get(slug, digest).content == evidence.read_bytes()
    cli.refuses("forbidden-role", "finding", "close", slug, str(finding), "--key", "committee")
    cli.ok("finding", "close", slug, str(finding))
    assert app.state(slug).inspection_findings[finding].status == "closed"
    assert "closed" in cli.out("finding", "list", slug)


def test_a_red_flag_the_views_do_not_hold_is_refused_with_one_line(cli):
    cli.refuses("not-found", "finding", "raise", cli.slug, "--from-red-flag", "round-cash:999")


def test_minutes_upload_from_the_cli_and_a_file_nobody_named_is_refused(cli, app, tmp_path):
    minutes = tmp_path / "minutes.txt"
    minutes.write_text("居民代表会议纪要\n同意 20 人\n", encoding="utf-8")
    cli.ok("resolution", "record", cli.slug, "--matter", "other", "--title", "门面招租",
           "--representatives", "25", "--attendance", "22", "--for", "20", "--against", "1",
           "--abstain", "1", "--minutes-sha256",
           hashlib.sha256(minutes.read_bytes()).hexdigest())
    assert "kept as text/plain" in cli.out("document", "upload", cli.slug, str(minutes))
    assert "already kept" in cli.out("document", "upload", cli.slug, str(minutes))
    stranger = tmp_path / "stranger.txt"
    stranger.write_text("nobody named me\n", encoding="utf-8")
    cli.refuses("document-not-named", "document", "upload", cli.slug, str(stranger))
    digest = hashlib.sha256(stranger.read_bytes()).hexdigest()
    assert DocumentStore(app).kept_among(cli.slug, [digest]) == set()
