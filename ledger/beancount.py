"""The books as one beancount file (`sunledger export LEDGER --beancount FILE`).

Which entries move money, and when, is FORMAT.md section 10's rule, taken from the
figures' own tally (``ledger.verify.figures.FiguresTally``), so the file's balance of
each (account, fund, currency) is the figures document's at the same size: an entry
rejected, or held and never approved, is not in the file.

Each moved entry is one transaction dated by its own business date (a held payment
that was approved counts on its own date, as in the read model), with metadata
``seq`` (and ``approved`` for the seq of its approval). Its accounts are
``<Root>:<code>:<Fund>``: the root by the account's class (net_assets is Equity),
then the account code and the fund code, each made a valid beancount component:
letters and digits kept, ``-`` ``.`` ``_`` written as ``-H`` ``-D`` ``-U`` (so two
codes never share a name), the first letter made upper case; should that still join
two codes into one name (``Activity`` and ``activity``), the later gets ``-2``, ``-3``.
Every ``open`` carries the original ``code`` and ``fund`` as metadata.
"""

from __future__ import annotations

import os
from collections import defaultdict
from pathlib import Path
from typing import Any, Iterable

from ledger.format import money
from ledger.verify.figures import FiguresTally, Posting, money_facts

ROOTS = {"asset": "Assets", "liability": "Liabilities", "net_assets": "Equity",
         "income": "Income", "expense": "Expenses"}
_ESCAPES = {"-": "-H", ".": "-D", "_": "-U"}


def component(code: str) -> str:
    """A code as one beancount account component (injective for codes of the format)."""
    text = "".join(ch if ch.isascii() and ch.isalnum() else _ESCAPES.get(ch, f"-X{ord(ch):X}")
                   for ch in code)
    return text[:1].upper() + text[1:]


class _Names:
    """Component names for codes, kept apart when upper-casing joins two."""

    def __init__(self) -> None:
        self.names: dict[str, str] = {}
        self.taken: dict[str, int] = defaultdict(int)

    def __call__(self, code: str) -> str:
        if code not in self.names:
            base = component(code)
            self.taken[base] += 1
            count = self.taken[base]
            self.names[code] = base if count == 1 else f"{base}-{count}"
        return self.names[code]


def _string(text: Any) -> str:
    clean = "".join(" " if ord(ch) < 0x20 else ch for ch in str(text))
    return '"' + clean.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _amount(minor: int, currency: str) -> str:
    digits = money.minor_digits(currency)
    sign, whole = ("-" if minor < 0 else ""), abs(minor)
    if not digits:
        return f"{sign}{whole}"
    return f"{sign}{whole // 10 ** digits}.{whole % 10 ** digits:0{digits}d}"


def beancount_text(name: str, entries: Iterable[Any]) -> str:
    """The beancount file of a ledger named ``name`` from its entries in seq order
    (objects with ``seq`` and ``statement.type`` / ``statement.body``)."""
    tally, stories = FiguresTally(keep_moves=True), {}
    for entry in entries:
        type_, body = entry.statement.type, entry.statement.body
        facts = money_facts(type_, body)
        if facts is not None:
            tally.take(entry.seq, facts)
        if type_ in ("entry.posted", "entry.reversed") and isinstance(body, dict):
            stories[entry.seq] = body
    return _Writer(tally, stories).text(name)


class _Writer:
    def __init__(self, tally: FiguresTally, stories: dict[int, dict]) -> None:
        self.tally, self.stories = tally, stories
        self.codes, self.funds = _Names(), _Names()
        self.opened: dict[str, tuple[str, str, str]] = {}  # name -> (first date, code, fund)

    def account(self, code: str, fund: str, date: str) -> str:
        root = ROOTS.get(self.tally.classes.get(code, "asset"), "Assets")
        name = f"{root}:{self.codes(code)}:{self.funds(fund)}"
        first = self.opened.get(name)
        if first is None or date < first[0]:
            self.opened[name] = (date, code, fund)
        return name

    def transaction(self, entry: int, seq: int, postings: tuple[Posting, ...]) -> tuple[str, str]:
        body = self.stories[entry]
        date = body["date"]
        title = body.get("memo") or body.get("category") or body.get("reason") or ""
        lines = [f"{date} * {_string(title)}", f"  seq: {entry}"]
        if seq != entry:
            lines.append(f"  approved: {seq}")
        if "entry" in body:  # a reversal names what it reverses
            lines.append(f"  reverses: {body['entry']}")
        for code, fund, currency, signed in postings:
            currency = currency or self.tally.currency
            lines.append(f"  {self.account(code, fund, date)}  {_amount(signed, currency)} "
                         f"{currency}")
        return date, "\n".join(lines)

    def text(self, name: str) -> str:
        moves = self.tally.moves or []
        transactions = sorted((self.transaction(*move) + (move[0],) for move in moves),
                              key=lambda t: (t[0], t[2]))
        head = [f"option \"title\" {_string(name)}"]
        if self.tally.currency:
            head.append(f"option \"operating_currency\" {_string(self.tally.currency)}")
        opens = [f"{date} open {account}\n  code: {_string(code)}\n  fund: {_string(fund)}"
                 for account, (date, code, fund) in sorted(self.opened.items())]
        return "\n\n".join(["\n".join(head), *opens, *(t[1] for t in transactions)]) + "\n"


def _entries(app: Any, slug: str, size: int, batch: int = 1000) -> Iterable[Any]:
    for start in range(0, size, batch):
        yield from app.entries(slug, start, min(batch, size - start))


def write_beancount(app: Any, slug: str, size: int, path: Path) -> None:
    """Write the first ``size`` entries of ``slug`` as a beancount file, atomically."""
    name = app.state(slug).name
    text = beancount_text(name, _entries(app, slug, size))
    path.parent.mkdir(parents=True, exist_ok=True)
    staging = path.with_name(f".{path.name}.tmp")
    staging.write_text(text, encoding="utf-8")
    os.replace(staging, path)
