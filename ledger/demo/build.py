"""The demo community: 新竹社区 and this year of its books (to the build day), on a real store.

Keys for every role are made (or reused) under ``DATA_DIR/keys/<ledger>/``,
the server's log key under ``DATA_DIR/log-keys/``; then, on 1 January, the
ledger is opened, its funds, the standard chart of accounts
(ledger/demo/chart.py), the committee's round budgets, its policy (三重一大)
and disclosure catalogue are set up, and the year planned by
``ledger.demo.year`` is signed and appended through the log's front door day
by day (ledger/demo/writer.py), each day's statements one batch, one
transaction (``Appender.append_batch``, all or nothing): on PostgreSQL,
where inserts serialize on a table lock, batching is what makes thousands of
entries take seconds instead of minutes.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Callable

from ledger.keystore import keyring
from ledger.log.appender import Appender
from ledger.log.application import LedgerApplication
from ledger.client import Signer
from ledger.demo.chart import ACCOUNTS, FUNDS
from ledger.demo.year import SEED, Spec, plan_year
from ledger.demo.governance import GOVERNANCE_COUNT, SPAN, DemoClock, recorded_on, run_governance
from ledger.demo.writer import YearWriter, morning_of
from ledger.domain.disclosures import STANDARD_CATALOGUE
from ledger.errors import FormatError, LedgerExists
from ledger.settings import Settings
from ledger.domain.dates import local_day
from ledger.format.statements import SLUG_RE, format_time, utc_now

__all__ = ["ACCOUNTS", "FUNDS", "ENTRIES_MIN", "SETUP_COUNT", "build_demo", "role_keys"]

NAME = "新竹社区"
ROLES = ["admin", "agent", "cashier", "committee", "supervisor", "auditor"]
LABELS = {
    "admin": "居委会管理员 ledger admin",
    "agent": "阳光代理记账公司 bookkeeping agent",
    "cashier": "社区出纳 cashier",
    "committee": "居委会 residents' committee",
    "supervisor": "居务监督委员会 supervisory committee",
    "auditor": "第三方审计 external auditor",
}
BUDGETS = {"renovation": 1_200_000, "livelihood": 300_000, "activity": 260_000,
           "general": 100_000}  # yuan, before scaling (then rounded to 10,000 yuan)
YUAN = 100
POLICY = {  # 三重一大, set in January with the budgets
    "approval_threshold": 20_000 * YUAN, "major_threshold": 100_000 * YUAN,
    "notice_days_min": 7, "approvers": {"approval": ["committee"],
                                        "major": ["committee", "supervisor"]},
    "split_window_days": 30, "round_cash_limit": 1_000 * YUAN,
    "memo": "三重一大: 2万元以上审批, 10万元以上居民代表会议决议"}
SETUP_COUNT = 1 + (len(ROLES) - 1) + len(FUNDS) + len(ACCOUNTS) + len(BUDGETS) + 2
ENTRIES_MIN = SETUP_COUNT + GOVERNANCE_COUNT + 20
BATCH_STATEMENTS = 200

Progress = Callable[[int, int], None]


@dataclass(frozen=True)
class DemoResult:
    ledger: str
    size: int
    genesis_hash: str
    head_hash: str
    key_dir: Path
    log_vkey: str


def setup_specs(keys: dict[str, Signer], scale: float, year: int) -> list[Spec]:
    """Keys, funds, chart of accounts, the committee's budgets, policy and disclosure
    catalogue: all on 1 January, after genesis."""
    specs = [Spec("admin", "key.registered",
                  {"key": keys[role].key.public.b64, "roles": [role], "label": LABELS[role]})
             for role in ROLES if role != "admin"]
    for code, zh, en, restricted, purpose in FUNDS:
        specs.append(Spec("agent", "fund.created", {"code": code, "name_zh": zh, "name_en": en,
                                                   "restricted": restricted, "purpose": purpose}))
    for code, zh, en, account_class, kind in ACCOUNTS:
        body = {"code": code, "name_zh": zh, "name_en": en, "class": account_class}
        if kind:
            body["kind"] = kind
        specs.append(Spec("agent", "account.opened", body))
    for fund, yuan in BUDGETS.items():
        rounded = round(yuan * scale, -4)  # a budget adopted by a meeting is a round sum
        specs.append(Spec("committee", "fund.budgeted", {
            "fund": fund, "year": year, "amount": int(rounded) * YUAN,
            "memo": f"{year}年度预算 居民代表会议决议 budget adopted by residents' representatives"}))
    specs.append(Spec("committee", "policy.set", POLICY))
    specs.append(Spec("committee", "disclosure.catalogue_set", {"items": STANDARD_CATALOGUE}))
    first = date(year, 1, 1)
    return [Spec(spec.role, spec.type, spec.body, first) for spec in specs]


def check_new_ledger(app: LedgerApplication, slug: str, entries: int) -> None:
    if not SLUG_RE.fullmatch(slug):
        raise FormatError(f"ledger {slug!r} must be 2-63 of a-z, 0-9, '-'")
    if entries < ENTRIES_MIN:
        raise FormatError(f"the demo needs at least {ENTRIES_MIN} entries, got {entries}")
    if app.reader.size(slug):
        raise LedgerExists(f"ledger {slug!r} already exists in {app.settings.describe()}; "
                           "the demo only builds new ledgers: run `sunledger demo "
                           "--fresh-ledger NAME` to build another one", ledger=slug)


def role_keys(settings: Settings, slug: str) -> dict[str, Signer]:
    """One key per role, kept where the CLI finds them by label (``--key agent``)."""
    keys = {}
    for role in ROLES:
        key, _ = keyring.load_or_create(keyring.key_path(settings, slug, role), role)
        keys[role] = Signer(key, slug)
    return keys


def build_demo(app: LedgerApplication, slug: str = "xinzhu", *, entries: int = 3000,
               seed: int = SEED, batch: int = BATCH_STATEMENTS,
               progress: Progress | None = None) -> DemoResult:
    """Open ``slug`` as the demo community and record its year: ``entries`` entries in all."""
    check_new_ledger(app, slug, entries)
    appender = Appender(app)
    try:
        return _build(appender, slug, entries, seed, batch, progress)
    finally:
        appender.close()


def _build(appender: Appender, slug: str, entries: int, seed: int, batch: int,
           progress: Progress | None) -> DemoResult:
    app = appender.app
    settings = app.settings
    origin = f"sunledger.example/{slug}"
    keys = role_keys(settings, slug)
    log_signer = keyring.load_or_create_log_key(settings, slug, origin)
    # The year runs from 1 January to the day SPAN before now, and each day's statements
    # are signed and recorded on that day by a clock set in the past (DemoClock); the
    # governance steps after the year let a trade's notice period pass
    # (ledger/demo/governance.py) and still end before the real time.
    last_day = local_day(format_time(utc_now() - SPAN))
    clock = DemoClock(utc_now() - morning_of(date(last_day.year, 1, 1)))
    year, scale = plan_year(seed, entries - SETUP_COUNT - GOVERNANCE_COUNT,
                            first_seq=SETUP_COUNT, last_day=last_day)
    genesis = keys["admin"].open_ledger(NAME, origin, log_signer.verifier().vkey, "CNY",
                                        label=LABELS["admin"], signed_at=clock())
    specs = setup_specs(keys, scale, last_day.year) + year
    total = 1 + len(specs) + GOVERNANCE_COUNT
    with recorded_on(app, clock):
        first = appender.append_and_wait(genesis)
        writer = YearWriter(appender, slug, keys, clock, batch, progress, total)
        writer.write(specs)
        clock.move_to(morning_of(last_day))
        last = run_governance(appender, slug, keys, clock)
    if progress:
        progress(total, total)
    return DemoResult(slug, total, first.hash, last.hash,
                      keyring.key_dir(settings, slug), log_signer.verifier().vkey)
