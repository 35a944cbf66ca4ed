"""A restore can't fork the log: a server started on a database older than a
checkpoint it signed refuses writes and new checkpoints until `sunledger restore`
brings the newer entries back from an audit bundle; on SQLite and PostgreSQL."""

from __future__ import annotations

import json

import pytest

from ledger.errors import CheckpointError, LogBehind
from ledger.log.application import LedgerApplication
from ledger.log.checkpointing import CheckpointLog
from ledger.log.kept_checkpoint import kept_path, read_kept
from ledger.verify.bundle import ENTRIES_FILE, export_bundle
from tests.builders.backups import back_up, drop_restored, restore_into
from tests.builders.cli import Cli
from tests.builders.community import Community
from tests.builders.server import keep_log_key

pytestmark = pytest.mark.own_database


@pytest.fixture
def story(settings, tmp_path):
    """A ledger signed at size 14, backed up, then grown to 17 and signed again, with
    a bundle of all 17 exported; then the store is put back as the backup was."""
    app = LedgerApplication(settings)
    try:
        town = Community.open(app)
        keep_log_key(settings, town)
        CheckpointLog(app).issue(town.slug)
        backup = back_up(settings, tmp_path / "backup")
        for amount in (100, 200, 300):
            town.grant("general", amount)
        note = CheckpointLog(app).issue(town.slug)
        bundle = tmp_path / "bundle"
        export_bundle(app, town.slug, bundle, note)
    finally:
        app.close()
    restored = restore_into(settings, backup)
    yield town, restored, bundle
    drop_restored(restored)


def fingerprint(app: LedgerApplication, slug: str) -> tuple:
    log = CheckpointLog(app)
    return app.reader.size(slug), log.sizes(slug), log.latest(slug)


def test_the_server_keeps_its_latest_checkpoint_outside_the_database(story):
    town, restored, _ = story
    kept = read_kept(restored, town.slug)
    assert kept is not None and kept.size == 17
    assert kept_path(restored, town.slug).parent == restored.data_dir / "checkpoints"


def test_on_an_older_database_writes_and_checkpoints_are_refused_and_nothing_changes(story):
    town, restored, _ = story
    app = LedgerApplication(restored)
    try:
        before = fingerprint(app, town.slug)
        assert before[0] == 14
        town.app = app
        with pytest.raises(LogBehind, match="signed a checkpoint at size 17") as refused:
            town.grant("general", 1)
        assert refused.value.status == 503 and refused.value.code == "log-behind-checkpoint"
        with pytest.raises(LogBehind):
            CheckpointLog(app).issue(town.slug)
        assert CheckpointLog(app).sign_waiting() == []
        assert fingerprint(app, town.slug) == before
    finally:
        app.close()


def test_restore_from_a_newer_bundle_brings_the_entries_back_then_verify_and_appends_pass(
        story):
    town, restored, bundle = story
    cli = Cli(restored)
    result = cli.ok("restore", town.slug, "--bundle", str(bundle))
    assert "restored 3 entries" in result.stdout
    cli.ok("verify", town.slug, "--since", str(kept_path(restored, town.slug)))
    app = LedgerApplication(restored)
    try:
        town.app = app
        assert town.grant("general", 1).seq == 17
        assert CheckpointLog(app).issue(town.slug)
        assert read_kept(restored, town.slug).size == 18
        again = cli("restore", town.slug, "--bundle", str(bundle))  # now older than kept
        assert again.exit_code == 1 and "nothing was restored" in again.output
        assert app.reader.size(town.slug) == 18
    finally:
        app.close()


def test_a_bundle_with_an_altered_entry_restores_nothing(story):
    from ledger.errors import SignatureError
    from ledger.format import cjson
    from ledger.log.restore import restore_entries

    town, restored, bundle = story
    lines = (bundle / ENTRIES_FILE).read_bytes().splitlines()
    entry = json.loads(lines[15])
    entry["statement"]["body"]["memo"] = "altered"
    lines[15] = cjson.dumps(entry)
    (bundle / ENTRIES_FILE).write_bytes(b"\n".join(lines) + b"\n")
    result = Cli(restored)("restore", town.slug, "--bundle", str(bundle))
    assert result.exit_code == 1
    assert "nothing was restored" in result.output
    app = LedgerApplication(restored)
    try:
        with pytest.raises(SignatureError):  # the log checks each entry itself, too
            restore_entries(app, town.slug, lines)
        assert app.reader.size(town.slug) == 14
    finally:
        app.close()


def test_restore_entries_refuses_a_bundle_older_than_the_kept_checkpoint(story, tmp_path):
    from ledger.log.restore import restore_entries

    town, restored, bundle = story
    lines = (bundle / ENTRIES_FILE).read_bytes().splitlines()[:16]  # one short of 17
    app = LedgerApplication(restored)
    try:
        with pytest.raises(CheckpointError, match="bring a newer bundle"):
            restore_entries(app, town.slug, lines)
        assert app.reader.size(town.slug) == 14
    finally:
        app.close()
