"""The contract views say what the domain says (both stores): every contract's
row and schedule lines equal its record in the domain state after a story that
walks every path (settled, reversed, held then approved or rejected, amended,
accepted, ended), and a rebuild of the views writes the same rows again."""

from __future__ import annotations

import pytest

from ledger.log.application import LedgerApplication
from ledger.log.checkpointing import CheckpointLog
from projections.view import open_view
from projections.worker import catch_up, rebuild
from tests.builders.community import Community
from tests.builders.contracts import contract_story
from tests.builders.server import keep_log_key
from tests.independent_figures import check_figures

CONTRACT_TABLES = ("view_contracts", "view_contract_lines", "view_contract_entries")


@pytest.fixture
def town(settings, clock) -> Community:
    app = LedgerApplication(settings, clock=clock)
    yield Community.open(app, clock=clock, governance=True)
    app.close()


def _domain(state) -> dict:
    return {c.seq: {"status": c.status, "total": c.total, "ends": c.ends,
                    "committed": c.committed, "settled": c.settled,
                    "accepted_seq": c.accepted_seq, "ended_on": c.ended_on,
                    "lines": [(line.due_on, line.amount, line.kind, line.settled)
                              for line in c.lines]}
            for c in state.contracts.values()}


def _view(view, slug: str) -> dict:
    with view.reading() as tx:
        rows = tx.all("SELECT seq, status, total, ends, committed, settled, accepted_seq, "
                      "ended_on FROM view_contracts WHERE ledger = ?", (slug,))
        lines = tx.all("SELECT contract, due_on, amount, kind, settled FROM "
                       "view_contract_lines WHERE ledger = ? ORDER BY contract, line", (slug,))
    shown = {row.pop("seq"): {**row, "lines": []} for row in rows}
    for line in lines:
        shown[line["contract"]]["lines"].append((line["due_on"], line["amount"], line["kind"],
                                                 line["settled"]))
    return shown


def test_the_contract_views_equal_the_domain_and_a_rebuild_writes_them_again(town, clock):
    seqs = contract_story(town, clock)
    catch_up(town.app)
    view = open_view(town.app)
    assert _view(view, town.slug) == _domain(town.state)
    works = _view(view, town.slug)[seqs["works"]]
    assert [line[3] for line in works["lines"]] == [line[1] for line in works["lines"]]
    before = {table: rows for table, rows in view.dump().items() if table in CONTRACT_TABLES}
    assert all(before.values())
    rebuild(town.app)
    after = {table: rows for table, rows in view.dump().items() if table in CONTRACT_TABLES}
    assert after == before


def test_the_signed_figures_of_books_with_contracts_are_what_the_entries_alone_give(
        town, clock, settings):
    """Naming a contract moves no money by itself: an independent reading of FORMAT.md
    section 10 (which knows nothing of contracts) gives the figures the log signs."""
    keep_log_key(settings, town)
    contract_story(town, clock)
    log = CheckpointLog(town.app)
    log.issue(town.slug)
    kept = log.figures(town.slug)
    leaves = [stored.leaf for stored in town.app.reader.stored(town.slug)]
    check_figures({"figures": kept.document(), "note": kept.note}, leaves,
                  town.log_signer.verifier().vkey)
