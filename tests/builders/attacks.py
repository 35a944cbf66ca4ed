"""The attack suite's machinery: an attack, its answer, what the server showed before
and after it (from the outside: HTTP and the key files), and the table row.

An attack is refused when its answer is the expected refusal (a 4xx problem, or the
command line's exit 1 with one line), no answer was a 5xx (or a traceback), and the
logs, the ledger list, the public views and the key files are exactly as before.
A few rows are not refusals but checks of an answer (``refusal=False``: the page
escapes a stored ``<script>``, ``/checkpoint`` answers after ``init`` ...).
"""

from __future__ import annotations

import hashlib
import json
import re
import time
from dataclasses import dataclass
from typing import Callable

import httpx

from tests.builders.attack_target import Target

PROBLEM = "application/problem+json"


@dataclass
class Answer:
    """What came back: an HTTP status (or a command's exit code) and the text."""

    status: int
    text: str = ""
    content_type: str = ""
    cli: bool = False
    seconds: float = 0.0
    crashed: bool = False  # a 5xx among several requests, or a traceback
    page_items: int = -1   # how many "items" a JSON page held

    @classmethod
    def of(cls, response: httpx.Response) -> Answer:
        content_type = response.headers.get("content-type", "")
        answer = cls(response.status_code, response.text[:2000], content_type,
                     crashed=response.status_code >= 500)
        if content_type.startswith("application/json"):
            items = response.json().get("items") if response.text.startswith("{") else None
            answer.page_items = len(items) if isinstance(items, list) else -1
        return answer

    @classmethod
    def worst(cls, responses: list[httpx.Response]) -> Answer:
        """Several requests in one attack: the first accepted one, else the last refusal."""
        accepted = [r for r in responses if r.status_code < 400]
        answer = cls.of(accepted[0] if accepted else responses[-1])
        answer.crashed = any(r.status_code >= 500 for r in responses)
        return answer

    @property
    def problem_code(self) -> str:
        if PROBLEM not in self.content_type:
            return ""
        try:
            return json.loads(self.text).get("type", "").rsplit("/", 1)[-1]
        except ValueError:
            return ""

    def describe(self) -> str:
        if self.cli:
            first = (self.text.strip().splitlines() or [""])[-1][:70]
            return f"exit {self.status} in {self.seconds:.1f} s: {first}"
        code = self.problem_code
        return f"{self.status} {code}".strip() if code else f"{self.status} {self.content_type}"


def refused_with(*statuses: int, problem: bool = True) -> Callable[[Answer], bool]:
    """A refusal: one of ``statuses`` (any 4xx when none given), as problem+json."""
    def check(answer: Answer) -> bool:
        status_ok = answer.status in statuses if statuses else 400 <= answer.status < 500
        return status_ok and (not problem or PROBLEM in answer.content_type)
    return check


def one_line_exit_1(answer: Answer) -> bool:
    lines = answer.text.strip().splitlines()
    return answer.status == 1 and len(lines) == 1 and "Traceback" not in answer.text


@dataclass(frozen=True)
class Attack:
    name: str
    expected: str                      # as printed in the table
    send: Callable[[Target], Answer]
    ok: Callable[[Answer], bool]       # is the answer the expected one?
    refusal: bool = True               # False: a check of an answer, nothing to refuse
    backend: str = "any"               # "postgres": runs only on PostgreSQL

    @property
    def id(self) -> str:
        """The pytest id: the name in lowercase words joined by dashes."""
        return "-".join(re.findall(r"[a-z0-9]+", self.name.lower()))[:80]


@dataclass(frozen=True)
class Row:
    attack: Attack
    answer: Answer
    log_changed: bool
    changes: tuple[str, ...] = ()

    @property
    def wrongly_accepted(self) -> bool:
        if not self.attack.refusal:
            return False
        return self.answer.status == 0 if self.answer.cli else self.answer.status < 400

    @property
    def five_xx(self) -> bool:
        return self.answer.crashed or (not self.answer.cli and self.answer.status >= 500)

    @property
    def passed(self) -> bool:
        return (self.attack.ok(self.answer) and not self.wrongly_accepted
                and not self.log_changed and not self.five_xx)


# --- what the server shows, from outside ---------------------------------------


def leaf_hash(leaf: bytes) -> str:
    return hashlib.sha256(b"\x00" + leaf).hexdigest()


def wait_for_views(target: Target, client: httpx.Client, seconds: float = 10) -> None:
    """The read models and the checkpoint signer run behind the log in the server:
    wait until every view and checkpoint covers it (or ``seconds`` pass)."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        slugs = [row["ledger"] for row in client.get("/v1/ledgers").json()["ledgers"]]
        ours = {target.slug, target.neighbour, target.fresh}
        if ours <= set(slugs) and all(
                caught_up(client, slug, slug in ours) for slug in ours | set(slugs)):
            return
        time.sleep(0.2)


def caught_up(client: httpx.Client, slug: str, keeps_log_key: bool) -> bool:
    """Views up to date and, for a ledger whose log key the server keeps (ours), the
    latest checkpoint at the log size (a stranger's ledger may never get one)."""
    status = client.get(f"/v1/ledgers/{slug}/status").json()
    checkpoint = status.get("checkpoint")
    # Another ledger in the same database (PostgreSQL's is shared with other tests) may
    # keep a checkpoint behind its log for good: only its views must be current.
    signed = not keeps_log_key or (isinstance(checkpoint, dict)
                                   and checkpoint.get("size") == status.get("log_size"))
    return signed and all(p["up_to_date"] for p in status.get("projections", []))


def log_head(client: httpx.Client, slug: str) -> tuple[int, str]:
    size = client.get(f"/v1/ledgers/{slug}/status").json()["log_size"]
    last = client.get(f"/v1/ledgers/{slug}/entries", params={"start": size - 1, "limit": 1})
    return size, leaf_hash(last.content.rstrip(b"\n"))


def snapshot(target: Target) -> dict[str, object]:
    """The logs (size, head, checkpoint), the ledger list, the public views' figures
    and every key file: everything an attack must leave as it was."""
    with target.client() as client:
        wait_for_views(target, client)
        shown: dict[str, object] = {}
        for slug in (target.slug, target.neighbour, target.fresh):
            shown[f"log {slug}"] = log_head(client, slug)
            checkpoint = client.get(f"/v1/ledgers/{slug}/checkpoint")
            shown[f"checkpoint {slug}"] = (checkpoint.status_code, checkpoint.text)
        shown["ledger list"] = client.get("/v1/ledgers").json()
        base = target.base
        shown["funds"] = client.get(f"{base}/funds").json()
        shown["transactions"] = client.get(f"{base}/transactions", params={"limit": 50}).json()
        questions = client.get(f"{base}/questions").json()
        shown["questions"] = [(q["seq"], q["status"], len(q["answers"]))
                              for q in questions.get("items", [])]
        shown["usage"] = client.get(f"{base}/usage", params={"year": 2026}).json()
    shown["key files"] = key_files(target)
    return shown


def key_files(target: Target) -> dict[str, str]:
    """Every file the server and its operator keep (keys, log keys, intake keys)."""
    root = target.settings.data_dir
    return {str(path.relative_to(root)): hashlib.sha256(path.read_bytes()).hexdigest()
            for path in sorted(root.rglob("*")) if path.is_file() and path.suffix != ".log"}


def run_attack(target: Target, attack: Attack) -> Row:
    before = snapshot(target)
    started = time.monotonic()
    try:
        answer = attack.send(target)
    except httpx.HTTPError as exc:  # the server hung up or timed out: not an answer
        answer = Answer(599, f"no answer: {exc!r}", crashed=True)
    except Exception as exc:  # noqa: BLE001 - the suite's own failure, shown in its row
        answer = Answer(-2, f"the attack could not be sent: {exc!r}")
    answer.seconds = answer.seconds or time.monotonic() - started
    after = snapshot(target)
    changes = tuple(name for name in before if before[name] != after[name])
    return Row(attack, answer, bool(changes), changes)


# --- the table -------------------------------------------------------------------


def markdown_table(rows: list[Row], others: list[tuple[str, str]] = ()) -> str:
    """attack | expected | answer | wrongly accepted | log changed | 5xx, plus totals;
    ``others`` are the rows not run here (attack, where it is covered or why not)."""
    yes = {True: "**yes**", False: "no"}
    lines = ["| # | attack | expected | answer | wrongly accepted | log changed | 5xx |",
             "|---|---|---|---|---|---|---|"]
    for number, row in enumerate(rows, 1):
        answer = row.answer.describe().replace("|", "\\|")
        if not row.attack.ok(row.answer):
            answer += " (not the expected answer)"
        lines.append(f"| {number} | {row.attack.name} | {row.attack.expected} | {answer} | "
                     f"{yes[row.wrongly_accepted]} | {yes[row.log_changed]} | "
                     f"{yes[row.five_xx]} |")
    for name, note in others:
        lines.append(f"| - | {name} | {note} | not run here | | | |")
    tried = len(rows)
    lines += ["", f"**Totals**: {tried} attacks tried, "
              f"{sum(r.wrongly_accepted for r in rows)} wrongly accepted, "
              f"{sum(r.log_changed for r in rows)} changed the log or views, "
              f"{sum(r.five_xx for r in rows)} answered 5xx, "
              f"{sum(not r.passed for r in rows)} not the expected answer; "
              f"{len(others)} listed as not run here."]
    return "\n".join(lines)
