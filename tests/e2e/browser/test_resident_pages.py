"""The residents' pages in a real browser: figures, labels, lists, 404s, no-JS."""

from __future__ import annotations

import base64
import re

import pytest

from ledger.log import proofs
from tests.builders.site import (ACTIVITY_BUDGET, ACTIVITY_GRANT, CASH_WITHDRAWAL, GENERAL_GRANT,
                            LATE_SPEND, RECEIPT_SHA256, SMALL_SPENDS, SUBSIDY, SUPPLIES)

pytestmark = pytest.mark.browser
CJK = re.compile(r"[\u4e00-\u9fff]")
LATIN = re.compile(r"[A-Za-z]")
ACTIVITY_SPENT = SUPPLIES + sum(SMALL_SPENDS) + LATE_SPEND


def yuan(fen: int) -> str:
    """The test's own formatting of non-negative fen, to compare with the page's."""
    return f"{fen // 100:,}.{fen % 100:02d}"


def cell(page, table: str, fund: str, column: str) -> str:
    return page.locator(f'table.{table} tr[data-fund="{fund}"] [data-col="{column}"]').inner_text()


def listed_seqs(page) -> list[int]:
    return [int(s) for s in page.locator("table.entries tbody tr[data-seq]").evaluate_all(
        "rows => rows.map(r => r.dataset.seq)")]


def test_home_page_lists_the_community_and_links_to_its_page(site, page):
    page.goto(site.base_url + "/")
    page.get_by_role("link", name="新竹社区").click()
    assert page.url == site.url()
    assert page.get_by_role("heading", level=1).inner_text() == "新竹社区"


def test_community_page_shows_each_fund_balance_as_posted_in_yuan(site, page):
    page.goto(site.url())
    assert cell(page, "funds", "activity", "held") == yuan(ACTIVITY_GRANT - ACTIVITY_SPENT) \
        == "3,695.44"
    assert cell(page, "funds", "general", "held") == yuan(GENERAL_GRANT - SUBSIDY) == "12,257.67"
    assert cell(page, "funds", "general", "cash") == yuan(CASH_WITHDRAWAL) == "500.00"
    assert cell(page, "funds", "general", "bank") == yuan(GENERAL_GRANT - SUBSIDY - CASH_WITHDRAWAL)
    assert cell(page, "funds", "renovation", "held") == "0.00"
    assert cell(page, "funds", "activity", "income") == yuan(ACTIVITY_GRANT)
    assert cell(page, "funds", "activity", "spending") == yuan(ACTIVITY_SPENT)
    assert cell(page, "funds", "total", "held") == yuan(GENERAL_GRANT + ACTIVITY_GRANT
                                                         - SUBSIDY - ACTIVITY_SPENT)


def test_community_page_labels_are_chinese_only_by_default(site, page):
    page.goto(site.url())
    assert page.locator("html").get_attribute("lang") == "zh-CN"
    headings = page.get_by_role("heading", level=2).all_inner_texts()
    assert headings == ["各项资金余额", f"预算执行 {site.year}", f"每月收支 {site.year}",
                        f"支出分类 {site.year}", "最新收支", "三资交易与公开", "核验信息"]
    for label in page.locator("thead th:visible").all_inner_texts():  # closed <details>: none
        assert CJK.search(label) and not LATIN.search(label), label
    assert "余额合计" in page.locator("table.funds thead").inner_text()


def test_budget_against_actual_shows_what_was_spent_of_each_budget_with_a_bar(site, page):
    page.goto(site.url())
    assert cell(page, "budget", "activity", "budget") == yuan(ACTIVITY_BUDGET) == "4,000.00"
    assert cell(page, "budget", "activity", "spent") == yuan(ACTIVITY_SPENT)
    assert cell(page, "budget", "activity", "remaining") == yuan(ACTIVITY_BUDGET - ACTIVITY_SPENT)
    percent = ACTIVITY_SPENT * 100 // ACTIVITY_BUDGET
    assert cell(page, "budget", "activity", "percent") == f"{percent}%"
    bar = page.locator('table.budget tr[data-fund="activity"] .bar > span')
    assert bar.get_attribute("style") == f"width: {percent}%"
    assert bar.evaluate("e => e.getBoundingClientRect().width > 0")
    assert "未编预算" in cell(page, "budget", "general", "budget")


def test_spending_by_category_lists_each_category_that_spent(site, page):
    page.goto(site.url())
    rows = page.locator("table.categories tbody tr").all_inner_texts()
    assert len(rows) == 2
    assert rows[0].split("\t")[:3] == ["文体活动", "活动经费", yuan(ACTIVITY_SPENT)]
    assert rows[1].split("\t")[:3] == ["补助", "一般资金", yuan(SUBSIDY)]


def test_another_year_shows_the_same_balances_but_none_of_this_years_flows(site, page):
    page.goto(site.url())
    page.get_by_role("link", name=f"‹ {site.year - 1}").click()
    assert cell(page, "funds", "activity", "held") == "3,695.44"
    assert cell(page, "funds", "total", "income") == "0.00"
    assert cell(page, "funds", "total", "spending") == "0.00"


def test_community_page_shows_the_latest_checkpoint_and_genesis_hash(site, page):
    app, slug, size = site.town.app, site.town.slug, site.seqs["checkpoint_size"]
    page.goto(site.url())
    assert page.locator("#genesis-hash").inner_text() == app.entries(slug, 0, 1)[0].hash
    assert page.locator("#checkpoint-size").inner_text() == str(size)
    root = proofs.root_at(app.reader, slug, size)
    assert page.locator("#checkpoint-root").inner_text() == base64.b64encode(root).decode()


def test_latest_transactions_are_newest_first_with_a_link_to_all(site, page):
    page.goto(site.url())
    assert listed_seqs(page) == sorted(site.journal, reverse=True)[:10]
    page.get_by_role("link", name="全部收支").click()
    assert page.get_by_role("heading", level=1).inner_text() == "收支明细"


def test_transaction_list_pages_with_next_until_every_entry_was_seen_once(site, page):
    page.goto(site.url("/transactions?limit=5"))
    seen, pages = [], 0
    while True:
        seen += listed_seqs(page)
        pages += 1
        following = page.get_by_role("link", name="下一页")
        if following.count() == 0:
            break
        following.click()
    assert seen == sorted(site.journal, reverse=True)
    assert pages == -(-len(site.journal) // 5)


def test_transaction_filters_narrow_the_list_by_fund_category_and_dates(site, page):
    seqs, year = site.seqs, site.year
    page.goto(site.url("/transactions"))
    page.get_by_label("资金").select_option("general")
    page.get_by_role("button", name="筛选").click()
    assert listed_seqs(page) == [seqs["withdrawal"], seqs["subsidy"], seqs["general_grant"]]
    page.get_by_label("类别").fill("subsidy")
    page.get_by_role("button", name="筛选").click()
    assert listed_seqs(page) == [seqs["subsidy"]]
    page.get_by_role("link", name="清除").click()
    page.get_by_label("起始日期").fill(f"{year}-03-01")
    page.get_by_label("截止日期").fill(f"{year}-03-31")
    page.get_by_role("button", name="筛选").click()
    assert len(listed_seqs(page)) == len(SMALL_SPENDS)


def test_a_bad_filter_date_is_explained_on_the_page(site, page):
    response = page.goto(site.url(f"/transactions?date_from={site.year}-13-01"))
    assert response.status == 400
    assert "date_from" in page.get_by_role("alert").inner_text()
    assert page.get_by_role("button", name="筛选").is_visible()
    assert page.goto(site.url("?year=twenty")).status == 400
    assert "year" in page.locator(".notice").inner_text()


def test_one_item_shows_memo_counterparty_amount_receipts_signer_and_hashes(site, page):
    seq = site.seqs["subsidy"]
    entry = site.town.app.entries(site.town.slug, seq, seq + 1)[0]
    page.goto(site.url(f"/transactions/{seq}"))
    assert page.locator("#memo").inner_text() == "高龄老人慰问 visit to an elderly resident"
    assert page.locator("#counterparty").inner_text().startswith("张*")
    assert page.locator("#amount").inner_text() == f"{yuan(SUBSIDY)} CNY"
    assert page.locator("#signer-role").inner_text() == "代理记账"
    assert page.locator("#seq").inner_text() == str(seq)
    assert page.locator("#entry-hash").inner_text() == entry.hash
    assert RECEIPT_SHA256 in page.locator("ul.docs").inner_text()
    assert "一般资金" in page.locator("dl.item").inner_text()


def test_people_are_shown_masked_on_every_page(site, page):
    for path in ("", "/transactions", f"/transactions/{site.seqs['subsidy']}"):
        page.goto(site.url(path))
        assert "张三丰" not in page.content()
    assert "张*" in page.locator("#counterparty").inner_text()


@pytest.mark.parametrize("path", [
    "/ledgers/no-such-town", "/ledgers/no-such-town/transactions",
    "/ledgers/no-such-town/transactions/3", "{ledger}/transactions/9999",
    "{ledger}/transactions/abc", "{ledger}/transactions/0",
    "{ledger}/transactions/" + "9" * 5000])
def test_unknown_ledgers_and_seqs_answer_a_404_page(site, page, path):
    response = page.goto(site.base_url + path.replace("{ledger}", f"/ledgers/{site.town.slug}"))
    assert response.status == 404
    assert response.headers["content-type"].startswith("text/html")
    assert page.get_by_role("heading", level=1).inner_text() == "未找到 404"


def test_pages_work_without_javascript_except_the_verify_button(site, page_without_js):
    page = page_without_js
    page.goto(site.url())
    assert cell(page, "funds", "activity", "held") == "3,695.44"
    page.goto(site.url("/transactions?limit=5"))
    page.get_by_role("link", name="下一页").click()
    assert listed_seqs(page) == sorted(site.journal, reverse=True)[5:10]
    page.get_by_label("资金").select_option("general")
    page.get_by_role("button", name="筛选").click()
    assert "fund=general" in page.url and len(listed_seqs(page)) == 3
    page.goto(site.url(f"/transactions/{site.seqs['subsidy']}"))
    assert page.locator("#verify-button").is_hidden()
    assert "需要 JavaScript" in page.locator("section.verify").inner_text()


def test_static_files_are_served_and_nothing_else_is(site, page):
    assert page.goto(site.base_url + "/static/site.css").headers["content-type"].startswith(
        "text/css")
    assert page.goto(site.base_url + "/static/verify.js").status == 200
    assert page.goto(site.base_url + "/static/..%2Fapp.py").status == 404
