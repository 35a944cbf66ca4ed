"""Money as integer minor units (FORMAT.md section 6). Never floats."""

from __future__ import annotations

import re
from dataclasses import dataclass

from ledger.format.cjson import INT_MAX
from ledger.errors import FormatError

# ISO 4217 exponent for the currencies a community ledger is likely to use.
MINOR_DIGITS = {"CNY": 2, "HKD": 2, "TWD": 2, "USD": 2, "EUR": 2, "JPY": 0}
CURRENCY_RE = re.compile(r"[A-Z]{3}")
# re.ASCII: \d would otherwise also match full-width and other scripts' digits.
DECIMAL_RE = re.compile(r"(-?)(\d{1,3}(?:,\d{3})+|\d+)(?:\.(\d+))?", re.ASCII)
WHOLE_DIGITS_MAX = len(str(INT_MAX))  # longer can never fit; checked before int()


def minor_digits(currency: str) -> int:
    if not CURRENCY_RE.fullmatch(currency or ""):
        raise FormatError(f"currency {currency!r} is not an ISO 4217 code")
    return MINOR_DIGITS.get(currency, 2)


def parse_amount(text: str, currency: str = "CNY") -> int:
    """``"1,234.56"`` -> 123456 fen. Too many decimals is an error, not rounding."""
    digits = minor_digits(currency)
    match = DECIMAL_RE.fullmatch(text.strip()) if isinstance(text, str) else None
    if not match:
        raise FormatError(f"amount {text!r} is not a decimal number like 1,234.56")
    sign, whole, fraction = match.group(1), match.group(2).replace(",", ""), match.group(3) or ""
    if len(fraction) > digits:
        raise FormatError(f"amount {text!r} has more than {digits} decimals for {currency}")
    if len(whole.lstrip("0")) > WHOLE_DIGITS_MAX:
        raise FormatError(f"amount {text[:24]!r} is too large")
    minor = int(whole) * 10**digits + int(fraction.ljust(digits, "0") or "0")
    if minor > INT_MAX:
        raise FormatError(f"amount {text!r} is too large")
    return -minor if sign else minor


def format_amount(minor: int, currency: str = "CNY", *, grouping: bool = True) -> str:
    """123456 fen -> ``"1,234.56"``."""
    digits = minor_digits(currency)
    sign = "-" if minor < 0 else ""
    whole, fraction = divmod(abs(minor), 10**digits)
    whole_text = f"{whole:,}" if grouping else str(whole)
    return f"{sign}{whole_text}.{fraction:0{digits}d}" if digits else f"{sign}{whole_text}"


@dataclass(frozen=True, order=True)
class Amount:
    currency: str
    minor: int

    @classmethod
    def parse(cls, text: str, currency: str = "CNY") -> Amount:
        return cls(currency, parse_amount(text, currency))

    def __str__(self) -> str:
        return f"{format_amount(self.minor, self.currency)} {self.currency}"
