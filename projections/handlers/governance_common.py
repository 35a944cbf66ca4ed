"""What the governance handlers share: the step rows (every subject's history)
and the public form of a statement body (people masked, ids and contact hashes
dropped), so that nothing a resident view reads needs masking again."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ledger.format.statements import Entry
from projections.handlers.common import detail_json, public_name, signer_role

if TYPE_CHECKING:
    from projections.view import Tx

PARTY_KINDS = frozenset({"person", "organisation"})
PRIVATE_FIELDS = frozenset({"id", "contact_hash"})  # never shown, whatever the statement


def party_row(party: dict[str, Any]) -> tuple[str, str, str]:
    """(kind, full name, public name) of a {kind, name, id?} party."""
    kind, name = str(party["kind"]), str(party["name"])
    return kind, name, public_name(kind, name)


def public_body(value: Any) -> Any:
    """The body as residents may see it: parties masked, ids and contact hashes gone."""
    if isinstance(value, list):
        return [public_body(item) for item in value]
    if not isinstance(value, dict):
        return value
    if value.get("kind") in PARTY_KINDS and isinstance(value.get("name"), str):
        return {"kind": value["kind"], "name": public_name(value["kind"], value["name"])}
    return {key: public_body(item) for key, item in value.items() if key not in PRIVATE_FIELDS}


def add_step(tx: Tx, entry: Entry, subject: str, ref: Any, detail: dict[str, Any] | None = None
             ) -> None:
    """One line of a subject's story ("asset" code, "trade" / "resolution" /
    "question" seq): which statement, by which role, when the server recorded it."""
    shown = public_body(entry.statement.body if detail is None else detail)
    tx.run("INSERT INTO view_gov_steps (ledger, subject, ref, seq, type, signer_role, "
           "recorded_at, detail) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
           (entry.ledger, subject, str(ref), entry.seq, entry.statement.type,
            signer_role(tx, entry), entry.recorded_at, detail_json(shown)))


def seq_of(value: Any, name: str) -> int:
    """A seq from a body; a handler refusing it makes the entry a finding."""
    if not isinstance(value, int) or isinstance(value, bool) or value < 0:
        raise ValueError(f"{name} {value!r} is not a seq")
    return value


def require(tx: Tx, sql: str, params: tuple, what: str) -> dict[str, Any]:
    row = tx.one(sql, params)
    if row is None:
        raise LookupError(f"{what} is not in the view")
    return row
