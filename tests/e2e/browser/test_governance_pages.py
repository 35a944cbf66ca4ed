"""The governance pages in a real browser: asset trades with their steps, bids and
award, disclosures, residents' questions, and asking one through the plain form
(the API's code path and rate limit; refused input appends nothing)."""

from __future__ import annotations

import re

import httpx
import pytest

from api.routers.governance import question_buckets
from tests.builders.governance_site import BIDS, RECEIVED, RESERVE, WINNER

pytestmark = pytest.mark.browser
PHONE = "13912345678"
STEP_TYPES = ["trade.proposed", "resolution.recorded", "trade.notice_published",
              "trade.bid_received", "trade.bid_received", "trade.bid_received", "trade.awarded",
              "disclosure.published", "trade.contract_signed", "trade.settled",
              "trade.completed", "disclosure.published"]


def yuan(fen: int) -> str:
    return f"{fen // 100:,}.{fen % 100:02d}"


def api(site, path: str) -> dict:
    response = httpx.get(site.api_url(path), timeout=30)
    assert response.status_code == 200, response.text
    return response.json()


def the_trade(site) -> dict:
    [trade] = api(site, "/trades")["items"]
    return api(site, f"/trades/{trade['seq']}")


def cells(page, selector: str) -> list[str]:
    return [t.strip() for t in page.locator(selector).all_inner_texts()]


def ask_in_form(page, text: str, *, kind: str | None = None, ref: str | None = None,
                contact: str = "") -> None:
    if kind is not None:
        page.locator("#q-kind").select_option(kind)
    if ref is not None:
        page.locator("#q-ref").fill(ref)
    page.locator("#q-text").fill(text)
    page.locator("#q-contact").fill(contact)
    page.get_by_role("button", name="提交问题").click()


def test_community_page_links_to_the_trades_disclosures_and_questions(governance_site, page):
    page.goto(governance_site.url())
    section = page.locator("section[aria-labelledby=governance]")
    for name, path in (("三资交易", "/trades"), ("公开事项", "/disclosures"),
                       ("居民提问", "/questions")):
        page.goto(governance_site.url())
        section.get_by_role("link", name=name).click()
        assert page.url == governance_site.url(path)
        assert page.get_by_role("heading", level=1).inner_text() == name


def test_trades_page_lists_the_lease_with_its_reserve_and_winning_bid(governance_site, page):
    trade = the_trade(governance_site)
    page.goto(governance_site.url("/trades"))
    row = page.locator(f'table.trades tr[data-seq="{trade["seq"]}"]')
    assert "临街门面1号" in row.locator('[data-col="asset"]').inner_text()
    assert row.locator('[data-col="method"]').inner_text() == "出租"
    assert row.locator('[data-col="status"]').inner_text() == "已完成"
    assert row.locator('[data-col="reserve"]').inner_text() == yuan(RESERVE) == "108,000.00"
    assert row.locator('[data-col="bids"]').inner_text() == "3"
    assert row.locator('[data-col="winner"]').inner_text().split() == [yuan(WINNER[1]), WINNER[0]]
    row.get_by_role("link", name=f"#{trade['seq']}").click()
    assert page.url == governance_site.url(f"/trades/{trade['seq']}")


def test_trade_page_shows_every_step_in_order_the_masked_bids_and_the_award(governance_site,
                                                                             page):
    trade = the_trade(governance_site)
    page.goto(governance_site.url(f"/trades/{trade['seq']}"))
    steps = page.locator("table.steps tbody tr")
    assert steps.evaluate_all("rows => rows.map(r => r.dataset.type)") == STEP_TYPES
    seqs = [int(s) for s in steps.evaluate_all("rows => rows.map(r => r.dataset.seq)")]
    assert seqs == sorted(seqs) == [s["seq"] for s in trade["steps"]]
    notice = page.locator('table.steps tr[data-type="trade.notice_published"]')
    assert "公示 10 天" in notice.inner_text()
    assert page.locator("#notice").inner_text().startswith("10 天")
    assert page.locator("#reserve").inner_text() == yuan(RESERVE)

    assert [(b.split("(")[0].strip(), a) for b, a in zip(
        cells(page, 'table.bids [data-col="bidder"]'),
        cells(page, 'table.bids [data-col="amount"]'))] == [(n, yuan(f)) for n, f in BIDS]
    awarded = page.locator("table.bids tr.awarded")
    assert awarded.locator('[data-col="amount"]').inner_text() == yuan(WINNER[1])
    assert "成交" in awarded.inner_text()
    assert "低于底价" in page.locator("table.bids tbody tr").first.inner_text()
    award = page.locator('table.steps tr[data-type="trade.awarded"]')
    assert award.get_by_role("link").get_attribute("href") == f"#bid-{trade['award_bid']}"
    content = page.content()
    assert "王小明" not in content and "李四" not in content  # people are masked

    assert cells(page, 'table.disclosures [data-col="stage"]') == [
        "交易公告", "成交公示", "结果公开"]
    assert "赞成 24，反对 1，弃权 2" in page.locator("#votes").inner_text()
    settled = page.locator('table.steps tr[data-type="trade.settled"]')
    assert yuan(RECEIVED) in settled.inner_text()
    [rent] = trade["steps"][STEP_TYPES.index("trade.settled")]["detail"]["entries"]
    settled.get_by_role("link", name=f"#{rent}").click()  # the rent is a journal entry
    assert page.url == governance_site.url(f"/transactions/{rent}")
    assert page.locator("#amount").inner_text().startswith(yuan(RECEIVED))


def test_disclosures_page_shows_each_statement_with_its_scope_hash_and_signer(
        governance_site, page):
    listed = api(governance_site, "/disclosures")["items"]
    page.goto(governance_site.url("/disclosures"))
    rows = page.locator("table.disclosures tbody tr")
    assert [int(s) for s in rows.evaluate_all("rows => rows.map(r => r.dataset.seq)")] == [
        d["seq"] for d in listed]
    assert cells(page, '[data-col="sheet"]') == [d["sheet_sha256"] for d in listed]
    assert set(cells(page, '[data-col="signer"]')) == {"居委会"}
    [flows] = [d for d in listed if d["item"] == "fund_flows"]
    row = page.locator(f"#d-{flows['seq']}")
    assert row.locator('[data-col="period"]').inner_text() == flows["period"]
    scope = row.locator('[data-col="scope"]').inner_text()
    assert "facade-3" in scope and yuan(flows["totals"]["spending"]) in scope
    assert row.locator('[data-col="item"]').inner_text() == "资金收支"
    award = next(d for d in listed if d["stage"] == "award")
    page.locator(f"#d-{award['seq']}").get_by_role("link").click()
    assert page.url == governance_site.url(f"/trades/{award['subject_ref']}")


def test_questions_page_shows_open_and_answered_questions_and_how_long_each_took(
        governance_site, page):
    listed = api(governance_site, "/questions")
    page.goto(governance_site.url("/questions"))
    counts = listed["counts"]
    assert page.locator("#counts").inner_text().startswith(
        f"待答复 {counts['open']} · 已答复 {counts['answered']} · 已办结 {counts['closed']}")
    [answered] = [q for q in listed["items"] if q["status"] == "answered"]
    item = page.locator(f"#q-{answered['seq']}")
    assert answered["text"] in item.inner_text()
    assert item.locator("blockquote.answer p").inner_text() == answered["answers"][0]["text"]
    assert "居务监督委员会" in item.locator("blockquote footer").inner_text()
    assert answered["hours_to_answer"] == 50.0  # two days and two hours: shown in days
    assert item.locator('[data-col="took"]').inner_text() == "答复用时 2.1 天"
    [closed] = [q for q in listed["items"]  # the other closed one is the rated question
                if q["status"] == "closed" and q["about"]["kind"] == "trade"]
    assert page.locator(f'#q-{closed["seq"]} [data-col="took"]').inner_text() == (
        "答复用时 26.0 小时 · 办结用时 26.0 小时 · "
        f"{closed['closing_note']}")
    opened = page.locator('article[data-status="open"]').first
    assert opened.locator('[data-col="took"]').inner_text().startswith("已等待")


def test_asking_through_the_form_without_js_puts_the_question_on_the_log_and_the_page(
        governance_site, page_without_js):
    page, site = page_without_js, governance_site
    trade = the_trade(site)
    page.goto(site.url(f"/trades/{trade['seq']}"))
    page.locator("#ask-about").click()
    assert page.locator("#q-kind").input_value() == "trade"
    assert page.locator("#q-ref").input_value() == str(trade["seq"])
    before = api(site, "/questions")["items"]
    text = "租金收入用在了哪里? Where does the rent go?"
    ask_in_form(page, text, contact=PHONE)

    after = api(site, "/questions")["items"]
    assert len(after) == len(before) + 1
    new = after[-1]
    assert (new["text"], new["about"], new["status"]) == (text, {"kind": "trade",
                                                                 "ref": trade["seq"]}, "open")
    assert page.url == site.url(f"/questions?asked={new['seq']}#q-{new['seq']}")
    assert text in page.locator(f"#q-{new['seq']}").inner_text()
    assert page.get_by_role("status").inner_text().startswith("问题已提交")
    assert PHONE not in page.content()
    entry = site.app.reader.entry(site.slug, new["seq"])
    assert entry.statement.type == "question.asked" and "contact_hash" in entry.statement.body
    assert api(site, f"/trades/{trade['seq']}")["questions"][-1]["seq"] == new["seq"]


def test_a_transaction_page_offers_to_ask_about_that_entry(governance_site, page):
    trade = the_trade(governance_site)
    [rent] = trade["steps"][STEP_TYPES.index("trade.settled")]["detail"]["entries"]
    page.goto(governance_site.url(f"/transactions/{rent}"))
    page.locator("#ask-about").click()
    assert (page.locator("#q-kind").input_value(), page.locator("#q-ref").input_value()) == (
        "entry", str(rent))
    ask_in_form(page, "这笔租金开了收据吗? Was a receipt issued?")
    asked = int(re.search(r"asked=(\d+)", page.url).group(1))
    assert api(governance_site, f"/questions/{asked}")["about"] == {"kind": "entry", "ref": rent}


@pytest.mark.parametrize("kind, ref, text, reason", [
    ("trade", None, "   ", "text must not be empty"),
    ("trade", "99999", "这项交易是什么?", "there is no trade 99999"),
    ("entry", "1", "x" * 2001, "text is longer than 2000 bytes"),
])
def test_a_bad_question_shows_why_keeps_the_text_and_changes_nothing(
        governance_site, page, kind, ref, text, reason):
    site = governance_site
    trade = the_trade(site)
    size, count = site.app.reader.size(site.slug), len(api(site, "/questions")["items"])
    page.goto(site.url(f"/questions?kind=trade&ref={trade['seq']}"))
    ask_in_form(page, text, kind=kind, ref=ref, contact=PHONE)
    error = page.get_by_role("alert")
    assert error.inner_text().startswith("问题没有提交")
    assert reason in error.inner_text()
    assert page.locator("#q-text").input_value() == text  # kept, to correct and resend
    assert PHONE not in page.content()
    assert site.app.reader.size(site.slug) == size
    assert len(api(site, "/questions")["items"]) == count


def test_asking_too_often_is_refused_on_the_page_by_the_apis_own_limit(governance_site, page):
    site = governance_site
    trade = the_trade(site)
    site.api.state.question_limiter = question_buckets(1)  # the limiter POST /questions uses
    try:
        page.goto(site.url(f"/questions?kind=trade&ref={trade['seq']}"))
        ask_in_form(page, "第一个问题 first")
        assert "asked=" in page.url
        size = site.app.reader.size(site.slug)
        response = httpx.post(site.api_url("/questions"), timeout=30, json={
            "about": {"kind": "trade", "ref": trade["seq"]}, "text": "API"})
        assert response.status_code == 429  # the form's question used this client's budget
        page.goto(site.url(f"/questions?kind=trade&ref={trade['seq']}"))
        with page.expect_response(lambda r: r.request.method == "POST") as posted:
            ask_in_form(page, "第二个问题 second")
        assert posted.value.status == 429 and int(posted.value.headers["retry-after"]) > 0
        assert "提问太频繁" in page.get_by_role("alert").inner_text()
        assert site.app.reader.size(site.slug) == size
    finally:
        site.api.state.question_limiter = question_buckets(0)


def test_unknown_trades_and_ledgers_answer_the_404_page(governance_site, page):
    for path in ("/ledgers/no-such-town/trades", "/ledgers/no-such-town/questions",
                 f"/ledgers/{governance_site.slug}/trades/99999",
                 f"/ledgers/{governance_site.slug}/trades/not-a-number"):
        response = page.goto(governance_site.base_url + path)
        assert response.status == 404, path
        assert page.get_by_role("heading", level=1).inner_text().startswith("未找到")


def test_a_ledger_that_takes_no_questions_yet_says_so_on_the_form(site, page):
    # The e2e site's admin never registered this server's intake key (503 in the API).
    size = site.town.log_size()
    page.goto(site.url(f"/questions?kind=entry&ref={site.seqs['subsidy']}"))
    assert page.locator("article.question").count() == 0
    with page.expect_response(lambda r: r.request.method == "POST") as posted:
        ask_in_form(page, "这笔补助给了谁? Who got this subsidy?")
    assert posted.value.status == 503
    assert "本社区暂时不能在线提问" in page.get_by_role("alert").inner_text()
    assert "sunledger intake-key" in page.get_by_role("alert").inner_text()
    assert site.town.log_size() == size
