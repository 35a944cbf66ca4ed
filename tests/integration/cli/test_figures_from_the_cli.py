"""Figures from the command line: an audit bundle carries the signed figures, and
`sunledger verify` names the (account, fund, currency) a tampered copy changed."""

from __future__ import annotations

import json

import pytest

from tests.builders.cli import grant
from tests.builders.tamper import overwrite_state, stored_states


def spend(cli, town: str, amount: str = "1,280.00") -> None:
    cli.ok("post", town, "--category", "activity", "--counterparty", "惠民超市",
           "--debit", f"5001:activity:{amount}", "--credit", f"1002:activity:{amount}")


@pytest.fixture(autouse=True)
def wide_terminal(monkeypatch):
    """One table line per finding (Rich wraps cells to the terminal's width)."""
    monkeypatch.setenv("COLUMNS", "400")


def finding_rows(result) -> list[tuple[str, str, str]]:
    rows = [line.split("│") for line in result.stdout.splitlines() if line.startswith("│")]
    return [(r[1].strip(), r[2].strip(), r[3].strip()) for r in rows]


@pytest.fixture
def bundle(cli, town, tmp_path):
    grant(cli, town)
    spend(cli, town)
    directory = tmp_path / "audit"
    assert "and figures" in cli.ok("export", town, "--bundle", str(directory)).stdout
    return directory


def test_a_bundle_carries_the_figures_of_its_checkpoint_and_verifies(cli, bundle):
    document = json.loads((bundle / "figures.json").read_bytes())
    assert document["size"] == len((bundle / "entries.ndjson").read_bytes().splitlines())
    assert [row for row in document["balances"] if row[0] == "1002"] == [
        ["1002", "activity", "CNY", 5_000_000 - 128_000]]
    assert (bundle / "figures").read_text().startswith("sunledger/figures/v1\n")
    assert "OK" in cli.ok("verify", str(bundle)).stdout


def test_a_changed_balance_in_figures_json_is_named_by_its_triple(cli, bundle):
    path = bundle / "figures.json"
    path.write_bytes(path.read_bytes().replace(b'"CNY",4872000', b'"CNY",4872001'))
    result = cli("verify", str(bundle))
    assert result.exit_code == 1
    rows = finding_rows(result)
    assert {code for _, code, _ in rows} == {"figures-mismatch"}
    assert any("(1002, activity, CNY)" in message and "4872001" in message
               for _, _, message in rows), rows


def test_a_changed_figures_note_fails_its_signature(cli, bundle):
    path = bundle / "figures"
    lines = path.read_text(encoding="utf-8").split("\n")
    lines[2] = str(int(lines[2]) - 1)  # the size line
    path.write_text("\n".join(lines), encoding="utf-8")
    result = cli("verify", str(bundle))
    assert result.exit_code == 1
    assert [(code, "not signed by the log key" in message)
            for _, code, message in finding_rows(result)] == [("figures-mismatch", True)]


@pytest.mark.parametrize("settings", ["sqlite"], indirect=True)
def test_verify_holds_every_stored_figures_note_to_the_entries(cli, town):
    grant(cli, town)
    cli.ok("checkpoint", town)
    spend(cli, town)
    cli.ok("checkpoint", town)
    assert "OK" in cli.ok("verify", town).stdout

    rows = stored_states(cli.settings.database_url, "FiguresSigned")
    assert len(rows) == 3  # init signed the first, at size 1
    rowid, state = rows[1]
    forged = state.replace(b'"CNY",5000000', b'"CNY",5000100')
    assert forged != state
    overwrite_state(cli.settings.database_url, rowid, forged)

    result = cli("verify", town)
    assert result.exit_code == 1
    rows = finding_rows(result)
    assert {code for _, code, _ in rows} == {"figures-mismatch"}
    assert {where for where, _, _ in rows} == {"checkpoint 9"}  # the first note only
    assert [message.split(" is ")[0] for _, _, message in rows[:2]] == [
        "(1002, activity, CNY)", "(4001, activity, CNY)"]  # both rows of 5,000,000 were changed
    assert "is 5000000 by the entries but 5000100" in rows[0][2]
    assert "not the one the figures note signs" in rows[2][2]
