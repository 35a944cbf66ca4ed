"""The street office's risk grade (重点 / 一般) of a community, by a rule it can change.

A rule is a list of conditions on the overview's indicators (``projections.overview``);
a community is ``priority`` (重点) when ANY condition holds, else ``ordinary`` (一般),
and its row names the conditions that held (``reasons``). A condition is one line,
``<indicator> <op> <number>`` with ``op`` one of ``>=``, ``>``, ``<=``, ``<``, e.g.
``red_flags_open >= 3``; an indicator with no value (no disclosure was due in the
period, nobody rated an answer) makes no condition hold.

The rule in force is ``DEFAULT_RULE`` unless the setting ``SUNLEDGER_RISK_RULE``
names a file (``Settings.risk_rule``): TOML, or JSON if its name ends in ``.json``,
holding exactly ``priority_when``, the list of conditions::

    # 重点 when any of these holds; otherwise 一般
    priority_when = ["findings_overdue >= 1", "red_flags_open >= 5"]

The server reads it once, at start: a file that cannot be read, does not parse, or
names an unknown indicator or operator stops the start with ``RiskRuleError``
saying what and where (docs/governance.md, "The street office's overview").
"""

from __future__ import annotations

import json
import re
import tomllib
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any, Mapping

from ledger.errors import RiskRuleError

PRIORITY, ORDINARY = "priority", "ordinary"
GRADES = (PRIORITY, ORDINARY)  # 重点, 一般

# The indicators a condition may name, each a number (or None) in every overview row.
INDICATORS = ("disclosure_rate", "disclosure_period_rate", "disclosures_overdue",
              "findings_open", "findings_overdue", "red_flags_open", "cash_unconfirmed",
              "arrears_contracts", "arrears_amount", "questions_unanswered",
              "satisfaction_rate", "satisfaction_rated")
OPERATORS = {">=": lambda a, b: a >= b, ">": lambda a, b: a > b,
             "<=": lambda a, b: a <= b, "<": lambda a, b: a < b}
CONDITIONS_MAX = 32
rule_file_bytes_max = 64 * 1024
CONDITION_RE = re.compile(r"^\s*([a-z_]+)\s*(>=|<=|>|<)\s*([0-9]{1,15}(?:\.[0-9]{1,6})?)\s*$")

# The default rule: a community needs the street office's attention (重点) when an
# inspection finding is past its rectification deadline, the last closed month's due
# disclosures were not all published, three or more red flags are open, a tenant is in
# arrears, three or more residents' questions wait unanswered after N days, or ten or
# more cash and bank entries wait for the cashier after N days.
DEFAULT_CONDITIONS = ("findings_overdue >= 1", "disclosure_period_rate < 1",
                      "red_flags_open >= 3", "arrears_amount > 0",
                      "questions_unanswered >= 3", "cash_unconfirmed >= 10")


@dataclass(frozen=True)
class Condition:
    indicator: str
    op: str
    threshold: Decimal

    @property
    def text(self) -> str:
        """The condition as a row's ``reasons`` name it: ``red_flags_open >= 3``."""
        return f"{self.indicator} {self.op} {self.threshold}"

    def holds(self, row: Mapping[str, Any]) -> bool:
        value = row.get(self.indicator)
        if value is None or isinstance(value, bool):
            return False
        return OPERATORS[self.op](Decimal(str(value)), self.threshold)


@dataclass(frozen=True)
class RiskRule:
    conditions: tuple[Condition, ...]
    source: str = "default"  # "default", or "file" (the path is not shown: it is the host's)

    def grade(self, row: Mapping[str, Any]) -> tuple[str, list[str]]:
        """(``priority`` or ``ordinary``, the conditions that held, in the rule's order)."""
        reasons = [condition.text for condition in self.conditions if condition.holds(row)]
        return (PRIORITY if reasons else ORDINARY), reasons

    def to_json(self) -> dict[str, Any]:
        return {"source": self.source,
                "priority_when": [condition.text for condition in self.conditions]}


def parse_condition(text: Any, where: str = "") -> Condition:
    if not isinstance(text, str):
        raise RiskRuleError(f"{where}each condition must be a string like "
                            f"\"red_flags_open >= 3\", got {text!r}")
    match = CONDITION_RE.fullmatch(text)
    if match is None:
        raise RiskRuleError(f"{where}condition {text!r} is not <indicator> <op> <number> "
                            "(op one of >=, >, <=, <; the number 0 or more, e.g. "
                            "\"red_flags_open >= 3\")", condition=text)
    indicator, op, number = match.groups()
    if indicator not in INDICATORS:
        raise RiskRuleError(f"{where}condition {text!r} names no indicator of the overview; "
                            f"known: {', '.join(INDICATORS)}", condition=text)
    if "." in number:  # 1.0 and 1 are one threshold, written one way: "1"
        number = number.rstrip("0").rstrip(".")
    try:
        threshold = Decimal(number.lstrip("0") or "0") if "." not in number else Decimal(number)
    except InvalidOperation as exc:  # the pattern allows only plain decimals; kept for safety
        raise RiskRuleError(f"{where}condition {text!r}: {number!r} is not a number") from exc
    return Condition(indicator, op, threshold)


def rule_from(value: Any, source: str = "file", where: str = "") -> RiskRule:
    """A rule from a parsed file: ``{"priority_when": [conditions]}``, nothing else."""
    if not isinstance(value, dict) or set(value) != {"priority_when"}:
        keys = sorted(value) if isinstance(value, dict) else type(value).__name__
        raise RiskRuleError(f"{where}the rule must hold exactly one setting, priority_when "
                            f"(a list of conditions), not {keys}")
    conditions = value["priority_when"]
    if not isinstance(conditions, list) or not 1 <= len(conditions) <= CONDITIONS_MAX:
        raise RiskRuleError(f"{where}priority_when must list 1 to {CONDITIONS_MAX} conditions")
    parsed = tuple(parse_condition(text, where) for text in conditions)
    seen = [condition.text for condition in parsed]
    if len(set(seen)) != len(seen):
        raise RiskRuleError(f"{where}a condition appears twice in priority_when")
    return RiskRule(parsed, source)


DEFAULT_RULE = RiskRule(tuple(parse_condition(text) for text in DEFAULT_CONDITIONS))


def load_rule(path: Path | None) -> RiskRule:
    """The rule in force: the file's (TOML, or JSON if named ``*.json``), else the default."""
    if path is None:
        return DEFAULT_RULE
    where = f"risk rule {path}: "
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise RiskRuleError(f"{where}cannot be read ({exc.strerror or exc})") from exc
    if len(raw) > rule_file_bytes_max:
        raise RiskRuleError(f"{where}is over {rule_file_bytes_max} bytes")
    try:
        text = raw.decode("utf-8")
        value = json.loads(text) if path.suffix.lower() == ".json" else tomllib.loads(text)
    except (UnicodeDecodeError, ValueError) as exc:  # JSONDecodeError and TOMLDecodeError
        kind = "JSON" if path.suffix.lower() == ".json" else "TOML"
        raise RiskRuleError(f"{where}is not {kind}: {exc}") from exc
    return rule_from(value, "file", where)
