"""Files given to the CLI are read as strictly as the API reads a body: a size cap (never
the whole of /dev/zero), YAML without anchors or aliases, no duplicate keys, no deep
nesting. Each is one red line, exit code 1, and the log is unchanged."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from tests.builders.cli import write

ENTRY_YAML = ("date: 2026-03-05\ncategory: activity\ncounterparty: 阳光文体用品店\npostings:\n"
              '  - {account: "5001", fund: activity, side: debit, amount: "10.00"}\n'
              '  - {account: "1002", fund: activity, side: credit, amount: "10.00"}\n')
ALIAS_BOMB = ('a: &a ["x","x","x","x","x","x","x","x","x"]\n'
              + "".join(f'{chr(98 + i)}: &{chr(98 + i)} [*{chr(97 + i)},*{chr(97 + i)},'
                        f'*{chr(97 + i)},*{chr(97 + i)},*{chr(97 + i)},*{chr(97 + i)},'
                        f'*{chr(97 + i)},*{chr(97 + i)},*{chr(97 + i)}]\n' for i in range(8)))
DUPLICATE_JSON = ('{"date": "2026-03-05", "category": "activity", "counterparty": "甲",'
                  ' "counterparty": "乙", "postings": []}')
HOSTILE_ENTRY_FILES = {
    "yaml alias bomb": ("entry.yaml", ALIAS_BOMB, "anchors and aliases"),
    "yaml anchor alone": ("entry.yaml", ENTRY_YAML.replace("category: activity",
                                                           "category: &c activity"),
                          "anchors and aliases"),
    "json duplicate key": ("entry.json", DUPLICATE_JSON, "duplicate object key 'counterparty'"),
    "yaml duplicate key": ("entry.yaml", ENTRY_YAML + "category: grant\n",
                           "duplicate key 'category'"),
    "json nested deeply": ("entry.json", "[" * 30_000 + "]" * 30_000, "nested too deeply"),
    "json nested past the limit": ("entry.json", '{"memo": ' + "[" * 40 + "]" * 40 + "}",
                                   "nested deeper than"),
    "yaml nested deeply": ("entry.yaml", "memo: " + "[" * 20_000 + "]" * 20_000,
                           "nested deeper than 32 levels"),
    "huge file": ("entry.yaml", ENTRY_YAML + "#" * 100_000 + "\n", "larger than 65536 bytes"),
    "not utf-8": ("entry.yaml", None, "not UTF-8"),
}


@pytest.fixture
def funded(cli, town) -> str:
    cli.ok("post", town, "--category", "grant", "--counterparty", "街道办事处",
           "--debit", "1002:activity:5,000.00", "--credit", "4001:activity:5,000.00")
    return town


def refused_quickly(cli, slug: str, *args: str) -> str:
    before = cli.stored_size(slug)
    started = time.monotonic()
    line = cli.fails(*args)
    # Seconds, not the minutes an alias bomb or /dev/zero took (with room for a busy machine).
    assert time.monotonic() - started < 20, "a hostile file must be refused in moments"
    assert cli.stored_size(slug) == before
    return line


@pytest.mark.parametrize("name", sorted(HOSTILE_ENTRY_FILES))
def test_a_hostile_entry_file_is_one_red_line_and_the_log_is_unchanged(cli, funded, tmp_path,
                                                                       name):
    file_name, text, reason = HOSTILE_ENTRY_FILES[name]
    path = tmp_path / file_name
    if text is None:
        path.write_bytes(b"category: \xff\xfe\n")
    else:
        write(path, text)
    line = refused_quickly(cli, funded, "post", funded, "--file", str(path))
    assert reason in line, line


def test_dev_zero_as_an_entry_file_is_refused_after_the_cap_not_read_whole(cli, funded):
    line = refused_quickly(cli, funded, "post", funded, "--file", "/dev/zero")
    assert "larger than 65536 bytes" in line


def test_dev_zero_as_a_receipt_is_refused_not_hashed_forever(cli, funded):
    line = refused_quickly(cli, funded, "post", funded, "--category", "activity",
                           "--counterparty", "惠民超市", "--debit", "5001:activity:5",
                           "--credit", "1002:activity:5", "--receipt", "/dev/zero")
    assert "not a regular file" in line


def test_the_same_entry_without_the_hostile_parts_is_posted(cli, funded, tmp_path):
    """The control: the strict reader still takes an ordinary entry file (YAML and JSON)."""
    before = cli.stored_size(funded)
    cli.ok("post", funded, "--file", str(write(tmp_path / "entry.yaml", ENTRY_YAML)))
    cli.ok("post", funded, "--file", str(write(tmp_path / "entry.json", (
        '{"date": "2026-03-05", "category": "activity", "counterparty": "甲", "postings": ['
        '{"account": "5001", "fund": "activity", "side": "debit", "amount": "1.00"},'
        '{"account": "1002", "fund": "activity", "side": "credit", "amount": "1.00"}]}'))))
    assert cli.stored_size(funded) == before + 2


def test_a_catalogue_file_with_duplicate_keys_is_refused(cli, town, tmp_path):
    catalogue = write(tmp_path / "catalogue.json", (
        '[{"code": "finance", "code": "other", "name_zh": "财务", "name_en": "Finance",'
        ' "frequency": "monthly"}]'))
    line = refused_quickly(cli, town, "disclosure", "catalogue", town, "--file", str(catalogue))
    assert "duplicate object key 'code'" in line


def test_a_huge_checkpoint_given_to_verify_since_is_refused(cli, town, tmp_path):
    huge = Path(tmp_path / "old.checkpoint")
    huge.write_bytes(b"x" * (1 << 20))
    line = refused_quickly(cli, town, "verify", town, "--since", str(huge))
    assert "larger than" in line
