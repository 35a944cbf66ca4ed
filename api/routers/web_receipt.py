"""The receipt code a resident rates an answer with, shown on the web page exactly once.

The question intake makes the code (``api.routers.governance.submit_question``). The
redirect after asking carries it in a short-lived, HttpOnly cookie scoped to the
questions page, never in the URL (where it would reach histories and access logs);
the page that shows it deletes the cookie.
"""

from __future__ import annotations

import re

from fastapi import Request
from fastapi.responses import Response

RECEIPT_COOKIE = "sunledger_receipt"
receipt_cookie_seconds = 600  # long enough to follow the redirect, not to linger
RECEIPT_VALUE_RE = re.compile(r"([0-9]{1,16}):([A-Z0-9-]{1,64})")


def questions_path(request: Request, ledger: str) -> str:
    return f"{request.scope.get('root_path', '')}/ledgers/{ledger}/questions"


def remember_receipt(response: Response, request: Request, ledger: str, seq: int,
                     code: str) -> None:
    """Hand the receipt code to the page the asker is redirected to, and to nobody else."""
    response.set_cookie(RECEIPT_COOKIE, f"{seq}:{code}", max_age=receipt_cookie_seconds,
                        path=questions_path(request, ledger), httponly=True,
                        samesite="strict", secure=request.url.scheme == "https")


def take_receipt(request: Request, asked: int | None) -> str | None:
    """The receipt code for the question just asked, if this browser holds it."""
    match = RECEIPT_VALUE_RE.fullmatch(request.cookies.get(RECEIPT_COOKIE, ""))
    if match is None or asked is None or int(match[1]) != asked:
        return None
    return match[2]


def forget_receipt(response: Response, request: Request, ledger: str) -> None:
    response.delete_cookie(RECEIPT_COOKIE, path=questions_path(request, ledger))
