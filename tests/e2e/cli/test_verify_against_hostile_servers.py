"""`sunledger verify --url` and `sunledger verify BUNDLE` against a deliberately hostile
server (a small real HTTP server, tests/builders/hostile.py) and hostile bundles: each
ends in seconds with the right finding and exit code 1: never a hang, a traceback or
memory without end."""

from __future__ import annotations

import asyncio
import os
import time
from pathlib import Path

import pytest
from starlette.responses import StreamingResponse

from ledger.format.keys import SigningKey
from ledger.format.notes import Signer
from ledger.settings import Settings
from ledger.verify import limits
from ledger.verify.limits import FINDINGS_MAX, LINE_BYTES_MAX
from tests.builders.cli import Cli
from tests.builders.hostile import forged_checkpoint, hostile_server, json_text, text

LEDGER = "xinzhu"
BASE = f"/v1/ledgers/{LEDGER}"
SECONDS_MAX = 20  # "a few seconds" on a busy machine; a hang would be minutes


@pytest.fixture
def cli(tmp_path) -> Cli:
    """`verify --url` and a bundle touch no store: one SQLite settings is enough."""
    return Cli(Settings(database_url=f"sqlite:///{tmp_path / 'unused.sqlite3'}",
                        data_dir=tmp_path / "data"))


@pytest.fixture
def log_signer() -> Signer:
    return Signer.from_seed(f"hostile.example/{LEDGER}", SigningKey.generate().seed)


def verify_fails(cli: Cli, *args: str) -> str:
    """Run `sunledger verify ...`: it must fail (exit 1) in moments, without a traceback."""
    started = time.monotonic()
    result = cli("verify", *args)
    assert time.monotonic() - started < SECONDS_MAX
    assert result.exit_code == 1, (result.output, result.exception)
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    assert "Traceback" not in result.output
    return result.output


def serving(routes: dict, requested: list[str] | None = None):
    """``routes`` under the ledger's base path; every path asked for is noted."""
    def noted(handler):
        async def handle(request):
            if requested is not None:
                requested.append(request.url.path.removeprefix(BASE))
            return await handler(request)
        return handle
    return hostile_server({BASE + path: noted(handler) for path, handler in routes.items()})


def constant(response_of):
    async def handler(_request):
        return response_of()
    return handler


async def endless(chunk: bytes):
    while True:
        yield chunk
        await asyncio.sleep(0)


def test_a_checkpoint_claiming_ten_to_the_fifteen_entries_is_refused_before_any_page(
        cli, log_signer):
    requested: list[str] = []
    note = forged_checkpoint(log_signer, 10**15)
    with serving({"/checkpoint": constant(lambda: text(note)),
                  "/entries": constant(lambda: text(b"{}\n"))}, requested) as url:
        output = verify_fails(cli, "--url", url, "--ledger", LEDGER)
    assert "too-large" in output and "claims 1000000000000000 entries" in output
    assert requested == ["/checkpoint"]


def test_a_checkpoint_not_signed_by_the_pinned_key_is_refused_before_any_entry(cli, log_signer):
    requested: list[str] = []
    pinned = Signer.from_seed(log_signer.name, SigningKey.generate().seed).verifier().vkey
    note = forged_checkpoint(log_signer, 5)
    with serving({"/checkpoint": constant(lambda: text(note)),
                  "/entries": constant(lambda: text(b"{}\n" * 5))}, requested) as url:
        output = verify_fails(cli, "--url", url, "--ledger", LEDGER, "--log-key", pinned)
    assert "bad-checkpoint" in output and "pinned log key" in output
    assert requested == ["/checkpoint"]


def test_pages_of_garbage_stop_after_the_findings_cap(cli, log_signer):
    note = forged_checkpoint(log_signer, 50_000)
    with serving({"/checkpoint": constant(lambda: text(note)),
                  "/entries": constant(lambda: text(b'{"not": "an entry"}\n' * 1000)),
                  "/figures": constant(lambda: json_text("{}")),
                  "/proofs/inclusion": constant(lambda: json_text('{"hashes": []}'))}) as url:
        output = verify_fails(cli, "--url", url, "--ledger", LEDGER, "--workers", "1")
    assert "too-many-findings" in output
    assert f"{FINDINGS_MAX} findings or more" in output


def test_an_endless_line_stops_with_a_finding_not_memory_without_end(cli, log_signer):
    note = forged_checkpoint(log_signer, 3)
    with serving({"/checkpoint": constant(lambda: text(note)),
                  "/entries": constant(lambda: StreamingResponse(endless(b"x" * 65536))),
                  "/figures": constant(lambda: json_text("{}"))}) as url:
        output = verify_fails(cli, "--url", url, "--ledger", LEDGER)
    assert "too-large" in output and f"longer than {LINE_BYTES_MAX} bytes" in output


async def trickle(first: bytes):
    """One line, then a byte every 0.1 s for ever: each byte restarts a socket timeout."""
    yield first
    while True:
        await asyncio.sleep(0.1)
        yield b" "


@pytest.mark.parametrize("path", ["/entries", "/checkpoint"])
def test_an_answer_that_trickles_for_ever_ends_at_the_answer_deadline(cli, log_signer,
                                                                     monkeypatch, path):
    monkeypatch.setattr(limits, "ANSWER_SECONDS_MAX", 2.0)
    note = forged_checkpoint(log_signer, 3)
    routes = {"/checkpoint": constant(lambda: text(note)),
              "/entries": constant(lambda: text(b"{}\n{}\n{}\n")),
              "/figures": constant(lambda: json_text("{}"))}
    routes[path] = constant(lambda: StreamingResponse(trickle(b"{}\n" if path == "/entries"
                                                              else note.encode())))
    started = time.monotonic()
    with serving(routes) as url:
        output = verify_fails(cli, "--url", url, "--ledger", LEDGER)
    assert "still arriving after 2 s" in output
    assert time.monotonic() - started < 10


def test_deeply_nested_proofs_and_figures_are_findings_not_a_recursion_error(cli, log_signer):
    note = forged_checkpoint(log_signer, 2)
    nested = "[" * 200_000 + "]" * 200_000
    with serving({"/checkpoint": constant(lambda: text(note)),
                  "/entries": constant(lambda: text(b"{}\n{}\n")),
                  "/figures": constant(lambda: json_text(nested)),
                  "/proofs/inclusion": constant(lambda: json_text(nested))}) as url:
        output = verify_fails(cli, "--url", url, "--ledger", LEDGER)
    assert "bad-proof" in output and "figures-mismatch" in output
    assert "RecursionError" not in output


def test_an_endless_checkpoint_answer_is_one_red_line(cli):
    with serving({"/checkpoint": constant(lambda: StreamingResponse(endless(b"y" * 65536)))}
                 ) as url:
        output = verify_fails(cli, "--url", url, "--ledger", LEDGER)
    assert "answered more than" in output


def a_bundle(directory: Path, log_signer: Signer, entries: bytes | None, size: int) -> Path:
    directory.mkdir()
    (directory / "checkpoint").write_text(forged_checkpoint(log_signer, size))
    if entries is not None:
        (directory / "entries.ndjson").write_bytes(entries)
    return directory


def test_a_bundle_of_one_endless_line_stops_with_a_finding(cli, log_signer, tmp_path):
    bundle = a_bundle(tmp_path / "bundle", log_signer, b"z" * (LINE_BYTES_MAX * 4), 1)
    output = verify_fails(cli, str(bundle))
    assert "too-large" in output and "longer than" in output


def test_a_bundle_whose_entries_are_dev_zero_is_refused(cli, log_signer, tmp_path):
    bundle = a_bundle(tmp_path / "bundle", log_signer, None, 1)
    os.symlink("/dev/zero", bundle / "entries.ndjson")
    output = verify_fails(cli, str(bundle))
    assert "not a regular file" in output


def test_a_bundle_of_garbage_stops_after_the_findings_cap(cli, log_signer, tmp_path):
    bundle = a_bundle(tmp_path / "bundle", log_signer, b"[]\n" * (FINDINGS_MAX * 3),
                      FINDINGS_MAX * 3)
    output = verify_fails(cli, str(bundle), "--workers", "1")
    assert "too-many-findings" in output
