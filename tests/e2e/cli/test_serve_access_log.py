"""`sunledger serve` prints no line per request unless asked (--access-log or
SUNLEDGER_ACCESS_LOG=1): the access log costs a write about 5% of its time."""

from __future__ import annotations

import os
import subprocess
import time

import httpx
import pytest

from tests.e2e.cli.test_console_script import sunledger
from tests.e2e.cli.test_serve_behind_a_proxy import free_port


def requests_logged(tmp_path, *options: str, env: dict[str, str] | None = None) -> str:
    """Start serve, ask /healthz five times, stop it; everything it printed."""
    port = free_port()
    environment = {**os.environ, "SUNLEDGER_DATA_DIR": str(tmp_path / "data"), **(env or {})}
    for name in ("SUNLEDGER_DATABASE_URL", "SUNLEDGER_ACCESS_LOG"):
        if name not in (env or {}):
            environment.pop(name, None)
    server = subprocess.Popen([sunledger(), "serve", "--port", str(port), *options],
                              env=environment, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 60
        while True:
            assert server.poll() is None
            try:
                if httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                assert time.monotonic() < deadline, "sunledger serve did not start"
                time.sleep(0.2)
        for _ in range(5):
            httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=5)
    finally:
        server.terminate()
        output = server.communicate(timeout=30)[0].decode()
    return output


@pytest.mark.parametrize("options, env, logged", [
    ((), None, False),
    (("--access-log",), None, True),
    ((), {"SUNLEDGER_ACCESS_LOG": "1"}, True),
])
def test_the_access_log_is_off_unless_asked(tmp_path, options, env, logged):
    output = requests_logged(tmp_path, *options, env=env)
    lines = [line for line in output.splitlines() if '"GET /healthz HTTP/1.1" 200' in line]
    assert (len(lines) >= 5) is logged, output
    assert "Application startup complete" in output  # the server's own log stays on
