"""How a resident reads the pages: one language at a time, a text size, local time.

The choice travels as a plain link (``?lang=en``, ``?text=large``) so it works
without JavaScript; the page then remembers it in a cookie. Chinese and normal
text are the defaults. Times on the pages are in the ledger's time zone
(``SUNLEDGER_TIME_ZONE``, default Asia/Shanghai); the JSON API stays UTC.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Any
from datetime import date, datetime, timezone
from urllib.parse import urlencode
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from starlette.requests import Request
from starlette.responses import Response

LANGS = ("zh", "en")
TEXT_SIZES = ("normal", "large")
HTML_LANG = {"zh": "zh-CN", "en": "en"}
cookie_max_age_seconds = 365 * 24 * 3600
time_zone_default = "Asia/Shanghai"


def ledger_time_zone() -> ZoneInfo:
    name = os.environ.get("SUNLEDGER_TIME_ZONE") or time_zone_default
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):  # a typo in the setting must not hide pages
        return ZoneInfo(time_zone_default)


LEDGER_TIME_ZONE = ledger_time_zone()


@dataclass(frozen=True)
class Reading:
    """What this request's page is shown in, and which choices it must remember."""
    lang: str
    text: str
    remember: dict[str, str]

    @property
    def html_lang(self) -> str:
        return HTML_LANG[self.lang]


def _choice(request: Request, name: str, allowed: tuple[str, ...]) -> tuple[str, bool]:
    """(value, chosen now): the query wins over the cookie; anything else is the default."""
    asked = request.query_params.get(name)
    if asked in allowed:
        return asked, True
    kept = request.cookies.get(name)
    return (kept if kept in allowed else allowed[0]), False


def reading(request: Request) -> Reading:
    lang, new_lang = _choice(request, "lang", LANGS)
    text, new_text = _choice(request, "text", TEXT_SIZES)
    remember = {name: value for name, value, new in
                (("lang", lang, new_lang), ("text", text, new_text)) if new}
    return Reading(lang, text, remember)


def remember(response: Response, chosen: Reading) -> None:
    # The same URL reads differently per cookie: a shared cache must keep them apart.
    response.headers["Vary"] = "Cookie"
    for name, value in chosen.remember.items():
        response.set_cookie(name, value, max_age=cookie_max_age_seconds, samesite="lax",
                            httponly=True)


def switch_url(request: Request, **change: str) -> str:
    """This page's URL with one choice changed (the other query parameters kept)."""
    query = {k: v for k, v in request.query_params.items() if k not in change}
    return "?" + urlencode({**query, **change})


def local_time(stamp: str | None) -> str:
    """An RFC 3339 UTC time from the log -> "2026-10-30 14:06" in the ledger's zone."""
    if not stamp:
        return "—"
    try:
        moment = datetime.fromisoformat(stamp.replace("Z", "+00:00"))
    except ValueError:
        return stamp
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    return moment.astimezone(LEDGER_TIME_ZONE).strftime("%Y-%m-%d %H:%M")


def local_date(stamp: str | None) -> str:
    return local_time(stamp)[:10]


def today() -> date:
    return datetime.now(LEDGER_TIME_ZONE).date()


def server_today(app: Any) -> date:
    """Today by the server's clock (the one that stamps ``recorded_at``; a test may move
    it), in the ledger's time zone: what is overdue is judged by it."""
    return app.clock().astimezone(LEDGER_TIME_ZONE).date()
