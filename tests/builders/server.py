"""A real server for the tests that talk HTTP: uvicorn on a free port, and the
community's log key kept where the server looks for it."""

from __future__ import annotations

import socket
import threading
import time
from contextlib import contextmanager
from typing import Iterator

import uvicorn
from fastapi import FastAPI

from api.app import server_config

from ledger.keystore.log_keys import log_key_path
from ledger.settings import Settings
from tests.builders.community import Community


def keep_log_key(settings: Settings, town: Community) -> None:
    """Put the community's log key where the server looks for it (what `init` does)."""
    path = log_key_path(settings, town.slug)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(town.log_signer.skey + "\n", encoding="ascii")
    path.chmod(0o600)


@contextmanager
def running(api: FastAPI, forwarded_allow_ips: str = "") -> Iterator[str]:
    """Serve ``api`` with uvicorn on 127.0.0.1 and a free port, configured as
    ``sunledger serve`` configures it; yield its base URL."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    server = uvicorn.Server(server_config(api, port=port, log_level="warning",
                                          forwarded_allow_ips=forwarded_allow_ips))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 15
    while not server.started:
        assert thread.is_alive() and time.monotonic() < deadline, "uvicorn did not start"
        time.sleep(0.02)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=15)
        sock.close()
