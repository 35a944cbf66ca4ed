"""The verify button says "verified" only when it verified the checkpoint's signature
under the genesis log key. A forged checkpoint (another root, with a proof that leads
to it) is served in transit by Playwright's page.route, as a hostile server would: with
the log's old signature line, with none, or signed by another key under the log's name.
None of them gets a tick; a browser without Ed25519 is told so, with the offline command.
"""

from __future__ import annotations

import base64
import os
import re

import httpx
import pytest

from ledger.format import merkle
from ledger.format.checkpoints import Checkpoint, sign_checkpoint
from ledger.format.keys import SigningKey
from ledger.format.notes import Signer
from tests.builders.site import press_verify

pytestmark = pytest.mark.browser
VERIFIED = "已核验 ✓"
FAILED = "核验失败 ✗"
NOT_VERIFIED = "未核验 ✗"
NO_ED25519 = """(() => {
  const importKey = crypto.subtle.importKey.bind(crypto.subtle);
  crypto.subtle.importKey = (format, key, algorithm, ...rest) =>
    (algorithm && (algorithm === "Ed25519" || algorithm.name === "Ed25519"))
      ? Promise.reject(new DOMException("Unrecognized name", "NotSupportedError"))
      : importKey(format, key, algorithm, ...rest);
})();"""



class ForgedTree:
    """A tree of the checkpoint's size that holds the real entry at ``seq`` among
    made-up ones: its inclusion proof really leads to its (made-up) root."""

    def __init__(self, site, seq: int) -> None:
        api = f"{site.base_url}/v1/ledgers/{site.town.slug}"
        self.size = site.seqs["checkpoint_size"]
        self.seq = seq
        real = httpx.get(f"{api}/checkpoint", timeout=10).text
        self.real_body, self.real_signatures = real.split("\n\n", 1)
        leaf = httpx.get(f"{api}/entries", params={"start": seq, "limit": 1},
                         timeout=10).content.rstrip(b"\n")
        hashes = [os.urandom(32) for _ in range(self.size)]
        hashes[seq] = merkle.leaf_hash(leaf)
        nodes = merkle.MemoryNodes(hashes)
        self.checkpoint = Checkpoint(site.town.log_signer.name, self.size,
                                     merkle.root_at(self.size, nodes))
        self.proof = [base64.b64encode(h).decode()
                      for h in merkle.inclusion_proof(seq, self.size, nodes)]

    def serve(self, page, note: str) -> None:
        page.route(re.compile(r"/checkpoint$"), lambda route: route.fulfill(
            status=200, content_type="text/plain; charset=utf-8", body=note))
        page.route(re.compile(r"/proofs/inclusion\?"), lambda route: route.fulfill(
            status=200, json={"seq": self.seq, "size": self.size, "hashes": self.proof}))

    def with_the_logs_old_signature(self) -> str:
        return self.checkpoint.body() + "\n" + self.real_signatures

    def unsigned(self) -> str:
        return self.checkpoint.body() + "\n"

    def signed_by_another_key(self) -> str:
        impostor = Signer.from_seed(self.checkpoint.origin, SigningKey.generate().seed)
        return sign_checkpoint(self.checkpoint, impostor)


@pytest.fixture
def forged(site) -> ForgedTree:
    return ForgedTree(site, site.seqs["subsidy"])


def offline_command(site) -> str:
    genesis = httpx.get(f"{site.base_url}/v1/ledgers/{site.town.slug}/entries",
                        params={"start": 0, "limit": 1}, timeout=10).content.rstrip(b"\n")
    return (f"sunledger verify --url {site.base_url} --ledger {site.town.slug} "
            f"--genesis-hash {merkle.leaf_hash(genesis).hex()}")


def test_the_forged_tree_really_passes_every_check_but_the_signature(site, page, forged):
    """The control: without the signature check, this forgery would pass; its proof
    leads to its root, so only the signature can catch it."""
    forged.serve(page, forged.with_the_logs_old_signature())
    verdict, result = press_verify(page, site.url(f"/transactions/{forged.seq}"))
    assert "包含证明算出的根哈希与检查点一致" in result  # the forged proof fits its root
    assert verdict == FAILED and "检查点签名无效" in result


def test_an_unsigned_checkpoint_fails(site, page, forged):
    forged.serve(page, forged.unsigned())
    verdict, result = press_verify(page, site.url(f"/transactions/{forged.seq}"))
    assert verdict == FAILED
    assert "检查点没有日志签名" in result


def test_a_checkpoint_signed_by_another_key_is_not_verified(site, page, forged):
    forged.serve(page, forged.signed_by_another_key())
    verdict, result = press_verify(page, site.url(f"/transactions/{forged.seq}"))
    assert verdict.startswith(NOT_VERIFIED) and VERIFIED not in result
    assert "不是创世条目中的" in result
    assert offline_command(site) in result


def test_without_ed25519_a_forged_checkpoint_gets_no_tick_and_the_offline_command(
        site, page, forged):
    page.add_init_script(NO_ED25519)
    forged.serve(page, forged.with_the_logs_old_signature())
    verdict, result = press_verify(page, site.url(f"/transactions/{forged.seq}"))
    assert verdict.startswith(NOT_VERIFIED) and VERIFIED not in result
    assert "不支持 Ed25519" in result
    assert offline_command(site) in result


def test_without_ed25519_even_the_real_checkpoint_is_not_called_verified(site, page):
    page.add_init_script(NO_ED25519)
    verdict, result = press_verify(page, site.url(f"/transactions/{site.seqs['subsidy']}"))
    assert verdict.startswith(NOT_VERIFIED) and VERIFIED not in result
    assert "包含证明算出的根哈希与检查点一致" in result  # the rest was still checked
    assert offline_command(site) in result


def test_with_ed25519_the_real_checkpoint_is_verified(site, page):
    verdict, result = press_verify(page, site.url(f"/transactions/{site.seqs['subsidy']}"))
    assert verdict == VERIFIED and "检查点签名有效" in result
