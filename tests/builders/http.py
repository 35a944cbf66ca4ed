"""Talking to a real server: sign-in headers, problems, CSV downloads, and taking
steps over HTTP (POST a signed statement and expect it on the log, or expect it
refused with a problem and the log exactly as before)."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from typing import Any

import httpx

from api.errors import PROBLEM_BASE
from ledger.client import Signer
from ledger.format.statements import SignedStatement
from ledger.log.tokens import issue_token
from projections.worker import catch_up
from tests.builders.community import Community

PROBLEM = "application/problem+json"


def bearer(signer: Signer, ledger: str | None = None, **kw) -> dict[str, str]:
    """A fresh one-request sign-in header for ``signer`` (what `sunledger token` prints)."""
    return {"Authorization": f"Bearer {issue_token(signer.key, ledger or signer.ledger, **kw)}"}


def assert_problem(response, status: int, code: str) -> dict:
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == PROBLEM
    problem = response.json()
    assert problem["type"] == PROBLEM_BASE + code, problem
    assert problem["status"] == status and problem["detail"]
    return problem


def csv_rows(response) -> list[dict[str, str]]:
    """The rows of a CSV download (UTF-8 with BOM), as dicts by header."""
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("text/csv")
    assert response.headers["content-disposition"].startswith("attachment;")
    text = response.content.decode("utf-8")
    assert text.startswith("\ufeff")
    return list(csv.DictReader(io.StringIO(text[1:])))


@dataclass
class Steps:
    http: httpx.Client
    town: Community

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
