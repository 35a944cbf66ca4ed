"""What the HTTP benchmarks share: a fresh PostgreSQL database, a ledger ready for
journal entries, a real uvicorn server in its own process, and a load generator
in another process.

The load generator is a minimal HTTP/1.1 keep-alive client on asyncio (uvloop
when installed): each connection sends one request, reads the whole answer,
then sends the next (a closed loop), and times each request from the first
byte written to the last byte read. It is not httpx because on a 2-core
machine shared with the server and PostgreSQL, httpx's own CPU per request
(several hundred microseconds) would be taken from the server being measured.

    python bench/serving.py JOB.json OUT.json     # the load generator's process
"""

from __future__ import annotations

import asyncio
import json
import os
import signal
import socket
import subprocess
import sys
import time
import uuid
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Iterator

ROOT = Path(__file__).resolve().parents[1]
ADMIN_URL = os.environ.get("SUNLEDGER_BENCH_POSTGRES",
                           "postgresql://postgres@127.0.0.1:5432/postgres")


# --- the database and the ledger ------------------------------------------------------------


@contextmanager
def fresh_database() -> Iterator[str]:
    """A PostgreSQL database made for this run and dropped afterwards."""
    import psycopg

    name = f"sunledger_bench_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(ADMIN_URL, autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    try:
        yield f"{ADMIN_URL.rsplit('/', 1)[0]}/{name}"
    finally:
        with psycopg.connect(ADMIN_URL, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


FUNDS = ("general", "activity", "renovation")
ACCOUNTS = (("1002", "银行存款", "Bank deposits", "asset", "bank"),
            ("4001", "财政补助收入", "Government grants", "income", None),
            ("5001", "活动支出", "Activity spending", "expense", None),
            ("5002", "工程支出", "Works spending", "expense", None))


def open_books(app: Any, settings: Any, slug: str) -> Any:
    """Genesis (with a log key the server keeps), an agent, three funds and four
    accounts; returns the agent's Signer."""
    from ledger.client import Signer
    from ledger.format.keys import SigningKey
    from ledger.keystore.log_keys import new_log_key

    admin = Signer(SigningKey.generate("admin"), slug)
    agent = Signer(SigningKey.generate("agent"), slug)
    origin = f"sunledger.example/{slug}"
    log_key = new_log_key(settings, slug, origin)
    app.submit(admin.open_ledger("基准社区", origin, log_key.verifier().vkey))
    app.submit(admin.register_key(agent.key, ["agent"], "agent"))
    for fund in FUNDS:
        app.submit(agent.create_fund(fund, fund, fund, restricted=fund != "general"))
    for code, zh, en, cls, kind in ACCOUNTS:
        app.submit(agent.open_account(code, zh, en, cls, kind))
    return agent


# --- the server -----------------------------------------------------------------------------

SERVER = """
import os, sys, uvicorn
from pathlib import Path
sys.path.insert(0, {root!r})
from api.app import ApiOptions, create_app
from ledger.settings import Settings
settings = Settings.from_env({url!r}, Path({data_dir!r}))
options = ApiOptions.from_env(serve_projections={projections!r})
uvicorn.run(create_app(settings, options=options), host="127.0.0.1", port={port},
            log_level="warning", access_log=False)
"""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextmanager
def server(url: str, data_dir: Path, *, projections: bool = False,
           env: dict[str, str] | None = None, profile: str | None = None) -> Iterator[int]:
    """uvicorn serving ``create_app`` in its own process; yields its port. With
    ``profile``, py-spy samples every thread of it into that file (collapsed stacks)."""
    port = free_port()
    code = SERVER.format(root=str(ROOT), url=url, data_dir=str(data_dir), port=port,
                         projections=projections)
    process_env = {**os.environ, "SUNLEDGER_PUBLIC_RATE_PER_MINUTE": "0",
                   "SUNLEDGER_SERVE_PROJECTIONS": "1" if projections else "0", **(env or {})}
    process = subprocess.Popen([sys.executable, "-c", code], env=process_env)
    try:
        deadline = time.monotonic() + 60
        while True:
            assert process.poll() is None, "the server exited"
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                assert time.monotonic() < deadline, "the server did not start"
                time.sleep(0.1)
        sampler = profiling(process.pid, profile) if profile else None
        try:
            yield port
        finally:
            if sampler is not None:
                sampler.send_signal(signal.SIGINT)
                sampler.wait(60)
    finally:
        process.terminate()
        try:
            process.wait(20)
        except subprocess.TimeoutExpired:
            process.kill()


def profiling(pid: int, path: str) -> subprocess.Popen:
    """py-spy (pip install py-spy) sampling ``pid`` at 200 Hz, all threads, idle excluded."""
    sampler = subprocess.Popen(["py-spy", "record", "--pid", str(pid), "--rate", "200",
                                "--format", "raw", "--output", path, "--nonblocking", "--threads"],
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    time.sleep(1.0)  # let it attach
    return sampler


def top_functions(path: str, count: int = 25) -> list[tuple[str, float, float]]:
    """(function, % of samples inside it, % of samples where it is the leaf)."""
    inclusive: dict[str, int] = {}
    leaf: dict[str, int] = {}
    total = 0
    for line in Path(path).read_text().splitlines():
        stack, _, samples = line.rpartition(" ")
        frames = [f.split(" (")[0] + " " + f.rsplit("/", 1)[-1].rstrip(")")
                  for f in stack.split(";")]
        n = int(samples)
        total += n
        for frame in set(frames):
            inclusive[frame] = inclusive.get(frame, 0) + n
        leaf[frames[-1]] = leaf.get(frames[-1], 0) + n
    ranked = sorted(inclusive.items(), key=lambda kv: -kv[1])[:count]
    return [(name, round(100 * n / total, 1), round(100 * leaf.get(name, 0) / total, 1))
            for name, n in ranked]


def http_get(port: int, path: str) -> bytes:
    import httpx

    response = httpx.get(f"http://127.0.0.1:{port}{path}", timeout=60)
    response.raise_for_status()
    return response.content


# --- the load generator (runs in its own process) -------------------------------------------


def request_bytes(method: str, path: str, body: bytes = b"") -> bytes:
    head = f"{method} {path} HTTP/1.1\r\nHost: 127.0.0.1\r\n"
    if body:
        head += f"Content-Type: application/json\r\nContent-Length: {len(body)}\r\n"
    return head.encode("ascii") + b"\r\n" + body


async def _read_answer(reader: asyncio.StreamReader) -> int:
    head = await reader.readuntil(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    status = int(lines[0].split(" ", 2)[1])
    headers = {k.strip().lower(): v.strip() for k, v in
               (line.split(":", 1) for line in lines[1:] if ":" in line)}
    if "content-length" in headers:
        await reader.readexactly(int(headers["content-length"]))
    elif headers.get("transfer-encoding") == "chunked":
        while True:
            size = int((await reader.readuntil(b"\r\n")).strip(), 16)
            await reader.readexactly(size + 2)
            if size == 0:
                break
    return status


async def _connection(port: int, requests: list[bytes], results: list,
                      interval: float | None = None, until: float | None = None) -> None:
    """Closed loop; with ``interval``, request k is not sent before k * interval seconds
    from the start (a steady rate that falls behind when the server is slower); with
    ``until`` (a perf_counter time), nothing is sent after it."""
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    writer.transport.set_write_buffer_limits(high=1 << 20)
    began = time.perf_counter()
    try:
        for k, request in enumerate(requests):
            if until is not None and time.perf_counter() > until:
                break
            if interval:
                await asyncio.sleep(max(0.0, began + k * interval - time.perf_counter()))
            started = time.perf_counter()
            writer.write(request)
            status = await _read_answer(reader)
            results.append((started, time.perf_counter() - started, status))
    finally:
        writer.close()


async def _run(port: int, connections: list[list[bytes]],
               intervals: list[float | None] | None = None,
               stop_after: float | None = None) -> dict[str, Any]:
    results: list[list] = [[] for _ in connections]
    intervals = intervals or [None] * len(connections)
    started = time.perf_counter()
    until = started + stop_after if stop_after else None
    await asyncio.gather(*[_connection(port, reqs, out, every, until)
                           for reqs, out, every in zip(connections, results, intervals)])
    wall = time.perf_counter() - started
    return {"wall_seconds": wall, "started_at": started, "results": results}


def generate_load(port: int, connections: list[list[bytes]],
                  intervals: list[float | None] | None = None,
                  stop_after: float | None = None) -> dict[str, Any]:
    """Run ``connections`` (each a list of raw requests, sent in order over one
    keep-alive connection, paced by its entry in ``intervals`` if given, none sent
    ``stop_after`` seconds from the start) from a separate process; returns the wall
    time and, per connection, (start, seconds, status) per request, ``start`` on the
    clock ``started_at`` is on."""
    import pickle
    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        job, out = Path(tmp) / "job.pickle", Path(tmp) / "out.json"
        job.write_bytes(pickle.dumps({"port": port, "connections": connections,
                                      "intervals": intervals, "stop_after": stop_after}))
        subprocess.run([sys.executable, __file__, str(job), str(out)], check=True)
        return json.loads(out.read_text())


def percentiles(seconds: list[float]) -> dict[str, float]:
    ordered = sorted(seconds)
    if not ordered:
        return {"p50_ms": 0.0, "p99_ms": 0.0, "max_ms": 0.0}

    def at(q: float) -> float:
        return round(ordered[min(len(ordered) - 1, int(q * len(ordered)))] * 1000, 3)

    return {"p50_ms": at(0.50), "p99_ms": at(0.99), "max_ms": round(ordered[-1] * 1000, 3)}


def main(job_path: str, out_path: str) -> None:
    import pickle

    job = pickle.loads(Path(job_path).read_bytes())
    try:
        from uvloop import run
    except ImportError:
        run = asyncio.run
    Path(out_path).write_text(json.dumps(run(_run(job["port"], job["connections"],
                                                  job.get("intervals"), job.get("stop_after")))))


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
