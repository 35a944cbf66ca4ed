"""Small helpers of the read-model API tests: sign-in headers, problems, CSV."""

from __future__ import annotations

import csv
import io

from api.errors import PROBLEM_BASE
from ledger.client import Signer
from ledger.log.tokens import issue_token

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
