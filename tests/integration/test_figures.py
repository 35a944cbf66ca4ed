"""The log signs figures (FORMAT.md section 10) with every checkpoint, on both stores,
and the figures are what an independent reading of the entries gives."""

from __future__ import annotations

import pytest

from ledger.errors import NotFound
from ledger.format.checkpoints import Checkpoint, sign_checkpoint, verify_checkpoint
from ledger.format.figures import verify_figures
from ledger.log.checkpoint_store import CheckpointStore
from ledger.log.checkpointing import CheckpointLog, TreeHead
from ledger.log.figures import figures_at, kept_figures
from tests.builders.server import keep_log_key
from tests.independent_figures import check_figures
from tests.integration.test_checkpoints import settled

@pytest.fixture
def town(community, settings):
    keep_log_key(settings, community)
    return community

def leaves_of(app, slug) -> list[bytes]:
    return [stored.leaf for stored in app.reader.stored(slug)]

def test_every_checkpoint_the_log_signs_has_figures_at_its_size(app, town):
    log = CheckpointLog(app, every_entries=2).install()
    town.grant("activity", 500_000)
    settled(log)
    town.spend("activity", 12_000)
    settled(log)
    town.grant("general", 70_000)
    settled(log)
    log.issue(town.slug)
    vkey = town.log_signer.verifier().vkey
    sizes = log.sizes(town.slug)
    assert sizes == [15, 17]  # signed by the follower, every 2 entries
    assert [kept.size for kept in kept_figures(app, town.slug)] == sizes
    for size in sizes:
        kept = log.figures(town.slug, size)
        checkpoint = verify_checkpoint(log.at_size(town.slug, size), vkey)
        assert verify_figures(kept.note, vkey).root == checkpoint.root
        assert figures_at(app, town.slug, size) == kept.document()
        check_figures({"figures": kept.document(), "note": kept.note}, leaves_of(app, town.slug),
                      vkey)
    assert log.figures(town.slug).size == sizes[-1]

def test_the_latest_figures_hold_the_balances_of_the_domain_state(app, town):
    town.grant("activity", 500_000)
    town.spend("activity", 12_000)
    log = CheckpointLog(app)
    log.issue(town.slug)
    rows = log.figures(town.slug).document()["balances"]
    assert rows == [["1002", "activity", "CNY", 488_000], ["4001", "activity", "CNY", 500_000],
                    ["5001", "activity", "CNY", 12_000]]
    assert app.state(town.slug).balances[("4001", "activity", "CNY")] == -500_000

def test_a_checkpoint_kept_before_figures_gets_them_while_the_tree_has_not_grown(app, town):
    town.grant("activity", 500_000)
    store, log = CheckpointStore(app), CheckpointLog(app)
    head = TreeHead.of(app.state(town.slug))
    old = log._log_signer(head)

    store.add(town.slug, head.size, sign_checkpoint(Checkpoint(head.origin, head.size, head.root),
                                                    old), 0)  # as a v1.0 log kept it
    assert figures_at(app, town.slug, head.size) is None
    kept = log.figures(town.slug)  # signed now, from the same balances
    assert kept.size == head.size
    check_figures({"figures": kept.document(), "note": kept.note}, leaves_of(app, town.slug),
                  town.log_signer.verifier().vkey)
    town.spend("activity", 1)
    log.issue(town.slug)
    with pytest.raises(NotFound) as missing:
        log.figures(town.slug, head.size - 1)
    assert missing.value.details["sizes"] == [head.size, head.size + 1]

def test_an_old_checkpoint_without_figures_stays_absent_once_the_tree_grew(app, town):
    town.grant("activity", 500_000)
    log = CheckpointLog(app)
    head = TreeHead.of(app.state(town.slug))

    CheckpointStore(app).add(town.slug, head.size, sign_checkpoint(
        Checkpoint(head.origin, head.size, head.root), log._log_signer(head)), 0)
    town.spend("activity", 5)
    log.issue(town.slug)
    with pytest.raises(NotFound, match="signed before this log signed figures"):
        log.figures(town.slug, head.size)
    assert log.figures(town.slug).size == head.size + 1
