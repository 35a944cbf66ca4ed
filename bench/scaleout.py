"""Reads from a PostgreSQL streaming replica against the primary alone, and the
replica's lag while the primary takes the write bench's load.

Starts its own PostgreSQL clusters (a primary and a ``pg_basebackup -R`` replica on
free ports, tests/builders/clusters.py), opens a ledger with ``--entries`` payments,
and runs ``sunledger serve`` processes with their defaults (rate limits off):

- ``primary``: one server reading the primary (no replica named);
- ``replica``: one server reading through ``--read-database-url`` (every read that
  came back was answered by the replica: the answers are checked for it);
- ``scale_out``: both at once, the clients split between them (what a second
  machine would add; here both share this machine's cores).

Each configuration runs ``--clients`` keep-alive connections (bench/serving.py's
load generator, in a process of its own) through a mix of resident reads (funds,
the transaction list, the ledger, an inclusion proof, the checkpoint). Then
``--writes`` signed payments are posted to the primary's server (as bench/write.py
posts them) while the replica's lag is probed every 0.1 s (ledger.log.replicas).

Prints JSON: reads/s and p50/p99 per configuration, the ratios to the primary alone,
the lag under write load (p50, p99, max) and how long the replica took to catch up.

    python bench/scaleout.py                 # under a minute on an idle 2-core machine
    python bench/scaleout.py --reads 20000 --writes 5000 --clients 32
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import threading
import time
from contextlib import ExitStack
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != HERE]
sys.path[:0] = [str(HERE.parent)]
sys.path.append(str(HERE))

from serving import generate_load, percentiles, request_bytes  # noqa: E402
from write import shipped, signed_bodies, single_requests, started  # noqa: E402

from ledger.log.replicas import ReplicaLag  # noqa: E402
from ledger.settings import Settings  # noqa: E402
from tests.builders.clusters import primary_with_replica, wait_caught_up  # noqa: E402

SLUG = "scaleout"
QUIET = {"SUNLEDGER_PUBLIC_RATE_PER_MINUTE": "0", "SUNLEDGER_ACCESS_LOG": "0"}


def read_mix(size: int, count: int) -> list[bytes]:
    base = f"/v1/ledgers/{SLUG}"
    paths = [f"{base}/funds", f"{base}/transactions?limit=20", base,
             f"{base}/proofs/inclusion?seq={{seq}}&size={size}", f"{base}/checkpoint"]
    return [request_bytes("GET", paths[i % len(paths)].replace("{seq}", str(i % size)))
            for i in range(count)]


def reads(ports: list[int], requests: list[bytes], clients: int) -> dict:
    """Clients split evenly over ``ports``; all run at once."""
    results: list[dict] = [{} for _ in ports]

    def drive(index: int, port: int) -> None:
        mine = requests[index::len(ports)]
        share = max(1, clients // len(ports))
        results[index] = generate_load(port, [mine[i::share] for i in range(share)])

    threads = [threading.Thread(target=drive, args=(i, port)) for i, port in enumerate(ports)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    answers = [r for load in results for connection in load["results"] for r in connection]
    ok = sum(1 for _, _, status in answers if status == 200)
    wall = max(load["wall_seconds"] for load in results)
    return {"reads_per_s": round(ok / wall, 1), "refused": len(answers) - ok,
            **percentiles([seconds for _, seconds, _ in answers])}


def lag_under_writes(port: int, primary_url: str, replica_url: str, bodies: list[dict],
                     clients: int) -> dict:
    probe = ReplicaLag(primary_url, (replica_url,), every=0.1)
    lags: list[float] = []
    done = threading.Event()

    def sample() -> None:
        while not done.is_set():
            probe.probe()
            lag = probe.health()[0].lag_seconds
            if lag is not None:
                lags.append(lag)
            time.sleep(0.1)

    sampler = threading.Thread(target=sample)
    sampler.start()
    requests = single_requests(SLUG, bodies)
    load = generate_load(port, [requests[i::clients] for i in range(clients)])
    finished = time.monotonic()
    done.set()
    sampler.join()
    ok = sum(1 for c in load["results"] for _, _, status in c if status == 201)
    caught_up = _caught_up_seconds(probe, finished)
    probe.stop()
    ordered = sorted(lags) or [0.0]
    return {"writes_per_s": round(ok / load["wall_seconds"], 1), "writes": ok,
            "lag_samples": len(lags), "lag_p50_s": round(statistics.median(ordered), 3),
            "lag_p99_s": ordered[min(len(ordered) - 1, int(0.99 * len(ordered)))],
            "lag_max_s": ordered[-1], "caught_up_after_load_s": caught_up}


def _caught_up_seconds(probe: ReplicaLag, since: float) -> float:
    while time.monotonic() - since < 60:
        probe.probe()
        if probe.health()[0].lag_seconds == 0.0:
            return round(time.monotonic() - since, 3)
        time.sleep(0.05)
    return float("inf")


def served_by_replica(port: int) -> bool:
    import httpx

    answer = httpx.get(f"http://127.0.0.1:{port}/v1/ledgers/{SLUG}/funds", timeout=10)
    return answer.headers.get("Sunledger-Read-From") == "replica"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--entries", type=int, default=200, help="payments before reading")
    parser.add_argument("--reads", type=int, default=1200, help="reads per configuration")
    parser.add_argument("--writes", type=int, default=600, help="payments under lag probe")
    parser.add_argument("--clients", type=int, default=16)
    args = parser.parse_args()
    load_before = os.getloadavg()[0]
    with ExitStack() as stack:
        primary, replica = stack.enter_context(primary_with_replica())
        data_dir = Path(stack.enter_context(tempfile.TemporaryDirectory()))
        settings = Settings(database_url=primary.url, data_dir=data_dir)
        bodies = signed_bodies(settings, SLUG, args.entries + args.writes)
        logs = data_dir / "logs"
        logs.mkdir()
        main_port = stack.enter_context(started(shipped(primary.url, data_dir),
                                                logs / "primary.log", QUIET))
        generate_load(main_port, [single_requests(SLUG, bodies[:args.entries])])
        time.sleep(1.5)  # the projection catches up (checkpoints: every 256 entries)
        wait_caught_up(primary, replica)
        replica_port = stack.enter_context(started(
            [*shipped(primary.url, data_dir), "--read-database-url", replica.url],
            logs / "replica.log", {**QUIET, "SUNLEDGER_SERVE_PROJECTIONS": "0"}))
        assert served_by_replica(replica_port), "the replica-backed server read the primary"
        import httpx

        size = int(httpx.get(f"http://127.0.0.1:{main_port}/v1/ledgers/{SLUG}",
                             timeout=10).json()["size"])
        mix = read_mix(size, args.reads)
        figures = {"primary": reads([main_port], mix, args.clients),
                   "replica": reads([replica_port], mix, args.clients),
                   "scale_out": reads([main_port, replica_port], mix, args.clients)}
        base = figures["primary"]["reads_per_s"]
        lag = lag_under_writes(main_port, primary.url, replica.url, bodies[args.entries:],
                               args.clients)
    print(json.dumps({
        "reads": figures,
        "ratio_replica_to_primary": round(figures["replica"]["reads_per_s"] / base, 3),
        "ratio_scale_out_to_primary": round(figures["scale_out"]["reads_per_s"] / base, 3),
        "replica_lag_under_writes": lag,
        "settings": {"entries": args.entries, "reads": args.reads, "writes": args.writes,
                     "clients": args.clients, "cores": os.cpu_count()},
        "load_average": {"before": round(load_before, 2),
                         "after": round(os.getloadavg()[0], 2)}}, indent=2))


if __name__ == "__main__":
    main()
