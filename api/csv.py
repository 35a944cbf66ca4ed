"""CSV downloads of the list endpoints (``?format=csv``).

Every list endpoint answers ``?format=csv`` with the same rows as its JSON,
one per line: nested objects become ``parent_child`` columns, lists of plain
values are joined with ``;`` and anything else is written as JSON. The file
is UTF-8 with a byte-order mark (so spreadsheet programs read Chinese names
correctly) and cells that a spreadsheet would run as a formula start with an
apostrophe.

Paged lists (the transaction list, the journal ...) download the WHOLE list
from ``cursor`` on, read from the read models a page at a time while it is
sent, at most ``CSV_ROWS_MAX`` rows per download: to go on, ask again with
``cursor`` set to the last ``seq`` received.
"""

from __future__ import annotations

import csv
import io
import json
from typing import Any, Callable, Iterable, Iterator

from fastapi.responses import Response, StreamingResponse

MEDIA_TYPE = "text/csv; charset=utf-8"
BOM = "\ufeff"
CSV_ROWS_MAX = 1_000_000
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
CSV_RESPONSES: dict[int | str, dict[str, Any]] = {
    200: {"content": {"text/csv": {"schema": {"type": "string"}}},
          "description": "JSON by default; CSV with ?format=csv"}}

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
    (rows of one list share their keys: the read models build them that way)."""

    def __init__(self, columns: list[str] | None) -> None:
        self.columns = list(columns) if columns else None
        self.buffer = io.StringIO()
        self.out = csv.writer(self.buffer, lineterminator="\r\n")

    def rows(self, rows: Iterable[dict[str, Any]]) -> str:
        for row in rows:
            flat = flatten(row)
            if self.columns is None:
                self.columns = list(flat)
                self.out.writerow(self.columns)
            self.out.writerow([_cell(flat.get(c)) for c in self.columns])
        return self.take()

    def header(self) -> str:
        if self.columns:
            self.out.writerow(self.columns)
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
                 headers: dict[str, str] | None = None) -> Response:
    """A list that is already in memory (funds, usage, trial balance ...); ``headers``
    carries what a CSV file cannot say in its rows (e.g. the tree size it reflects)."""
    writer = _Writer(columns)
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
