"""Residents' pages show unprintable characters of a log signed before the text rule
(a memo with ESC[31m or a right-to-left override) as visible escapes, over real HTTP;
and the API refuses such a memo today as a 422 unsafe-text problem."""

from __future__ import annotations

from ledger.client import posting
from ledger.domain import fields
from projections.worker import catch_up
from tests.builders.community import STREET_OFFICE
from tests.builders.http import assert_problem

OLD_MEMO = "\x1b[31m红字 \u202e0021"


def grant(town, memo: str):
    lines = [posting("1002", "general", "debit", 100), posting("4001", "general", "credit", 100)]
    return town.agent.post("2026-01-05", "grant", STREET_OFFICE, lines, memo=memo)


def test_a_memo_with_a_bidi_override_is_a_422_unsafe_text_problem(http, town):
    size = town.app.reader.size(town.slug)
    response = http.post(f"/v1/ledgers/{town.slug}/statements",
                         json=grant(town, OLD_MEMO).to_json())
    assert_problem(response, 422, "unsafe-text")
    assert town.app.reader.size(town.slug) == size


def test_a_page_shows_an_old_memos_unprintable_characters_escaped(http, town, app, monkeypatch):
    monkeypatch.setattr(fields, "check_text", lambda value, name, *, prose: None)
    seq = town.submit(grant(town, OLD_MEMO))
    monkeypatch.undo()
    catch_up(app)
    page = http.get(f"/ledgers/{town.slug}/transactions/{seq}")
    assert page.status_code == 200, page.text
    assert "\\x1b[31m红字 \\u202e0021" in page.text
    assert not fields.UNSAFE_IN_PROSE_RE.search(page.text)
