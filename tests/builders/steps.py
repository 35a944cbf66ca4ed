"""Taking governance steps over HTTP: POST a signed statement and expect it on
the log, or expect it refused with a problem and the log exactly as before."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import httpx

from ledger.format.statements import SignedStatement
from projections.worker import catch_up
from tests.builders.http import assert_problem
from tests.builders.governance import Town


@dataclass
class Steps:
    http: httpx.Client
    town: Town

    @property
    def base(self) -> str:
        return f"/v1/ledgers/{self.town.slug}"

    def log(self) -> tuple[int, str, list[bytes]]:
        app, slug = self.town.app, self.town.slug
        size = app.reader.size(slug)
        leaves = [stored.leaf for stored in app.reader.stored(slug, 0, size)]
        return size, app.state(slug).head, leaves

    def ok(self, signed: SignedStatement) -> int:
        """POST the statement; it must be a new entry, signed by its signer."""
        response = self.http.post(f"{self.base}/statements", json=signed.to_json())
        assert response.status_code == 201, response.text
        seq = response.json()["seq"]
        entry = self.town.app.reader.entry(self.town.slug, seq)
        assert entry.signed.signer == signed.signer and entry.statement == signed.statement
        return seq

    def refused(self, signed: SignedStatement, status: int, code: str, match: str = "") -> dict:
        """POST the statement; it must be refused with ``code`` and change nothing."""
        before = self.log()
        response = self.http.post(f"{self.base}/statements", json=signed.to_json())
        problem = assert_problem(response, status, code)
        assert match in problem["detail"], problem
        assert self.log() == before
        return problem

    def get(self, path: str, **params: Any) -> dict:
        """GET a resident view after the projection has caught up."""
        catch_up(self.town.app)
        response = self.http.get(f"{self.base}{path}", params=params)
        assert response.status_code == 200, response.text
        return response.json()
