"""docs/statement-types.md mirrors the role table and the rules: every type has a
section, its signing roles are exactly ledger.domain.policy.SIGNING_ROLES, and every
example body uses only the fields its table lists (and all the required ones)."""

from __future__ import annotations

import json
import re
from pathlib import Path

import ledger.domain  # noqa: F401  (registers every statement type)
from ledger.domain import policy
from ledger.domain.types import STATEMENT_TYPES

DOC = (Path(__file__).resolve().parents[2] / "docs" / "statement-types.md").read_text("utf-8")


def sections() -> dict[str, str]:
    parts = re.split(r"^### `([a-z_.]+)`\n", DOC, flags=re.M)
    return dict(zip(parts[1::2], parts[2::2]))


def table_fields(section: str) -> tuple[set[str], set[str]]:
    """(every field, required fields) from the section's field table."""
    every, required = set(), set()
    for line in section.splitlines():
        if not line.startswith("| `"):
            continue
        for name in re.findall(r"`([a-z0-9_]+\??)`", line.split("|")[1]):
            every.add(name.rstrip("?"))
            if not name.endswith("?"):
                required.add(name)
    return every, required


def has_float(value) -> bool:
    if isinstance(value, dict):
        return any(has_float(item) for item in value.values())
    if isinstance(value, list):
        return any(has_float(item) for item in value)
    return isinstance(value, float)


def examples(section: str) -> list[dict]:
    return [json.loads(block) for block in re.findall(r"```json\n(.*?)```", section, flags=re.S)]


def test_every_statement_type_has_a_section_and_nothing_else_does():
    assert set(sections()) == set(policy.SIGNING_ROLES) == set(STATEMENT_TYPES)


def test_each_section_names_exactly_the_roles_that_may_sign_it():
    for kind, section in sections().items():
        line = next(line for line in section.splitlines() if line.startswith("**Signed by:**"))
        named = set(re.findall(r"`([a-z]+)`", line.split("—")[0]))
        assert named == set(policy.SIGNING_ROLES[kind]), kind


def test_each_example_body_uses_only_its_listed_fields_and_all_required_ones():
    for kind, section in sections().items():
        every, required = table_fields(section)
        bodies = examples(section)
        assert bodies and every, kind
        for body in bodies:
            assert set(body) <= every, (kind, set(body) - every)
            assert required <= set(body), (kind, required - set(body))
            assert not has_float(body), kind
