"""A checkpoint exists from the start: `init` and `demo` sign one, and a server
signs at start what waits unsigned, so the first /checkpoint request answers 200."""

from __future__ import annotations

import httpx

from api.app import ApiOptions, create_app
from ledger.format.checkpoints import Checkpoint
from ledger.format.notes import split_note
from ledger.log.application import LedgerApplication
from tests.builders.community import Community
from tests.builders.server import keep_log_key, running


def first_checkpoint(settings) -> callable:
    def fetch(slug: str) -> httpx.Response:
        with running(create_app(settings, options=ApiOptions(public_rate_per_minute=0))) as url:
            return httpx.get(f"{url}/v1/ledgers/{slug}/checkpoint", timeout=30)
    return fetch


def size_of(note: str) -> int:
    return Checkpoint.parse(split_note(note)[0]).size


def test_init_then_serve_answers_the_checkpoint_at_the_first_request(cli, slug, settings):
    cli.ok("init", slug, "--name", "新竹社区", "--origin", f"ledger.example.org/{slug}")
    answer = first_checkpoint(settings)(slug)
    assert answer.status_code == 200, answer.text
    assert size_of(answer.text) == 1


def test_the_demo_then_serve_answers_the_checkpoint_at_the_first_request(cli, slug, settings):
    cli.ok("demo", slug, "--entries", "200", "--if-missing")
    answer = first_checkpoint(settings)(slug)
    assert answer.status_code == 200, answer.text
    assert size_of(answer.text) == 200


def test_a_server_signs_at_start_the_entries_that_wait_unsigned(settings):
    app = LedgerApplication(settings)
    try:
        town = Community.open(app)  # 14 entries appended with no checkpoint signed
        keep_log_key(settings, town)
        size = town.log_size()
    finally:
        app.close()
    answer = first_checkpoint(settings)(town.slug)
    assert answer.status_code == 200, answer.text
    assert size_of(answer.text) == size
