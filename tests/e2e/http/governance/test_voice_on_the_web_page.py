"""The residents' voice on the web page, over real HTTP on both stores: the receipt code
shown exactly once after asking (never in a URL), the rating form of a closed question,
and the confidential report form whose text is on no public page. Every refusal leaves
the log as it was."""

from __future__ import annotations

import hashlib
import re

from projections.worker import catch_up

from api.routers.web_receipt import RECEIPT_COOKIE

SECRET = "会计把补助发给了亲戚 the bookkeeper paid the subsidy to a relative"
CODE_RE = re.compile(r'class="receipt-code"[^>]*>([A-Z2-7-]+)<')


def ask_on_the_page(steps, text: str = "活动经费还剩多少?"):
    catch_up(steps.town.app)  # the page knows the ledger from its views
    page = f"/ledgers/{steps.town.slug}/questions"
    return steps.http.post(page, data={"kind": "fund", "ref": "activity", "text": text},
                           follow_redirects=False)


def follow(steps, response):
    """The browser's next request: the redirect, with the cookies it was given."""
    catch_up(steps.town.app)
    return steps.http.get(response.headers["location"])


def test_the_receipt_code_is_shown_once_and_never_in_a_url(steps, town, intake):
    asked = ask_on_the_page(steps)
    assert asked.status_code == 303, asked.text
    cookie = asked.headers["set-cookie"]
    assert cookie.startswith(f"{RECEIPT_COOKIE}=") and "HttpOnly" in cookie
    assert f"Path=/ledgers/{town.slug}/questions" in cookie and "SameSite=strict" in cookie
    seq = int(re.search(r"asked=(\d+)", asked.headers["location"])[1])
    shown = follow(steps, asked)
    [code] = CODE_RE.findall(shown.text)
    assert code not in asked.headers["location"] and code not in str(shown.url)
    question = town.app.reader.entry(town.slug, seq).statement.body
    assert hashlib.sha256(code.encode()).hexdigest() == question["receipt_sha256"]
    assert shown.headers["cache-control"] == "no-store"
    assert RECEIPT_COOKIE not in steps.http.cookies  # the page took it back
    again = steps.http.get(str(shown.url))
    assert code not in again.text and not CODE_RE.search(again.text)


def test_a_cookie_for_another_question_shows_no_code(steps, town, intake):
    first = ask_on_the_page(steps, "第一个问题?")
    seq = int(re.search(r"asked=(\d+)", first.headers["location"])[1])
    page = steps.http.get(f"/ledgers/{town.slug}/questions?asked={seq + 5}")
    assert not CODE_RE.search(page.text)


def rate_on_the_page(steps, seq: int, rating: str, code: str):
    return steps.http.post(f"/ledgers/{steps.town.slug}/questions/{seq}/rating",
                           data={"rating": rating, "receipt_code": code},
                           follow_redirects=False)


def test_the_asker_rates_a_closed_answer_on_the_page_with_the_code(steps, town, intake):
    asked = ask_on_the_page(steps)
    seq = int(re.search(r"asked=(\d+)", asked.headers["location"])[1])
    [code] = CODE_RE.findall(follow(steps, asked).text)
    steps.ok(town.committee.answer(seq, "还剩三万元，见公开栏"))
    steps.ok(town.committee.close_question(seq))
    catch_up(town.app)
    page = steps.http.get(f"/ledgers/{town.slug}/questions")
    assert f'action="/ledgers/{town.slug}/questions/{seq}/rating"' in page.text

    before = steps.log()
    for rating, given in (("satisfied", "AAAA-BBBB-CCCC-DDDD"), ("great", code),
                          ("satisfied", "")):
        refused = rate_on_the_page(steps, seq, rating, given)
        assert refused.status_code == 400 and 'id="rate-error"' in refused.text, refused.text
    assert steps.log() == before

    rated = rate_on_the_page(steps, seq, "basically_satisfied", code.lower())
    assert rated.status_code == 303 and f"rated={seq}" in rated.headers["location"]
    assert steps.log()[0] == before[0] + 1
    shown = follow(steps, rated)
    assert 'id="rated"' in shown.text and "基本满意" in shown.text
    assert f'questions/{seq}/rating"' not in shown.text  # rated once: the form is gone
    assert steps.get("/questions")["items"][0]["rating"] == "basically_satisfied"
    assert rate_on_the_page(steps, seq, "satisfied", code).status_code == 400


def test_a_report_sent_from_the_page_is_on_no_public_page(steps, town, intake):
    page = f"/ledgers/{town.slug}/confidential"
    catch_up(town.app)
    form = steps.http.get(page)
    assert form.status_code == 200 and f'action="{page}"' in form.text
    filed = steps.http.post(page, data={"text": SECRET}, follow_redirects=False)
    assert filed.status_code == 303, filed.text
    seq = int(re.search(r"filed=(\d+)", filed.headers["location"])[1])
    assert town.app.reader.entry(town.slug, seq).statement.type == "confidential.filed"
    shown = follow(steps, filed)
    assert f'id="r-{seq}"' in shown.text and 'id="filed"' in shown.text
    for path in (page, f"/ledgers/{town.slug}", f"/ledgers/{town.slug}/questions",
                 f"{steps.base}/confidential"):
        text = steps.http.get(path).text
        assert "补助发给了亲戚" not in text and "subsidy to a relative" not in text, path


def test_a_refused_report_from_the_page_changes_nothing(steps, town, intake, settings):
    page = f"/ledgers/{town.slug}/confidential"
    sealed_dir = settings.data_dir / "confidential"
    catch_up(town.app)
    before = steps.log()
    for text in ("", "x" * 9_000, "\u202e"):
        refused = steps.http.post(page, data={"text": text}, follow_redirects=False)
        assert refused.status_code == 400 and 'id="report-error"' in refused.text
        assert refused.headers["cache-control"] == "no-store"
    assert steps.log() == before
    assert not sealed_dir.exists() or not any(sealed_dir.rglob("*.json"))


def test_a_rating_for_no_such_ledger_or_question_number_is_refused(steps, town, intake):
    catch_up(town.app)
    before = steps.log()
    form = {"rating": "satisfied", "receipt_code": "AAAA-BBBB-CCCC-DDDD"}
    assert steps.http.post("/ledgers/nosuch/questions/1/rating", data=form).status_code == 404
    for seq in ("abc", "-1", "99999999999999999999", "1e3"):
        answer = steps.http.post(f"/ledgers/{town.slug}/questions/{seq}/rating", data=form)
        assert answer.status_code == 400, (seq, answer.text)
    answer = steps.http.post(f"/ledgers/{town.slug}/questions/{before[0] + 9}/rating",
                             data=form)
    assert answer.status_code == 400 and 'id="rate-error"' in answer.text
    assert f"{before[0] + 9} is not a question" in answer.text
    assert steps.log() == before
