"""The beancount writer on awkward books: codes and funds that beancount names cannot
hold as they are, funds that differ only in case, a currency without minor units, a
memo with quotes, a backslash and a newline; beancount's loader reads them clean."""

from __future__ import annotations

from types import SimpleNamespace

from beancount import loader
from beancount.core import data

from ledger.beancount import beancount_text


def entry(seq: int, type_: str, body: dict) -> SimpleNamespace:
    return SimpleNamespace(seq=seq, statement=SimpleNamespace(type=type_, body=body))


def line(account: str, fund: str, side: str, amount: int) -> dict:
    return {"account": account, "fund": fund, "side": side, "amount": amount}


BOOKS = [
    entry(0, "ledger.opened", {"currency": "JPY"}),
    entry(1, "account.opened", {"code": "1_002", "class": "asset", "kind": "bank"}),
    entry(2, "account.opened", {"code": "202.01", "class": "liability"}),
    entry(3, "account.opened", {"code": "5-1", "class": "expense"}),
    entry(4, "entry.posted", {"date": "2026-02-01", "memo": 'say "hi" \\ \nthere', "postings": [
        line("5-1", "Activity", "debit", 700), line("202.01", "Activity", "credit", 700)]}),
    entry(5, "entry.posted", {"date": "2026-01-15", "memo": "", "postings": [
        line("5-1", "activity", "debit", 300), line("1_002", "activity", "credit", 300)]}),
    entry(6, "entry.reversed", {"entry": 5, "date": "2026-03-01", "reason": "wrong", "postings": [
        line("5-1", "activity", "credit", 300), line("1_002", "activity", "debit", 300)]}),
]


def test_awkward_books_load_clean_with_each_code_and_fund_kept_apart(tmp_path):
    path = tmp_path / "books.beancount"
    path.write_text(beancount_text('the "odd" ledger', BOOKS), encoding="utf-8")
    entries, errors, options = loader.load_file(str(path))
    assert errors == []
    opens = {e.account: (e.meta["code"], e.meta["fund"]) for e in entries
             if isinstance(e, data.Open)}
    assert len(opens) == 4 and len(set(opens.values())) == 4
    assert "Liabilities:202-D01:Activity" in opens and "Assets:1-U002:Activity-2" in opens
    moved = [e for e in entries if isinstance(e, data.Transaction)]
    assert [t.meta["seq"] for t in moved] == [5, 4, 6]  # by date
    assert moved[1].narration == 'say "hi" \\  there'
    assert moved[2].meta["reverses"] == 5
    assert {str(p.units) for p in moved[1].postings} == {"700 JPY", "-700 JPY"}
    assert options["operating_currency"] == ["JPY"] and options["title"] == 'the "odd" ledger'
