"""The street office's risk rule (projections/risk_grade.py): conditions on the overview's
indicators, 重点 (priority) when any holds; read from a TOML or JSON file at start, and a
file that is not a rule is refused with what is wrong and where."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest

from ledger.errors import RiskRuleError
from projections.risk_grade import (DEFAULT_CONDITIONS, DEFAULT_RULE, INDICATORS, load_rule,
                                    parse_condition, rule_from)

CALM = {"findings_overdue": 0, "disclosure_period_rate": 1.0, "red_flags_open": 2,
        "arrears_amount": 0, "questions_unanswered": 2, "cash_unconfirmed": 9,
        "satisfaction_rate": None}


def test_the_default_rule_grades_a_calm_community_ordinary_with_no_reasons():
    assert DEFAULT_RULE.grade(CALM) == ("ordinary", [])
    assert DEFAULT_RULE.to_json() == {"source": "default",
                                      "priority_when": list(DEFAULT_CONDITIONS)}


@pytest.mark.parametrize("change, reason", [
    ({"findings_overdue": 1}, "findings_overdue >= 1"),
    ({"disclosure_period_rate": 0.9999}, "disclosure_period_rate < 1"),
    ({"red_flags_open": 3}, "red_flags_open >= 3"),
    ({"arrears_amount": 1}, "arrears_amount > 0"),
    ({"questions_unanswered": 3}, "questions_unanswered >= 3"),
    ({"cash_unconfirmed": 10}, "cash_unconfirmed >= 10"),
])
def test_each_default_condition_alone_makes_a_community_priority_and_says_so(change, reason):
    assert DEFAULT_RULE.grade({**CALM, **change}) == ("priority", [reason])


def test_the_reasons_come_in_the_rules_order_and_name_every_condition_that_held():
    row = {**CALM, "cash_unconfirmed": 40, "findings_overdue": 2, "arrears_amount": 100}
    assert DEFAULT_RULE.grade(row) == ("priority", [
        "findings_overdue >= 1", "arrears_amount > 0", "cash_unconfirmed >= 10"])


def test_an_indicator_without_a_value_makes_no_condition_hold():
    rule = rule_from({"priority_when": ["satisfaction_rate < 0.8",
                                        "disclosure_period_rate <= 0.5"]})
    assert rule.grade({"satisfaction_rate": None, "disclosure_period_rate": None}) == (
        "ordinary", [])
    assert rule.grade({"satisfaction_rate": 0.5, "disclosure_period_rate": 0.5}) == (
        "priority", ["satisfaction_rate < 0.8", "disclosure_period_rate <= 0.5"])


@pytest.mark.parametrize("text, shown, threshold", [
    ("red_flags_open>=3", "red_flags_open >= 3", Decimal(3)),
    ("  disclosure_rate <   1.0 ", "disclosure_rate < 1", Decimal(1)),
    ("satisfaction_rate < 0.850", "satisfaction_rate < 0.85", Decimal("0.85")),
    ("arrears_amount > 0", "arrears_amount > 0", Decimal(0)),
    ("cash_unconfirmed >= 007", "cash_unconfirmed >= 7", Decimal(7)),
    ("arrears_amount > 100.0", "arrears_amount > 100", Decimal(100)),
])
def test_conditions_are_read_leniently_and_written_one_way(text, shown, threshold):
    condition = parse_condition(text)
    assert condition.text == shown and condition.threshold == threshold


@pytest.mark.parametrize("text, says", [
    ("red_flags >= 3", "names no indicator"),
    ("red_flags_open => 3", "is not <indicator> <op> <number>"),
    ("red_flags_open == 3", "is not <indicator> <op> <number>"),
    ("red_flags_open >= -1", "is not <indicator> <op> <number>"),
    ("red_flags_open >= three", "is not <indicator> <op> <number>"),
    ("red_flags_open >= 3; DROP TABLE", "is not <indicator> <op> <number>"),
    (3, "must be a string"),
])
def test_a_condition_that_is_not_one_is_refused_with_the_reason(text, says):
    with pytest.raises(RiskRuleError, match=says):
        parse_condition(text)


def test_every_indicator_can_be_named():
    for indicator in INDICATORS:
        assert parse_condition(f"{indicator} >= 1").indicator == indicator


def test_a_toml_rule_file_replaces_the_default(tmp_path):
    path = tmp_path / "rule.toml"
    path.write_text('# 重点 when any holds\npriority_when = ["findings_overdue >= 1", '
                    '"red_flags_open >= 5"]\n', encoding="utf-8")
    rule = load_rule(path)
    assert rule.to_json() == {"source": "file", "priority_when": [
        "findings_overdue >= 1", "red_flags_open >= 5"]}
    assert rule.grade({**CALM, "red_flags_open": 4}) == ("ordinary", [])
    assert rule.grade({**CALM, "red_flags_open": 5}) == ("priority", ["red_flags_open >= 5"])


def test_a_json_rule_file_is_read_as_json(tmp_path):
    path = tmp_path / "rule.json"
    path.write_text(json.dumps({"priority_when": ["cash_unconfirmed >= 1"]}), encoding="utf-8")
    assert load_rule(path).grade({"cash_unconfirmed": 1}) == ("priority", ["cash_unconfirmed >= 1"])


def test_no_file_is_the_default_rule():
    assert load_rule(None) is DEFAULT_RULE


@pytest.mark.parametrize("name, content, says", [
    ("rule.toml", 'priority_when = ["red_flags_open >= 3"', "is not TOML"),
    ("rule.json", '{"priority_when": [', "is not JSON"),
    ("rule.toml", b"\xff\xfe", "is not TOML"),
    ("rule.toml", 'priority_when = []', "1 to 32 conditions"),
    ("rule.toml", 'priority_when = "red_flags_open >= 3"', "1 to 32 conditions"),
    ("rule.toml", 'priority_when = ["red_flags_open >= 3"]\nextra = 1', "exactly one setting"),
    ("rule.toml", 'when = ["red_flags_open >= 3"]', "exactly one setting"),
    ("rule.json", '["red_flags_open >= 3"]', "exactly one setting"),
    ("rule.toml", 'priority_when = ["red_flags_open >= 3", "red_flags_open >= 3.0"]',
     "appears twice"),
    ("rule.toml", 'priority_when = ["overdue >= 1"]', "names no indicator"),
    ("rule.toml", "priority_when = [" + ", ".join(
        f'"red_flags_open >= {n}"' for n in range(33)) + "]", "1 to 32 conditions"),
])
def test_a_file_that_is_not_a_rule_is_refused_naming_the_file(tmp_path, name, content, says):
    path = tmp_path / name
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8")
    with pytest.raises(RiskRuleError, match=says) as refused:
        load_rule(path)
    assert str(path) in str(refused.value) and refused.value.code == "bad-risk-rule"


def test_a_missing_or_oversized_file_is_refused(tmp_path):
    with pytest.raises(RiskRuleError, match="cannot be read"):
        load_rule(tmp_path / "nowhere.toml")
    big = tmp_path / "big.toml"
    big.write_text("#" * (64 * 1024 + 1), encoding="utf-8")
    with pytest.raises(RiskRuleError, match="over 65536 bytes"):
        load_rule(big)
