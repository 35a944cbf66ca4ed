"""Bad input gets one red line, exit code 1, no traceback, and changes nothing."""

from __future__ import annotations

import pytest

from tests.builders.cli import write

HEAD = "date: 2026-03-05\ncategory: activity\ncounterparty: 阳光文体用品店\npostings:\n"
BAD_ENTRY_FILES = {
    "unbalanced": (HEAD + '  - {account: "5001", fund: activity, side: debit, amount: "1,200.00"}\n'
                          '  - {account: "1002", fund: activity, side: credit, amount: "1,100.00"}\n',
                   # in the yuan the agent typed, not "by 10000" fen
                   "activity: debits exceed credits by 100.00 CNY"),
    "float amount": (HEAD + '  - {account: "5001", fund: activity, side: debit, amount: 12.50}\n'
                            '  - {account: "1002", fund: activity, side: credit, amount: 12.50}\n',
                     "never floats"),
    "unknown account": (HEAD + '  - {account: "5009", fund: activity, side: debit, amount: "10"}\n'
                               '  - {account: "1002", fund: activity, side: credit, amount: "10"}\n',
                        "account 5009 does not exist"),
    "unknown field": (HEAD.replace("category", "categroy") + '  - {account: "5001"}\n',
                      "unknown fields categroy"),
    "not yaml": ("postings: [unclosed\n", "not valid"),
}


@pytest.fixture
def funded(cli, town) -> str:
    cli.ok("post", town, "--category", "grant", "--counterparty", "街道办事处",
           "--debit", "1002:activity:5,000.00", "--credit", "4001:activity:5,000.00")
    return town


@pytest.mark.parametrize("name", sorted(BAD_ENTRY_FILES))
def test_a_bad_entry_file_is_refused_in_one_line_and_the_log_is_unchanged(cli, funded,
                                                                          tmp_path, name):
    text, reason = BAD_ENTRY_FILES[name]
    before = cli.stored_size(funded)
    line = cli.fails("post", funded, "--file", str(write(tmp_path / "entry.yaml", text)))
    assert reason in line
    assert cli.stored_size(funded) == before


@pytest.mark.parametrize("args, reason", [
    (["--debit", "5001:activity:1.234", "--credit", "1002:activity:1.234"], "more than 2 decimals"),
    (["--debit", "5001:activity:-5", "--credit", "1002:activity:-5"], "more than zero"),
    (["--debit", "5001:activity", "--credit", "1002:activity:5"], "ACCOUNT:FUND:AMOUNT"),
    (["--debit", "5001:activity:9,000.00", "--credit", "1002:activity:9,000.00"],
     "insufficient-funds"),
    (["--debit", "5001:activity:5", "--credit", "1002:activity:5", "--key", "cashier"],
     "forbidden-role"),
])
def test_bad_posting_options_are_refused_in_one_line_and_the_log_is_unchanged(cli, funded,
                                                                              args, reason):
    before = cli.stored_size(funded)
    line = cli.fails("post", funded, "--category", "activity", "--counterparty", "惠民超市", *args)
    assert reason in line
    assert cli.stored_size(funded) == before


def test_opening_a_ledger_twice_is_refused_and_keeps_the_first_genesis(cli, town):
    before = cli.stored_size(town)
    assert "already exists" in cli.fails("init", town, "--name", "另一个社区")
    assert cli.stored_size(town) == before


def test_a_ledger_that_does_not_exist_is_one_line_not_a_traceback(cli, slug):
    assert "does not exist" in cli.fails("balances", slug)
    assert cli.stored_size(slug) == 0


def test_a_bad_ledger_name_is_refused_before_any_key_file_is_written(cli):
    assert "must be" in cli.fails("init", "Bad_Name", "--name", "x")
    assert not (cli.settings.data_dir / "keys" / "Bad_Name").exists()


def test_reversing_an_entry_that_is_not_a_journal_entry_is_refused(cli, town):
    before = cli.stored_size(town)
    assert "only posted journal entries" in cli.fails("reverse", town, "1", "--reason", "x")
    assert cli.stored_size(town) == before


def test_setting_a_budget_twice_needs_a_reason_from_the_command_line(cli, town):
    cli.ok("budget", "set", town, "activity", "2026", "60,000.00")
    before = cli.stored_size(town)
    assert "must give its reason" in cli.fails("budget", "set", town, "activity", "2026",
                                               "90,000.00")
    assert cli.stored_size(town) == before
    cli.ok("budget", "set", town, "activity", "2026", "90,000.00", "--reason", "增加活动 more")
    assert cli.stored_size(town) == before + 1


def test_the_same_entry_file_run_twice_is_not_recorded_again_unless_said_again(
        cli, funded, tmp_path):
    entry = write(tmp_path / "spend.yaml", HEAD +
                  '  - {account: "5001", fund: activity, side: debit, amount: "1,200.00"}\n'
                  '  - {account: "1002", fund: activity, side: credit, amount: "1,200.00"}\n')
    first = cli.seq("post", funded, "--file", str(entry))
    before = cli.stored_size(funded)
    line = cli.ok("post", funded, "--file", str(entry)).output  # a retry succeeds, once
    assert f"entry {first}," in line and "--again" in line and "nothing to do" in line
    assert cli.stored_size(funded) == before
    assert cli.seq("post", funded, "--file", str(entry), "--again") == before
    assert cli.stored_size(funded) == before + 1


def test_an_entry_that_differs_in_anything_is_not_a_repeat(cli, funded):
    common = ("--date", "2026-03-05", "--category", "activity", "--counterparty", "阳光文体用品店",
              "--credit", "1002:activity:10.00")
    cli.ok("post", funded, *common, "--debit", "5001:activity:10.00", "--memo", "茶水")
    cli.ok("post", funded, *common, "--debit", "5001:activity:10.00", "--memo", "茶叶")
