"""Write throughput as shipped, against a bare FastAPI endpoint, in the same run.

Shipped: ``sunledger serve`` in its own process with its defaults (projections in the
process, uvicorn's access log on, written to a file as a service manager would keep
it) on a PostgreSQL database made for the run. Baseline: a bare FastAPI endpoint
under uvicorn with the same defaults that takes the same body (reads and parses the
JSON) and answers 201 with a small JSON, no store. Both are driven by the same load
generator (bench/serving.py: ``--clients`` keep-alive connections, closed loop, in a
process of its own). Each is run ``--runs`` times: single signed statements to
``/statements``, and batches of ``--batch-size`` to ``/batches`` (statements/s).
While the shipped server takes single statements, the projection's lag behind the log
is sampled from ``/status`` every 0.5 s. Afterwards every ledger written is verified.

Prints JSON: min / median / max of each figure over the runs, the ratios shipped / bare
(the issue's goal: >= 2,000/s single with p99 <= 50 ms and >= 0.5 x bare; >= 5,000/s
in batches; projections within 1 s of the log), and the load average before and after.

    python bench/write.py                      # 3 runs: 6,000 single, 20,000 in batches
    python bench/write.py --runs 1 --statements 2000 --batch-statements 5000
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from contextlib import contextmanager
from datetime import datetime, timezone
from pathlib import Path
from typing import Iterator

# bench/ must not shadow the packages (bench/projections.py is a script): it goes last.
HERE = Path(__file__).resolve().parent
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != HERE]
sys.path[:0] = [str(HERE.parent)]
sys.path.append(str(HERE))

from serving import (ROOT, fresh_database, free_port, generate_load, open_books,  # noqa: E402
                     percentiles, request_bytes)

from ledger.client import posting  # noqa: E402
from ledger.log.application import LedgerApplication  # noqa: E402
from ledger.settings import Settings  # noqa: E402

GOALS = {"single_per_s": 2000, "single_p99_ms": 50, "single_ratio_to_bare": 0.5,
         "batch_per_s": 5000, "projection_lag_s": 1.0}
STREET_OFFICE = {"kind": "organisation", "name": "街道办事处 Street office"}
SUPPLIER = {"kind": "organisation", "name": "阳光文体用品店"}
FUNDS = ("general", "activity", "renovation")

BARE = """
import sys

import uvicorn
from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse

app = FastAPI()


@app.post("/v1/ledgers/{{ledger}}/statements", status_code=201)
@app.post("/v1/ledgers/{{ledger}}/batches", status_code=201)
async def take(ledger: str, request: Request) -> JSONResponse:
    body = await request.json()
    return JSONResponse({{"ledger": ledger, "fields": len(body)}}, status_code=201)


uvicorn.run(app, host="127.0.0.1", port=int(sys.argv[1]))
"""


# --- the books -------------------------------------------------------------------------------


def signed_bodies(settings: Settings, slug: str, count: int) -> list[dict]:
    """Open ``slug`` (its log key kept where the server looks), fund it, and sign
    ``count`` payments the way an agent's own machine would."""
    app = LedgerApplication(settings)
    try:
        agent = open_books(app, settings, slug)
        for fund in FUNDS:
            app.submit(agent.post("2026-01-02", "grant", STREET_OFFICE,
                                  [posting("1002", fund, "debit", 10**12),
                                   posting("4001", fund, "credit", 10**12)], memo="拨款"))
    finally:
        app.close()
    bodies = []
    for i in range(count):
        fund = FUNDS[i % len(FUNDS)]
        lines = [posting("5001", fund, "debit", 100 + i % 997),
                 posting("1002", fund, "credit", 100 + i % 997)]
        bodies.append(agent.post("2026-03-01", "activity", SUPPLIER, lines,
                                 memo=f"活动用品 supplies no. {i}").to_json())
    return bodies


def encoded(value: object) -> bytes:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def single_requests(slug: str, bodies: list[dict]) -> list[bytes]:
    return [request_bytes("POST", f"/v1/ledgers/{slug}/statements", encoded(body))
            for body in bodies]


def batch_requests(slug: str, bodies: list[dict], size: int) -> list[bytes]:
    return [request_bytes("POST", f"/v1/ledgers/{slug}/batches",
                          encoded({"statements": bodies[i:i + size]}))
            for i in range(0, len(bodies), size)]


# --- the servers -----------------------------------------------------------------------------


@contextmanager
def started(command: list[str], log: Path, env: dict[str, str] | None = None
            ) -> Iterator[int]:
    """A server process (its output to ``log``) listening on the port it was given."""
    port = free_port()
    command = [part.replace("{port}", str(port)) for part in command]
    with log.open("wb") as out:
        process = subprocess.Popen(command, stdout=out, stderr=subprocess.STDOUT,
                                   env={**os.environ, **(env or {})}, cwd=ROOT)
        try:
            _wait_for(port, process)
            yield port
        finally:
            process.terminate()
            try:
                process.wait(30)
            except subprocess.TimeoutExpired:
                process.kill()


def _wait_for(port: int, process: subprocess.Popen) -> None:
    import httpx

    deadline = time.monotonic() + 120
    while True:
        assert process.poll() is None, "the server exited"
        try:
            httpx.get(f"http://127.0.0.1:{port}/openapi.json", timeout=2)
            return
        except httpx.HTTPError:
            assert time.monotonic() < deadline, "the server did not start"
            time.sleep(0.2)


def shipped(url: str, data_dir: Path) -> list[str]:
    return [sys.executable, "-m", "ledger.cli", "--db", url, "--data-dir", str(data_dir),
            "serve", "--port", "{port}"]


def bare(data_dir: Path) -> list[str]:
    script = data_dir / "bare.py"
    script.write_text(BARE.replace("{{", "{").replace("}}", "}"), encoding="utf-8")
    return [sys.executable, str(script), "{port}"]


# --- one measurement ---------------------------------------------------------------------------


class LagSampler:
    """Samples the projection of ``slug`` every 0.5 s: entries behind the log, and how
    old the newest projected entry is while some are behind (an upper bound of the lag)."""

    def __init__(self, port: int, slug: str) -> None:
        self.url = f"http://127.0.0.1:{port}/v1/ledgers/{slug}/status"
        self.samples: list[tuple[int, float]] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def __enter__(self) -> "LagSampler":
        self._thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        self._stop.set()
        self._thread.join(10)

    def _run(self) -> None:
        import httpx

        with httpx.Client(timeout=5) as client:
            while not self._stop.wait(0.5):
                try:
                    view = client.get(self.url).json()["projections"][0]
                except (httpx.HTTPError, KeyError, IndexError, ValueError):
                    continue
                behind = int(view.get("behind") or 0)
                lag = 0.0
                if behind and view.get("last_recorded_at"):
                    newest = datetime.fromisoformat(view["last_recorded_at"].replace("Z", "+00:00"))
                    lag = (datetime.now(timezone.utc) - newest).total_seconds()
                self.samples.append((behind, lag))

    def summary(self) -> dict[str, float]:
        return {"max_entries_behind": max((b for b, _ in self.samples), default=0),
                "max_lag_s": round(max((lag for _, lag in self.samples), default=0.0), 3),
                "samples": len(self.samples)}


def caught_up_after(port: int, slug: str) -> float:
    """Seconds from the end of the load until the projection has every entry."""
    import httpx

    started_at = time.monotonic()
    while time.monotonic() - started_at < 300:
        view = httpx.get(f"http://127.0.0.1:{port}/v1/ledgers/{slug}/status",
                         timeout=10).json()["projections"][0]
        if view.get("up_to_date"):
            return round(time.monotonic() - started_at, 3)
        time.sleep(0.05)
    return float("inf")


def measure(port: int, requests: list[bytes], statements: int, clients: int) -> dict:
    connections = [requests[i::clients] for i in range(clients)]
    load = generate_load(port, connections)
    answers = [r for connection in load["results"] for r in connection]
    ok = sum(1 for _, _, status in answers if status in (200, 201))
    refused: dict[str, int] = {}
    for _, _, status in answers:
        if status not in (200, 201):
            refused[str(status)] = refused.get(str(status), 0) + 1
    per_request = statements / max(len(requests), 1)
    return {"statements_per_s": round(ok * per_request / load["wall_seconds"], 1),
            "requests": len(requests), "refused": refused,
            **percentiles([seconds for _, seconds, _ in answers])}


def spread(runs: list[dict], key: str) -> dict[str, float]:
    values = [run[key] for run in runs]
    return {"min": min(values), "median": round(statistics.median(values), 3),
            "max": max(values)}


def verify_all(settings: Settings, slugs: list[str]) -> dict:
    from ledger.verify.run import verify_ledger

    app = LedgerApplication(settings)
    try:
        reports = {slug: verify_ledger(app, slug) for slug in slugs}
        return {"all_verified": all(r.ok for r in reports.values()),
                "entries": sum(app.reader.size(slug) for slug in slugs)}
    finally:
        app.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--statements", type=int, default=6000, help="single, per run")
    parser.add_argument("--batch-statements", type=int, default=20000, help="per run")
    parser.add_argument("--batch-size", type=int, default=100)
    parser.add_argument("--clients", type=int, default=32)
    args = parser.parse_args()
    load_before = os.getloadavg()
    with fresh_database() as url, tempfile.TemporaryDirectory() as tmp:
        data_dir = Path(tmp)
        settings = Settings.from_env(url, data_dir)
        signing = time.perf_counter()
        plans = [(f"single{run}", signed_bodies(settings, f"single{run}", args.statements),
                  f"batch{run}", signed_bodies(settings, f"batch{run}", args.batch_statements))
                 for run in range(args.runs)]
        signing = time.perf_counter() - signing
        rows: dict[str, list[dict]] = {"shipped_single": [], "bare_single": [],
                                       "shipped_batch": [], "bare_batch": []}
        for single_slug, single, batch_slug, batch in plans:
            with started(bare(data_dir), data_dir / "bare.log") as port:
                rows["bare_single"].append(measure(
                    port, single_requests(single_slug, single), len(single), args.clients))
                rows["bare_batch"].append(measure(
                    port, batch_requests(batch_slug, batch, args.batch_size), len(batch),
                    args.clients))
            with started(shipped(url, data_dir), data_dir / "serve.log") as port:
                with LagSampler(port, single_slug) as lag:
                    row = measure(port, single_requests(single_slug, single), len(single),
                                  args.clients)
                row.update(lag.summary(), caught_up_after_s=caught_up_after(port, single_slug))
                rows["shipped_single"].append(row)
                rows["shipped_batch"].append(measure(
                    port, batch_requests(batch_slug, batch, args.batch_size), len(batch),
                    args.clients))
        checked = verify_all(settings, [slug for plan in plans for slug in plan[::2]])
    summary = {name: {"statements_per_s": spread(runs, "statements_per_s"),
                      "p99_ms": spread(runs, "p99_ms"), "p50_ms": spread(runs, "p50_ms")}
               for name, runs in rows.items()}
    ratios = {kind: [round(s["statements_per_s"] / max(b["statements_per_s"], 1e-9), 3)
                     for s, b in zip(rows[f"shipped_{kind}"], rows[f"bare_{kind}"])]
              for kind in ("single", "batch")}
    lag = spread(rows["shipped_single"], "max_lag_s")
    median_single = summary["shipped_single"]["statements_per_s"]["median"]
    print(json.dumps({
        "benchmark": "write", "store": "postgresql", "clients": args.clients,
        "runs": args.runs, "single_statements": args.statements,
        "batch_statements": args.batch_statements, "batch_size": args.batch_size,
        "load_average_before": [round(x, 2) for x in load_before],
        "load_average_after": [round(x, 2) for x in os.getloadavg()],
        "signing_seconds": round(signing, 1), "summary": summary,
        "ratio_shipped_to_bare": {kind: {"runs": values, "median": statistics.median(values)}
                                  for kind, values in ratios.items()},
        "projection_max_lag_s": lag,
        "goals": GOALS,
        "goals_met": {
            "single_per_s": median_single >= GOALS["single_per_s"],
            "single_p99_ms": summary["shipped_single"]["p99_ms"]["median"]
            <= GOALS["single_p99_ms"],
            "single_ratio_to_bare": statistics.median(ratios["single"])
            >= GOALS["single_ratio_to_bare"],
            "batch_per_s": summary["shipped_batch"]["statements_per_s"]["median"]
            >= GOALS["batch_per_s"],
            "projection_lag_s": lag["max"] <= GOALS["projection_lag_s"]},
        "runs_detail": rows, **checked}, indent=2))


if __name__ == "__main__":
    main()
