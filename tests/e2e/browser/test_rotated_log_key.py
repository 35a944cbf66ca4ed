"""The browser check follows a log-key rotation on the log: after the admin signs
`ledger.log_key_rotated`, checkpoints signed by the new key are "verified", once the
rotation entry itself is checked (in the checkpoint's tree, signed by the genesis
admin). A hostile server that names a key by a rotation it made up, or points at an
entry that is no rotation, gets no tick."""

from __future__ import annotations

import base64
import os
import re
from dataclasses import dataclass
from typing import Any

import httpx
import pytest

from ledger.format import cjson, merkle
from ledger.format.checkpoints import Checkpoint, sign_checkpoint
from ledger.format.keys import SigningKey
from ledger.format.notes import Signer as NoteSigner
from projections.worker import catch_up
from tests.builders.server import keep_log_key, running
from tests.builders.site import a_town_to_serve, press_verify

pytestmark = pytest.mark.browser
VERIFIED = "已核验 ✓"
NOT_VERIFIED = "未核验 ✗"


@dataclass
class Rotated:
    base_url: str
    town: Any  # tests.builders.community.Community
    rotation_seq: int
    later_seq: int  # an entry after the rotation, covered by a new-key checkpoint

    @property
    def api(self) -> str:
        return f"{self.base_url}/v1/ledgers/{self.town.slug}"

    def url(self, path: str = "") -> str:
        return f"{self.base_url}/ledgers/{self.town.slug}{path}"


@pytest.fixture(scope="module")
def rotated(tmp_path_factory):
    with a_town_to_serve(tmp_path_factory.mktemp("rotated")) as (settings, town, api):
        town.grant("general", 100_000)
        api.state.checkpoints.issue(town.slug)  # the genesis key signs this one
        new_key = NoteSigner.from_seed(town.log_signer.name, SigningKey.generate().seed)
        rotation = town.submit(town.admin.sign("ledger.log_key_rotated",
                                               {"log_key": new_key.verifier().vkey}))
        town.log_signer = new_key
        keep_log_key(settings, town)  # the operator installs the new key on the server
        later = town.grant("general", 2_000).entry.seq
        api.state.checkpoints.issue(town.slug)  # the new key signs this one
        catch_up(town.app)
        with running(api) as base_url:
            yield Rotated(base_url, town, rotation, later)


def test_the_server_lists_the_rotation(rotated):
    listed = httpx.get(f"{rotated.api}/log-keys", timeout=10).json()
    assert listed["rotations"] == [{"seq": rotated.rotation_seq}]


def test_a_checkpoint_signed_by_the_rotated_key_is_verified(rotated, page):
    verdict, result = press_verify(page, rotated.url(f"/transactions/{rotated.later_seq}"))
    assert verdict == VERIFIED, result
    assert f"第 {rotated.rotation_seq} 条轮换后的日志公钥" in result


def test_the_balances_signed_by_the_rotated_key_are_verified(rotated, page):
    from playwright.sync_api import expect

    page.goto(rotated.url())
    page.locator("#figures-button").click()
    verdict = page.locator("#figures-result .verdict.ok, #figures-result .verdict.fail")
    expect(verdict).to_be_visible()
    text = page.locator("#figures-result").inner_text()
    assert "fail" not in verdict.get_attribute("class"), text
    assert f"第 {rotated.rotation_seq} 条轮换后的日志公钥" in text


def test_a_server_pointing_at_an_entry_that_is_no_rotation_gets_no_tick(rotated, page):
    page.route(re.compile(r"/log-keys$"), lambda route: route.fulfill(
        status=200, json={"rotations": [{"seq": 1}]}))  # a key registration
    verdict, result = press_verify(page, rotated.url(f"/transactions/{rotated.later_seq}"))
    assert verdict.startswith(NOT_VERIFIED) and VERIFIED not in result


def test_a_rotation_the_server_made_up_gets_no_tick(rotated, page):
    """A forged tree holding a rotation to the server's own key, signed by a key that is
    no admin's, and the real entry; its checkpoint signed by the server's key."""
    town, size = rotated.town, rotated.town.log_size()
    impostor_log = NoteSigner.from_seed(town.log_signer.name, SigningKey.generate().seed)
    impostor = SigningKey.generate("impostor")
    statement = {"type": "ledger.log_key_rotated", "ledger": town.slug,
                 "body": {"log_key": impostor_log.verifier().vkey},
                 "nonce": "forgedforgedforg", "signed_at": "2026-01-01T00:00:00Z"}
    sig = impostor.sign(b"sunledger/statement/v1\n" + cjson.dumps(statement))
    fake_seq = rotated.rotation_seq
    fake_leaf = cjson.dumps({"ledger": town.slug, "prev": "0" * 64,
                             "recorded_at": "2026-01-01T00:00:00Z", "seq": fake_seq,
                             "sig": base64.b64encode(sig).decode(), "signer": impostor.key_id,
                             "statement": statement, "v": 1})
    real_leaf = httpx.get(f"{rotated.api}/entries", timeout=10,
                          params={"start": rotated.later_seq, "limit": 1}).content.rstrip(b"\n")
    hashes = [os.urandom(32) for _ in range(size)]
    hashes[fake_seq], hashes[rotated.later_seq] = (merkle.leaf_hash(fake_leaf),
                                                   merkle.leaf_hash(real_leaf))
    nodes = merkle.MemoryNodes(hashes)
    note = sign_checkpoint(Checkpoint(town.log_signer.name, size, merkle.root_at(size, nodes)),
                           impostor_log)

    def proof(route):
        seq = int(re.search(r"seq=(\d+)", route.request.url).group(1))
        route.fulfill(status=200, json={"seq": seq, "size": size, "hashes": [
            base64.b64encode(h).decode() for h in merkle.inclusion_proof(seq, size, nodes)]})

    page.route(re.compile(r"/checkpoint$"), lambda route: route.fulfill(
        status=200, content_type="text/plain; charset=utf-8", body=note))
    page.route(re.compile(r"/proofs/inclusion\?"), proof)
    page.route(re.compile(rf"/entries\?start={fake_seq}&limit=1$"), lambda route: route.fulfill(
        status=200, content_type="application/x-ndjson", body=fake_leaf + b"\n"))
    verdict, result = press_verify(page, rotated.url(f"/transactions/{rotated.later_seq}"))
    assert "包含证明算出的根哈希与检查点一致" in result  # the forged tree is consistent
    assert verdict.startswith(NOT_VERIFIED) and VERIFIED not in result
