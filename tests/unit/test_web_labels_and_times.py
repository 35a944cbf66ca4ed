"""The residents' pages' words and times: every category the demo books use has a
label in both languages, a typed label finds its code, and log times (UTC) show in
the ledger's time zone."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from api.labels import LABELS, code_for, label
from api.web_charts import bar_height, plot_bottom, plot_top
from api.web_lang import local_time

DEMO = Path(__file__).resolve().parents[2] / "ledger" / "demo"


def demo_categories() -> set[str]:
    """The category argument of every post/pay/spend call in the demo's code."""
    found = set()
    for path in DEMO.glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
                    and node.func.attr in ("post", "pay", "post_for_project")):
                args = node.args[2:3] if node.func.attr == "post_for_project" else node.args[1:2]
                found |= {a.value for a in args if isinstance(a, ast.Constant)
                          and isinstance(a.value, str)}
            if isinstance(node, ast.Call) and getattr(node.func, "id", None) == "spend":
                found |= {a.value for a in node.args[6:7] if isinstance(a, ast.Constant)}
    return found


def test_every_demo_category_has_a_chinese_and_an_english_label():
    categories = demo_categories()
    assert {"renovation", "subsidy", "bank_fee", "cash_withdrawal"} <= categories
    for code in categories:
        zh, en = label("category", code)
        assert zh != code and en and en != code, code


def test_no_two_categories_share_a_label():
    for lang in (0, 1):
        names = [pair[lang].casefold() for pair in LABELS["category"].values()]
        assert len(names) == len(set(names))


@pytest.mark.parametrize("typed", ["维修", "Renovation", "renovation", " RENOVATION "])
def test_a_label_in_either_language_or_the_code_finds_the_code(typed):
    assert code_for("category", typed) == "renovation"


def test_unknown_text_stays_as_typed_so_it_finds_nothing():
    assert code_for("category", "不存在") == "不存在"
    assert code_for("category", None) is None


@pytest.mark.parametrize("utc, shown", [
    ("2026-10-30T06:06:24.559534Z", "2026-10-30 14:06"),
    ("2026-12-31T16:30:00Z", "2027-01-01 00:30"),  # the next day (and year) in Shanghai
])
def test_log_times_show_in_shanghai_time(utc, shown):
    assert local_time(utc) == shown


def test_a_missing_or_odd_time_is_shown_plainly():
    assert local_time(None) == "—" and local_time("not a time") == "not a time"


def test_bar_heights_are_proportional_and_never_hide_a_small_amount():
    full = plot_bottom - plot_top
    assert bar_height(500, 500) == full and bar_height(250, 500) == full // 2
    assert bar_height(1, 10**9) == 1 and bar_height(0, 500) == 0
