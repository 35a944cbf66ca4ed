"""The figures test vectors (FORMAT.md section 10), made by the real log, deterministically.

A small ledger ``xinzhu`` with accounts of every class, a policy, a held payment
later approved, one rejected, one still pending, a reversal (which leaves a
zero balance), a payment in a second currency above the threshold (not held:
only the ledger's currency counts) and a receipt above it (not held: it pays
nothing). Fixed key seeds, nonces and clock, so the leaves, the document and
both notes come out byte for byte the same on every run.

    python -m tests.figures_vectors      # rewrite tests/vectors/figures-xinzhu.*
"""

from __future__ import annotations

import base64
import json
import tempfile
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

from ledger.client import Signer, posting
from ledger.format.figures import document_bytes, document_hash
from ledger.format.keys import SigningKey
from ledger.format.notes import Signer as NoteSigner
from ledger.log.application import LedgerApplication
from ledger.log.checkpointing import CheckpointLog
from ledger.keystore.log_keys import log_key_path
from ledger.settings import Settings

VECTOR_DIR = Path(__file__).resolve().parent / "vectors"
LEAVES_FILE = "figures-xinzhu.ndjson"
DOCUMENT_FILE = "figures-xinzhu.json"
SLUG = "xinzhu"
ORIGIN = f"sunledger.example/{SLUG}"
SEEDS = {"admin": b"\x11" * 32, "agent": b"\x22" * 32, "cashier": b"\x33" * 32,
         "committee": b"\x44" * 32, "log": b"\x55" * 32}
# After the last business date below: a date may not lie after its signing day.
START = datetime(2026, 3, 9, 8, 0, tzinfo=timezone.utc)
SHOP = {"kind": "organisation", "name": "阳光文体用品店"}
OFFICE = {"kind": "organisation", "name": "街道办事处 Street office"}
ACCOUNTS = [("1001", "库存现金", "Cash", "asset", "cash"),
            ("1002", "银行存款", "Bank deposits", "asset", "bank"),
            ("2001", "应付款", "Payables", "liability", None),
            ("3001", "净资产", "Net assets", "net_assets", None),
            ("4001", "财政补助收入", "Government grants", "income", None),
            ("5001", "活动支出", "Activity spending", "expense", None)]


class StepClock:
    """One minute per statement: signed_at and recorded_at are both fixed."""

    def __init__(self) -> None:
        self.now = START

    def __call__(self) -> datetime:
        return self.now

    def tick(self) -> datetime:
        self.now += timedelta(minutes=1)
        return self.now


def _pay(amount: int, fund: str, currency: str | None = None) -> list[dict[str, Any]]:
    extra = {"currency": currency} if currency else {}
    return [posting("5001", fund, "debit", amount, **extra),
            posting("1002", fund, "credit", amount, **extra)]


def _receive(amount: int, fund: str, credit: str = "4001",
             currency: str | None = None) -> list[dict[str, Any]]:
    extra = {"currency": currency} if currency else {}
    return [posting("1002", fund, "debit", amount, **extra),
            posting(credit, fund, "credit", amount, **extra)]


def _statements(people: dict[str, Signer], log_vkey: str) -> list[tuple[str, str, Any]]:
    """(role, method, arguments) for every statement, in log order (seqs in comments)."""
    steps: list[tuple[str, str, Any]] = [
        ("admin", "open_ledger", ("新竹社区", ORIGIN, log_vkey, "CNY")),            # 0
        *[("admin", "register_key", (people[role].key, [role], f"{role} of {SLUG}"))
          for role in ("agent", "cashier", "committee")],                          # 1-3
        ("agent", "create_fund", ("general", "一般资金", "General fund")),            # 4
        ("agent", "create_fund", ("activity", "活动经费", "Activity funds")),         # 5
        *[("agent", "open_account", account) for account in ACCOUNTS],              # 6-11
        ("agent", "post", ("2026-03-02", "grant", OFFICE, _receive(500_000, "general"))),  # 12
        ("agent", "post", ("2026-03-02", "grant", OFFICE, _receive(200_000, "activity"))),  # 13
        ("agent", "post", ("2026-03-03", "deposit", SHOP, _receive(30_000, "general", "2001"))),
        ("agent", "post", ("2026-03-03", "transfer", OFFICE, [                     # 15
            posting("3001", "general", "debit", 1_000), posting("1002", "general", "credit", 1_000),
            posting("1002", "activity", "debit", 1_000),
            posting("3001", "activity", "credit", 1_000)])),
        ("committee", "set_policy", (50_000, 1_000_000, 5)),                       # 16
        ("agent", "post", ("2026-03-04", "activity", SHOP, _pay(2_000, "activity"))),   # 17
        ("agent", "post", ("2026-03-05", "works", SHOP, _pay(80_000, "general"))),      # 18 held
        ("agent", "post", ("2026-03-05", "works", SHOP, _pay(60_000, "general"))),      # 19 held
        ("agent", "post", ("2026-03-06", "activity", SHOP, _pay(70_000, "activity"))),  # 20 held
        ("agent", "post", ("2026-03-06", "donation", OFFICE,
                           _receive(90_000, "general", currency="USD"))),           # 21
        ("agent", "post", ("2026-03-07", "works", SHOP,
                           _pay(60_000, "general", currency="USD"))),               # 22 not held
        ("agent", "post", ("2026-03-07", "grant", OFFICE, _receive(400_000, "activity"))),  # 23
        ("agent", "reverse", (17, _pay(2_000, "activity"), "2026-03-08", "记错 wrong fund")),
        ("committee", "approve", (18,)),                                           # 25
        ("committee", "reject", (19, "no quote 没有报价")),                          # 26
    ]
    return steps


def build_log(data_dir: Path) -> tuple[list[bytes], Any, str, str]:
    """Record the vector ledger on a fresh SQLite store in ``data_dir``; return its leaves,
    the log's figures at the full size, and the checkpoint note."""
    settings = Settings(database_url=f"sqlite:///{data_dir / 'vectors.sqlite3'}",
                        data_dir=data_dir / "data")
    people = {role: Signer(SigningKey(SEEDS[role], role), SLUG)
              for role in ("admin", "agent", "cashier", "committee")}
    log_signer = NoteSigner.from_seed(ORIGIN, SEEDS["log"])
    path = log_key_path(settings, SLUG)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(log_signer.skey + "\n", encoding="ascii")
    clock = StepClock()
    app = LedgerApplication(settings, clock=clock)
    try:
        for index, (role, method, args) in enumerate(
                _statements(people, log_signer.verifier().vkey)):
            signed = getattr(people[role], method)(*args, nonce=f"figures-{index:04d}",
                                                   signed_at=clock.tick())
            app.submit(signed)
        log = CheckpointLog(app)
        checkpoint = log.issue(SLUG)
        kept = log.figures(SLUG)
        leaves = [stored.leaf for stored in app.reader.stored(SLUG)]
        return leaves, kept, checkpoint, log_signer.verifier().vkey
    finally:
        app.close()


def vector_files() -> dict[str, bytes]:
    """The vector files' exact bytes, made afresh."""
    with tempfile.TemporaryDirectory() as tmp:
        leaves, kept, checkpoint, vkey = build_log(Path(tmp))
    doc = kept.document()
    described = {
        "about": "FORMAT.md section 10 figures of the log in figures-xinzhu.ndjson at its full "
                 "size; made by tests/figures_vectors.py",
        "ledger": SLUG, "origin": ORIGIN, "log_key_seed_hex": SEEDS["log"].hex(),
        "log_vkey": vkey, "size": doc["size"], "figures": doc,
        "figures_cjson": document_bytes(doc).decode("utf-8"),
        "figures_sha256_b64": base64.b64encode(document_hash(doc)).decode(),
        "note": kept.note, "checkpoint": checkpoint,
        "held": {"approved": [18], "rejected": [19], "pending": [20]},
    }
    text = json.dumps(described, ensure_ascii=False, indent=1, sort_keys=True) + "\n"
    return {LEAVES_FILE: b"".join(leaf + b"\n" for leaf in leaves),
            DOCUMENT_FILE: text.encode("utf-8")}


def main() -> None:
    VECTOR_DIR.mkdir(exist_ok=True)
    for name, data in vector_files().items():
        (VECTOR_DIR / name).write_bytes(data)
        print(f"wrote {VECTOR_DIR.name}/{name} ({len(data)} bytes)")


if __name__ == "__main__":
    main()
