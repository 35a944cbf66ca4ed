"""Helpers shared by the HTTP, checkpoint and witness tests: a real server, real keys."""

from __future__ import annotations

import socket
import threading
import time
from contextlib import contextmanager
from typing import Iterator

import uvicorn
from eventsourcing.sqlite import SQLiteDatastore
from fastapi import FastAPI

from ledger.log.application import LedgerApplication
from ledger.log.checkpoint_store import (CheckpointStore, checkpoint_stream, figures_stream,
                                         index_stream)
from ledger.keystore.log_keys import log_key_path
from ledger.settings import Settings
from ledger.log.store import ledger_stream
from tests.builders.community import Community


def keep_log_key(settings: Settings, town: Community) -> None:
    """Put the community's log key where the server looks for it (what `init` does)."""
    path = log_key_path(settings, town.slug)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(town.log_signer.skey + "\n", encoding="ascii")
    path.chmod(0o600)


@contextmanager
def running(api: FastAPI) -> Iterator[str]:
    """Serve ``api`` with uvicorn on 127.0.0.1 and a free port; yield its base URL."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(api, log_level="warning", lifespan="on"))
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


def rewrite_history(app: LedgerApplication, slug: str, keep: int, *,
                    drop_checkpoints: bool = True) -> None:
    """Behind the application's back: drop entries from seq ``keep`` on (and, unless
    told otherwise, every checkpoint and figures record of the ledger), as a rogue operator would."""
    recorder, table = app.recorder, app.recorder.events_table_name
    sizes = CheckpointStore(app).sizes(slug)
    streams = [index_stream(slug)] + [stream(slug, size) for size in sizes
                                      for stream in (checkpoint_stream, figures_stream)]
    streams = streams if drop_checkpoints else []
    if isinstance(recorder.datastore, SQLiteDatastore):  # ids stored as hex text
        mark, ids, ledger_id = "?", [s.hex for s in streams], ledger_stream(slug).hex
    else:
        mark, ids, ledger_id = "%s", streams, ledger_stream(slug)
    with recorder.datastore.transaction(commit=True) as cursor:
        cursor.execute(f"DELETE FROM {table} WHERE originator_id = {mark} "
                       f"AND originator_version > {mark}", [ledger_id, keep])
        for stream_id in ids:
            cursor.execute(f"DELETE FROM {table} WHERE originator_id = {mark}", [stream_id])
