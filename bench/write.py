"""Write throughput over HTTP: signed journal entries POSTed by concurrent clients.

A real uvicorn server (its own process) on a PostgreSQL database made for the
run; a load generator (another process) with ``--clients`` keep-alive
connections on loopback, each POSTing pre-signed ``entry.posted`` statements to
``/v1/ledgers/L/statements`` one after another. The server checks every
signature, key, role, nonce and balance, chains and Merkle-hashes each entry.
Concurrent statements for the ledger are group-committed (ledger/log/appender.py).

Baseline, measured in the same run on a second ledger of the same database:
the same server with ``SUNLEDGER_GROUP_COMMIT_BATCH_MAX=1`` (one transaction
per statement). Then, to show where the time goes, the same kind of
statements through ``LedgerApplication.submit_many`` in this process (no
HTTP) in batches of 16 and of 1000. Afterwards both HTTP logs are verified
end to end.

    python bench/write.py                 # 20,000 statements (baseline 4,000), 32 clients
    python bench/write.py --large         # 100,000 statements (baseline 10,000)
    python bench/write.py --profile FILE  # py-spy the group-commit server into FILE
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import tempfile
import time
from pathlib import Path

# bench/ must not shadow the packages (bench/projections.py is a script): it goes last.
HERE = Path(__file__).resolve().parent
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != HERE]
sys.path[:0] = [str(HERE.parent)]
sys.path.append(str(HERE))

from serving import (fresh_database, generate_load, http_get, open_books,  # noqa: E402
                     percentiles, request_bytes, server)

from ledger.log.application import LedgerApplication  # noqa: E402
from ledger.client import posting  # noqa: E402
from ledger.settings import Settings  # noqa: E402

TARGET_PER_S = 2000
STREET_OFFICE = {"kind": "organisation", "name": "街道办事处 Street office"}
SUPPLIER = {"kind": "organisation", "name": "阳光文体用品店"}
FUNDS = ("general", "activity", "renovation")


def prepare(settings: Settings, slug: str, count: int) -> list[bytes]:
    """Open the ledger, fund it, and sign ``count`` payments (the client's work)."""
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
        signed = agent.post("2026-03-01", "activity", SUPPLIER, lines,
                            memo=f"活动用品 supplies no. {i}")
        bodies.append(json.dumps(signed.to_json(), ensure_ascii=False,
                                 separators=(",", ":")).encode("utf-8"))
    return bodies


def batch_stats(metrics_text: str) -> dict[str, float]:
    def value(name: str) -> float:
        match = re.search(rf"^{name} ([0-9.e+]+)$", metrics_text, re.M)
        return float(match.group(1)) if match else 0.0

    count = value("sunledger_group_commit_statements_count")
    total = value("sunledger_group_commit_statements_sum")
    return {"commits": int(count), "mean_statements_per_commit":
            round(total / count, 1) if count else 0.0}


def run_phase(url: str, data_dir: Path, slug: str, bodies: list[bytes], clients: int,
              env: dict[str, str], projections: bool, profile: str | None = None) -> dict:
    path = f"/v1/ledgers/{slug}/statements"
    connections = [[request_bytes("POST", path, body) for body in bodies[i::clients]]
                   for i in range(clients)]
    with server(url, data_dir, projections=projections, env=env, profile=profile) as port:
        load = generate_load(port, connections)
        batches = batch_stats(http_get(port, "/metrics").decode())
    answers = [r for conn in load["results"] for r in conn]
    accepted = [seconds for _, seconds, status in answers if status == 201]
    refused = {}
    for _, _, status in answers:
        if status != 201:
            refused[status] = refused.get(status, 0) + 1
    return {"statements": len(bodies), "accepted": len(accepted), "refused": refused,
            "wall_seconds": round(load["wall_seconds"], 3),
            "accepted_per_s": round(len(accepted) / load["wall_seconds"], 1),
            **percentiles([seconds for _, seconds, _ in answers]), **batches}


def in_process(settings: Settings, slug: str, count: int) -> dict:
    """Where the time goes: the same statements through ``submit_many`` in this
    process, no HTTP, at the batch size the server reached and at the largest."""
    from ledger.format.statements import SignedStatement

    bodies = prepare(settings, slug, count)
    statements = [SignedStatement.from_json(json.loads(body)) for body in bodies]
    app = LedgerApplication(settings)
    rates = {}
    try:
        for batch in (16, 1000):
            chunk, statements = statements[:len(bodies) // 2], statements[len(bodies) // 2:]
            started = time.perf_counter()
            for i in range(0, len(chunk), batch):
                app.submit_many(chunk[i:i + batch], all_or_nothing=False)
            rates[f"batch_{batch}_per_s"] = round(len(chunk) / (time.perf_counter() - started))
    finally:
        app.close()
    return rates


def verify(settings: Settings, slugs: list[str]) -> dict:
    from ledger.verify.run import verify_ledger

    app = LedgerApplication(settings)
    try:
        started = time.perf_counter()
        reports = {slug: verify_ledger(app, slug) for slug in slugs}
        return {"all_verified": all(r.ok for r in reports.values()),
                "sizes": {slug: app.reader.size(slug) for slug in slugs},
                "verify_seconds": round(time.perf_counter() - started, 2)}
    finally:
        app.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--large", action="store_true")
    parser.add_argument("--statements", type=int)
    parser.add_argument("--baseline-statements", type=int)
    parser.add_argument("--clients", type=int, default=32)
    parser.add_argument("--with-projections", action="store_true",
                        help="keep the read models current in the server process too")
    parser.add_argument("--profile", metavar="FILE",
                        help="sample the group-commit server with py-spy into FILE")
    args = parser.parse_args()
    count = args.statements or (100_000 if args.large else 20_000)
    baseline_count = args.baseline_statements or (10_000 if args.large else 4_000)
    with fresh_database() as url, tempfile.TemporaryDirectory() as tmp:
        settings = Settings.from_env(url, Path(tmp))
        started = time.perf_counter()
        grouped_bodies = prepare(settings, "grouped", count)
        single_bodies = prepare(settings, "single", baseline_count)
        signing = time.perf_counter() - started
        grouped = run_phase(url, Path(tmp), "grouped", grouped_bodies, args.clients, {},
                            args.with_projections, args.profile)
        single = run_phase(url, Path(tmp), "single", single_bodies, args.clients,
                           {"SUNLEDGER_GROUP_COMMIT_BATCH_MAX": "1"}, args.with_projections)
        ceiling = in_process(settings, "inprocess", max(2000, baseline_count))
        checked = verify(settings, ["grouped", "single"])
    if args.profile:
        from serving import top_functions

        for name, inside, own in top_functions(args.profile, 40):
            print(f"{inside:5.1f}% {own:5.1f}%  {name}", file=sys.stderr)
    print(json.dumps({
        "benchmark": "write", "store": "postgresql", "clients": args.clients,
        "projections_in_server": args.with_projections,
        "setup_and_signing_seconds": round(signing, 1),
        "group_commit": grouped, "baseline_one_transaction_each": single,
        "in_process_submit_many_no_http": ceiling,
        "speedup": round(grouped["accepted_per_s"] / max(single["accepted_per_s"], 1e-9), 2),
        "target_per_s": TARGET_PER_S, "target_met": grouped["accepted_per_s"] >= TARGET_PER_S,
        **checked}, indent=2))


if __name__ == "__main__":
    main()
