"""The target of the attack suite: a community (新竹社区) with a year of books, 990
residents' questions, an auditor, a revoked key and a neighbouring ledger, kept in a
real store and served by a real `sunledger serve` process (its own Python, its own
port), so that every attack goes through the same doors as a stranger's would.

The community is written in-process with the real application and real keys (the
test keeps the signers, so attacks can carry valid signatures); then the
application is closed and the server process takes the store over.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterator

import httpx

from ledger.client import Signer, posting
from ledger.format.keys import save_key
from ledger.keystore import intake_keys
from ledger.keystore.keyring import key_path
from ledger.log.application import LedgerApplication
from ledger.settings import Settings
from tests.builders.books import a_year_of_books
from tests.builders.community import Community
from tests.builders.server import keep_log_key

ROOT = Path(__file__).resolve().parents[2]
QUESTIONS = 990  # anonymous questions already asked when the attacks begin
SCRIPT = "<script>alert('sunledger')</script>"
FORMULA = "=HYPERLINK(\"http://evil.example\",\"x\")"


@dataclass
class Target:
    """What an attack may use: the served URL, the ledger and the real keys."""

    url: str
    settings: Settings
    slug: str
    admin: Signer
    agent: Signer
    cashier: Signer
    committee: Signer
    auditor: Signer
    revoked: Signer
    intake: Signer
    neighbour: str                      # another ledger on the same server
    neighbour_agent: Signer
    fresh: str                          # a ledger made by `sunledger init` just before serving
    entries: dict[str, int] = field(default_factory=dict)  # name -> seq of a notable entry
    backend: str = "sqlite"

    @property
    def base(self) -> str:
        return f"/v1/ledgers/{self.slug}"

    def client(self, **kw) -> httpx.Client:
        return httpx.Client(base_url=self.url, timeout=kw.pop("timeout", 60), **kw)


def sunledger_command(settings: Settings, *args: str) -> list[str]:
    """The real command line, run as its own process on this tree's code."""
    return [sys.executable, "-m", "ledger.cli", "--db", settings.database_url,
            "--data-dir", str(settings.data_dir), *args]


def process_env(**extra: str) -> dict[str, str]:
    env = dict(os.environ, PYTHONPATH=str(ROOT), **extra)
    env.pop("SUNLEDGER_DATABASE_URL", None)
    env.pop("SUNLEDGER_DATA_DIR", None)
    return env


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def write_the_community(settings: Settings) -> dict:
    """Everything the target holds, written with the real application; the signers back."""
    app = LedgerApplication(settings)
    try:
        town = Community.open(app, governance=True)
        keep_log_key(settings, town)
        books = a_year_of_books(town)
        intake, _ = intake_keys.load_or_create_intake_key(settings, town.slug)
        town.submit(town.admin.register_key(intake, ["intake"], intake_keys.REGISTERED_LABEL))
        intake_signer = Signer(intake, town.slug)
        auditor = town.new_key(["auditor"], "审计 auditor", "auditor")
        revoked = town.new_key(["agent"], "former agent", "former")
        town.submit(town.admin.revoke_key(revoked.key_id, "离任 left office"))
        # Stored as data, escaped on output: a memo of HTML and a spreadsheet formula.
        books.seqs["html"] = town.submit(town.agent.post(
            "2026-06-15", "activity", {"kind": "organisation", "name": FORMULA},
            [posting("5001", "activity", "debit", 100), posting("1002", "activity", "credit", 100)],
            memo=SCRIPT))
        for i in range(QUESTIONS):
            town.submit(intake_signer.ask("entry", books.seqs["grant"], f"第{i}个问题 question {i}"))
        # The agent's key file, where `sunledger post --key agent` looks for it.
        path = key_path(settings, town.slug, "agent")
        path.parent.mkdir(parents=True, exist_ok=True)
        save_key(town.agent.key, path)
        neighbour = Community.open(app)
        keep_log_key(settings, neighbour)
        neighbour.grant("general", 50_000)
        return dict(slug=town.slug, admin=town.admin, agent=town.agent, cashier=town.cashier,
                    committee=town.committee, auditor=auditor, revoked=revoked,
                    intake=intake_signer, neighbour=neighbour.slug,
                    neighbour_agent=neighbour.agent, entries=dict(books.seqs))
    finally:
        app.close()


@contextmanager
def serving(settings: Settings, *, port: int | None = None, **env: str) -> Iterator[str]:
    """`sunledger serve` as its own process; yields its URL; stops it afterwards."""
    port = port or free_port()
    log = open(settings.data_dir / f"serve-{port}.log", "wb")
    server = subprocess.Popen(sunledger_command(settings, "serve", "--port", str(port)),
                              env=process_env(**env), stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            assert server.poll() is None, (settings.data_dir / f"serve-{port}.log").read_text()
            assert time.monotonic() < deadline, "sunledger serve did not start in 60 s"
            try:
                if httpx.get(f"{url}/healthz", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            time.sleep(0.2)
        yield url
    finally:
        server.terminate()
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
        log.close()


# The main target answers many requests from one address: no public rate limit; the
# question limit is raised so that the question attacks reach the intake.
# Checkpoints are signed every second, so that there is one for the witnesses to cosign.
MAIN_ENV = {"SUNLEDGER_PUBLIC_RATE_PER_MINUTE": "0", "SUNLEDGER_QUESTIONS_PER_HOUR": "100000",
            "SUNLEDGER_CHECKPOINT_EVERY_SECONDS": "1"}


@contextmanager
def a_served_target(settings: Settings) -> Iterator[Target]:
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    written = write_the_community(settings)
    fresh = f"fresh{os.urandom(4).hex()}"
    subprocess.run(sunledger_command(settings, "init", fresh, "--name", "新开社区",
                                     "--origin", f"ledger.example.org/{fresh}"),
                   env=process_env(), check=True, capture_output=True, timeout=120)
    with serving(settings, **MAIN_ENV) as url:
        yield Target(url=url, settings=settings, fresh=fresh, **written,
                     backend="postgres" if settings.is_postgres else "sqlite")


def settings_in(directory: Path, database_url: str | None = None) -> Settings:
    database_url = database_url or f"sqlite:///{directory / 'ledger.sqlite3'}"
    return Settings(database_url=database_url, data_dir=directory / "data")
