"""Unprintable text and the command line: a memo with a terminal escape or a
right-to-left override is refused (unsafe-text) and writes nothing; and a log that
already holds such text (signed before the rule) is shown with the characters
escaped, so the auditor's terminal never receives them."""

from __future__ import annotations

import pytest

from ledger.domain import fields
from tests.builders.cli import grant
from tests.builders.community import Community

TRAPS = ["\x1b[31m红字\x1b[0m", "金额 \u202e0021", "响铃\x07", "NUL\x00here"]


@pytest.mark.parametrize("memo", TRAPS)
def test_a_memo_with_an_unprintable_character_is_refused_and_nothing_is_written(cli, town, memo):
    line = cli.refuses("unsafe-text", "post", town, "--date", "2026-01-10", "--category", "grant",
                       "--counterparty", "街道办", "--debit", "1002:activity:5",
                       "--credit", "4001:activity:5", "--memo", memo)
    assert "U+" in line and not fields.UNSAFE_RE.search(line)


def test_a_memo_on_several_lines_is_still_taken(cli, town):
    grant(cli, town)
    out = cli.out("post", town, "--date", "2026-01-11", "--category", "activity",
                  "--counterparty", "文体店", "--debit", "5001:activity:5",
                  "--credit", "1002:activity:5", "--memo", "第一行\n第二行")
    assert "seq" in out


def test_an_old_log_holding_unprintable_text_is_shown_escaped(cli, app, slug, monkeypatch):
    # A log written before the text rule: the rule is switched off while it is signed.
    monkeypatch.setattr(fields, "check_text", lambda value, name, *, prose: None)
    town = Community.open(app, slug)
    town.grant("general", 100)
    old = "\x1b[31m红字\x07 \u202e0021"
    town.submit(town.agent.post("2026-01-06", "grant", {"kind": "organisation", "name": "x"},
                                [{"account": "1002", "fund": "general", "side": "debit",
                                  "amount": 1},
                                 {"account": "4001", "fund": "general", "side": "credit",
                                  "amount": 1}], memo=old))
    monkeypatch.undo()
    shown = cli.out("log", slug)
    for escaped in ("\\x1b[31m", "\\u202e"):  # (rich drops the BEL itself)
        assert escaped in shown, shown
    assert not fields.UNSAFE_IN_PROSE_RE.search(shown)
