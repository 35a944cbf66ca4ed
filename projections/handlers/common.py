"""Small writers and presentation helpers the row writers share."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from projections.view import Tx

PUBLIC_KINDS = frozenset({"organisation"})  # counterparties shown in full to the public


def detail_json(value: Any) -> str:
    """Stable JSON text (a rebuild must give identical rows)."""
    return json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def public_name(kind: str, name: str) -> str:
    """Organisations in full; a person keeps only the first character ("张*", "L*").

    One star whatever the length, so the mask does not leak the name's length.
    Any kind other than an organisation is treated as a person.
    """
    if kind in PUBLIC_KINDS:
        return name
    stripped = name.strip()
    return (stripped[:1] + "*") if stripped else "*"


def add_finding(tx: Tx, ledger: str, seq: int, kind: str, detail: dict[str, Any]) -> None:
    tx.run("INSERT INTO view_findings (ledger, seq, kind, detail) VALUES (?, ?, ?, ?) "
           "ON CONFLICT DO NOTHING", (ledger, seq, kind, detail_json(detail)))
