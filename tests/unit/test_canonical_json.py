"""Canonical JSON (FORMAT.md 1): the subset, byte-exact output, strict parsing."""

from __future__ import annotations

import json

import pytest

from ledger.format import cjson
from ledger.errors import FormatError

INT_MAX = 2**53 - 1


def test_dumps_sorts_keys_drops_spaces_and_keeps_unicode_raw():
    value = {"b": [1, True, None], "a": "新竹 \"Lü\"\n", "c": {"z": -5, "y": ""}}
    assert cjson.dumps(value) == '{"a":"新竹 \\"Lü\\"\\n","b":[1,true,null],"c":{"y":"","z":-5}}'.encode()


def test_dumps_escapes_control_characters_in_lowercase_hex_as_rfc8785_does():
    assert cjson.dumps("\x1f\x7f\u2028") == b'"\\u001f\x7f\xe2\x80\xa8"'


def test_integers_at_the_edge_of_the_range_are_kept_exactly():
    assert cjson.dumps([INT_MAX, -INT_MAX]) == f"[{INT_MAX},{-INT_MAX}]".encode()
    assert cjson.loads(f"[{INT_MAX},{-INT_MAX}]") == [INT_MAX, -INT_MAX]


@pytest.mark.parametrize("value", [INT_MAX + 1, -INT_MAX - 1, 10**30])
def test_integers_outside_plus_minus_2_53_are_rejected_both_ways(value):
    with pytest.raises(FormatError, match="outside"):
        cjson.dumps({"amount": value})
    with pytest.raises(FormatError, match="outside"):
        cjson.loads(json.dumps({"amount": value}))


@pytest.mark.parametrize("value", [1.0, 0.5, float("nan"), float("inf")])
def test_python_floats_are_rejected_even_when_integral(value):
    with pytest.raises(FormatError, match="floats are not allowed"):
        cjson.dumps({"amount": value})


@pytest.mark.parametrize("text", ['{"amount":100.0}', '{"amount":1e2}', '[0.1]', '[-0.0]'])
def test_floats_in_json_text_are_rejected(text):
    with pytest.raises(FormatError, match="float"):
        cjson.loads(text)


@pytest.mark.parametrize("text", ["[NaN]", "[Infinity]", "[-Infinity]"])
def test_nan_and_infinity_are_rejected(text):
    with pytest.raises(FormatError, match="not allowed"):
        cjson.loads(text)


def test_duplicate_keys_are_rejected_not_silently_merged():
    with pytest.raises(FormatError, match="duplicate object key"):
        cjson.loads('{"a":1,"b":{"c":1,"c":2},"a":2}')


@pytest.mark.parametrize("text", ['{"a":', "", "[1,]", "{'a':1}", '{"a":1} x'])
def test_broken_text_is_a_format_error_naming_the_place(text):
    with pytest.raises(FormatError, match="not JSON"):
        cjson.loads(text)


def test_invalid_utf8_is_a_format_error():
    with pytest.raises(FormatError, match="not UTF-8"):
        cjson.loads(b'{"a":"\xff"}')


def test_lone_surrogates_are_rejected_in_text_and_in_values():
    with pytest.raises(FormatError, match="lone surrogate"):
        cjson.loads('{"a":"\\ud800"}')
    with pytest.raises(FormatError, match="lone surrogate"):
        cjson.dumps({"a": "\ud800"})


def test_non_ascii_object_keys_are_rejected():
    with pytest.raises(FormatError, match="ASCII"):
        cjson.loads('{"金额":1}')
    with pytest.raises(FormatError, match="ASCII"):
        cjson.dumps({1: "x"})


def test_values_that_are_not_json_are_rejected():
    with pytest.raises(FormatError, match="tuple is not a JSON value"):
        cjson.dumps({"a": (1, 2)})


def test_nesting_deeper_than_the_limit_is_rejected():
    deep: list = []
    for _ in range(cjson.DEPTH_MAX + 1):
        deep = [deep]
    with pytest.raises(FormatError, match="nested deeper"):
        cjson.dumps(deep)


def test_nesting_up_to_the_limit_is_accepted_with_values_at_the_bottom():
    deep: object = [1, "x", {"k": None}]
    for _ in range(cjson.DEPTH_MAX - 2):
        deep = [deep]
    cjson.check(deep)
    with pytest.raises(FormatError, match="nested deeper"):
        cjson.check([deep])


def test_subclasses_of_json_types_are_judged_like_their_base_types():
    import enum

    class Side(enum.IntEnum):
        DEBIT = 1

    class Code(str):
        pass

    assert cjson.dumps({"side": Side.DEBIT, "code": Code("1002")}) == b'{"code":"1002","side":1}'
    with pytest.raises(FormatError, match="outside"):
        cjson.check({"n": type("Big", (int,), {})(2**60)})


def test_a_lone_surrogate_deep_inside_is_named_by_its_path():
    with pytest.raises(FormatError, match=r"\$\.body\.postings\[1\]\.memo: string holds a lone"):
        cjson.check({"body": {"postings": [{}, {"memo": "a\udc00"}]}})


def test_absurdly_deep_json_text_is_a_format_error_not_a_crash():
    with pytest.raises(FormatError):
        cjson.loads("[" * 100_000 + "]" * 100_000)


def test_an_integer_with_thousands_of_digits_is_a_format_error_not_a_crash():
    with pytest.raises(FormatError):
        cjson.loads("9" * 5000)
    with pytest.raises(FormatError):
        cjson.loads('{"amount":' + "1" * 5000 + "}")


def test_loads_canonical_accepts_canonical_bytes_only():
    canonical = b'{"a":1,"b":"x"}'
    assert cjson.loads_canonical(canonical) == {"a": 1, "b": "x"}
    for variant in (b'{"b":"x","a":1}', b'{"a": 1,"b":"x"}', b'{"a":1,"b":"\\u0078"}'):
        with pytest.raises(FormatError, match="not in canonical form"):
            cjson.loads_canonical(variant)


def test_dumps_then_loads_round_trips_byte_for_byte():
    value = {"memo": "活动用品 supplies\t", "n": [0, -1, INT_MAX], "ok": False, "none": None}
    data = cjson.dumps(value)
    assert cjson.loads(data) == value
    assert cjson.loads_canonical(data) == value


# Bytes take a fast path (orjson, for compact JSON); it must refuse all the same things.
@pytest.mark.parametrize("text, reason", [
    ('{"a":1,"b":{"c":1,"c":2}}', "duplicate object key"),
    ('{"c":1,"c":1}', "duplicate object key"),  # the repeat is identical: still refused
    ('{"amount":100.0}', "float"),
    ('[1e2]', "float"),
    (f'[{INT_MAX + 1}]', "outside"),
    ('[9223372036854775807]', "outside"),
    ('[18446744073709551616]', "outside"),
    ('{"金额":1}', "ASCII"),
    ('[NaN]', "not allowed"),
    ('{"a":"\\ud800"}', "lone surrogate"),
    ('[' * 40 + ']' * 40, "deeper"),
])
def test_compact_bytes_are_refused_for_the_same_reasons_as_text(text, reason):
    with pytest.raises(FormatError, match=reason):
        cjson.loads(text.encode("utf-8"))


@pytest.mark.parametrize("text", [
    '{"b":1,"a":[true,null,-5,"新竹"]}',        # compact, keys in any order: the fast path
    '{ "b": 1, "a": [true, null, -5, "新竹"] }',  # spaced: the strict parser
    '{"b":1,"a":[true,null,-5,"\\u65b0\\u7af9"]}',  # escaped: the strict parser
])
def test_bytes_parse_to_the_same_value_whichever_path_takes_them(text):
    assert cjson.loads(text.encode("utf-8")) == {"a": [True, None, -5, "新竹"], "b": 1}
