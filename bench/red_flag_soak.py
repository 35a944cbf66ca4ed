"""A soak: does auditors' use of the red flags take anything from residents and writers?

The issue's soak, repeated on what ships: one PostgreSQL database made for the run,
one ledger with a history of ``--history`` entries (bench/red_flags.py's journal:
payments to many counterparties with split payments, round sums in cash and reused
invoices mixed in, so findings keep arriving), projected; then ``sunledger serve``
with its defaults (projections in the process; the public rate limit off, since one
load generator stands for many residents) under a steady load: ``--write-rate``
signed payments a second (the journal continued, so the projection finds red flags
as they arrive) and ``--read-rate`` public reads a second (balances and the first
page of transactions). Each of ``--rounds`` rounds runs two phases of ``--seconds``:

- quiet     writers and residents only (the baseline, in the same run)
- audited   the same, and ``--auditors`` auditors calling
            ``GET /audit/red-flags`` (a fresh one-request token each),
            ``--audit-rate`` calls a second between them (an auditor paging through
            findings clicks about once a second); ``--audit-rate 0`` makes each call
            as soon as the last one answered (a stress, not an audit)

Prints JSON: per phase, writes/s achieved, write and read p50/p99, red-flag p50/p99
and calls/s, the projection's lag (sampled every 0.5 s); and per round the ratio of
audited to quiet writes/s and write p99 (the issue: auditors calling the red flags
leave write throughput unchanged; before the red flags were a projection, one call
took 214 s at 39,686 entries and writes fell from 100/s to 33-40/s).

    python bench/red_flag_soak.py                       # 20,000 entries, 3 rounds of 2 x 30 s
    python bench/red_flag_soak.py --history 100000 --rounds 2
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
from pathlib import Path

# bench/ must not shadow the packages (bench/projections.py is a script): it goes last.
HERE = Path(__file__).resolve().parent
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != HERE]
sys.path[:0] = [str(HERE.parent)]
sys.path.append(str(HERE))

import red_flags  # noqa: E402
from serving import fresh_database, generate_load, percentiles, request_bytes  # noqa: E402
from write import LagSampler, encoded, shipped, started  # noqa: E402

from ledger.log.application import LedgerApplication  # noqa: E402
from ledger.settings import Settings  # noqa: E402
from projections.worker import catch_up  # noqa: E402

SLUG = red_flags.SLUG
BASE = f"/v1/ledgers/{SLUG}"
WRITERS = 8
READERS = 5
READ_PATHS = (f"{BASE}/funds", f"{BASE}/transactions?limit=50")


def write_history(settings: Settings, history: int, later: int):
    """The ledger, its history appended and projected; the journal for ``later`` more."""
    app = LedgerApplication(settings)
    try:
        signers = red_flags.open_books(app, settings)
        journal = red_flags.Journal(signers["agent"], history + later)
        for start in range(0, history, red_flags.BATCH):
            stop = min(history, start + red_flags.BATCH)
            app.submit_many([journal(i) for i in range(start, stop)])
        catch_up(app)
        red_flags.analyse(settings)
    finally:
        app.close()
    return journal, signers["auditor"]


def phase(port: int, writes: list[bytes], args: argparse.Namespace, auditor=None) -> dict:
    """One phase of steady writes and reads, with auditors or without."""
    connections, intervals, kinds = [], [], []
    for w in range(WRITERS):
        connections.append(writes[w::WRITERS])
        intervals.append(WRITERS / args.write_rate)
        kinds.append("write")
    reads = int(args.read_rate * args.seconds)
    for r in range(READERS):
        connections.append([request_bytes("GET", READ_PATHS[(r + k) % 2])
                            for k in range(reads // READERS)])
        intervals.append(READERS / args.read_rate)
        kinds.append("read")
    if auditor is not None:
        # Unpaced: more calls than the phase can take; they stop with the writers.
        paced = args.audit_rate > 0
        calls = int(args.seconds * args.audit_rate / args.auditors) + 1 if paced else \
            int(args.seconds / 0.005)
        for _ in range(args.auditors):
            connections.append([red_flags.signed_get(auditor, f"{BASE}/audit/red-flags")
                                for _ in range(calls)])
            intervals.append(args.auditors / args.audit_rate if paced else None)
            kinds.append("audit")
    # Writers normally finish on time; the grace lets slow ones finish, then all stop.
    load = generate_load(port, connections, intervals, stop_after=args.seconds + 5)
    return summarise(load, kinds)


def summarise(load: dict, kinds: list[str]) -> dict:
    """Rates and latencies of each kind, counted over the writers' window only."""
    writes = [r for rows, kind in zip(load["results"], kinds) if kind == "write" for r in rows]
    began = min(start for start, _, _ in writes)
    ended = max(start + seconds for start, seconds, _ in writes)
    window = ended - began
    out: dict[str, dict] = {}
    for kind in ("write", "read", "audit"):
        rows = [r for rs, k in zip(load["results"], kinds) if k == kind for r in rs
                if r[0] < ended]
        if not rows:
            continue
        ok = sum(1 for _, _, status in rows if status in (200, 201))
        out[kind] = {"per_s": round(ok / window, 1), "requests": len(rows),
                     "not_ok": len(rows) - ok, **percentiles([s for _, s, _ in rows])}
    out["window_s"] = round(window, 2)
    return out


def log_size(settings: Settings) -> int:
    app = LedgerApplication(settings)
    try:
        return app.reader.size(SLUG)
    finally:
        app.close()


def spread(values: list[float]) -> dict[str, float]:
    return {"min": min(values), "median": round(statistics.median(values), 3),
            "max": max(values)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--history", type=int, default=20_000, help="entries before the soak")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--seconds", type=float, default=30.0, help="per phase")
    parser.add_argument("--write-rate", type=float, default=100.0, help="statements/s")
    parser.add_argument("--read-rate", type=float, default=50.0, help="public reads/s")
    parser.add_argument("--auditors", type=int, default=2)
    parser.add_argument("--audit-rate", type=float, default=2.0,
                        help="red-flag calls/s in all; 0: each as soon as the last answered")
    args = parser.parse_args()
    per_phase = int(args.write_rate * args.seconds)
    later = 2 * args.rounds * per_phase
    load_before = os.getloadavg()
    with fresh_database() as url, tempfile.TemporaryDirectory() as tmp:
        data_dir = Path(tmp)
        settings = Settings.from_env(url, data_dir)
        print(f"history: {args.history} entries", file=sys.stderr)
        journal, auditor = write_history(settings, args.history, later)
        writes = [request_bytes("POST", f"{BASE}/statements",
                                encoded(journal(args.history + i).to_json()))
                  for i in range(later)]
        rounds = []
        env = {"SUNLEDGER_PUBLIC_RATE_PER_MINUTE": "0"}
        with started(shipped(url, data_dir), data_dir / "serve.log", env) as port:
            for n in range(args.rounds):
                print(f"round {n + 1} of {args.rounds}", file=sys.stderr)
                chunk = writes[2 * n * per_phase:(2 * n + 2) * per_phase]
                with LagSampler(port, SLUG) as quiet_lag:
                    quiet = phase(port, chunk[:per_phase], args)
                quiet["projection"] = quiet_lag.summary()
                with LagSampler(port, SLUG) as audited_lag:
                    audited = phase(port, chunk[per_phase:], args, auditor)
                audited["projection"] = audited_lag.summary()
                rounds.append({"quiet": quiet, "audited": audited})
        size = log_size(settings)
    write_ratio = [round(r["audited"]["write"]["per_s"] / r["quiet"]["write"]["per_s"], 3)
                   for r in rounds]
    p99_ratio = [round(r["audited"]["write"]["p99_ms"] / max(r["quiet"]["write"]["p99_ms"], 1e-9),
                       2) for r in rounds]
    print(json.dumps({
        "benchmark": "red_flag_soak", "store": "postgresql", "history": args.history,
        "log_size_after": size, "seconds_per_phase": args.seconds,
        "write_rate_offered": args.write_rate, "read_rate_offered": args.read_rate,
        "auditors": args.auditors, "audit_rate_offered": args.audit_rate or "unpaced",
        "load_average_before": [round(x, 2) for x in load_before],
        "load_average_after": [round(x, 2) for x in os.getloadavg()],
        "writes_per_s": {"quiet": spread([r["quiet"]["write"]["per_s"] for r in rounds]),
                         "audited": spread([r["audited"]["write"]["per_s"] for r in rounds])},
        "red_flags_p99_ms_under_load": spread([r["audited"]["audit"]["p99_ms"] for r in rounds]),
        "red_flag_calls_per_s": spread([r["audited"]["audit"]["per_s"] for r in rounds]),
        "ratio_audited_to_quiet": {"writes_per_s": write_ratio,
                                   "writes_per_s_median": statistics.median(write_ratio),
                                   "write_p99": p99_ratio},
        "rounds": rounds}, indent=2))


if __name__ == "__main__":
    main()
