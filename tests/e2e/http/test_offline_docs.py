"""/docs and /redoc work with no network: every script, style and icon they load is
served by the app itself (packaged by fastapi-offline), never by a CDN."""

from __future__ import annotations

from html.parser import HTMLParser
from urllib.parse import urlsplit

import pytest


class _References(HTMLParser):
    """Every URL a page asks the browser to load (src= and href=)."""

    def __init__(self) -> None:
        super().__init__()
        self.urls: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.urls += [value for name, value in attrs if name in ("src", "href") and value]


def references(html: str) -> list[str]:
    parser = _References()
    parser.feed(html)
    return parser.urls


@pytest.mark.parametrize("page", ["/docs", "/redoc"])
def test_the_api_reference_loads_nothing_from_another_host(http, page):
    answer = http.get(page)
    assert answer.status_code == 200
    # get_swagger_ui_html writes its script and style URLs inside JavaScript too
    assert "cdn.jsdelivr.net" not in answer.text and "fonts.googleapis" not in answer.text
    urls = references(answer.text)
    assert urls, "the page loads its assets from somewhere"
    for url in urls:
        assert not urlsplit(url).netloc, f"{page} loads {url} from another host"
        asset = http.get(url)
        assert asset.status_code == 200, url
        assert len(asset.content) > 1000, url


def test_the_openapi_document_the_reference_reads_is_served(http):
    document = http.get("/openapi.json").json()
    assert document["info"]["title"] == "Sunledger"
    assert any(path.startswith("/v1/ledgers/") for path in document["paths"])


@pytest.mark.parametrize("page", ["/docs", "/redoc"])
def test_the_reference_pages_may_contact_no_other_host(http, page):
    """ReDoc's bundle asks for a logo from cdn.redoc.ly; the page's policy forbids it."""
    policy = http.get(page).headers["Content-Security-Policy"]
    directives = dict(part.strip().split(" ", 1) for part in policy.split(";"))
    assert directives["default-src"] == "'self'"
    assert directives["img-src"] == "'self' data:"
    assert "http" not in policy
