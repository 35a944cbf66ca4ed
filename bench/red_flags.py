"""Red flags over HTTP at two history sizes, from the read model, against the old replay.

For each size, a PostgreSQL database made for the run holds ONE ledger of N
entries, 30 a day from 2 January ten years back (the ledger takes dates that far
back; bench/history_days.py); past 108,000 entries the days fill faster and the counterparties grow
with them, so each one's payments stay as dense): grants, and payments to 200
counterparties under a policy (approval threshold 5,000 yuan, 30-day split
window), among them, now and then, two payments to one counterparty that
together pass the threshold (a split payment), a round sum paid in cash, and
an invoice used on a second entry: about one finding per 60 entries, so the
findings grow with the history as they would in a real community's books.
The projection finds them as it takes the entries (timed: the rate of a
rebuild of the views, beside the rate of a rebuild with the red flags left
out, on the same log just before). Then a real uvicorn server (its own process, read
models only) answers a load generator (another process, one keep-alive
connection, a fresh one-request sign-in token per request) and we take
p50/p99 of

- red_flags        GET /v1/ledgers/L/audit/red-flags   (the first page: 50 findings)
- red_flags_deep   the same, from a cursor in the middle of the findings

Baseline, measured in the same run at each size: the old request path, which
read the whole log and ran ``ledger.domain.redflags.red_flags`` over it (once
per log size; a soak measured 214 s for it at 39,686 entries).
``p99_over_baseline`` is the served p99 over that baseline's one call;
``p99_ratio_big_over_small`` says whether the served answer grows with the
history (the issue's target: p99 <= 50 ms at 1M).

    python bench/red_flags.py              # 2,000 and 10,000 entries (a few minutes)
    python bench/red_flags.py --large      # 10,000 and 100,000 entries
    python bench/red_flags.py --sizes 10000 1000000 --baselines-up-to 100000   # the issue's size
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

# bench/ must not shadow the packages (bench/projections.py is a script): it goes last.
HERE = Path(__file__).resolve().parent
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != HERE]
sys.path[:0] = [str(HERE.parent)]
sys.path.append(str(HERE))

import history_days  # noqa: E402
from serving import fresh_database, generate_load, percentiles, server  # noqa: E402

from ledger.client import Signer, posting  # noqa: E402
from ledger.domain.redflags import red_flags as reference_flags  # noqa: E402
from ledger.format.keys import SigningKey  # noqa: E402
from ledger.keystore.log_keys import new_log_key  # noqa: E402
from ledger.log.application import LedgerApplication  # noqa: E402
from ledger.log.tokens import issue_token  # noqa: E402
from ledger.settings import Settings  # noqa: E402
from projections import flags  # noqa: E402
from projections.worker import catch_up, rebuild  # noqa: E402

P99_TARGET_MS = 50.0
YUAN = 100
ENTRIES_PER_DAY = 30
VENDORS_PER_DAILY_ENTRY = 200 / 30
BATCH = 1000
SLUG = "bench"
STREET_OFFICE = {"kind": "organisation", "name": "街道办事处 Street office"}
BANK = {"kind": "organisation", "name": "银行 bank"}
ACCOUNTS = (("1001", "库存现金", "Cash", "asset", "cash"),
            ("1002", "银行存款", "Bank deposits", "asset", "bank"),
            ("4001", "财政补助收入", "Government grants", "income", None),
            ("5001", "活动支出", "Activity spending", "expense", None))


def open_books(app: LedgerApplication, settings: Settings) -> dict[str, Signer]:
    """Genesis (with a log key the server keeps), agent, committee and auditor keys,
    one fund, the accounts, and the policy the split-payment check reads."""
    signers = {role: Signer(SigningKey.generate(role), SLUG)
               for role in ("admin", "agent", "committee", "auditor")}
    origin = f"sunledger.example/{SLUG}"
    log_key = new_log_key(settings, SLUG, origin)
    app.submit(signers["admin"].open_ledger("基准社区", origin, log_key.verifier().vkey))
    for role in ("agent", "committee", "auditor"):
        app.submit(signers["admin"].register_key(signers[role].key, [role], role))
    app.submit(signers["agent"].create_fund("general", "一般", "general", restricted=False))
    for code, zh, en, cls, kind in ACCOUNTS:
        app.submit(signers["agent"].open_account(code, zh, en, cls, kind))
    app.submit(signers["committee"].set_policy(5_000 * YUAN, 50_000 * YUAN, 10))
    return signers


def invoice(n: int) -> list[dict[str, str]]:
    return [{"kind": "invoice", "sha256": f"{n:064x}"}]


class Journal:
    """Entry i of the journal: mostly small payments to the vendors, with the
    patterns an auditor looks for mixed in at fixed strides."""

    def __init__(self, agent: Signer, entries: int) -> None:
        self.agent = agent
        self.per_day = history_days.per_day(entries, ENTRIES_PER_DAY)
        self.vendors = [{"kind": "organisation", "name": f"供应商 vendor {n:04d}"}
                        for n in range(round(self.per_day * VENDORS_PER_DAILY_ENTRY))]

    def __call__(self, i: int):
        return statement(self.agent, i, self.per_day, self.vendors)


def statement(agent: Signer, i: int, per_day: int, vendors: list[dict]):
    day = history_days.day_of(i, per_day).isoformat()
    vendor = vendors[(i * 7) % len(vendors)]
    if i % 5 == 0:
        lines = [posting("1002", "general", "debit", 10_000 * YUAN),
                 posting("4001", "general", "credit", 10_000 * YUAN)]
        return agent.post(day, "grant", STREET_OFFICE, lines, memo=f"拨款 no. {i}")
    if i % 250 == 1:  # cash for the petty-cash payments
        lines = [posting("1001", "general", "debit", 2_000 * YUAN),
                 posting("1002", "general", "credit", 2_000 * YUAN)]
        return agent.post(day, "transfer", BANK, lines, memo="备用金 petty cash")
    money, amount, documents = "1002", (50 + i % 450) * YUAN, None
    if i % 100 in (2, 3):  # two payments to one vendor that pass the threshold together
        vendor, amount = vendors[(i // 100) % len(vendors)], 2_600 * YUAN
    elif i % 250 == 7:  # a round sum in cash
        money, amount = "1001", 1_000 * YUAN
    if i % 300 in (11, 14):  # one invoice on two entries
        documents = invoice(i // 300)
    lines = [posting("5001", "general", "debit", amount),
             posting(money, "general", "credit", amount)]
    return agent.post(day, "activity", vendor, lines, memo=f"支出 payment no. {i}",
                      documents=documents)


def write_history(settings: Settings, entries: int, baselines: bool = True
                  ) -> tuple[dict, Signer]:
    """The ledger and its N entries, appended in batches, then projected (timed: a
    rebuild with red flags, beside one without)."""
    app = LedgerApplication(settings)
    try:
        signers = open_books(app, settings)
        journal = Journal(signers["agent"], entries)
        began = time.perf_counter()
        for start in range(0, entries, BATCH):
            app.submit_many([journal(i) for i in range(start, min(entries, start + BATCH))])
            if start and start % 50_000 == 0:
                print(f"  {start} entries appended", file=sys.stderr)
        appending = time.perf_counter() - began
        rates: dict = {"rebuild_without_flags_per_s": None, "baseline_old_replay": None}
        if baselines:
            with flags_left_out():
                catch_up(app)  # untimed: both timed projections below are rebuilds alike
                began = time.perf_counter()
                bare = rebuild(app)
                rates["rebuild_without_flags_per_s"] = round(bare / (time.perf_counter() - began))
        began = time.perf_counter()
        projected = rebuild(app) if baselines else catch_up(app)
        projecting = time.perf_counter() - began
        if baselines:
            rates["baseline_old_replay"] = old_request_path(app)
        size = app.reader.size(SLUG)
        analyse(settings)
    finally:
        app.close()
    return {"log_size": size, "sign_and_append_per_s": round(entries / appending),
            "rebuild_per_s" if baselines else "catch_up_per_s": round(projected / projecting),
            **rates}, signers["auditor"]


@contextmanager
def flags_left_out() -> Iterator[None]:
    """The projection as it was before red flags were kept: its baseline rate."""
    record, finish = flags.record, flags.finish
    flags.record, flags.finish = (lambda *_: None), (lambda *_: None)
    try:
        yield
    finally:
        flags.record, flags.finish = record, finish


def old_request_path(app: LedgerApplication) -> dict:
    """What one call cost before: read the whole log and run the reference over it."""
    began = time.perf_counter()
    size = app.reader.size(SLUG)
    entries = [stored.entry() for stored in app.reader.stored(SLUG, 0, size)]
    read = time.perf_counter() - began
    findings = reference_flags(entries)
    total = time.perf_counter() - began
    return {"log_size": size, "findings": len(findings), "read_s": round(read, 3),
            "call_s": round(total, 3)}


def analyse(settings: Settings) -> None:
    """Fresh statistics, as autovacuum gives a table within a minute of a bulk load."""
    import psycopg

    with psycopg.connect(settings.database_url, autocommit=True) as connection:
        connection.execute("ANALYZE")


def signed_get(auditor: Signer, path: str) -> bytes:
    token = issue_token(auditor.key, SLUG, lifetime_seconds=600)
    return (f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\n"
            f"Authorization: Bearer {token}\r\n\r\n").encode("ascii")


def measure(port: int, auditor: Signer, path: str, requests: int, warmup: int) -> dict:
    generate_load(port, [[signed_get(auditor, path) for _ in range(warmup)]])
    result = generate_load(port, [[signed_get(auditor, path) for _ in range(requests)]])
    answers = result["results"][0]
    statuses = sorted({status for _, _, status in answers})
    assert statuses == [200], f"{path} answered {statuses}"
    return {**percentiles([seconds for _, seconds, _ in answers]), "requests": len(answers)}


def middle_cursor(port: int, auditor: Signer, base: str) -> str | None:
    """The cursor of the page halfway through the findings (read page by page once)."""
    import httpx

    cursors, cursor = [], None
    with httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=60) as client:
        while True:
            params = {"limit": 1000, **({"cursor": cursor} if cursor else {})}
            token = issue_token(auditor.key, SLUG)
            page = client.get(base, params=params,
                              headers={"Authorization": f"Bearer {token}"}).json()
            cursor = page["next_cursor"]
            if cursor is None:
                return cursors[len(cursors) // 2] if cursors else None
            cursors.append(cursor)


def run_size(entries: int, args: argparse.Namespace) -> dict:
    print(f"{entries} entries: writing, projecting and the old replay", file=sys.stderr)
    with fresh_database() as url, tempfile.TemporaryDirectory() as tmp:
        settings = Settings.from_env(url, Path(tmp))
        baselines = args.baselines_up_to is None or entries <= args.baselines_up_to
        history, auditor = write_history(settings, entries, baselines)
        base = f"/v1/ledgers/{SLUG}/audit/red-flags"
        with server(url, Path(tmp)) as port:
            latency = {"red_flags": measure(port, auditor, base, args.requests, args.warmup)}
            cursor = middle_cursor(port, auditor, base)
            if cursor:
                latency["red_flags_deep"] = measure(port, auditor, f"{base}?cursor={cursor}",
                                                    args.requests, args.warmup)
    old = history["baseline_old_replay"]
    return {"entries": entries, **history, "latency": latency,
            "p99_over_baseline": None if old is None else
            round(latency["red_flags"]["p99_ms"] / (old["call_s"] * 1000), 5)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--large", action="store_true", help="10,000 and 100,000 entries")
    parser.add_argument("--sizes", type=int, nargs=2, metavar=("SMALL", "BIG"))
    parser.add_argument("--requests", type=int, default=500, help="per endpoint and size")
    parser.add_argument("--baselines-up-to", type=int, metavar="N",
                        help="above N entries, skip the rebuild without red flags and the old "
                             "replay (at 1M they take most of an hour; the small size keeps both)")
    parser.add_argument("--warmup", type=int, default=50)
    args = parser.parse_args()
    small, big = args.sizes or ((10_000, 100_000) if args.large else (2_000, 10_000))
    runs = [run_size(small, args), run_size(big, args)]
    ratios = {name: round(runs[1]["latency"][name]["p99_ms"] /
                          max(runs[0]["latency"][name]["p99_ms"], 1e-9), 2)
              for name in runs[1]["latency"] if name in runs[0]["latency"]}
    print(json.dumps({"benchmark": "red_flags", "store": "postgresql", "small": runs[0],
                      "big": runs[1], "p99_ratio_big_over_small": ratios,
                      "p99_target_ms": P99_TARGET_MS,
                      "target_met_at_big": runs[1]["latency"]["red_flags"]["p99_ms"]
                      <= P99_TARGET_MS}, indent=2, ensure_ascii=False))


if __name__ == "__main__":
    main()
