"""The document store: a ledger's documents by SHA-256, in the log's own database.

A disclosure's sheet, a resolution's minutes or a contract goes on the log as a
hash; the bytes come here, uploaded by a key that may sign a statement naming
that hash (``ledger.domain.documents`` decides who and what). The bytes are
checked against the hash before anything is written, so a mismatched upload
stores nothing, and each (ledger, sha256) is written once: an upload of a kept
document changes nothing and answers as the first did.

Reading serves the bytes as stored. The server does not vouch for them: the hash
on the log does, and the resident's browser checks it (api/static/documents.js).
"""

from __future__ import annotations

from dataclasses import dataclass

from ledger.domain import documents as rules
from ledger.errors import DocumentNotFound
from ledger.format.statements import format_time
from ledger.log.application import LedgerApplication
from ledger.log.sql_adapters import documents_sql_for
from ledger.log.write_locks import schema_setup

KEPT_QUERY_HASHES_MAX = 500  # parameters per IN (...) query


@dataclass(frozen=True)
class StoredDocument:
    sha256: str
    media_type: str
    content: bytes
    created: bool = False  # for an upload: False when the store already kept it

    @property
    def size(self) -> int:
        return len(self.content)


class DocumentStore:
    def __init__(self, app: LedgerApplication) -> None:
        self.app = app
        self.sql = documents_sql_for(app.recorder)
        with schema_setup(app.settings):
            self.sql.create_table()

    def put(self, slug: str, key_id: str, sha256: str, content: bytes,
            declared: str = "") -> StoredDocument:
        """Keep ``content`` as document ``sha256`` of ``slug``, uploaded by ``key_id``;
        refused (and nothing written) unless the ledger's rules accept it."""
        state = self.app.state(slug)  # caught up: the naming entry and revocations count
        media_type = rules.accept(state, key_id, sha256, content, declared)
        created = self.sql.insert(slug, sha256, media_type, content,
                                  format_time(self.app.clock()))
        if not created:
            kept = self.get(slug, sha256)
            return StoredDocument(sha256, kept.media_type, kept.content, created=False)
        return StoredDocument(sha256, media_type, content, created=True)

    def get(self, slug: str, sha256: str) -> StoredDocument:
        found = self.sql.select(slug, sha256)
        if found is None:
            raise DocumentNotFound(f"ledger {slug} keeps no document {sha256[:64]}",
                                   sha256=sha256[:64])
        return StoredDocument(sha256, *found)

    def kept_among(self, slug: str, hashes: list[str]) -> set[str]:
        """Which of ``hashes`` the store keeps for ``slug`` (a query per 500)."""
        wanted, kept = sorted(set(hashes)), set()
        for start in range(0, len(wanted), KEPT_QUERY_HASHES_MAX):
            kept |= self.sql.kept_among(slug, wanted[start:start + KEPT_QUERY_HASHES_MAX])
        return kept
