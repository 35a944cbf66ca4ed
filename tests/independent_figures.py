"""An independent checker of FORMAT.md section 10, written from the page alone.

It shares nothing with Sunledger's code (only json, hashlib, base64 and
``cryptography``): canonical JSON, the RFC 9162 root, the signed-note check
and the figures rules are all written out here again, literally (whole log in
memory, every rule as the page states it), so that a bug in the project's
domain, format or verifier shows up as a disagreement.
"""

from __future__ import annotations

import base64
import hashlib
import json
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

DEBIT_NORMAL = {"asset", "expense"}
CREDIT_NORMAL = {"liability", "net_assets", "income"}


class Disagrees(AssertionError):
    """The published figures are not what FORMAT.md section 10 gives."""


def canonical(value: Any) -> bytes:
    return json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"),
                      allow_nan=False).encode("utf-8")


def tree_root(leaves: list[bytes]) -> bytes:
    """RFC 9162 section 2.1 Merkle tree hash, recursively."""
    if not leaves:
        return hashlib.sha256(b"").digest()
    if len(leaves) == 1:
        return hashlib.sha256(b"\x00" + leaves[0]).digest()
    split = 1
    while split * 2 < len(leaves):
        split *= 2
    return hashlib.sha256(b"\x01" + tree_root(leaves[:split]) + tree_root(leaves[split:])).digest()


def expected_document(leaves: list[bytes], size: int) -> dict[str, Any]:
    """The figures document of the first ``size`` leaves, rule by rule from the page."""
    entries = [json.loads(leaf) for leaf in leaves[:size]]
    statements = [(entry["seq"], entry["statement"]) for entry in entries]
    currency = statements[0][1]["body"]["currency"]
    accounts = {s["body"]["code"]: (s["body"]["class"], s["body"].get("kind"))
                for _, s in statements if s["type"] == "account.opened"}
    named = {kind: {s["body"]["entry"] for _, s in statements if s["type"] == kind}
             for kind in ("entry.approved", "entry.rejected")}
    balances: dict[tuple[str, str, str], int] = {}
    for seq, statement in statements:
        postings = statement["body"].get("postings", [])
        if statement["type"] == "entry.posted":
            held = is_held(seq, postings, statements, accounts, currency)
            if seq in named["entry.rejected"] or (held and seq not in named["entry.approved"]):
                continue
        elif statement["type"] != "entry.reversed":
            continue
        for p in postings:
            key = (p["account"], p["fund"], p.get("currency", currency))
            debit_side = "debit" if accounts[p["account"]][0] in DEBIT_NORMAL else "credit"
            assert accounts[p["account"]][0] in DEBIT_NORMAL | CREDIT_NORMAL
            amount = p["amount"] if p["side"] == debit_side else -p["amount"]
            balances[key] = balances.get(key, 0) + amount
    rows = sorted(balances.items(), key=lambda kv: tuple(x.encode("utf-8") for x in kv[0]))
    return {"balances": [[*key, amount] for key, amount in rows],
            "ledger": statements[0][1]["ledger"],
            "root": base64.b64encode(tree_root(leaves[:size])).decode(), "size": size}


def is_held(seq: int, postings: list[dict], statements: list, accounts: dict,
            currency: str) -> bool:
    policies = [s["body"] for earlier, s in statements if s["type"] == "policy.set" and earlier < seq]
    if not policies:
        return False
    total = sum((p["amount"] if p["side"] == "debit" else -p["amount"]) for p in postings
                if accounts[p["account"]][1] in ("cash", "bank")
                and p.get("currency", currency) == currency)
    return max(0, -total) >= policies[-1]["approval_threshold"]


def open_signed_note(note: str, vkey: str) -> str:
    """C2SP signed-note: the text, if the key ``vkey`` signed it; else Disagrees."""
    name, key_hash_hex, key_b64 = vkey.split("+", 2)
    raw = base64.b64decode(key_b64, validate=True)
    if raw[0] != 0x01 or len(raw) != 33:
        raise Disagrees("not an Ed25519 note key")
    key_hash = hashlib.sha256(name.encode() + b"\n" + raw).digest()[:4]
    if key_hash.hex() != key_hash_hex:
        raise Disagrees("verifier key hash does not match its key")
    cut = note.rfind("\n\n")
    text, lines = note[:cut + 1], note[cut + 2:].rstrip("\n").split("\n")
    for line in lines:
        if not line.startswith("\u2014 "):
            raise Disagrees(f"not a signature line: {line!r}")
        signer, sig_b64 = line[2:].split(" ")
        sig = base64.b64decode(sig_b64, validate=True)
        if signer == name and sig[:4] == key_hash:
            try:
                Ed25519PublicKey.from_public_bytes(raw[1:]).verify(sig[4:], text.encode())
            except InvalidSignature:
                raise Disagrees("the log key's signature does not verify") from None
            return text
    raise Disagrees("no signature by the log key")


def check_figures(answer: dict[str, Any], leaves: list[bytes], log_vkey: str) -> None:
    """Hold ``{"figures", "note"}`` to the entries; raise Disagrees naming what differs."""
    published, note = answer["figures"], answer["note"]
    size = published["size"]
    expected = expected_document(leaves, size)
    if published != expected:
        want = {tuple(r[:3]): r[3] for r in expected["balances"]}
        got = {tuple(r[:3]): r[3] for r in published["balances"]}
        wrong = sorted(k for k in set(want) | set(got) if want.get(k) != got.get(k))
        raise Disagrees(f"the document differs from the entries at {wrong}")
    origin = log_vkey.split("+", 1)[0]
    lines = open_signed_note(note, log_vkey).split("\n")
    digest = base64.b64encode(hashlib.sha256(canonical(published)).digest()).decode()
    wanted = ["sunledger/figures/v1", origin, str(size), expected["root"], digest, ""]
    if lines != wanted:
        raise Disagrees(f"the note's text {lines} is not {wanted}")
