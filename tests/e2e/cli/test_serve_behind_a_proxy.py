"""`sunledger serve` run for real: X-Forwarded-For is believed only from the proxies
named with --forwarded-allow-ips (uvicorn alone would believe 127.0.0.1), so a local
process cannot reset the public rate limit by naming another client."""

from __future__ import annotations

import os
import socket
import subprocess
import time
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

import httpx
import pytest

from tests.e2e.cli.test_console_script import sunledger


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextmanager
def serving(data_dir: Path, *options: str) -> Iterator[str]:
    port = free_port()
    env = {**os.environ, "SUNLEDGER_DATA_DIR": str(data_dir),
           "SUNLEDGER_PUBLIC_RATE_PER_MINUTE": "2", "SUNLEDGER_SERVE_PROJECTIONS": "0"}
    env.pop("SUNLEDGER_DATABASE_URL", None)
    env.pop("SUNLEDGER_FORWARDED_ALLOW_IPS", None)
    server = subprocess.Popen([sunledger(), "serve", "--port", str(port), *options], env=env,
                              stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            assert server.poll() is None, server.stderr.read().decode()
            try:
                if httpx.get(f"{base}/healthz", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            assert time.monotonic() < deadline, "sunledger serve did not start"
            time.sleep(0.2)
        yield base
    finally:
        server.terminate()
        server.wait(timeout=30)


def statuses(base: str, forwarded_for: list[str]) -> list[int]:
    with httpx.Client(base_url=base, timeout=10) as client:
        return [client.get("/v1/ledgers/nowhere/funds",
                           headers={"X-Forwarded-For": address}).status_code
                for address in forwarded_for]


@pytest.mark.parametrize("options, expected", [
    ((), [404, 404, 429, 429]),  # the peer is the client, whatever the header says
    (("--forwarded-allow-ips", "127.0.0.1"), [404, 404, 429, 404]),  # the proxy's word counts
], ids=["no-proxy-trusted", "local-proxy-trusted"])
def test_forwarded_for_counts_only_from_a_named_proxy(tmp_path, options, expected):
    with serving(tmp_path / "data", *options) as base:
        assert statuses(base, ["10.0.0.1", "10.0.0.1", "10.0.0.1", "10.0.0.2"]) == expected
