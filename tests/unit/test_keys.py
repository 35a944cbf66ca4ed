"""Actor keys (FORMAT.md 2): key ids, base64 encodings, signatures, key files."""

from __future__ import annotations

import os
import stat

import pytest

from ledger.errors import FormatError
from ledger.format.keys import PublicKey, SigningKey, b64decode, b64encode, key_id_of, load_key, save_key
from tests.vectors import load_json

XINZHU = load_json("ledger-xinzhu.json")
ROLES = ("admin", "agent", "committee", "log")


@pytest.mark.parametrize("role", ROLES)
def test_vector_seeds_give_the_published_public_keys_and_key_ids(role):
    key = SigningKey(bytes.fromhex(XINZHU["key_seeds_hex"][role]))
    assert key.public.b64 == XINZHU["public_keys_b64"][role]
    assert key.key_id == XINZHU["key_ids"][role]


@pytest.mark.parametrize("role", ROLES)
def test_key_id_is_the_first_16_bytes_of_sha256_of_the_raw_public_key(role):
    public = PublicKey.from_b64(XINZHU["public_keys_b64"][role])
    assert public.key_id == XINZHU["key_ids"][role]
    assert key_id_of(public.raw) == public.key_id
    assert len(public.key_id) == 32 and public.key_id == public.key_id.lower()


def test_a_signature_verifies_under_its_key_only_and_only_for_its_message():
    alice, bob = SigningKey(b"\x01" * 32), SigningKey(b"\x02" * 32)
    signature = alice.sign(b"message")
    assert alice.public.verify(signature, b"message")
    assert not alice.public.verify(signature, b"messagE")
    assert not bob.public.verify(signature, b"message")
    flipped = bytes([signature[0] ^ 1]) + signature[1:]
    assert not alice.public.verify(flipped, b"message")


def test_b64_round_trips_and_checks_the_length():
    raw = bytes(range(32))
    assert b64decode(b64encode(raw), length=32) == raw
    with pytest.raises(FormatError, match="sig must be 64 bytes, got 32"):
        b64decode(b64encode(raw), what="sig", length=64)


@pytest.mark.parametrize("text", ["AA", "AA=", "A A=", "AA==\n", "_-8=", "中文==", "AA==AA=="])
def test_b64_refuses_anything_but_standard_padded_base64(text):
    with pytest.raises(FormatError, match="not standard base64"):
        b64decode(text, what="sig")


def test_b64_refuses_non_canonical_encodings_whose_padding_bits_are_set():
    # "AB==" decodes to the same byte as "AA==": two spellings of one value would give
    # one signature several leaf encodings.
    assert b64decode("AA==") == b"\x00"
    with pytest.raises(FormatError, match="not standard base64"):
        b64decode("AB==")


def test_b64_of_a_non_string_is_a_format_error():
    with pytest.raises(FormatError):
        b64decode(None)  # type: ignore[arg-type]


def test_public_key_must_be_32_bytes_of_base64():
    with pytest.raises(FormatError, match="public key must be 32 bytes"):
        PublicKey.from_b64(b64encode(b"\x01" * 31))


def test_signing_key_repr_never_shows_the_seed():
    key = SigningKey(bytes.fromhex(XINZHU["key_seeds_hex"]["admin"]), "admin")
    assert XINZHU["key_seeds_hex"]["admin"] not in repr(key)
    assert b64encode(key.seed) not in repr(key)
    assert key.key_id in repr(key)


def test_key_file_round_trips_and_is_readable_by_its_owner_only(tmp_path):
    key = SigningKey.generate("cashier 出纳")
    path = tmp_path / "keys" / "cashier.json"
    save_key(key, path)
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    loaded = load_key(path)
    assert loaded.seed == key.seed and loaded.label == "cashier 出纳"


def test_saving_never_overwrites_an_existing_key_file(tmp_path):
    path = tmp_path / "agent.json"
    first = SigningKey.generate()
    save_key(first, path)
    with pytest.raises(FileExistsError):
        save_key(SigningKey.generate(), path)
    assert load_key(path).seed == first.seed


def test_loading_a_missing_or_foreign_key_file_is_a_format_error(tmp_path):
    with pytest.raises(FormatError, match="does not exist"):
        load_key(tmp_path / "nope.json")
    other = tmp_path / "other.json"
    other.write_text('{"hello": "world"}', encoding="utf-8")
    with pytest.raises(FormatError, match="not a Sunledger key file"):
        load_key(other)


def test_a_key_file_whose_public_key_does_not_match_its_seed_is_refused(tmp_path):
    path = tmp_path / "k.json"
    save_key(SigningKey.generate(), path)
    text = path.read_text(encoding="utf-8")
    forged = text.replace(load_key(path).public.b64, SigningKey.generate().public.b64)
    path.write_text(forged, encoding="utf-8")
    with pytest.raises(FormatError, match="does not match its seed"):
        load_key(path)


def test_a_log_key_is_kept_owner_only_and_never_replaced(tmp_path):
    from ledger.errors import LedgerError
    from ledger.keystore.log_keys import load_log_key, log_key_path, new_log_key
    from ledger.settings import Settings

    settings = Settings(database_url="sqlite://", data_dir=tmp_path)
    signer = new_log_key(settings, "xinzhu", "sunledger.example/xinzhu")
    path = log_key_path(settings, "xinzhu")
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    kept = path.read_bytes()
    with pytest.raises(LedgerError, match="already exists"):
        new_log_key(settings, "xinzhu", "sunledger.example/xinzhu")
    assert path.read_bytes() == kept
    assert load_log_key(settings, "xinzhu").skey == signer.skey
