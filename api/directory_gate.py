"""Only the ledgers the directory places on this server's database are served here.

A request naming a ledger (``/v1/ledgers/<slug>...`` or the resident pages'
``/ledgers/<slug>...``) that the directory (``ledger.directory``) places on
another database is answered ``404 ledger-elsewhere``, naming that database and,
if the directory gives one, its server and the same path there (``location``);
a ledger the directory does not list is ``404 ledger-not-found``. Nothing else
of the app runs for it: a moved ledger's old rows are never served as current.
"""

from __future__ import annotations

import re
from urllib.parse import unquote

from starlette.types import ASGIApp, Receive, Scope, Send

from api.errors import problem_response
from ledger.directory import DirectoryFile
from ledger.errors import LedgerElsewhere, LedgerError, LedgerNotFound

LEDGER_PATH = re.compile(r"^/(?:v1/)?ledgers/([^/]+)")


class ServedLedgers:
    """The ledgers the directory places on this server's database (``own``)."""

    def __init__(self, directory: DirectoryFile, own: str) -> None:
        self.directory, self.own = directory, own

    def serves(self, slug: str) -> bool:
        database = self.directory.current().database_of(slug)
        return database is not None and database.name == self.own

    def refusal(self, slug: str, path: str) -> LedgerError | None:
        database = self.directory.current().database_of(slug)
        if database is None:
            return LedgerNotFound(f"ledger {slug!r} is not in the directory of ledgers",
                                  ledger=slug)
        if database.name == self.own:
            return None
        where = f" ({database.server})" if database.server else ""
        return LedgerElsewhere(f"ledger {slug!r} is kept on database {database.name!r}"
                               f"{where}, not on this server's", ledger=slug,
                               database=database.name, server=database.server or None,
                               location=database.server + path if database.server else None)



class DirectoryGate:
    """Plain ASGI: a request for a ledger not served here is answered before routing."""

    def __init__(self, app: ASGIApp, served: ServedLedgers) -> None:
        self.app, self.served = app, served

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        found = LEDGER_PATH.match(scope["path"]) if scope["type"] == "http" else None
        refused = found and self.served.refusal(unquote(found.group(1)), scope["path"])
        if not refused:
            await self.app(scope, receive, send)
            return
        await problem_response(refused)(scope, receive, send)
