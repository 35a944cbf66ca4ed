"""Attacks on the trust holes of "Close the trust holes": each was accepted (or crashed
the server) before the fix and must now be refused, changing nothing. Written from
the issue, docs/FORMAT.md and docs/api.md, not from the fixes."""

from __future__ import annotations

import base64
import json
import os
import time
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import jwt

from ledger.client import Signer, posting
from ledger.format.keys import SigningKey
from ledger.format.notes import Signer as NoteSigner
from ledger.format.notes import cosign, split_note
from ledger.witness.cosigner import new_witness_signer
from tests.builders.attack_target import QUESTIONS, Target
from tests.builders.attacks import Answer, Attack, refused_with

STREET_OFFICE = {"kind": "organisation", "name": "街道办事处 Street office"}
JSON = {"content-type": "application/json"}


def grant(signer: Signer, memo: str = "拨款", date: str = "2026-07-01", amount: int = 100):
    lines = [posting("1002", "general", "debit", amount),
             posting("4001", "general", "credit", amount)]
    return signer.post(date, "grant", STREET_OFFICE, lines, memo=memo)


@dataclass(frozen=True)
class Forged:
    """A request signed by hand over the CJSON rule of FORMAT.md section 1, whatever the
    body holds (the client would refuse to sign a value outside the subset): a valid
    signature on a statement the server must refuse for what it says."""

    statement: dict
    signer: str
    sig: str

    def to_json(self) -> dict:
        return {"statement": self.statement, "signer": self.signer, "sig": self.sig}


def forge(signer: Signer, type: str, body: dict) -> Forged:
    signed_at = datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    statement = {"body": body, "ledger": signer.ledger, "nonce": os.urandom(12).hex(),
                 "signed_at": signed_at, "type": type}
    text = json.dumps(statement, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    signature = signer.key.sign(b"sunledger/statement/v1\n" + text.encode("utf-8"))
    return Forged(statement, signer.key_id, base64.b64encode(signature).decode())


def grant_body(memo: str = "拨款", date: str = "2026-07-01", amount: int = 100) -> dict:
    return {"date": date, "category": "grant", "memo": memo, "counterparty": STREET_OFFICE,
            "postings": [posting("1002", "general", "debit", amount),
                         posting("4001", "general", "credit", amount)]}


def post(target: Target, signed, slug: str | None = None) -> Answer:
    with target.client() as client:
        return Answer.of(client.post(f"/v1/ledgers/{slug or target.slug}/statements",
                                     json=signed.to_json()))


def post_text(target: Target, path: str, content: bytes, headers: dict) -> Answer:
    with target.client() as client:
        return Answer.of(client.post(f"{target.base}{path}", content=content, headers=headers))


# --- a self-signed genesis for a lookalike ledger ------------------------------


def lookalike_genesis(slug: str) -> Signer:
    """Its own admin key and its own log key, the real community's name."""
    stranger = Signer(SigningKey.generate("impostor"), slug)
    log_key = NoteSigner.from_seed(f"sunledger.example/{slug}", SigningKey.generate().seed)
    return stranger.open_ledger("新竹社区", f"sunledger.example/{slug}", log_key.verifier().vkey)


def genesis_to(slug_of) -> callable:
    def send(target: Target) -> Answer:
        slug = slug_of(target)
        return post(target, lookalike_genesis(slug), slug)
    return send


def genesis_in_a_batch(target: Target) -> Answer:
    slug = f"xinzhu-gov-{os.urandom(3).hex()}"
    with target.client() as client:
        return Answer.of(client.post(f"/v1/ledgers/{slug}/batches",
                                     json={"statements": [lookalike_genesis(slug).to_json()]}))


# --- throwaway witnesses ---------------------------------------------------------


def throwaway_cosignatures(target: Target) -> Answer:
    with target.client() as client:
        deadline = time.monotonic() + 30  # the server signs its first checkpoint on a timer
        while (note := client.get(f"{target.base}/checkpoint")).status_code != 200:
            if time.monotonic() > deadline:
                return Answer(404, "no checkpoint to cosign: the log never signed one",
                              crashed=False)
            time.sleep(0.5)
        body = split_note(note.text)[0]
        size = int(body.splitlines()[1])
        responses = []
        for i in range(32):
            witness = new_witness_signer(f"witness{i}.example/throwaway")
            line = str(cosign(body, witness, int(time.time()))).rstrip("\n")
            responses.append(client.post(f"{target.base}/checkpoint/cosignatures", json={
                "size": size, "cosignature": line, "witness_key": witness.verifier().vkey}))
        return Answer.worst(responses)


# --- memos with control characters, impossible business dates ------------------


def memo_with(text: str):
    return lambda target: post(target, forge(target.agent, "entry.posted",
                                             grant_body(memo=f"拨款{text}款")))


def dated(date_of):
    return lambda target: post(target, forge(target.agent, "entry.posted",
                                             grant_body(date=date_of())))


def tomorrow_in_shanghai() -> str:
    return (datetime.now(ZoneInfo("Asia/Shanghai")) + timedelta(days=1)).date().isoformat()


# --- a valid statement in the wrong content type ---------------------------------


def wrong_content_type(headers: dict, path: str = "/statements"):
    def send(target: Target) -> Answer:
        signed = grant(target.agent).to_json()
        payload = {"statements": [signed]} if path == "/batches" else signed
        return post_text(target, path, json.dumps(payload).encode(), headers)
    return send


# --- sign-in tokens with claims of the wrong shape ------------------------------


def token(key: SigningKey, claims: dict, drop: str = "") -> str:
    now = int(time.time())
    full = {"iss": key.key_id, "sub": key.key_id, "iat": now, "exp": now + 300,
            "jti": os.urandom(12).hex(), **claims}
    full.pop(drop, None)
    return jwt.encode(full, key._private, algorithm="EdDSA",  # noqa: SLF001 - our own key
                      headers={"kid": key.key_id})


def audit_with_token(claims_of, drop: str = "", slug_of=lambda t: t.slug):
    def send(target: Target) -> Answer:
        slug = slug_of(target)
        bearer = token(target.auditor.key, claims_of(target), drop)
        with target.client() as client:
            return Answer.of(client.get(f"/v1/ledgers/{slug}/audit/trial-balance",
                                        headers={"Authorization": f"Bearer {bearer}"}))
    return send


def aud(target: Target) -> str:
    return f"sunledger:{target.slug}"


def made_up_slug(length: int):
    return lambda target: "x" + "a" * (length - 1)


def audit_made_up(length: int):
    slug_of = made_up_slug(length)
    return audit_with_token(lambda t: {"aud": f"sunledger:{slug_of(t)}"}, slug_of=slug_of)


# --- fields of the wrong JSON type -------------------------------------------------


def question(body: dict):
    def send(target: Target) -> Answer:
        with target.client() as client:
            return Answer.of(client.post(f"{target.base}/questions", json=body))
    return send


def signed_by(role: str, make):
    return lambda target: post(target, make(getattr(target, role)))


def posted_with(change):
    def make(agent: Signer):
        body = grant_body()
        body["counterparty"] = dict(STREET_OFFICE)
        change(body)
        return forge(agent, "entry.posted", body)
    return make


def questions_list(params: dict):
    def send(target: Target) -> Answer:
        with target.client() as client:
            return Answer.of(client.get(f"{target.base}/questions", params=params))
    return send


def a_bounded_page(answer: Answer) -> bool:
    """A page shorter than all the questions, or a clear refusal of the limit."""
    if 400 <= answer.status < 500:
        return "application/problem+json" in answer.content_type
    return answer.status == 200 and 0 <= answer.page_items < QUESTIONS


def checkpoint_of_fresh(target: Target) -> Answer:
    with target.client() as client:
        return Answer.of(client.get(f"/v1/ledgers/{target.fresh}/checkpoint"))


def a_signed_checkpoint(answer: Answer) -> bool:
    return answer.status == 200 and answer.text.count("\n") >= 4 and "\n\n— " in answer.text


HOLES = [
    Attack("self-signed ledger.opened for xinzhu-official (own admin and log key, 新竹社区)",
           "403 or 401, nothing reserved", genesis_to(lambda t: "xinzhu-official"),
           refused_with(401, 403)),
    Attack("self-signed ledger.opened for a fresh lookalike slug xinzhu-official-*",
           "403 or 401, nothing reserved",
           genesis_to(lambda t: f"xinzhu-official-{os.urandom(3).hex()}"), refused_with(401, 403)),
    Attack("self-signed ledger.opened for a lookalike, sent as a batch", "4xx, nothing reserved",
           genesis_in_a_batch, refused_with()),
    Attack("32 cosignatures from throwaway witness keys (no DATA_DIR/witnesses)",
           "4xx for every one", throwaway_cosignatures, refused_with()),
    *[Attack(f"memo with {name}", "4xx, one stable code", memo_with(char), refused_with())
      for name, char in [("NUL", "\x00"), ("ESC[31m", "\x1b[31m"), ("BEL", "\x07"),
                         ("U+202E right-to-left override", "\u202e"), ("C1 U+0085", "\x85"),
                         ("U+2066 left-to-right isolate", "\u2066"),
                         ("non-character U+FFFE", "\ufffe")]],
    Attack("business date 9999-12-31", "4xx", dated(lambda: "9999-12-31"), refused_with()),
    Attack("business date tomorrow in Asia/Shanghai", "4xx", dated(tomorrow_in_shanghai),
           refused_with()),
    Attack("business date in 1900", "4xx", dated(lambda: "1900-06-30"), refused_with()),
    Attack("valid statement sent as text/plain", "415",
           wrong_content_type({"content-type": "text/plain"}), refused_with(415)),
    Attack("valid statement sent form-encoded", "415",
           wrong_content_type({"content-type": "application/x-www-form-urlencoded"}),
           refused_with(415)),
    Attack("valid statement sent with no content type", "415", wrong_content_type({}),
           refused_with(415)),
    Attack("valid batch sent as text/plain", "415",
           wrong_content_type({"content-type": "text/plain"}, "/batches"), refused_with(415)),
    Attack("/checkpoint right after `sunledger init`", "200, a signed checkpoint",
           checkpoint_of_fresh, a_signed_checkpoint, refusal=False),
    Attack("sign-in token whose audience names two ledgers", "401",
           audit_with_token(lambda t: {"aud": [aud(t), f"sunledger:{t.neighbour}"]}),
           refused_with(401)),
    Attack('POST /questions {"about": {"kind": [], "ref": 1}, "text": "hi"}', "4xx",
           question({"about": {"kind": [], "ref": 1}, "text": "hi"}), refused_with()),
    Attack('POST /questions with "ref": "1" (a string)', "4xx",
           question({"about": {"kind": "entry", "ref": "1"}, "text": "hi"}), refused_with()),
    Attack('POST /questions with "text": 5 and "about" a list', "4xx",
           question({"about": ["entry", 1], "text": 5}), refused_with()),
    Attack("key.registered with roles as a dict (admin-signed)", "4xx",
           signed_by("admin", lambda s: forge(s, "key.registered", {
               "key": SigningKey.generate("x").public.b64, "roles": {"agent": True},
               "label": "x"})), refused_with()),
    Attack("policy.set with approvers as a number (committee-signed)", "4xx",
           signed_by("committee", lambda s: forge(s, "policy.set", {
               "approval_threshold": 500_000, "major_threshold": 5_000_000,
               "notice_days_min": 10, "approvers": 5})),
           refused_with()),
    Attack("account.opened with class as a list", "4xx",
           signed_by("agent", lambda s: forge(s, "account.opened", {
               "code": "5009", "name_zh": "杂项", "name_en": "Misc", "class": ["expense"]})),
           refused_with()),
    Attack("entry.posted with counterparty kind as a list", "4xx",
           signed_by("agent", posted_with(lambda b: b["counterparty"].update(
               kind=["organisation"]))), refused_with()),
    Attack("entry.posted with a posting side as a list", "4xx",
           signed_by("agent", posted_with(lambda b: b["postings"][0].update(side=["debit"]))),
           refused_with()),
    Attack("fund.budgeted with year true (a bool for an int)", "4xx",
           signed_by("committee", lambda s: forge(s, "fund.budgeted", {
               "fund": "activity", "year": True, "amount": 100})), refused_with()),
    Attack("entry.confirmed with entry true (a bool for a seq)", "4xx",
           signed_by("cashier", lambda s: forge(s, "entry.confirmed", {
               "entry": True, "date": "2026-07-01"})), refused_with()),
    Attack("audit request for a made-up 16 KB slug", "4xx (404 or 422)", audit_made_up(16_000),
           refused_with(problem=False)),
    Attack("audit request for a made-up 60 KB slug", "4xx", audit_made_up(60_000),
           refused_with(problem=False)),
    Attack('validly signed token with "iat": "123"', "401",
           audit_with_token(lambda t: {"aud": aud(t), "iat": "123"}), refused_with(401)),
    Attack("validly signed token with exp as a string", "401",
           audit_with_token(lambda t: {"aud": aud(t), "exp": str(int(time.time()) + 300)}),
           refused_with(401)),
    Attack("validly signed token with aud as a number", "401",
           audit_with_token(lambda t: {"aud": 12345}), refused_with(401)),
    Attack("validly signed token without sub", "401",
           audit_with_token(lambda t: {"aud": aud(t)}, drop="sub"), refused_with(401)),
    Attack(f"{QUESTIONS} anonymous questions, then the questions list", "200, a bounded page",
           questions_list({}), lambda a: a.status == 200 and 0 <= a.page_items < QUESTIONS,
           refusal=False),
    Attack("questions list with limit=100000", "a bounded page, or 422",
           questions_list({"limit": 100_000}), a_bounded_page, refusal=False),
]
