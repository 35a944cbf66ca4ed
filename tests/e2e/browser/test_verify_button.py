"""The "核验 Verify this item" button: the browser recomputes the RFC 9162 root itself.

Tampering is done by Playwright route interception: the browser is lied to
in transit, which is exactly what the in-browser checker must catch.
"""

from __future__ import annotations

import base64
import re

import pytest

from tests.builders.site import press_verify

pytestmark = pytest.mark.browser
VERIFIED = "已核验 ✓"
FAILED = "核验失败 ✗"
SIGNATURE_VALID = "检查点签名有效"
HAS_ED25519 = """() => crypto.subtle.generateKey({name: "Ed25519"}, false, ["sign", "verify"])
                       .then(() => true, () => false)"""



def flip_base64(value: str, index: int) -> str:
    raw = bytearray(base64.b64decode(value))
    raw[index] ^= 0x01
    return base64.b64encode(bytes(raw)).decode()


def test_verify_button_shows_verified_for_a_real_item(site, page):
    verdict, result = press_verify(page, site.url(f"/transactions/{site.seqs['subsidy']}"))
    assert verdict == VERIFIED
    assert "包含证明算出的根哈希与检查点一致" in result
    assert "高龄老人慰问" in result and "88.00" in result  # the signed content, shown back
    if page.evaluate(HAS_ED25519):  # Debian's Chromium 137+ has Ed25519 in WebCrypto
        assert SIGNATURE_VALID in result
    else:
        assert "不支持 Ed25519" in result


def test_debians_chromium_checks_the_checkpoint_signature_with_webcrypto_ed25519(site, page):
    page.goto(site.url())
    assert page.evaluate(HAS_ED25519), "this Chromium has no Ed25519 in WebCrypto"


def test_every_item_under_the_checkpoint_verifies_wherever_it_sits_in_the_tree(site, page):
    covered = [seq for seq in site.journal if seq < site.seqs["checkpoint_size"]]
    assert len(covered) >= 10
    for seq in covered:
        verdict, result = press_verify(page, site.url(f"/transactions/{seq}"))
        assert verdict == VERIFIED, (seq, result)


def test_verify_fails_when_one_proof_hash_is_altered_in_transit(site, page):
    def alter_proof(route):
        response = route.fetch()
        proof = response.json()
        proof["hashes"][1] = flip_base64(proof["hashes"][1], 7)
        route.fulfill(response=response, json=proof)

    page.route(re.compile(r"/proofs/inclusion\?"), alter_proof)
    verdict, result = press_verify(page, site.url(f"/transactions/{site.seqs['subsidy']}"))
    assert verdict == FAILED
    assert "由证明算出的根哈希与签名检查点不符" in result


def test_verify_fails_when_the_entry_bytes_are_altered_in_transit(site, page):
    seq = site.seqs["subsidy"]

    def alter_leaf(route):
        response = route.fetch()
        route.fulfill(response=response, body=response.body().replace(b'"amount":8800',
                                                                     b'"amount":880'))

    page.route(re.compile(rf"/entries\?start={seq}&"), alter_leaf)
    verdict, result = press_verify(page, site.url(f"/transactions/{seq}"))
    assert verdict == FAILED
    assert "条目数据与页面上的条目哈希不符" in result


def test_verify_fails_when_the_checkpoint_signature_is_forged(site, page):
    page.goto(site.url())
    if not page.evaluate(HAS_ED25519):
        pytest.skip("this browser has no Ed25519 in WebCrypto")

    def forge_signature(route):
        response = route.fetch()
        body, signature = response.text().split("\n\n")
        dash, name, b64 = signature.strip().split(" ")
        forged = f"{dash} {name} {flip_base64(b64, 20)}\n"  # past the 4-byte key hash
        route.fulfill(response=response, body=f"{body}\n\n{forged}")

    page.route(re.compile(r"/checkpoint$"), forge_signature)
    verdict, result = press_verify(page, site.url(f"/transactions/{site.seqs['subsidy']}"))
    assert verdict == FAILED
    assert "检查点签名无效" in result


def test_verify_says_an_item_recorded_after_the_checkpoint_is_not_covered_yet(site, page):
    verdict, result = press_verify(page, site.url(f"/transactions/{site.seqs['late']}"))
    assert verdict == FAILED
    assert "还没有被签名检查点覆盖" in result


def test_verify_fails_when_the_proof_is_for_another_size(site, page):
    def other_size(route):
        response = route.fetch()
        proof = response.json()
        route.fulfill(response=response, json={**proof, "size": proof["size"] - 1})

    page.route(re.compile(r"/proofs/inclusion\?"), other_size)
    verdict, result = press_verify(page, site.url(f"/transactions/{site.seqs['subsidy']}"))
    assert verdict == FAILED
    assert "包含证明不是所请求的" in result
