"""The log's raw SQL sits behind one adapter per database, chosen once per reader;
on both stores it answers exactly the stored rows it is asked for."""

from __future__ import annotations

from ledger.log import proofs
from ledger.log.sql_adapters import PostgresAdapter, SQLiteAdapter
from ledger.log.store import decode_stored, ledger_stream


def test_the_reader_asks_its_database_through_the_adapter_chosen_at_start(community):
    reader = community.app.reader
    expected = PostgresAdapter if community.app.settings.is_postgres else SQLiteAdapter
    assert type(reader.sql) is expected
    stored = {leaf.seq: leaf.leaf for leaf in reader.stored(community.slug)}
    picked = reader.sql.select_versions(ledger_stream(community.slug), [1, 3, 99])
    assert {decode_stored(e).seq: decode_stored(e).leaf for e in picked} == {
        0: stored[0], 2: stored[2]}


def test_proofs_read_their_merkle_nodes_through_the_adapter(community):
    state = community.app.state(community.slug)
    assert proofs.root_at(community.app.reader, community.slug, state.size) == \
        state.frontier.root()
