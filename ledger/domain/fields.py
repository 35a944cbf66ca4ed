"""Reading statement bodies: each getter names the field it rejects."""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from ledger.domain import policy
from ledger.errors import FormatError

CODE_RE = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,31}")
SHA256_RE = re.compile(r"[0-9a-f]{64}")
DATE_RE = re.compile(r"\d{4}-\d{2}-\d{2}")


def only_fields(body: dict[str, Any], required: set[str], optional: set[str] = frozenset()) -> None:
    missing = required - set(body)
    if missing:
        raise FormatError(f"body is missing {', '.join(sorted(missing))}", fields=sorted(missing))
    unknown = set(body) - required - set(optional)
    if unknown:
        raise FormatError(f"body has unknown fields {', '.join(sorted(unknown))}",
                          fields=sorted(unknown))


def text(body: dict[str, Any], name: str, *, bytes_max: int, required: bool = True,
         allow_empty: bool = False) -> str:
    value = body.get(name)
    if value is None and not required:
        return ""
    if not isinstance(value, str):
        raise FormatError(f"{name} must be a string", field=name)
    if not value.strip() and not allow_empty:
        raise FormatError(f"{name} must not be empty", field=name)
    if len(value.encode("utf-8")) > bytes_max:
        raise FormatError(f"{name} is longer than {bytes_max} bytes", field=name, limit=bytes_max)
    return value


def code(body: dict[str, Any], name: str) -> str:
    value = body.get(name)
    if not isinstance(value, str) or not CODE_RE.fullmatch(value):
        raise FormatError(f"{name} must be a code of letters, digits, '_', '.', '-' (1-32)",
                          field=name)
    return value


def integer(value: Any, name: str, *, minimum: int, maximum: int) -> int:
    if not isinstance(value, int) or isinstance(value, bool):
        raise FormatError(f"{name} must be an integer", field=name)
    if not minimum <= value <= maximum:
        raise FormatError(f"{name} must be between {minimum} and {maximum}, got {value}",
                          field=name)
    return value


def amount(value: Any, name: str, *, maximum: int) -> int:
    """A positive amount in minor units; zero and negatives are refused here."""
    if isinstance(value, float):
        raise FormatError(f"{name} must be an integer in minor units, not a float", field=name)
    return integer(value, name, minimum=1, maximum=maximum)


def iso_date(body: dict[str, Any], name: str) -> str:
    value = body.get(name)
    if not isinstance(value, str) or not DATE_RE.fullmatch(value):
        raise FormatError(f"{name} must be a date like 2026-03-31", field=name)
    try:
        date.fromisoformat(value)
    except ValueError:
        raise FormatError(f"{name} {value!r} is not a real date", field=name) from None
    return value


def sha256_hex(value: Any, name: str) -> str:
    if not isinstance(value, str) or not SHA256_RE.fullmatch(value):
        raise FormatError(f"{name} must be a SHA-256 in 64 lowercase hex", field=name)
    return value


def documents(body: dict[str, Any], kinds: frozenset[str] | set[str]) -> None:
    """Optional ``documents``: at most ``policy.documents_max`` of {kind, sha256}."""
    value = body.get("documents", [])
    if not isinstance(value, list) or len(value) > policy.documents_max:
        raise FormatError(f"documents must list at most {policy.documents_max} items")
    for i, document in enumerate(value):
        if not isinstance(document, dict):
            raise FormatError(f"documents[{i}] must be an object")
        only_fields(document, {"kind", "sha256"})
        choice(document, "kind", kinds)
        sha256_hex(document["sha256"], f"documents[{i}].sha256")


def boolean(body: dict[str, Any], name: str, default: bool) -> bool:
    value = body.get(name, default)
    if not isinstance(value, bool):
        raise FormatError(f"{name} must be true or false", field=name)
    return value


def choice(body: dict[str, Any], name: str, options: frozenset[str] | set[str], *,
           required: bool = True) -> str | None:
    value = body.get(name)
    if value is None and not required:
        return None
    if not isinstance(value, str) or value not in options:  # a list or dict is unhashable
        raise FormatError(f"{name} must be one of {', '.join(sorted(options))}", field=name)
    return value
