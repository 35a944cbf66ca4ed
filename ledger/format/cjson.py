"""Canonical JSON (FORMAT.md section 1).

RFC 8785 restricted to a subset where it coincides with Python's
``json.dumps(..., sort_keys=True, separators=(",", ":"), ensure_ascii=False)``.
Values outside the subset are rejected, never coerced: a float that happens
to be integral would otherwise slip through as money.
"""

from __future__ import annotations

import json
from typing import Any

import orjson

from ledger.errors import FormatError

INT_MAX = 2**53 - 1
DEPTH_MAX = 32


def _check(value: Any, path: str, depth: int) -> None:
    if depth > DEPTH_MAX:
        raise FormatError(f"{path}: nested deeper than {DEPTH_MAX}", path=path)
    if value is None or isinstance(value, bool):
        return
    if isinstance(value, int):
        if not -INT_MAX <= value <= INT_MAX:
            raise FormatError(f"{path}: integer {value} is outside ±(2^53-1)", path=path)
        return
    if isinstance(value, str):
        _check_string(value, path)
        return
    if isinstance(value, float):
        raise FormatError(f"{path}: floats are not allowed (use integer minor units)", path=path)
    if isinstance(value, list):
        for i, item in enumerate(value):
            _check(item, f"{path}[{i}]", depth + 1)
        return
    if isinstance(value, dict):
        for key, item in value.items():
            if not isinstance(key, str) or not key.isascii():
                raise FormatError(f"{path}: object keys must be ASCII strings, got {key!r}", path=path)
            _check(item, f"{path}.{key}", depth + 1)
        return
    raise FormatError(f"{path}: {type(value).__name__} is not a JSON value", path=path)


def _check_string(value: str, path: str) -> None:
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        raise FormatError(f"{path}: string holds a lone surrogate", path=path) from None


def plainly_valid(value: Any, depth: int) -> bool:
    """The hot path: exact types, no path strings. False means "look closer" (a
    subclass such as IntEnum may still pass ``_check``, which names the fault)."""
    kind = type(value)
    if kind is str:
        return value.isascii() or _encodable(value)
    if kind is int:
        return -INT_MAX <= value <= INT_MAX
    if value is None or kind is bool:
        return True
    if depth >= DEPTH_MAX:  # containers this deep: let _check decide and explain
        return False
    if kind is dict:
        for key, item in value.items():  # loops, not all(genexpr): 2x faster here
            if type(key) is not str or not key.isascii() or not plainly_valid(item, depth + 1):
                return False
        return True
    if kind is list:
        for item in value:
            if not plainly_valid(item, depth + 1):
                return False
        return True
    return False


def _encodable(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def check(value: Any) -> None:
    """Raise FormatError unless ``value`` lies in the canonical subset."""
    if not plainly_valid(value, 0):
        _check(value, "$", 0)


def dumps(value: Any) -> bytes:
    """The canonical bytes of ``value`` (checked first). Written by orjson: for every
    value the check lets through it writes exactly the bytes of ``json.dumps(value,
    ensure_ascii=False, sort_keys=True, separators=(",", ":"))``, at a tenth of the cost
    (tests/unit/test_verify_leaf_encoding.py tries every code point)."""
    check(value)
    return orjson.dumps(value, option=orjson.OPT_SORT_KEYS)


def _reject_constant(name: str) -> Any:
    raise FormatError(f"{name} is not allowed in canonical JSON")


def _reject_float(text: str) -> Any:
    raise FormatError(f"float {text} is not allowed (use integer minor units)")


def _parse_int(text: str) -> int:
    # Checked before int(): a number of thousands of digits would otherwise raise
    # Python's ValueError (int max str digits) instead of a FormatError.
    if len(text.lstrip("-")) > len(str(INT_MAX)):
        shown = text if len(text) <= 24 else text[:20] + "..."
        raise FormatError(f"integer {shown} is outside ±(2^53-1)")
    return int(text)


def unique_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result: dict[str, Any] = {}
    for key, value in pairs:
        if key in result:
            raise FormatError(f"duplicate object key {key!r}")
        result[key] = value
    return result


def loads(data: bytes | str) -> Any:
    """Parse JSON strictly: no floats, NaN, duplicate keys or out-of-range ints."""
    if isinstance(data, bytes):
        value = _compact(data)
        if value is not _NOT_COMPACT:
            return value
    try:
        text = data.decode("utf-8") if isinstance(data, bytes) else data
        value = json.loads(
            text,
            parse_float=_reject_float,
            parse_int=_parse_int,
            parse_constant=_reject_constant,
            object_pairs_hook=unique_keys,
        )
    except UnicodeDecodeError as exc:
        raise FormatError(f"not UTF-8: {exc.reason} at byte {exc.start}") from None
    except json.JSONDecodeError as exc:
        raise FormatError(f"not JSON: {exc.msg} at line {exc.lineno} column {exc.colno}") from None
    except RecursionError:
        raise FormatError(f"not JSON we accept: nested deeper than {DEPTH_MAX}") from None
    check(value)
    return value


_NOT_COMPACT = object()


def _compact(data: bytes) -> Any:
    """The fast path of ``loads``, for compact JSON (what clients and the log send): orjson
    parses it, and writing it back in the parsed order must give the same bytes. That
    proves no key was repeated (orjson keeps the last; the repeat would be missing from
    what it writes) and no space or escape was there to hide one; the check then refuses
    floats and big integers. Anything else goes the strict parser's way, which names
    what is wrong."""
    try:
        value = orjson.loads(data)
    except orjson.JSONDecodeError:
        return _NOT_COMPACT
    if orjson.dumps(value) != data or not plainly_valid(value, 0):
        return _NOT_COMPACT
    return value


def loads_canonical(data: bytes) -> Any:
    """Parse ``data`` and insist it is already in canonical form, byte for byte."""
    value = loads(data)
    if dumps(value) != data:
        raise FormatError("not in canonical form (key order, spacing or escaping differs)")
    return value
