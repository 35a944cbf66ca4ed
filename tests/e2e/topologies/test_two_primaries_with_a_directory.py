"""Two PostgreSQL primaries started for this module and a directory of four ledgers:
`init` opens each ledger on the database the directory places it on, each server
serves its own ledgers and names where the others live, writes and reads land on
the right database, and a ledger moved from one to the other (export --bundle,
restore, a directory edit) verifies there with --since its last checkpoint."""

from __future__ import annotations

import json
import shutil
import time
from contextlib import ExitStack
from pathlib import Path
from typing import Iterator

import httpx
import psycopg
import pytest

from api.app import ApiOptions, create_app
from ledger.client import Signer
from ledger.format.keys import SigningKey
from ledger.keystore import keyring
from ledger.log.kept_checkpoint import kept_path
from ledger.log.store import ledger_stream
from ledger.settings import Settings
from ledger.verify.http import verify_url
from tests.builders.cli import Cli
from tests.builders.clusters import Cluster, primary, require_server_binaries
from tests.builders.server import running

pytestmark = pytest.mark.postgres
PLACES = {"dongcheng": "east", "nanshan": "east", "xicheng": "west", "beiyuan": "west"}


def write_directory(path: Path, clusters: dict[str, Cluster], servers: dict[str, str],
                    places: dict[str, str]) -> None:
    databases = {name: {"primary": cluster.url, "replicas": [],
                        **({"server": servers[name]} if name in servers else {})}
                 for name, cluster in clusters.items()}
    text = json.dumps({"version": 1, "databases": databases,
                       "ledgers": {slug: {"database": db} for slug, db in places.items()}})
    path.with_suffix(".new").write_text(text, encoding="utf-8")
    path.with_suffix(".new").replace(path)  # a server never reads half a file


def rows_of(cluster: Cluster, slug: str) -> int:
    with psycopg.connect(cluster.url) as connection:
        return connection.execute("SELECT count(*) FROM sunledger_events WHERE originator_id = %s",
                                  (ledger_stream(slug),)).fetchone()[0]


class City:
    """Two primaries, their servers, the directory and the shared data directory."""

    def __init__(self, stack: ExitStack, home: Path) -> None:
        self.clusters = {"east": stack.enter_context(primary()),
                         "west": stack.enter_context(primary())}
        self.directory = home / "directory.json"
        self.data_dir = home / "data"
        write_directory(self.directory, self.clusters, {}, PLACES)
        self.servers: dict[str, str] = {}
        for name, cluster in self.clusters.items():
            settings = Settings(database_url=cluster.url, data_dir=self.data_dir,
                                directory=self.directory, directory_database=name)
            if name == "east":  # the ledgers must exist before their servers sign checkpoints
                self.init_all(settings)
            api = create_app(settings, options=ApiOptions(serve_projections=True))
            self.servers[name] = stack.enter_context(running(api))
        write_directory(self.directory, self.clusters, self.servers, PLACES)
        time.sleep(1.1)  # the servers look at the directory's file once a second

    def init_all(self, settings: Settings) -> None:
        cli = Cli(settings)
        for slug in PLACES:
            cli.ok("init", slug, "--name", "社区", "--origin", f"ledger.example.org/{slug}")

    def cli(self, database: str) -> Cli:
        return Cli(Settings(database_url=self.clusters[database].url, data_dir=self.data_dir))

    def admin(self, slug: str) -> Signer:
        settings = Settings(data_dir=self.data_dir)
        return Signer(keyring.load_signing_key(settings, slug, "admin"), slug)


@pytest.fixture(scope="module")
def city(tmp_path_factory, monkeypatch_module) -> Iterator[City]:
    require_server_binaries()
    home = tmp_path_factory.mktemp("city")
    monkeypatch_module.setenv("SUNLEDGER_DIRECTORY", str(home / "directory.json"))
    with ExitStack() as stack:
        yield City(stack, home)


@pytest.fixture(scope="module")
def monkeypatch_module() -> Iterator[pytest.MonkeyPatch]:
    with pytest.MonkeyPatch.context() as patch:
        yield patch


def register(city: City, server: str, slug: str, label: str) -> httpx.Response:
    statement = city.admin(slug).register_key(SigningKey.generate(label), ["agent"], label)
    return httpx.post(f"{city.servers[server]}/v1/ledgers/{slug}/statements",
                      json=statement.to_json(), timeout=30)


def test_init_opens_each_ledger_on_the_database_the_directory_places_it_on(city):
    for slug, database in PLACES.items():
        other = "west" if database == "east" else "east"
        assert rows_of(city.clusters[database], slug) >= 1
        assert rows_of(city.clusters[other], slug) == 0


def test_writes_and_reads_land_on_the_ledgers_own_database(city):
    for slug, database in PLACES.items():
        before = rows_of(city.clusters[database], slug)
        assert register(city, database, slug, f"agent-{slug}").status_code == 201
        assert rows_of(city.clusters[database], slug) == before + 1
        answer = httpx.get(f"{city.servers[database]}/v1/ledgers/{slug}/status")
        assert answer.status_code == 200 and answer.json()["log_size"] == before + 1
    listed = httpx.get(f"{city.servers['east']}/v1/ledgers").json()["ledgers"]
    assert sorted(row["ledger"] for row in listed) == ["dongcheng", "nanshan"]


def test_a_server_names_where_a_ledger_it_does_not_keep_lives(city):
    answer = httpx.get(f"{city.servers['east']}/v1/ledgers/xicheng/funds")
    assert answer.status_code == 404
    problem = answer.json()
    assert problem["type"].endswith("/ledger-elsewhere") and problem["database"] == "west"
    assert problem["location"] == f"{city.servers['west']}/v1/ledgers/xicheng/funds"
    refused = register(city, "east", "xicheng", "stray")
    assert refused.status_code == 404 and refused.json()["database"] == "west"
    assert rows_of(city.clusters["east"], "xicheng") == 0
    unknown = httpx.get(f"{city.servers['west']}/v1/ledgers/nowhere/funds")
    assert unknown.status_code == 404 and unknown.json()["type"].endswith("/ledger-not-found")


def test_a_ledger_not_in_the_directory_is_not_opened_anywhere(city):
    line = city.cli("east").fails("init", "lost", "--name", "社区",
                                  "--origin", "ledger.example.org/lost")
    assert "[bad-directory]" in line and "not in the directory" in line
    assert rows_of(city.clusters["east"], "lost") == rows_of(city.clusters["west"], "lost") == 0


def test_a_moved_ledger_verifies_on_its_new_database_since_its_last_checkpoint(city, tmp_path):
    slug = "nanshan"
    bundle = tmp_path / "bundle"
    city.cli("east").ok("export", slug, "--bundle", str(bundle))
    last = shutil.copy(kept_path(Settings(data_dir=city.data_dir), slug), tmp_path / "last")
    city.cli("west").ok("restore", slug, "--bundle", str(bundle))
    write_directory(city.directory, city.clusters, city.servers, {**PLACES, slug: "west"})
    time.sleep(1.1)
    moved = httpx.get(f"{city.servers['east']}/v1/ledgers/{slug}/status")
    assert moved.status_code == 404 and moved.json()["database"] == "west"
    # The old copy stays in east's database; neither the list nor the index page offers it.
    assert rows_of(city.clusters["east"], slug) > 0
    listed = httpx.get(f"{city.servers['east']}/v1/ledgers").json()["ledgers"]
    assert slug not in [row["ledger"] for row in listed]
    index = httpx.get(f"{city.servers['east']}/").text
    assert f'/ledgers/{slug}"' not in index and '/ledgers/dongcheng"' in index
    assert register(city, "west", slug, "agent-after-the-move").status_code == 201
    city.cli("west").ok("checkpoint", slug)
    report = verify_url(city.servers["west"], slug, since=last)
    assert report.ok, report.findings
    assert report.checkpoint_size == rows_of(city.clusters["west"], slug)
