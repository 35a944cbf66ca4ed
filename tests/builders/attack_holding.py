"""Attacks that were already refused and must keep being refused: signatures, keys,
roles, nonces, ledgers, numbers, bookkeeping, sizes, tokens, injection, paths, query
parameters, statement types, JSON form and batches."""

from __future__ import annotations

import base64
import csv
import io
import json
import time

import jwt

from ledger.client import Signer, posting
from ledger.format.keys import SigningKey
from tests.builders.attack_holes import STREET_OFFICE, forge, grant, post, post_text, token
from tests.builders.attack_target import FORMULA, SCRIPT, Target
from tests.builders.attacks import Answer, Attack, refused_with

JSON = {"content-type": "application/json"}


def entry(target: Target, seq: int) -> dict:
    with target.client() as client:
        line = client.get(f"{target.base}/entries", params={"start": seq, "limit": 1}).content
    return json.loads(line)


def tampered(change):
    """A valid statement's request, changed after signing."""
    def send(target: Target) -> Answer:
        request = grant(target.agent).to_json()
        change(request)
        return post_text(target, "/statements", json.dumps(request).encode(), JSON)
    return send


def flip_signature(request: dict) -> None:
    raw = bytearray(base64.b64decode(request["sig"]))
    raw[10] ^= 0x01
    request["sig"] = base64.b64encode(bytes(raw)).decode()


def as_text(replace_from: str, replace_to: str):
    """A valid grant's JSON text with ``replace_from`` spelt ``replace_to``."""
    def send(target: Target) -> Answer:
        text = json.dumps(grant(target.agent, amount=1000).to_json(), ensure_ascii=False)
        assert replace_from in text
        return post_text(target, "/statements", text.replace(replace_from, replace_to, 1)
                         .encode(), JSON)
    return send


def stranger(target: Target) -> Signer:
    return Signer(SigningKey.generate("stranger"), target.slug)


def lines(debit: int, credit: int, fund: str = "general", account: str = "5001"):
    return [posting(account, fund, "debit", debit), posting("1002", fund, "credit", credit)]


def spend(target: Target, debit: int, credit: int, fund: str = "general"):
    """A payment signed by the agent, whatever its amounts (the client may refuse some)."""
    return forge(target.agent, "entry.posted", {
        "date": "2026-07-01", "category": "activity", "memo": "", "counterparty": STREET_OFFICE,
        "postings": lines(debit, credit, fund)})


def replayed_nonce(target: Target) -> Answer:
    nonce = entry(target, target.entries["zhang"])["statement"]["nonce"]
    return post(target, target.agent.post("2026-07-02", "activity", STREET_OFFICE,
                                          lines(100, 100), nonce=nonce))


def second_reversal(target: Target) -> Answer:
    original = entry(target, target.entries["mistaken"])["statement"]["body"]["postings"]
    return post(target, target.agent.reverse(target.entries["mistaken"], original,
                                             "2026-07-02", "again"))


def headers_with(make_token):
    def send(target: Target) -> Answer:
        with target.client() as client:
            return Answer.of(client.get(f"{target.base}/audit/trial-balance",
                                        headers={"Authorization": f"Bearer {make_token(target)}"}))
    return send


def alg_none(target: Target) -> str:
    now = int(time.time())
    claims = {"iss": target.auditor.key_id, "sub": target.auditor.key_id,
              "aud": f"sunledger:{target.slug}", "iat": now, "exp": now + 300, "jti": "n0ne"}
    return jwt.encode(claims, None, algorithm="none", headers={"kid": target.auditor.key_id})


def wrong_key(target: Target) -> str:
    """Signed by a stranger's key, naming the auditor's key id."""
    forged = token(SigningKey.generate("x"), {"aud": f"sunledger:{target.slug}",
                                               "iss": target.auditor.key_id,
                                               "sub": target.auditor.key_id})
    header, payload, sig = forged.split(".")
    kid = base64.urlsafe_b64encode(json.dumps({"alg": "EdDSA", "kid": target.auditor.key_id,
                                               "typ": "JWT"}).encode()).rstrip(b"=").decode()
    return f"{kid}.{payload}.{sig}"


def used_twice(target: Target) -> str:
    once = token(target.auditor.key, {"aud": f"sunledger:{target.slug}"})
    with target.client() as client:
        first = client.get(f"{target.base}/audit/trial-balance",
                           headers={"Authorization": f"Bearer {once}"})
        assert first.status_code == 200, first.text  # the first use is the auditor's own
    return once


def get(path: str, **params):
    def send(target: Target) -> Answer:
        with target.client() as client:
            return Answer.of(client.get(path.format(base=target.base), params=params))
    return send


def the_page_escapes_script(target: Target) -> Answer:
    with target.client() as client:
        response = client.get(f"/ledgers/{target.slug}/transactions/{target.entries['html']}")
    answer = Answer.of(response)
    answer.text = "escaped" if (SCRIPT not in response.text and "&lt;script&gt;" in response.text
                                ) else "NOT ESCAPED: " + response.text[:200]
    return answer


def the_csv_neutralises_formulas(target: Target) -> Answer:
    with target.client() as client:
        response = client.get(f"{target.base}/transactions", params={"format": "csv"})
    answer = Answer.of(response)
    cells = [cell for row in csv.reader(io.StringIO(response.text.lstrip("\ufeff")))
             for cell in row if "HYPERLINK" in cell]
    answer.text = ("neutralised" if cells and all(c == "'" + FORMULA for c in cells)
                   else f"NOT NEUTRALISED: {cells[:3]}")
    return answer


def batch(make):
    def send(target: Target) -> Answer:
        with target.client() as client:
            return Answer.of(client.post(f"{target.base}/batches",
                                         json={"statements": make(target)}))
    return send


def good_grants(target: Target, count: int) -> list[dict]:
    return [grant(target.agent, memo=f"import {i}").to_json() for i in range(count)]


def one_bad_in_four(target: Target) -> list[dict]:
    statements = good_grants(target, 4)
    flip_signature(statements[2])
    return statements


escaped = lambda answer: answer.status == 200 and answer.text == "escaped"  # noqa: E731
neutralised = lambda answer: answer.status == 200 and answer.text == "neutralised"  # noqa: E731


def empty_or_refused(answer: Answer) -> bool:
    return (answer.status == 200 and answer.page_items == 0) or refused_with()(answer)


HOLDING = [
    Attack("bad signature (one bit flipped)", "4xx bad-signature", tampered(flip_signature),
           refused_with()),
    Attack("statement changed after signing (amount raised)", "4xx",
           tampered(lambda r: r["statement"]["body"]["postings"][0].update(amount=10**6)),
           refused_with()),
    Attack("statement signed by an unknown key", "403 unknown-key",
           lambda t: post(t, grant(stranger(t))), refused_with()),
    Attack("statement signed by a revoked key", "403 revoked-key",
           lambda t: post(t, grant(t.revoked)), refused_with()),
    Attack("role violation: the cashier posts a journal entry", "403",
           lambda t: post(t, grant(t.cashier)), refused_with()),
    Attack("role violation: the agent registers a key", "403",
           lambda t: post(t, t.agent.register_key(SigningKey.generate("y"), ["agent"], "y")),
           refused_with()),
    Attack("role violation: the intake key posts a journal entry", "403",
           lambda t: post(t, grant(t.intake)), refused_with()),
    Attack("agent and cashier on one key", "4xx",
           lambda t: post(t, t.admin.register_key(SigningKey.generate("z"), ["agent", "cashier"],
                                                  "both")), refused_with()),
    Attack("replayed nonce with a different body", "409 replayed-nonce", replayed_nonce,
           refused_with()),
    Attack("cross-ledger: the neighbour's statement sent to this ledger", "4xx",
           lambda t: post(t, grant(t.neighbour_agent)), refused_with()),
    Attack("cross-ledger: this ledger's statement sent to the neighbour", "4xx",
           lambda t: post(t, grant(t.agent), t.neighbour), refused_with()),
    Attack("float amount 1000.0", "4xx", as_text('"amount": 1000', '"amount": 1000.0'),
           refused_with()),
    Attack("huge amount 10^400", "4xx", as_text('"amount": 1000', '"amount": 1' + "0" * 400),
           refused_with()),
    Attack("amount 2^53", "4xx", as_text('"amount": 1000', '"amount": 9007199254740992'),
           refused_with()),
    Attack("unbalanced entry", "4xx unbalanced",
           lambda t: post(t, spend(t, 100, 90)), refused_with()),
    Attack("negative amounts", "4xx",
           lambda t: post(t, spend(t, -100, -100)), refused_with()),
    Attack("overdraft of a restricted fund", "4xx insufficient-funds",
           lambda t: post(t, spend(t, 10**12, 10**12, "activity")), refused_with()),
    Attack("double reversal", "4xx already-reversed", second_reversal, refused_with()),
    Attack("10 MB body", "413", lambda t: post_text(
        t, "/statements", b'{"statement": "' + b"x" * 10_000_000 + b'"}', JSON),
        refused_with(413)),
    Attack("token with alg none", "401", headers_with(alg_none), refused_with(401)),
    Attack("token signed by the wrong key", "401", headers_with(wrong_key), refused_with(401)),
    Attack("expired token", "401", headers_with(lambda t: token(t.auditor.key, {
        "aud": f"sunledger:{t.slug}", "iat": int(time.time()) - 900,
        "exp": int(time.time()) - 600})), refused_with(401)),
    Attack("token made out for the neighbour ledger", "401", headers_with(
        lambda t: token(t.auditor.key, {"aud": f"sunledger:{t.neighbour}"})), refused_with(401)),
    Attack("token used a second time", "401", headers_with(used_twice), refused_with(401)),
    Attack("HTML in a stored memo, on the web page", "200, <script> escaped",
           the_page_escapes_script, escaped, refusal=False),
    Attack("spreadsheet formula in a counterparty, in the CSV", "200, cell starts with '",
           the_csv_neutralises_formulas, neutralised, refusal=False),
    Attack("path traversal in the slug (%2e%2e%2f)", "4xx",
           get("/v1/ledgers/..%2f..%2fetc%2fpasswd/funds"), refused_with(problem=False)),
    Attack("path traversal in the slug, a statement posted", "4xx",
           lambda t: post(t, grant(t.agent), "..%2f" + t.slug), refused_with(problem=False)),
    Attack("slug with a NUL byte", "4xx", get("/v1/ledgers/xinzhu%00/funds"),
           refused_with(problem=False)),
    Attack("SQL-ish category filter", "200 nothing matched, or 4xx",
           get("{base}/transactions", category="' OR 1=1 --"), empty_or_refused, refusal=False),
    Attack("SQL-ish counterparty filter", "200 nothing matched, or 4xx",
           get("{base}/transactions", counterparty="x'; DROP TABLE stored_events; --"),
           empty_or_refused, refusal=False),
    Attack("entries start=-1", "4xx", get("{base}/entries", start=-1, limit=10), refused_with()),
    Attack("entries limit=10^20", "4xx", get("{base}/entries", start=0, limit=10**20),
           refused_with()),
    Attack("consistency proof from=-5 to=10^15", "4xx",
           get("{base}/proofs/consistency", **{"from": -5, "to": 10**15}), refused_with()),
    Attack("inclusion proof seq=10^18 size=5", "4xx",
           get("{base}/proofs/inclusion", seq=10**18, size=5), refused_with()),
    Attack("transactions limit=0 and cursor=-1", "4xx",
           get("{base}/transactions", limit=0, cursor=-1), refused_with()),
    Attack("funds as_of=2026-02-30", "422", get("{base}/funds", as_of="2026-02-30"),
           refused_with()),
    Attack("transactions date_from=not-a-date", "422",
           get("{base}/transactions", date_from="not-a-date"), refused_with()),
    Attack("usage year=99999", "422", get("{base}/usage", year=99999), refused_with()),
    Attack("unknown statement type ledger.destroyed", "4xx",
           lambda t: post(t, forge(t.admin, "ledger.destroyed", {"reason": "x"})), refused_with()),
    Attack("unknown statement type entry.deleted", "4xx",
           lambda t: post(t, forge(t.agent, "entry.deleted", {"entry": 3})), refused_with()),
    Attack("duplicate JSON keys in the API body", "4xx",
           as_text('"memo": "拨款"', '"memo": "拨款", "memo": "改过"'), refused_with()),
    Attack("duplicate signer key in the request", "4xx", lambda t: post_text(
        t, "/statements", json.dumps(grant(t.agent).to_json())[:-1].encode()
        + f', "signer": "{t.cashier.key_id}"}}'.encode(), JSON), refused_with()),
    Attack("a non-ASCII object key in the body", "4xx",
           lambda t: post(t, forge(t.committee, "fund.budgeted", {
               "fund": "general", "year": 2026, "amount": 1, "金额": 1})),
           refused_with()),
    Attack("broken JSON body", "4xx", lambda t: post_text(t, "/statements", b'{"statement": {',
                                                          JSON), refused_with()),
    Attack("a JSON array as the body", "4xx",
           lambda t: post_text(t, "/statements", b"[1, 2]", JSON), refused_with()),
    Attack("oversize batch (1001 statements)", "4xx", batch(lambda t: good_grants(t, 1001)),
           refused_with()),
    Attack("a batch with one bad statement (all or nothing)", "4xx, none stored",
           batch(one_bad_in_four), refused_with()),
]
