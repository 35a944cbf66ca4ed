"""The directory of ledgers as a file: what it must say, which database a process is,
and that an edit is picked up while a broken edit leaves the last good one in force."""

from __future__ import annotations

import json
import os
import time
from pathlib import Path

import pytest

from ledger import directory as directory_module
from ledger.directory import Directory, DirectoryFile, placed_settings
from ledger.errors import DirectoryError
from ledger.settings import Settings

EAST = "postgresql://sunledger@east.internal/ledgers"
WEST = "postgresql://sunledger@west.internal/ledgers"


def a_directory(**ledgers: str) -> dict:
    return {"version": 1,
            "databases": {"east": {"primary": EAST, "replicas": [EAST + "_r1"],
                                   "server": "https://east.example/"},
                          "west": {"primary": WEST}},
            "ledgers": {slug: {"database": db} for slug, db in ledgers.items()}}


def written(path: Path, content: dict | str) -> Path:
    path.write_text(content if isinstance(content, str) else json.dumps(content), "utf-8")
    return path


def test_a_directory_places_each_ledger_on_a_named_database():
    found = Directory.parse(json.dumps(a_directory(xinzhu="east", hexi="west")))
    east = found.database_of("xinzhu")
    assert east is not None and east.primary == EAST and east.replicas == (EAST + "_r1",)
    assert east.server == "https://east.example"  # one form, whatever the slash
    assert found.database_of("hexi").name == "west" and found.database_of("other") is None


@pytest.mark.parametrize("broken, says", [
    ("not json", "not JSON"),
    ({**a_directory(), "version": 2}, "version"),
    ({"databases": {}, "ledgers": {}}, "version"),
    (a_directory(xinzhu="north"), "must name one of the directory's databases"),
    ({**a_directory(), "ledgers": {"Not A Slug!": {"database": "east"}}}, "not a ledger slug"),
    ({**a_directory(), "databases": {"east": {"primary": 5}}}, "give \"primary\""),
    ({**a_directory(), "databases": {"east": {"primary": EAST, "replicas": EAST}}},
     "\"replicas\" is a list"),
])
def test_a_directory_that_does_not_say_where_ledgers_live_is_refused(broken, says):
    with pytest.raises(DirectoryError, match=says):
        Directory.parse(broken if isinstance(broken, str) else json.dumps(broken))


def test_a_process_is_the_database_it_is_named_or_whose_primary_it_uses(tmp_path):
    found = Directory.parse(json.dumps(a_directory()))
    assert found.own(Settings(database_url=WEST)).name == "west"
    assert found.own(Settings(database_url=WEST, directory_database="east")).name == "east"
    with pytest.raises(DirectoryError, match="not in the directory"):
        found.own(Settings(database_url="postgresql://elsewhere/db"))
    path = written(tmp_path / "directory.json", a_directory())
    placed = placed_settings(Settings(directory=path, directory_database="east"))
    assert placed.database_url == EAST and placed.read_database_urls == (EAST + "_r1",)


def test_an_edited_directory_is_read_again_and_a_broken_edit_is_ignored(tmp_path, monkeypatch):
    monkeypatch.setattr(directory_module, "RECHECK_SECONDS", 0.0)
    path = written(tmp_path / "directory.json", a_directory(xinzhu="east"))
    watched = DirectoryFile(path)
    written(path, a_directory(xinzhu="west"))
    os.utime(path, (time.time() + 5, time.time() + 5))  # a later mtime, however fast
    assert watched.current().database_of("xinzhu").name == "west"
    written(path, {**a_directory(xinzhu="east"), "version": 99})
    os.utime(path, (time.time() + 10, time.time() + 10))
    assert watched.current().database_of("xinzhu").name == "west"


def test_read_replicas_and_the_directory_come_from_the_environment(monkeypatch, tmp_path):
    monkeypatch.setenv("SUNLEDGER_READ_DATABASE_URLS", f" {EAST}_r1 , {EAST}_r2 ,")
    monkeypatch.setenv("SUNLEDGER_REPLICA_LAG_MAX_SECONDS", "2.5")
    monkeypatch.setenv("SUNLEDGER_DIRECTORY", str(tmp_path / "directory.json"))
    monkeypatch.setenv("SUNLEDGER_DIRECTORY_DATABASE", "east")
    settings = Settings.from_env(database=EAST)
    assert settings.read_database_urls == (f"{EAST}_r1", f"{EAST}_r2")
    assert settings.replica_lag_max_seconds == 2.5
    assert settings.directory == tmp_path / "directory.json"
    assert settings.directory_database == "east"
    given = Settings.from_env(database=EAST, read_databases=(WEST,))
    assert given.read_database_urls == (WEST,)  # serve --read-database-url wins
