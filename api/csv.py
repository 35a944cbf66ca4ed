"""CSV downloads of the list endpoints (``?format=csv``).

Every list endpoint answers ``?format=csv`` with the same rows as its JSON,
one per line: nested objects become ``parent_child`` columns, lists of plain
values are joined with ``;`` and anything else is written as JSON. The file
is UTF-8 with a byte-order mark (so spreadsheet programs read Chinese names
correctly) and cells that a spreadsheet would run as a formula start with an
apostrophe.

A CSV file is read by people in a spreadsheet, so unlike the JSON (integer fen,
UTC) its money columns hold yuan as decimal strings (``1800.00``) under a header
that names the figure and its unit (``金额（元）``; another currency's code in
place of 元), and its times are in the ledger's time zone with their offset
(``2026-10-19T14:41:23+08:00``).

Paged lists (the transaction list, the journal ...) download the WHOLE list
from ``cursor`` on, read from the read models a page at a time while it is
sent, at most ``CSV_ROWS_MAX`` rows per download: to go on, ask again with
``cursor`` set to the last ``seq`` received.
"""

from __future__ import annotations

import csv
import io
import json
from datetime import datetime
from decimal import Decimal
from typing import Any, Callable, Iterable, Iterator

from fastapi.responses import Response, StreamingResponse

from api.web_lang import LEDGER_TIME_ZONE
from ledger.format.money import format_amount

MEDIA_TYPE = "text/csv; charset=utf-8"
BOM = "\ufeff"
CSV_ROWS_MAX = 1_000_000
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
CSV_RESPONSES: dict[int | str, dict[str, Any]] = {
    200: {"content": {"text/csv": {"schema": {"type": "string"}}},
          "description": "JSON by default; CSV with ?format=csv"}}

# The money columns of the lists, by their flattened JSON name; any other column whose
# name ends in "amount" is money too and keeps its name.
MONEY_LABELS = {
    "amount": "金额", "posting_amount": "分录金额", "posted_amount": "记账金额",
    "money": "资金", "balance": "余额", "debit": "借方", "credit": "贷方",
    "budget": "预算", "spent": "已支出", "income": "收入", "spending": "支出",
    "remaining": "预算余额", "classes_asset": "资产类", "classes_liability": "负债类",
    "classes_net_assets": "净资产类", "classes_income": "收入类", "classes_expense": "费用类",
}


def is_money(column: str) -> bool:
    return column in MONEY_LABELS or column.endswith("amount")


def unit_of(currency: str) -> str:
    return "元" if currency == "CNY" else currency


def money_header(column: str, currency: str) -> str:
    return f"{MONEY_LABELS.get(column, column)}（{unit_of(currency)}）"


def local_time(value: str) -> str:
    """An API time (UTC, ``Z``) in the ledger's time zone, with its offset."""
    moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    return moment.astimezone(LEDGER_TIME_ZONE).isoformat(timespec="seconds")


# Public figures state the log size they reflect (entries 0..N-1): in the JSON's
# ``size`` and, because a CSV file has no place for it, in this header on both.
SIZE_HEADER = "Sunledger-Size"
SIZED_RESPONSES: dict[int | str, dict[str, Any]] = {200: {**CSV_RESPONSES[200], "headers": {
    SIZE_HEADER: {"schema": {"type": "integer"},
                  "description": "the log size (entries 0..N-1) these figures reflect, as the "
                                 "JSON's ``size``; where a checkpoint was signed at N, balances "
                                 "equal GET /figures?size=N (FORMAT.md section 10)"}}}}


def size_header(result: dict[str, Any]) -> dict[str, str]:
    return {SIZE_HEADER: str(result["size"])}


# A page reader: cursor -> (rows, next_cursor or None).
PageReader = Callable[[int | None], tuple[list[dict[str, Any]], int | None]]


def flatten(row: dict[str, Any], prefix: str = "") -> dict[str, Any]:
    flat: dict[str, Any] = {}
    for key, value in row.items():
        name = f"{prefix}{key}"
        if isinstance(value, dict):
            flat.update(flatten(value, f"{name}_"))
        elif isinstance(value, list) and all(isinstance(v, (str, int)) for v in value):
            flat[name] = ";".join(str(v) for v in value)
        elif isinstance(value, list):
            flat[name] = json.dumps(value, ensure_ascii=False, sort_keys=True)
        else:
            flat[name] = value
    return flat


def explode(rows: Iterable[dict[str, Any]], field: str) -> Iterator[dict[str, Any]]:
    """One row per item of ``row[field]`` (e.g. an entry's posting lines), entry
    columns repeated, item columns prefixed with ``field``'s singular."""
    prefix = field.rstrip("s") + "_"
    for row in rows:
        items = row.get(field) or [{}]
        base = {k: v for k, v in row.items() if k != field}
        for item in items:
            yield {**base, **{prefix + k: v for k, v in item.items()}}


def _cell(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


class _Writer:
    """Writes flattened rows; the header is ``columns`` or else the first row's columns
    (rows of one list share their keys: the read models build them that way).
    ``currency`` names the unit of the money columns; None: the first row's own."""

    def __init__(self, columns: list[str] | None, currency: str | None = None) -> None:
        self.columns = list(columns) if columns else None
        self.currency = currency
        self.buffer = io.StringIO()
        self.out = csv.writer(self.buffer, lineterminator="\r\n")

    def rows(self, rows: Iterable[dict[str, Any]]) -> str:
        for row in rows:
            flat = flatten(row)
            if self.currency is None:
                self.currency = str(flat.get("currency") or "CNY")
            if self.columns is None:
                self.columns = list(flat)
                self.out.writerow(self._names())
            currency = str(flat.get("currency") or self.currency)
            self.out.writerow([self._value(c, flat.get(c), currency) for c in self.columns])
        return self.take()

    def _names(self) -> list[str]:
        assert self.columns is not None
        return [money_header(c, self.currency or "CNY") if is_money(c) else c
                for c in self.columns]

    @staticmethod
    def _value(column: str, value: Any, currency: str) -> Any:
        if isinstance(value, int) and not isinstance(value, bool) and is_money(column):
            # Decimal, not str: "-12.00" is a number to the spreadsheet, not a formula.
            return Decimal(format_amount(value, currency, grouping=False))
        if column.endswith("_at") and isinstance(value, str) and value.endswith("Z"):
            return local_time(value)
        return _cell(value)

    def header(self) -> str:
        if self.columns:
            self.out.writerow(self._names())
        return self.take()

    def take(self) -> str:
        text = self.buffer.getvalue()
        self.buffer.seek(0)
        self.buffer.truncate()
        return text


def _disposition(filename: str) -> dict[str, str]:
    return {"Content-Disposition": f'attachment; filename="{filename}"'}


def csv_response(rows: Iterable[dict[str, Any]], filename: str,
                 columns: list[str] | None = None,
                 headers: dict[str, str] | None = None,
                 currency: str | None = None) -> Response:
    """A list that is already in memory (funds, usage, trial balance ...); ``headers``
    carries what a CSV file cannot say in its rows (e.g. the tree size it reflects);
    ``currency`` is the answer's, where its rows do not name one."""
    writer = _Writer(columns, currency)
    text = BOM + writer.header() + writer.rows(rows)
    return Response(text.encode("utf-8"), media_type=MEDIA_TYPE,
                    headers={**_disposition(filename), **(headers or {})})


def csv_pages(read_page: PageReader, cursor: int | None, filename: str,
              columns: list[str] | None = None, *, rows_max: int = CSV_ROWS_MAX,
              shape: Callable[[list[dict[str, Any]]], Iterable[dict[str, Any]]] = iter,
              ) -> StreamingResponse:
    """A paged list, streamed from ``cursor`` to its end (at most ``rows_max`` rows).

    The first page is read before answering, so a bad parameter or an unknown
    ledger is still an error response rather than a broken download."""
    rows, next_cursor = read_page(cursor)

    def chunks() -> Iterator[bytes]:
        nonlocal rows, next_cursor
        writer, sent = _Writer(columns), 0
        yield (BOM + writer.header()).encode("utf-8")
        while True:
            rows = rows[: rows_max - sent]
            sent += len(rows)
            yield writer.rows(shape(rows)).encode("utf-8")
            if next_cursor is None or sent >= rows_max:
                return
            rows, next_cursor = read_page(next_cursor)

    return StreamingResponse(chunks(), media_type=MEDIA_TYPE, headers=_disposition(filename))
