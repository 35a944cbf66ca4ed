"""What the governance writers share: the step rows (every subject's history)
and the public form of a statement body (people masked, ids and contact hashes
dropped), so that nothing a resident view reads needs masking again."""

from __future__ import annotations

from typing import Any

from projections.handlers import At
from projections.handlers.common import detail_json, public_name

PARTY_KINDS = frozenset({"person", "organisation"})
PRIVATE_FIELDS = frozenset({"id", "contact_hash"})  # never shown, whatever the statement


def holder_columns(kind: str, name: str) -> tuple[str, str, str]:
    """(kind, public name, full name) of a holder or bidder; all empty for nobody."""
    return (kind, public_name(kind, name), name) if name else ("", "", "")


def public_body(value: Any) -> Any:
    """The body as residents may see it: parties masked, ids and contact hashes gone."""
    if isinstance(value, list):
        return [public_body(item) for item in value]
    if not isinstance(value, dict):
        return value
    if value.get("kind") in PARTY_KINDS and isinstance(value.get("name"), str):
        return {"kind": value["kind"], "name": public_name(value["kind"], value["name"])}
    return {key: public_body(item) for key, item in value.items() if key not in PRIVATE_FIELDS}


def add_step(at: At, subject: str, ref: Any) -> None:
    """One line of a subject's story ("asset" code, "trade" / "resolution" /
    "question" seq): which statement, by which role, when the server recorded it."""
    entry = at.entry
    at.tx.run("INSERT INTO view_gov_steps (ledger, subject, ref, seq, type, signer_role, "
              "recorded_at, detail) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
              (at.ledger, subject, str(ref), entry.seq, entry.statement.type, at.role,
               entry.recorded_at, detail_json(public_body(entry.statement.body))))
