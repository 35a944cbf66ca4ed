"""CSV downloads of every resident list: the same rows as the JSON, whole lists
streamed page after page, and cells a spreadsheet would run kept as text."""

from __future__ import annotations

import asyncio
import csv
import io
from datetime import datetime, timedelta
from concurrent.futures import ThreadPoolExecutor

from api.csv import csv_pages, flatten
from ledger.format.money import parse_amount
from tests.builders.http import csv_rows


def url(books, path: str) -> str:
    return f"/v1/ledgers/{books.community.slug}{path}"


def test_funds_download_lists_each_fund_with_its_money(http, projected):
    rows = csv_rows(http.get(url(projected, "/funds"), params={"format": "csv"}))
    body = http.get(url(projected, "/funds")).json()
    assert [r["fund"] for r in rows] == [f["fund"] for f in body["funds"]]
    assert [parse_amount(r["资金（元）"]) for r in rows] == [f["money"] for f in body["funds"]]
    assert rows[0]["name_zh"] and "费用类（元）" in rows[0]


def test_budget_and_usage_downloads_have_the_json_rows(http, projected):
    rows = csv_rows(http.get(url(projected, "/budget"), params={"year": 2026,
                                                                "format": "csv"}))
    body = http.get(url(projected, "/budget"), params={"year": 2026}).json()
    assert [(r["fund"], parse_amount(r["已支出（元）"])) for r in rows] == [
        (f["fund"], f["spent"]) for f in body["funds"]]
    for by in ("fund", "category", "month", "counterparty"):
        response = http.get(url(projected, "/usage"), params={"by": by, "format": "csv"})
        usage = http.get(url(projected, "/usage")).json()[f"by_{by}"]
        assert [parse_amount(r["支出（元）"]) for r in csv_rows(response)] == [
            u["spending"] for u in usage]
        assert f"usage-by-{by}" in response.headers["content-disposition"]


def test_the_transactions_download_is_the_whole_filtered_list(http, projected):
    everything = http.get(url(projected, "/transactions"), params={"limit": 1000}).json()
    rows = csv_rows(http.get(url(projected, "/transactions"),
                             params={"format": "csv", "limit": 2}))
    assert [int(r["seq"]) for r in rows] == [item["seq"] for item in everything["items"]]
    assert rows[0]["counterparty_kind"] and "funds" in rows[0] and "documents" in rows[0]
    renovation = csv_rows(http.get(url(projected, "/transactions"),
                                   params={"format": "csv", "fund": "renovation"}))
    assert renovation and all("renovation" in r["funds"].split(";") for r in renovation)


def test_a_download_of_an_unknown_ledger_is_a_problem_not_a_broken_file(http, projected):
    response = http.get("/v1/ledgers/nowhere/transactions", params={"format": "csv"})
    assert response.status_code == 404
    assert response.headers["content-type"] == "application/problem+json"


def _pages(rows: list[dict], size: int):
    def read(after):
        start = 0 if after is None else next(i for i, r in enumerate(rows)
                                             if r["seq"] == after) + 1
        page = rows[start:start + size]
        more = start + size < len(rows)
        return page, (page[-1]["seq"] if more else None)
    return read


def _body(response) -> str:
    """The streamed body, read on a thread of its own: in a run with the browser tests,
    Playwright's event loop is already running on the main thread."""
    async def read() -> str:
        return b"".join([chunk async for chunk in response.body_iterator]).decode("utf-8")

    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, read()).result()


def test_paged_downloads_stream_every_page_and_stop_at_the_row_limit():
    rows = [{"seq": i, "memo": f"m{i}", "nested": {"a": i}, "tags": ["x", "y"]}
            for i in range(25)]
    text = _body(csv_pages(_pages(rows, 4), None, "t.csv"))
    read = list(csv.DictReader(io.StringIO(text[1:])))
    assert [int(r["seq"]) for r in read] == list(range(25))
    assert read[3] == {"seq": "3", "memo": "m3", "nested_a": "3", "tags": "x;y"}
    cut = _body(csv_pages(_pages(rows, 4), 9, "t.csv", rows_max=6))
    assert [int(r["seq"]) for r in csv.DictReader(io.StringIO(cut[1:]))] == list(range(10, 16))


def test_cells_that_would_run_as_formulas_are_written_as_text():
    from api.csv import csv_response

    response = csv_response([{"memo": "=HYPERLINK(\"http://x\")", "amount": -5, "ok": True}],
                            "t.csv")
    row = next(csv.DictReader(io.StringIO(response.body.decode("utf-8")[1:])))
    # A negative amount is a number to the spreadsheet, not a formula: no apostrophe.
    assert row == {"memo": "'=HYPERLINK(\"http://x\")", "金额（元）": "-0.05", "ok": "true"}
    assert flatten({"a": {"b": {"c": 1}}, "l": [{"k": 1}]}) == {"a_b_c": 1, "l": '[{"k": 1}]'}


def test_amounts_are_yuan_under_a_header_with_the_unit_and_times_are_local(http, projected):
    """A spreadsheet reader sees 1800.00 under 金额（元）, not 180000 fen, and the time
    a payment was recorded in the ledger's zone (Asia/Shanghai, +08:00), not UTC."""
    items = http.get(url(projected, "/transactions"), params={"limit": 1000}).json()["items"]
    rows = csv_rows(http.get(url(projected, "/transactions"), params={"format": "csv"}))
    assert "amount" not in rows[0] and "金额（元）" in rows[0]
    for item, row in zip(items, rows, strict=True):
        whole, fen = divmod(item["amount"], 100)
        assert row["金额（元）"] == f"{whole}.{fen:02d}"
        recorded = datetime.fromisoformat(row["recorded_at"])
        assert recorded.utcoffset() == timedelta(hours=8)
        assert recorded == datetime.fromisoformat(item["recorded_at"].replace("Z", "+00:00")
                                                  ).replace(microsecond=0)


def test_another_currency_names_its_code_as_the_unit_and_keeps_its_own_decimals():
    from api.csv import csv_response

    rows = [{"fund": "general", "balance": 123456, "currency": "JPY"}]
    text = csv_response(rows, "t.csv").body.decode("utf-8")[1:]
    assert next(csv.DictReader(io.StringIO(text))) == {"fund": "general", "余额（JPY）": "123456",
                                                       "currency": "JPY"}
    usd = csv_response([{"spent": 250}], "t.csv", currency="USD").body.decode("utf-8")[1:]
    assert next(csv.DictReader(io.StringIO(usd))) == {"已支出（USD）": "2.50"}
