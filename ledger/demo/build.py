"""The demo community: 新竹社区 and this year of its books (to the build day), on a real store.

Keys for every role are made (or reused) under ``DATA_DIR/keys/<ledger>/``,
the server's log key under ``DATA_DIR/log-keys/``; then the ledger is opened,
its funds, chart of accounts and budgets are set up, and the year planned by
``ledger.demo.year`` is signed and appended through the log's front door in
batches, each batch one transaction (``Appender.append_batch``, all or
nothing): on PostgreSQL, where
inserts serialize on a table lock, batching is what makes thousands of
entries take seconds instead of minutes.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from ledger.keystore import keyring
from ledger.log.appender import Appender
from ledger.log.application import LedgerApplication
from ledger.client import Signer
from ledger.demo.year import SEED, Spec, plan_year
from ledger.demo.governance import GOVERNANCE_COUNT, DemoClock, recorded_on, run_governance
from ledger.errors import Conflict, FormatError, LedgerExists
from ledger.settings import Settings
from ledger.domain.dates import local_day
from ledger.format.statements import SLUG_RE, format_time

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
FUNDS = [  # code, 中文, English, earmarked, purpose
    ("general", "一般资金", "General fund", False, "社区日常运转 day-to-day running"),
    ("renovation", "微改造专项资金", "Micro-renovation special fund", True,
     "老旧小区微改造项目 micro-renovation of the old estate"),
    ("livelihood", "惠民资金", "People's livelihood fund", True,
     "困难群众、高龄老人等惠民补助 subsidies to residents in need"),
    ("activity", "活动经费", "Activity funds", True, "社区文体和志愿活动 community activities"),
    ("resource", "公共资源收入", "Public resource income", False,
     "公共用房、停车位、广告位出租收入 rent from public spaces"),
]
ACCOUNTS = [  # code, 中文, English, class, money kind
    ("1001", "库存现金", "Cash", "asset", "cash"),
    ("1002", "银行存款", "Bank deposits", "asset", "bank"),
    ("2001", "应付款", "Payables", "liability", None),
    ("2101", "代管款项", "Funds held for others", "liability", None),
    ("3001", "净资产", "Net assets", "net_assets", None),
    ("3002", "资金调拨", "Inter-fund transfers", "net_assets", None),
    ("4001", "财政补助收入", "Government grants", "income", None),
    ("4002", "公共资源收入", "Public resource income", "income", None),
    ("4003", "捐赠收入", "Donations", "income", None),
    ("4004", "利息收入", "Interest income", "income", None),
    ("5001", "活动支出", "Activity spending", "expense", None),
    ("5002", "工程支出", "Works spending", "expense", None),
    ("5003", "惠民补助支出", "Livelihood subsidies", "expense", None),
    ("5004", "办公支出", "Office spending", "expense", None),
    ("5005", "银行手续费", "Bank charges", "expense", None),
]
BUDGETS = {"renovation": 1_200_000, "livelihood": 300_000, "activity": 260_000,
           "general": 100_000}  # yuan, before scaling
SETUP_COUNT = 1 + (len(ROLES) - 1) + len(FUNDS) + len(ACCOUNTS) + len(BUDGETS)
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
    """Keys, funds, chart of accounts and the committee's budgets (after genesis)."""
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
        specs.append(Spec("committee", "fund.budgeted", {
            "fund": fund, "year": year, "amount": int(yuan * scale) * 100,
            "memo": f"{year}年度预算 居民代表会议决议 budget adopted by residents' representatives"}))
    return specs


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
    # Recorded and signed on a clock set in the past, so that the governance steps
    # after the year can let a trade's notice period pass (ledger/demo/governance.py).
    # The year's dates end on the clock's first day: none lies after its signing day.
    clock = DemoClock()
    last_day = local_day(format_time(clock()))
    year, scale = plan_year(seed, entries - SETUP_COUNT - GOVERNANCE_COUNT,
                            first_seq=SETUP_COUNT, last_day=last_day)
    genesis = keys["admin"].open_ledger(NAME, origin, log_signer.verifier().vkey, "CNY",
                                        label=LABELS["admin"], signed_at=clock())
    specs = setup_specs(keys, scale, last_day.year) + year
    total = 1 + len(specs) + GOVERNANCE_COUNT
    with recorded_on(app, clock):
        first = appender.append_and_wait(genesis)
        done, last = 1, first
        for start in range(0, len(specs), batch):
            chunk = specs[start:start + batch]
            signed = [keys[spec.role].sign(spec.type, spec.body, signed_at=clock())
                      for spec in chunk]
            receipts = appender.append_batch(signed)
            expected = done
            for receipt in receipts:  # seqs were planned: confirmations point at them
                if receipt.seq != expected or not receipt.created:
                    raise Conflict(f"another writer appended to {slug} while the demo was "
                                   f"being built (seq {receipt.seq}, planned {expected})")
                expected += 1
            done, last = done + len(chunk), receipts[-1]
            if progress:
                progress(done, total)
        last = run_governance(appender, slug, keys, clock)
    if progress:
        progress(total, total)
    return DemoResult(slug, total, first.hash, last.hash,
                      keyring.key_dir(settings, slug), log_signer.verifier().vkey)
