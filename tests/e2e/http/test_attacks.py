"""The attack suite of "Close the trust holes" under pytest, on a real `sunledger
serve` process over SQLite and PostgreSQL: every attack is refused as expected (a
4xx problem, or the command line's exit 1 with one line), nothing answers 5xx, and
the logs, the ledger list, the public views and the key files stay exactly as they
were. ``python -m tests.attacks`` prints the same table.

The controls beside it show that the refusals are not blanket ones: a memo with a
line feed is accepted, a listed witness is accepted, and valid statements sent
alongside a malformed one are stored.
"""

from __future__ import annotations

import concurrent.futures

import pytest

from tests.attacks import ATTACKS
from tests.builders.attack_holes import grant, memo_with, post, throwaway_cosignatures
from tests.builders.attack_target import a_served_target, serving, settings_in
from tests.builders.attacks import Answer, run_attack, snapshot
from ledger.format.keys import SigningKey
from ledger.format.notes import cosign, split_note
from ledger.witness.cosigner import new_witness_signer

CONTROL_CHARACTERS = ["\x00", "\x1b[31m", "\x07", "\u202e", "\x85", "\u2066", "\ufffe"]


@pytest.fixture(scope="module", params=["sqlite", pytest.param("postgres",
                                                               marks=pytest.mark.postgres)])
def target(request, tmp_path_factory):
    url = request.getfixturevalue("postgres_url") if request.param == "postgres" else None
    settings = settings_in(tmp_path_factory.mktemp(f"attacks-{request.param}"), url)
    with a_served_target(settings) as served:
        yield served


@pytest.mark.parametrize("attack", ATTACKS, ids=[attack.id for attack in ATTACKS])
def test_the_attack_is_refused_and_changes_nothing(target, attack):
    if attack.backend not in ("any", target.backend):
        pytest.fail(f"{attack.name} runs on {attack.backend} only")  # never a silent skip
    row = run_attack(target, attack)
    assert not row.five_xx, row.answer.text
    assert not row.wrongly_accepted, row.answer.text
    assert not row.log_changed, row.changes
    assert attack.ok(row.answer), (attack.expected, row.answer.describe(), row.answer.text)


def test_every_control_character_is_refused_with_one_stable_code(target):
    codes = {memo_with(char)(target).problem_code for char in CONTROL_CHARACTERS}
    assert len(codes) == 1 and "" not in codes, codes


def test_a_memo_with_a_line_feed_is_still_accepted(target):
    answer = post(target, grant(target.agent, memo="第一行\n第二行 second line"))
    assert answer.status == 201, answer.text


def test_valid_statements_sent_alongside_a_malformed_one_are_stored(target):
    """A statement whose field has the wrong JSON type is refused alone: the valid
    ones in the same group commit are stored."""
    bad = target.admin.sign("key.registered", {"key": SigningKey.generate("x").public.b64,
                                               "roles": {"agent": True}, "label": "x"})
    goods = [grant(target.agent, memo=f"并发 concurrent {i}") for i in range(12)]
    with concurrent.futures.ThreadPoolExecutor(13) as pool:
        answers = list(pool.map(lambda s: post(target, s), [*goods[:6], bad, *goods[6:]]))
    refused = answers.pop(6)
    assert 400 <= refused.status < 500, refused.text
    assert [a.status for a in answers] == [201] * 12, [a.text for a in answers if a.status != 201]


def test_a_listed_witness_is_accepted_and_a_throwaway_one_is_not(target):
    listed = new_witness_signer("witness.example/listed")
    witnesses = target.settings.data_dir / "witnesses"
    witnesses.write_text(listed.verifier().vkey + "\n", encoding="utf-8")
    try:
        with serving(target.settings, SUNLEDGER_CHECKPOINT_EVERY_SECONDS="1") as url:
            listed_target = type(target)(**{**target.__dict__, "url": url})
            assert 400 <= throwaway_cosignatures(listed_target).status < 500
            with listed_target.client() as client:
                note = client.get(f"{target.base}/checkpoint")
                assert note.status_code == 200, note.text
                body = split_note(note.text)[0]
                line = str(cosign(body, listed, 1_800_000_000)).rstrip("\n")
                answer = client.post(f"{target.base}/checkpoint/cosignatures", json={
                    "size": int(body.splitlines()[1]), "cosignature": line})
            assert answer.status_code == 200, answer.text
            assert line in answer.text
    finally:
        witnesses.unlink()
