"""Figures computed straight from the statements a test submitted, independently
of the projection, to check the read models against."""

from __future__ import annotations

from collections import defaultdict

from tests.builders.books import ACCOUNT_CLASS, Books

SIDES = {"debit": 1, "credit": -1}
CREDIT_CLASSES = {"liability", "net_assets", "income"}


def journal_lines(books: Books):
    """(seq, date, category, posting) for every posting of every journal entry."""
    bodies = {seq: signed.statement.body for seq, signed in books.submitted}
    for seq, signed in books.submitted:
        body = signed.statement.body
        if signed.statement.type == "entry.posted":
            category = body["category"]
        elif signed.statement.type == "entry.reversed":
            category = bodies[body["entry"]]["category"]
        else:
            continue
        for line in body["postings"]:
            yield seq, body["date"], category, line


def usage(books: Books, year: int | None = None) -> dict[str, dict]:
    """Income and spending by fund, (fund, category) and (fund, month)."""
    groups = {"by_fund": defaultdict(lambda: [0, 0]), "by_category": defaultdict(lambda: [0, 0]),
              "by_month": defaultdict(lambda: [0, 0])}
    for _, date, category, line in journal_lines(books):
        if year is not None and not date.startswith(f"{year}-"):
            continue
        signed = SIDES[line["side"]] * line["amount"]
        cls = ACCOUNT_CLASS[line["account"]]
        income = -signed if cls == "income" else 0
        spending = signed if cls == "expense" else 0
        if not (income or spending):
            continue
        for name, key in (("by_fund", (line["fund"],)), ("by_category", (line["fund"], category)),
                          ("by_month", (line["fund"], date[:7]))):
            groups[name][key][0] += income
            groups[name][key][1] += spending
    return {name: {key: tuple(v) for key, v in group.items()} for name, group in groups.items()}


def balances(books: Books, as_of: str | None = None) -> dict[tuple[str, str], int]:
    """Natural-sign balance per (account, fund) of entries dated on or before ``as_of``."""
    totals: dict[tuple[str, str], int] = defaultdict(int)
    for _, date, _, line in journal_lines(books):
        if as_of is None or date <= as_of:
            cls = ACCOUNT_CLASS[line["account"]]
            sign = -1 if cls in CREDIT_CLASSES else 1
            totals[(line["account"], line["fund"])] += sign * SIDES[line["side"]] * line["amount"]
    return {key: value for key, value in totals.items() if value}
