"""`sunledger init --chart village|npo` opens a standard chart of accounts as ordinary
account.opened entries; a sub-account by counterparty opens under it."""

from __future__ import annotations

from ledger.charts import CHARTS
from ledger.log.application import LedgerApplication


def _accounts(cli, slug: str) -> dict:
    app = LedgerApplication(cli.settings)
    try:
        return dict(app.state(slug).accounts)
    finally:
        app.close()


def _init(cli, slug: str, *more: str):
    return cli.ok("init", slug, "--name", "新竹村", "--origin", f"ledger.example.org/{slug}",
                  *more)


def test_init_with_the_village_chart_opens_every_account_of_the_standard(cli, slug):
    _init(cli, slug, "--chart", "village")
    accounts = _accounts(cli, slug)
    assert [(a.code, a.name_zh, a.account_class, a.kind) for a in accounts.values()] == [
        (a.code, a.name_zh, a.account_class, a.kind) for a in CHARTS["village"].accounts]
    assert cli.stored_size(slug) == 1 + 42


def test_init_with_the_npo_chart_opens_the_four_digit_codes(cli, slug):
    _init(cli, slug, "--chart", "npo")
    accounts = _accounts(cli, slug)
    assert accounts["3102"].name_zh == "限定性净资产"
    assert accounts["1002"].kind == "bank" and accounts["5101"].account_class == "expense"
    assert len(accounts) == 48


def test_an_unknown_chart_is_refused_before_anything_is_written(cli, slug):
    line = cli.fails("init", slug, "--name", "新竹村", "--origin", f"ledger.example.org/{slug}",
                     "--chart", "enterprise")
    assert "npo or village" in line and "[malformed]" in line
    assert cli.stored_size(slug) == 0
    assert not (cli.settings.data_dir / "keys" / slug).exists()


def test_a_sub_account_by_counterparty_opens_under_a_standard_account(cli, slug):
    _init(cli, slug, "--chart", "village")
    cli.ok("account", "open", slug, "211.01", "--zh", "应付款—某建筑公司",
           "--en", "Payables: a builder", "--class", "liability", "--key", "admin")
    assert _accounts(cli, slug)["211.01"].account_class == "liability"


def test_a_sub_account_of_another_class_than_its_parent_is_refused_and_nothing_changes(
        cli, slug):
    _init(cli, slug, "--chart", "village")
    cli.slug = slug
    line = cli.refuses("rule-violated", "account", "open", slug, "211.01", "--zh", "应付款—某公司",
                       "--en", "Payables: a firm", "--class", "asset", "--key", "admin")
    assert "211" in line and "liability" in line
    assert "211.01" not in _accounts(cli, slug)
