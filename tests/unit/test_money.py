"""Money as integer minor units (FORMAT.md 6): decimal strings in and out, never floats."""

from __future__ import annotations

import pytest

from ledger.format.cjson import INT_MAX
from ledger.errors import FormatError
from ledger.format.money import Amount, format_amount, minor_digits, parse_amount


@pytest.mark.parametrize("text, fen", [
    ("1,234.56", 123456), ("1234.56", 123456), ("0.01", 1), ("12", 1200), ("12.5", 1250),
    ("-3.20", -320), (" 7.00 ", 700), ("1,000,000", 100_000_000), ("0", 0),
])
def test_decimal_strings_parse_to_exact_fen(text, fen):
    assert parse_amount(text) == fen


def test_yen_has_no_minor_digits():
    assert minor_digits("JPY") == 0
    assert parse_amount("1,500", "JPY") == 1500
    assert format_amount(1500, "JPY") == "1,500"
    with pytest.raises(FormatError, match="more than 0 decimals"):
        parse_amount("1.5", "JPY")


def test_more_decimals_than_the_currency_has_is_an_error_not_rounding():
    with pytest.raises(FormatError, match="more than 2 decimals for CNY"):
        parse_amount("0.001")


@pytest.mark.parametrize("text", ["", "abc", "1.2.3", ".5", "5.", "+5", "1,23", "1,2345",
                                  "1e3", "NaN", "0x10", "1_000", "12 34"])
def test_text_that_is_not_a_plain_decimal_is_refused(text):
    with pytest.raises(FormatError, match="is not a decimal number"):
        parse_amount(text)


@pytest.mark.parametrize("text", ["１２３", "١٢٣", "12.５"])
def test_digits_other_than_ascii_0_to_9_are_refused(text):
    with pytest.raises(FormatError, match="is not a decimal number"):
        parse_amount(text)


def test_a_float_is_never_accepted_as_an_amount():
    with pytest.raises(FormatError):
        parse_amount(12.5)  # type: ignore[arg-type]


def test_amounts_beyond_2_53_are_refused():
    assert parse_amount(f"{INT_MAX // 100}.00") == INT_MAX // 100 * 100
    with pytest.raises(FormatError, match="too large"):
        parse_amount(f"{INT_MAX}.00")


def test_thousands_of_digits_are_a_format_error_not_a_crash():
    with pytest.raises(FormatError, match="too large"):
        parse_amount("9" * 5000)


@pytest.mark.parametrize("fen, text", [(123456, "1,234.56"), (5, "0.05"), (-5, "-0.05"),
                                       (0, "0.00"), (100, "1.00"), (-123456789, "-1,234,567.89")])
def test_fen_format_as_grouped_decimals(fen, text):
    assert format_amount(fen) == text
    assert parse_amount(text) == fen


def test_formatting_without_grouping():
    assert format_amount(123456789, grouping=False) == "1234567.89"


def test_an_unknown_currency_code_is_refused():
    for code in ("cny", "CN", "", "YUAN"):
        with pytest.raises(FormatError, match="not an ISO 4217 code"):
            minor_digits(code)


def test_amount_value_shows_the_currency_and_orders_by_minor_units():
    assert str(Amount.parse("1,234.56")) == "1,234.56 CNY"
    assert Amount.parse("1.00") < Amount.parse("1.01")
