"""Residents' questions (质询) over HTTP: asked without signing in, signed by the
server's intake key and on the log, listed publicly with how long each took,
contact details never stored or shown, asking rate-limited per client."""

from __future__ import annotations

from api.routers.governance import question_buckets
from ledger.keystore import intake_keys
from tests.builders.http import assert_problem
from tests.builders.community import YUAN

PHONE = "13800138000"


def ask(steps, about: dict, text: str, **extra):
    return steps.http.post(f"{steps.base}/questions", json={"about": about, "text": text,
                                                            **extra})


def test_a_question_asked_without_sign_in_is_on_the_log_signed_by_the_intake_key(
        steps, town, intake):
    town.grant("general", 5_000 * YUAN)
    payment = town.pay("general", 800 * YUAN)
    response = ask(steps, {"kind": "entry", "ref": payment}, "这笔钱买了什么? What was bought?",
                   contact=PHONE)
    assert response.status_code == 201, response.text
    answer = response.json()
    assert answer["signer"] == intake.key_id and answer["status"] == "open"
    assert response.headers["location"] == f"{steps.base}/questions/{answer['seq']}"
    assert PHONE not in response.text and "contact_hash" not in answer

    entry = town.app.reader.entry(town.slug, answer["seq"])
    assert entry.statement.type == "question.asked" and entry.signed.signer == intake.key_id
    assert entry.statement.body["about"] == {"kind": "entry", "ref": payment}
    assert entry.statement.body["contact_hash"] == intake_keys.contact_hash(intake, town.slug,
                                                                           f" {PHONE} ")
    _, _, leaves = steps.log()
    assert not any(PHONE.encode() in leaf for leaf in leaves)

    listed = steps.get("/questions")
    [item] = listed["items"]
    assert (item["seq"], item["status"], item["text"]) == (answer["seq"], "open",
                                                           "这笔钱买了什么? What was bought?")
    assert item["hours_to_answer"] is None and item["hours_waiting"] is not None
    assert listed["counts"] == {"open": 1, "answered": 0, "closed": 0}
    for path in ("/questions", f"/questions/{answer['seq']}"):
        text = steps.http.get(f"{steps.base}{path}").text
        assert PHONE not in text and "contact" not in text


def test_answers_and_closing_are_signed_statements_and_the_list_says_how_long_each_took(
        steps, town, intake, clock):
    trade = town.noticed_lease()
    asked = ask(steps, {"kind": "trade", "ref": trade}, "底价怎么定的?").json()["seq"]
    other = ask(steps, {"kind": "trade", "ref": trade}, "谁可以投标?").json()["seq"]
    clock.advance(seconds=5 * 3600)
    steps.ok(town.committee.answer(asked, "按评估价确定。Set from the appraisal."))
    steps.refused(town.committee.close_question(other), 409, "out-of-order", "no answer yet")
    clock.advance(seconds=19 * 3600)
    steps.ok(town.supervisor.answer(asked, "监委会已核实。Checked by the supervisors."))
    steps.ok(town.committee.close_question(asked, "居民满意"))
    steps.refused(town.committee.answer(asked, "again"), 409, "out-of-order", "closed")

    one = steps.get(f"/questions/{asked}")
    assert (one["status"], one["hours_to_answer"], one["hours_to_close"]) == ("closed", 5.0,
                                                                              24.0)
    assert [(a["by"], a["text"]) for a in one["answers"]] == [
        ("committee", "按评估价确定。Set from the appraisal."),
        ("supervisor", "监委会已核实。Checked by the supervisors.")]
    assert one["closing_note"] == "居民满意"
    assert [q["seq"] for q in steps.get("/questions", status="open")["items"]] == [other]
    assert [q["seq"] for q in steps.get("/questions", status="closed")["items"]] == [asked]
    assert steps.get(f"/trades/{trade}")["questions"][0]["seq"] == asked
    assert_problem(steps.http.get(f"{steps.base}/questions", params={"status": "lost"}), 422,
                   "invalid-request")


def test_a_question_about_nothing_or_in_a_bad_shape_is_refused_and_the_log_unchanged(
        steps, town, intake):
    before = steps.log()
    assert_problem(ask(steps, {"kind": "trade", "ref": 999}, "?"), 404, "not-found")
    assert_problem(ask(steps, {"kind": "budget", "ref": 1}, "?"), 422, "malformed")
    assert_problem(ask(steps, {"kind": "entry", "ref": 1}, ""), 422, "malformed")
    assert_problem(ask(steps, {"kind": "entry", "ref": 1}, "x" * 2001), 422, "malformed")
    assert_problem(ask(steps, {"kind": "entry", "ref": 1}, "?", name="张三"), 422, "malformed")
    assert_problem(ask(steps, {"kind": "entry", "ref": 1}, "a\x00b"), 422, "unsafe-text")
    assert_problem(ask(steps, {"kind": "entry", "ref": 1}, "a\u202eb"), 422, "unsafe-text")
    assert_problem(ask(steps, {"kind": [], "ref": 1}, "?"), 422, "malformed")  # was a 500
    assert_problem(ask(steps, {"kind": "entry", "ref": 1}, "?", contact=7), 422, "malformed")
    assert_problem(steps.http.post(f"{steps.base}/questions", content=b"[1.5]",
                                   headers={"content-type": "application/json"}), 422,
                   "malformed")
    assert_problem(steps.http.post("/v1/ledgers/no-such-town/questions",
                                   json={"about": {"kind": "entry", "ref": 0}, "text": "?"}),
                   404, "ledger-not-found")
    assert steps.log() == before


def test_a_ledger_whose_admin_has_not_registered_the_intake_key_takes_no_questions(steps,
                                                                                    town):
    before = steps.log()
    problem = assert_problem(ask(steps, {"kind": "entry", "ref": 1}, "有人吗?"), 503,
                             "intake-not-registered")
    assert "sunledger intake-key" in problem["detail"]
    assert steps.log() == before


def test_asking_too_often_from_one_client_is_refused_with_429_and_retry_after(
        steps, town, intake, api):
    api.state.question_limiter = question_buckets(2)
    about = {"kind": "entry", "ref": 1}
    assert [ask(steps, about, f"问题 {i}").status_code for i in range(2)] == [201, 201]
    size, _, _ = steps.log()
    response = ask(steps, about, "问题 3")
    assert_problem(response, 429, "rate-limited")
    assert int(response.headers["retry-after"]) > 0
    assert steps.log()[0] == size


def test_the_question_list_comes_a_page_at_a_time_in_a_fixed_number_of_queries(
        steps, town, intake, api, monkeypatch):
    """Anyone may ask, so the list is paged (cursor and limit as the other lists), and a
    page costs the same few queries however many questions it holds."""
    from projections.view import Tx

    about = {"kind": "entry", "ref": 1}
    asked = [ask(steps, about, f"问题 {i} " + "长" * 600).json()["seq"] for i in range(7)]
    steps.ok(town.committee.answer(asked[1], "已答复。"))
    pages, cursor = [], None
    while True:
        page = steps.get("/questions", limit=3, **({"cursor": cursor} if cursor else {}))
        pages.append([q["seq"] for q in page["items"]])
        assert page["counts"] == {"open": 6, "answered": 1, "closed": 0}  # all, not the page
        assert page["mean_hours_to_answer"] is not None
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert pages == [asked[0:3], asked[3:6], asked[6:7]]
    assert steps.get("/questions", limit=3)["items"][1]["answers"][0]["text"] == "已答复。"

    queries: list[str] = []
    real_all = Tx.all
    monkeypatch.setattr(Tx, "all", lambda tx, sql, params=(): (queries.append(sql),
                                                              real_all(tx, sql, params))[1])
    for limit in (1, 7):
        queries.clear()
        assert len(steps.get("/questions", limit=limit)["items"]) == limit
        assert len(queries) == 5, queries  # ledger, page, its answers, counts, answer times
    for bad in ({"limit": 0}, {"limit": 1001}, {"cursor": -1}):
        assert_problem(steps.http.get(f"{steps.base}/questions", params=bad), 422,
                       "invalid-request")


def test_the_residents_question_page_shows_one_page_and_links_to_the_next(
        steps, town, intake, monkeypatch):
    import re

    from api.routers import web_governance

    monkeypatch.setattr(web_governance, "question_page_items", 2)
    about = {"kind": "entry", "ref": 1}
    asked = [ask(steps, about, f"第{i}个问题").json()["seq"] for i in range(3)]
    steps.get("/questions")  # the projection has caught up
    first = steps.http.get(f"/ledgers/{town.slug}/questions").text
    shown = [int(seq) for seq in re.findall(r'data-seq="(\d+)"', first)]
    assert shown == asked[:2]
    [next_link] = re.findall(r'href="([^"]+)" rel="next"', first)
    second = steps.http.get(f"/ledgers/{town.slug}/questions{next_link}").text
    assert [int(s) for s in re.findall(r'data-seq="(\d+)"', second)] == asked[2:]
    assert 'rel="next"' not in second and 'rel="first"' in second
    # After asking, the page starts at the question just asked.
    landed = steps.http.get(f"/ledgers/{town.slug}/questions", params={"asked": asked[2]}).text
    assert [int(s) for s in re.findall(r'data-seq="(\d+)"', landed)] == asked[2:]


def test_a_trade_shows_its_first_questions_and_how_many_there_are(steps, town, intake):
    from projections.governance import TRADE_QUESTIONS_SHOWN

    trade = town.noticed_lease()
    asked = [ask(steps, {"kind": "trade", "ref": trade}, f"问题 {i}").json()["seq"]
             for i in range(TRADE_QUESTIONS_SHOWN + 2)]
    shown = steps.get(f"/trades/{trade}")
    assert [q["seq"] for q in shown["questions"]] == asked[:TRADE_QUESTIONS_SHOWN]
    assert shown["questions_total"] == len(asked)
    page = steps.http.get(f"/ledgers/{town.slug}/trades/{trade}").text
    assert 'id="more-questions"' in page and f"共 {len(asked)} 个提问" in page
