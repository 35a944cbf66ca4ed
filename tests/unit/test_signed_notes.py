"""ledger.format.notes and ledger.format.checkpoints against the C2SP vectors and the xinzhu log."""

from __future__ import annotations

import base64

import pytest

from ledger.format.checkpoints import Checkpoint, sign_checkpoint, verify_checkpoint
from ledger.errors import CheckpointError, FormatError, SignatureError
from ledger.format.notes import (
    COSIGNATURE_V1,
    ED25519,
    SignatureLine,
    Signer,
    Verifier,
    add_signatures,
    cosign,
    cosignature_message,
    key_hash,
    open_note,
    sign_note,
    split_note,
    verify_cosignature,
)
from tests.vectors import load_json, load_text

NOTE = load_json("signed-note.json")
XINZHU = load_json("ledger-xinzhu.json")
XINZHU_NOTE = load_text("ledger-xinzhu.checkpoint")
ORIGIN = "sunledger.example/xinzhu"


def log_signer() -> Signer:
    return Signer.from_seed(ORIGIN, bytes.fromhex(XINZHU["key_seeds_hex"]["log"]))


def witness(name: str = "witness.example/w1", byte: int = 7) -> Signer:
    return Signer.from_seed(name, bytes([byte]) * 32, COSIGNATURE_V1)


def flip_text_byte(note: str, at: int) -> str:
    return note[:at] + chr(ord(note[at]) ^ 1) + note[at + 1 :]


# --- signed-note vector -------------------------------------------------------


def test_signed_note_vector_byte_for_byte():
    signer = Signer.parse(NOTE["skey"])
    assert signer.skey == NOTE["skey"]
    assert signer.verifier().vkey == NOTE["vkey"]
    assert sign_note(NOTE["text"], signer) == NOTE["note"]
    assert "seed" not in repr(signer) and NOTE["skey"][-20:] not in repr(signer)


def test_signed_note_vector_verifies():
    text, names = open_note(NOTE["note"], [NOTE["vkey"]])
    assert (text, names) == (NOTE["text"], ["PeterNeumann"])
    assert open_note(NOTE["note"].encode(), [Verifier.parse(NOTE["vkey"])])[0] == NOTE["text"]


@pytest.mark.parametrize("at", [0, 10, len(NOTE["text"]) - 2])
def test_signed_note_one_changed_byte_fails(at):
    with pytest.raises(SignatureError):
        open_note(flip_text_byte(NOTE["note"], at), [NOTE["vkey"]])


def test_signed_note_changed_signature_fails():
    text, [line] = split_note(NOTE["note"])
    bad = SignatureLine(line.name, line.key_hash, line.sig[:-1] + bytes([line.sig[-1] ^ 1]))
    with pytest.raises(SignatureError):
        open_note(text + "\n" + str(bad), [NOTE["vkey"]])


def test_vkey_parsing_is_strict():
    v = Verifier.parse(NOTE["vkey"])
    assert (v.name, v.alg, v.key_hash.hex()) == ("PeterNeumann", ED25519, "c74f20a3")
    name, hash8, b64 = NOTE["vkey"].split("+", 2)
    for bad in (f"{name}+00000000+{b64}",  # hash does not match the key
                f"{name}+{hash8.upper()}+{b64}", f"{name}+{hash8}", f"+{hash8}+{b64}",
                f"{name}+{hash8}+{b64[:-1]}", f"{name} x+{hash8}+{b64}",
                f"{name}+{hash8}+" + base64.b64encode(b"\x09" + bytes(32)).decode()):
        with pytest.raises(FormatError):
            Verifier.parse(bad)
    with pytest.raises(FormatError):
        Signer.parse(NOTE["skey"].replace("PRIVATE+KEY", "PRIVATE+KEX"))
    with pytest.raises(FormatError):
        Signer.parse(NOTE["skey"].replace("c74f20a3", "c74f20a4"))


# --- open_note rules -------------------------------------------------------------


def test_unknown_key_signatures_are_ignored():
    other = Signer.from_seed("PeterNeumann", bytes(32))  # same name, other key hash
    stranger = Signer.from_seed("stranger.example", bytes([1]) * 32)
    note = sign_note(NOTE["text"], other, Signer.parse(NOTE["skey"]), stranger)
    assert open_note(note, [NOTE["vkey"]]) == (NOTE["text"], ["PeterNeumann"])
    # A forged line under an unknown key does not matter either.
    junk = SignatureLine("junk.example", b"\0\0\0\0", bytes(64))
    assert open_note(add_signatures(note, [junk]), [NOTE["vkey"]])[1] == ["PeterNeumann"]


def test_no_known_signature_is_rejected():
    stranger = Signer.from_seed("stranger.example", bytes([1]) * 32)
    with pytest.raises(SignatureError):
        open_note(sign_note(NOTE["text"], stranger), [NOTE["vkey"]])
    with pytest.raises(SignatureError):
        open_note(NOTE["note"], [])


def test_known_key_with_bad_signature_rejects_the_note():
    good = Signer.parse(NOTE["skey"])
    text, [line] = split_note(sign_note(NOTE["text"], good))
    bad = SignatureLine(line.name, line.key_hash, bytes(64))
    note = add_signatures(NOTE["note"], [bad])  # one good and one bad line by the same key
    with pytest.raises(SignatureError):
        open_note(note, [NOTE["vkey"]])


@pytest.mark.parametrize("note", [
    "no newline",
    "text\n",  # no signatures
    "text\n\n",  # blank line but no signature lines
    "text\n\n- PeterNeumann AAAA\n",  # hyphen, not em dash
    "text\n\n\u2014 PeterNeumann !!!!\n",  # not base64
    "text\n\n\u2014 PeterNeumann AAAA\n",  # shorter than key hash + 1
    "te\x01xt\n\n\u2014 a AAAAAAA=\n",  # control character
    "text\n\n\u2014 a b AAAAAAA=\n",  # space in name
])
def test_malformed_notes(note):
    with pytest.raises(FormatError):
        open_note(note, [NOTE["vkey"]])


def test_text_may_hold_blank_lines():
    signer = Signer.parse(NOTE["skey"])
    text = "para one\n\npara two\n"
    assert open_note(sign_note(text, signer), [NOTE["vkey"]])[0] == text
    with pytest.raises(FormatError):
        sign_note("no final newline", signer)


# --- checkpoints ----------------------------------------------------------------


def test_log_vkey_from_seed():
    v = log_signer().verifier()
    assert v.vkey == XINZHU["log_vkey"]
    assert base64.b64encode(v.public_key).decode() == XINZHU["public_keys_b64"]["log"]
    assert v.key_hash == key_hash(ORIGIN, ED25519, v.public_key)


def test_xinzhu_checkpoint_verifies():
    cp = verify_checkpoint(XINZHU_NOTE, XINZHU["log_vkey"])
    assert cp == Checkpoint(ORIGIN, XINZHU["size"], bytes.fromhex(XINZHU["root_hex"]))
    assert XINZHU_NOTE.startswith(cp.body() + "\n\u2014 ")


def test_xinzhu_checkpoint_resigned_identically():
    cp = Checkpoint.parse(split_note(XINZHU_NOTE)[0])
    assert sign_checkpoint(cp, log_signer()) == XINZHU_NOTE


def test_checkpoint_by_wrong_key_is_rejected():
    cp = verify_checkpoint(XINZHU_NOTE, XINZHU["log_vkey"])
    impostor = Signer.from_seed(ORIGIN, bytes.fromhex(XINZHU["key_seeds_hex"]["admin"]))
    with pytest.raises(SignatureError):  # same name, other key hash: ignored, so nothing verifies
        verify_checkpoint(sign_checkpoint(cp, impostor), XINZHU["log_vkey"])
    forged = SignatureLine(ORIGIN, log_signer().verifier().key_hash, impostor.sign(cp.body().encode()))
    with pytest.raises(SignatureError):  # claims the log key hash, fails to verify
        verify_checkpoint(cp.body() + "\n" + str(forged), XINZHU["log_vkey"])
    with pytest.raises(SignatureError):
        verify_checkpoint(flip_text_byte(XINZHU_NOTE, len(ORIGIN) + 1), XINZHU["log_vkey"])


def test_checkpoint_origin_must_be_the_log_name():
    cp = Checkpoint("sunledger.example/other", 4, bytes(32))
    with pytest.raises(CheckpointError):
        sign_checkpoint(cp, log_signer())
    other = Signer.from_seed("sunledger.example/other", bytes(32))
    note = sign_note(Checkpoint("sunledger.example/xinzhu", 4, bytes(32)).body(), other)
    with pytest.raises(CheckpointError):
        verify_checkpoint(note, other.verifier())


@pytest.mark.parametrize("body", [
    "o\n4\n",  # no root line
    "o\n04\n" + base64.b64encode(bytes(32)).decode() + "\n",  # leading zero
    "o\n-4\n" + base64.b64encode(bytes(32)).decode() + "\n",
    "o\n\u0664\n" + base64.b64encode(bytes(32)).decode() + "\n",  # Arabic-Indic digit four
    "o\n4\n" + base64.b64encode(bytes(31)).decode() + "\n",  # 31-byte root
    "o\n4\n" + base64.b64encode(bytes(32)).decode(),  # no final newline
    "\n4\n" + base64.b64encode(bytes(32)).decode() + "\n",  # empty origin
    "o\n4\n" + base64.b64encode(bytes(32)).decode() + "\n\n",  # empty extension line
    "o\n4\n" + base64.b64encode(bytes(32)).decode()[:-1] + "\n",
])
def test_checkpoint_parse_is_strict(body):
    with pytest.raises(CheckpointError):
        Checkpoint.parse(body)


def test_checkpoint_extensions_round_trip():
    cp = Checkpoint(ORIGIN, 0, bytes(32), ("ext one", "ext two"))
    assert Checkpoint.parse(cp.body()) == cp
    assert cp.body().count("\n") == 5
    assert verify_checkpoint(sign_checkpoint(cp, log_signer()), XINZHU["log_vkey"]) == cp


# --- cosignatures -----------------------------------------------------------------


def test_cosignature_round_trip():
    w = witness()
    wv = w.verifier()
    assert wv.alg == COSIGNATURE_V1 and Verifier.parse(wv.vkey) == wv
    assert wv.vkey.split("+")[2].startswith("B")  # base64 of 0x04 || key
    body = split_note(XINZHU_NOTE)[0]
    line = cosign(body, w, 1_763_800_000)
    raw = base64.b64decode(str(line).split(" ")[2])
    assert len(raw) == 4 + 8 + 64 and raw[4:12] == (1_763_800_000).to_bytes(8, "big")
    assert verify_cosignature(body, str(line), wv.vkey) == 1_763_800_000
    cosigned = add_signatures(XINZHU_NOTE, [line, cosign(body, witness("w2.example", 9), 5)])
    assert verify_checkpoint(cosigned, XINZHU["log_vkey"]).size == 4  # witnesses unknown: ignored
    assert open_note(cosigned, [XINZHU["log_vkey"], wv])[1] == [ORIGIN, "witness.example/w1"]
    assert open_note(cosigned, [wv])[1] == ["witness.example/w1"]


def test_cosignature_tamper_is_rejected():
    w = witness()
    wv = w.verifier()
    body = split_note(XINZHU_NOTE)[0]
    line = cosign(body, w, 1_763_800_000)
    other_time = SignatureLine(line.name, line.key_hash, (1_763_800_001).to_bytes(8, "big") + line.sig[8:])
    bad_sig = SignatureLine(line.name, line.key_hash, line.sig[:-1] + bytes([line.sig[-1] ^ 0x80]))
    for bad in (other_time, bad_sig):
        with pytest.raises(SignatureError):
            verify_cosignature(body, bad, wv)
        with pytest.raises(SignatureError):
            open_note(add_signatures(XINZHU_NOTE, [bad]), [XINZHU["log_vkey"], wv])
    other_body = Checkpoint(ORIGIN, 5, bytes(32)).body()
    with pytest.raises(SignatureError):
        verify_cosignature(other_body, line, wv)
    with pytest.raises(SignatureError):  # someone else's cosignature
        verify_cosignature(body, cosign(body, witness("w2.example", 9), 5), wv)


def test_cosignature_is_not_a_plain_signature():
    """Type 0x04 and 0x01 keys over the same seed have different key hashes and messages."""
    seed = bytes([7]) * 32
    plain = Signer.from_seed("witness.example/w1", seed)
    assert plain.verifier().key_hash != witness().verifier().key_hash
    body = split_note(XINZHU_NOTE)[0]
    line = cosign(body, witness(), 1)
    as_plain = SignatureLine(line.name, plain.verifier().key_hash, line.sig[8:])
    with pytest.raises(SignatureError):
        open_note(body + "\n" + str(as_plain), [plain.verifier()])
    with pytest.raises(FormatError):
        cosign(body, plain, 1)
    with pytest.raises(FormatError):
        sign_note(body, witness())
    with pytest.raises(FormatError):
        cosign(body, witness(), -1)


def test_cosignature_checks_name_and_timestamp_range():
    w = witness()
    body = split_note(XINZHU_NOTE)[0]
    line = cosign(body, w, 1_763_800_000)
    renamed = SignatureLine("impostor.example", line.key_hash, line.sig)  # the name is not signed
    with pytest.raises(SignatureError):
        verify_cosignature(body, renamed, w.verifier())
    too_late = 1 << 63  # C2SP: the timestamp MUST NOT exceed 2^63 - 1
    sig = w.sign(cosignature_message(body, too_late))
    late = SignatureLine(line.name, line.key_hash, too_late.to_bytes(8, "big") + sig)
    with pytest.raises(SignatureError):
        verify_cosignature(body, late, w.verifier())


def test_non_canonical_base64_is_rejected():
    # The last base64 digit carries two unused bits; setting one keeps the
    # decoded bytes but gives the same signature a second spelling.
    assert NOTE["note"].endswith("M=\n")
    respelled = NOTE["note"][:-3] + "N=\n"
    assert base64.b64decode(respelled.split(" ")[-1]) == base64.b64decode(NOTE["note"].split(" ")[-1])
    with pytest.raises(FormatError):
        open_note(respelled, [NOTE["vkey"]])
