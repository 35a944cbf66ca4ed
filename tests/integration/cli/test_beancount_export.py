"""`sunledger export LEDGER --beancount FILE`: one file beancount's own loader accepts
with no errors, whose balances per account and fund are the signed figures at the
same size (held and rejected payments move nothing, exactly as in the figures)."""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal

from beancount import loader
from beancount.core import data

from ledger.beancount import component
from ledger.log.application import LedgerApplication
from ledger.log.figures import figures_at
from tests.builders.cli import Cli, a_governed_community_from_the_command_line, a_ledger_name

ENTRIES = 400


def _loaded(path):
    entries, errors, _ = loader.load_file(str(path))
    assert errors == [], [str(e.message) for e in errors[:5]]
    return entries


def _beancount_balances(entries) -> dict[tuple[str, str, str], Decimal]:
    """(code, fund, currency) -> the signed sum (debit +), read back through each open's
    code and fund metadata."""
    names = {e.account: (e.meta["code"], e.meta["fund"]) for e in entries
             if isinstance(e, data.Open)}
    sums: dict[tuple[str, str, str], Decimal] = defaultdict(Decimal)
    for entry in entries:
        if isinstance(entry, data.Transaction):
            for posting in entry.postings:
                code, fund = names[posting.account]
                sums[(code, fund, posting.units.currency)] += posting.units.number
    return sums


def _figures(cli, slug: str, size: int) -> dict:
    app = LedgerApplication(cli.settings)
    try:
        return figures_at(app, slug, size)
    finally:
        app.close()


def _export(cli, slug: str, path) -> int:
    said = cli.ok("export", slug, "--beancount", str(path)).stdout
    return int(said.split(" at size ")[1].split(" ")[0])


def _assert_the_figures(cli, slug: str, path, size: int) -> list:
    """The file loads clean and its balances are the figures at ``size``, no more."""
    entries = _loaded(path)
    figures = _figures(cli, slug, size)
    assert figures is not None and figures["size"] == size
    signed = _beancount_balances(entries)
    roots = {e.meta["code"]: e.account.split(":")[0] for e in entries
             if isinstance(e, data.Open)}
    for account, fund, currency, balance in figures["balances"]:
        sign = -1 if roots[account] in {"Liabilities", "Equity", "Income"} else 1
        assert sign * signed.pop((account, fund, currency)) * 100 == balance, (account, fund)
    assert signed == {}  # no triple beyond the figures' own
    return [e for e in entries if isinstance(e, data.Transaction)]


def test_the_demo_exported_loads_clean_and_equals_the_figures_at_its_size(cli, slug, tmp_path):
    cli.ok("demo", slug, "--entries", str(ENTRIES))
    path = tmp_path / "books.beancount"
    size = _export(cli, slug, path)
    transactions = _assert_the_figures(cli, slug, path, size)
    seqs = [t.meta["seq"] for t in transactions]
    assert len(seqs) == len(set(seqs)) > 100
    app = LedgerApplication(cli.settings)
    try:
        moving = {e.seq for e in app.entries(slug, 0, size)
                  if e.statement.type in ("entry.posted", "entry.reversed")}
    finally:
        app.close()
    assert set(seqs) == moving  # the demo rejects none and approves every payment it holds


def test_held_and_rejected_payments_are_not_in_the_file_and_an_approved_one_is(
        settings, tmp_path):
    cli = Cli(settings, None, a_ledger_name())
    slug = a_governed_community_from_the_command_line(cli).slug
    cli.ok("post", slug, "--category", "grant", "--counterparty", "街道办事处", "--debit",
           "1002:renovation:200,000.00", "--credit", "4001:renovation:200,000.00")

    def pay(amount: str) -> int:
        return cli.seq("post", slug, "--category", "works", "--counterparty", "宏远建筑",
                       "--debit", f"5002:renovation:{amount}", "--credit",
                       f"1002:renovation:{amount}")

    small, approved, rejected, held = (pay("1,000.00"), pay("8,000.00"), pay("9,000.00"),
                                       pay("7,000.00"))
    approval = cli.seq("approve", slug, str(approved))
    cli.ok("reject", slug, str(rejected), "--reason", "发票不符")
    path = tmp_path / "books.beancount"
    transactions = _assert_the_figures(cli, slug, path, _export(cli, slug, path))
    by_seq = {t.meta["seq"]: t for t in transactions}
    assert small in by_seq and approved in by_seq
    assert rejected not in by_seq and held not in by_seq
    assert by_seq[approved].meta["approved"] == approval
    assert "approved" not in by_seq[small].meta


def test_an_export_with_neither_or_both_targets_is_refused(cli, slug, tmp_path):
    cli.ok("init", slug, "--name", "新竹社区", "--origin", f"ledger.example.org/{slug}")
    assert "--beancount" in cli.fails("export", slug)
    assert "--beancount" in cli.fails("export", slug, "--bundle", str(tmp_path / "b"),
                                      "--beancount", str(tmp_path / "f"))
    assert not (tmp_path / "f").exists()


def test_codes_become_distinct_valid_components():
    assert component("202.01") == "202-D01" and component("activity") == "Activity"
    assert len({component(c) for c in ("202.01", "202-01", "202_01", "20201")}) == 4
