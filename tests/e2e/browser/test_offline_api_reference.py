"""The API reference renders in a browser that can reach nothing but the server."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest

pytestmark = pytest.mark.browser


def _offline(page, base_url: str) -> list[str]:
    """Abort every request to another host, as a machine with no internet would."""
    refused: list[str] = []
    own = urlsplit(base_url).netloc

    def route(intercepted):
        if urlsplit(intercepted.request.url).netloc == own:
            intercepted.continue_()
        else:
            refused.append(intercepted.request.url)
            intercepted.abort()

    page.route("**/*", route)
    return refused


def test_swagger_ui_lists_the_operations_offline(page, site):
    from playwright.sync_api import expect

    refused = _offline(page, site.base_url)
    page.goto(f"{site.base_url}/docs")
    expect(page.locator(".opblock").first).to_be_visible()
    assert page.locator(".opblock").count() > 10
    assert refused == []


def test_redoc_renders_the_reference_offline(page, site):
    from playwright.sync_api import expect

    refused = _offline(page, site.base_url)
    page.goto(f"{site.base_url}/redoc")
    expect(page.get_by_text("Sunledger").first).to_be_visible()
    expect(page.locator("[data-section-id^='operation/']").first).to_be_attached()
    assert refused == []
