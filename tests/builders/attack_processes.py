"""Attacks that need processes of their own: the real `sunledger` command line (a
hostile entry file, a hostile server for `verify --url`) and a second `serve` with
the default rate limit (X-Forwarded-For from an untrusted peer)."""

from __future__ import annotations

import base64
import hashlib
import resource
import subprocess
import tempfile
import threading
import time
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Iterator

import httpx

from ledger.client import Signer
from ledger.format import cjson
from ledger.format.keys import SigningKey
from ledger.format.notes import Signer as NoteSigner
from ledger.format.notes import sign_note
from ledger.format.statements import Entry, format_time, utc_now
from tests.builders.attack_target import Target, process_env, serving, sunledger_command
from tests.builders.attacks import Answer, Attack, one_line_exit_1, refused_with

COMMAND_SECONDS = 45  # a command that takes longer than this "runs forever"

ENTRY_JSON_WITH_DUPLICATE_KEYS = """{"date": "2026-07-01", "category": "grant",
 "counterparty": {"kind": "organisation", "name": "街道办事处"}, "memo": "第一",
 "postings": [{"account": "1002", "fund": "general", "side": "debit", "amount": "1.00"},
              {"account": "4001", "fund": "general", "side": "credit", "amount": "1.00"}],
 "memo": "第二"}"""


def yaml_alias_bomb() -> str:
    lines = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    names = "abcdefghi"
    for previous, name in zip(names, names[1:]):
        lines.append(f"{name}: &{name} [" + ",".join([f"*{previous}"] * 9) + "]")
    lines.append("date: 2026-07-01\ncategory: grant\nmemo: *i")
    return "\n".join(lines) + "\n"


def yaml_alias_bomb_in_the_memo() -> str:
    """The same bomb, every anchor inside a field the entry file does have."""
    levels = ['&a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    names = "abcdefghi"
    for previous, name in zip(names, names[1:]):
        levels.append(f"&{name} [" + ",".join([f"*{previous}"] * 9) + "]")
    return ("date: 2026-07-01\ncategory: grant\ncounterparty: {kind: organisation, name: x}\n"
            f"memo: [{', '.join(levels)}]\npostings: []\n")


def at_most_2_gib() -> None:
    """A command that reads /dev/zero must not take the shared machine's memory with it."""
    resource.setrlimit(resource.RLIMIT_AS, (2 << 30, 2 << 30))


def run_command(target: Target, *args: str) -> Answer:
    started = time.monotonic()
    try:
        done = subprocess.run(sunledger_command(target.settings, *args), env=process_env(),
                              capture_output=True, text=True, timeout=COMMAND_SECONDS,
                              preexec_fn=at_most_2_gib)
    except subprocess.TimeoutExpired:
        return Answer(-1, f"still running after {COMMAND_SECONDS} s (killed)", cli=True,
                      seconds=time.monotonic() - started)
    return Answer(done.returncode, done.stderr + done.stdout, cli=True,
                  seconds=time.monotonic() - started, crashed="Traceback" in done.stderr)


def post_file(write):
    """`sunledger post LEDGER --file F` with a hostile F (``write`` makes it in a dir)."""
    def send(target: Target) -> Answer:
        with tempfile.TemporaryDirectory() as directory:
            path = write(Path(directory))
            return run_command(target, "post", target.slug, "--key", "agent", "--file", str(path))
    return send


def written(name: str, text: str):
    def write(directory: Path) -> Path:
        path = directory / name
        path.write_text(text, encoding="utf-8")
        return path
    return write


# --- a hostile server for `sunledger verify --url` ----------------------------------


class Hostile:
    """A genuine genesis and log key, and a checkpoint signed by it that lies."""

    def __init__(self, slug: str = "hostile") -> None:
        origin = f"hostile.example/{slug}"
        self.slug = slug
        self.log = NoteSigner.from_seed(origin, SigningKey.generate().seed)
        admin = Signer(SigningKey.generate("admin"), slug)
        genesis = admin.open_ledger("新竹社区", origin, self.log.verifier().vkey)
        self.genesis = Entry.build(0, "0" * 64, format_time(utc_now()), genesis).leaf
        self.origin = origin

    def checkpoint(self, size: int) -> bytes:
        root = base64.b64encode(hashlib.sha256(b"\x00" + self.genesis).digest()).decode()
        return sign_note(f"{self.origin}\n{size}\n{root}\n", self.log).encode()


def nested(depth: int) -> bytes:
    return b"[" * depth + b"]" * depth


def hostile_handler(hostile: Hostile, mode: str):
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args) -> None:  # keep the test output clean
            pass

        def answer(self, body: bytes, content_type: str = "application/json") -> None:
            self.send_response(200)
            self.send_header("content-type", content_type)
            self.send_header("content-length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def do_GET(self) -> None:  # noqa: N802 - the name http.server calls
            path = self.path.split("?")[0].rsplit("/", 1)[-1]
            if path == "checkpoint":
                size = {"huge": 10**15, "endless": 10**6, "nested": 2}[mode]
                return self.answer(hostile.checkpoint(size), "text/plain; charset=utf-8")
            if path == "entries" and mode == "endless":
                return self.drip()
            if path == "entries":
                line = nested(200_000) if mode == "nested" else hostile.genesis
                limit = int(self.path.split("limit=")[-1].split("&")[0]) if "limit=" in self.path else 1
                return self.answer(b"\n".join([hostile.genesis] + [line] * (limit - 1)) + b"\n",
                                   "application/x-ndjson")
            return self.answer(nested(200_000))  # figures, proofs: JSON nested 200,000 deep

        def drip(self) -> None:
            """An answer that never ends: a byte every 0.2 s, forever."""
            self.send_response(200)
            self.send_header("content-type", "application/x-ndjson")
            self.end_headers()
            try:
                self.wfile.write(hostile.genesis + b"\n")
                while True:
                    self.wfile.write(b" ")
                    self.wfile.flush()
                    time.sleep(0.2)
            except OSError:
                return
    return Handler


@contextmanager
def a_hostile_server(mode: str) -> Iterator[tuple[str, Hostile]]:
    hostile = Hostile()
    server = ThreadingHTTPServer(("127.0.0.1", 0), hostile_handler(hostile, mode))
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", hostile
    finally:
        server.shutdown()
        server.server_close()


def verify_hostile(mode: str):
    def send(target: Target) -> Answer:
        with a_hostile_server(mode) as (url, hostile):
            return run_command(target, "verify", "--url", url, "--ledger", hostile.slug,
                               "--workers", "1")
    return send


def a_clear_finding(answer: Answer) -> bool:
    """Exit non-zero within the time allowed, no traceback, something said."""
    return (answer.status not in (0, -1) and answer.seconds < COMMAND_SECONDS
            and "Traceback" not in answer.text and bool(answer.text.strip()))


# --- X-Forwarded-For from an untrusted peer ---------------------------------------


def forwarded_for_resets_nothing(target: Target) -> Answer:
    """A second `serve` with a public rate limit of 60 a minute: use it all up, then
    claim to be someone else in X-Forwarded-For."""
    with serving(target.settings, SUNLEDGER_PUBLIC_RATE_PER_MINUTE="60") as url, httpx.Client(base_url=url, timeout=30) as client:
        path = f"{target.base}/funds"
        for _ in range(200):
            if client.get(path).status_code == 429:
                break
        else:
            return Answer(200, "the rate limit never answered 429")
        return Answer.of(client.get(path, headers={"X-Forwarded-For": "203.0.113.7"}))


PROCESSES = [
    Attack("`sunledger post --file` a YAML alias bomb", "exit 1, one line, in seconds",
           post_file(written("bomb.yaml", yaml_alias_bomb())), one_line_exit_1),
    Attack("`sunledger post --file` a YAML alias bomb inside the memo",
           "exit 1, one line, in seconds",
           post_file(written("memo.yaml", yaml_alias_bomb_in_the_memo())), one_line_exit_1),
    Attack("`sunledger post --file /dev/zero`", "exit 1, one line, in seconds",
           post_file(lambda directory: Path("/dev/zero")), one_line_exit_1),
    Attack("`sunledger post --file` JSON with duplicate keys", "exit 1, one line",
           post_file(written("entry.json", ENTRY_JSON_WITH_DUPLICATE_KEYS)), one_line_exit_1),
    Attack("`verify --url` against a server claiming size 10^15", "non-zero exit, a finding, "
           f"< {COMMAND_SECONDS} s", verify_hostile("huge"), a_clear_finding),
    Attack("`verify --url` against endless entry pages", "non-zero exit, a finding, "
           f"< {COMMAND_SECONDS} s", verify_hostile("endless"), a_clear_finding),
    Attack("`verify --url` against JSON nested 200,000 deep", "non-zero exit, a finding, "
           f"< {COMMAND_SECONDS} s", verify_hostile("nested"), a_clear_finding),
    Attack("X-Forwarded-For from an untrusted peer after the rate limit", "429 (header ignored)",
           forwarded_for_resets_nothing, refused_with(429)),
]
