"""Where a person's ledger keys live on their own machine, and how to find them.

Keys are kept as ``DATA_DIR/keys/LEDGER/LABEL.key`` (mode 0600, written by
``ledger.format.keys.save_key``) beside ``LABEL.pub``, the public half to hand to the
ledger's admin. Commands accept either a path or such a label, so
``--key agent`` finds ``DATA_DIR/keys/xinzhu/agent.key``.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

from ledger.errors import FormatError, LedgerError
from ledger.format.keys import KEY_FILE_BYTES_MAX, PublicKey, SigningKey, load_key, save_key
from ledger.keystore.log_keys import load_log_key, log_key_path, new_log_key
from ledger.format.notes import Signer as NoteSigner
from ledger.settings import Settings

LABEL_RE = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,63}")


def check_label(label: str) -> str:
    """A label names a file, so it is kept to a safe alphabet."""
    if not LABEL_RE.fullmatch(label or ""):
        raise FormatError(f"key label {label!r} must be 1-64 letters, digits, '_', '.', '-' "
                          "(it becomes a file name)")
    return label


def key_dir(settings: Settings, ledger: str | None) -> Path:
    base = settings.data_dir / "keys"
    return base / ledger if ledger else base


def key_path(settings: Settings, ledger: str | None, label: str) -> Path:
    return key_dir(settings, ledger) / f"{check_label(label)}.key"


def public_path(private_path: Path) -> Path:
    return private_path.with_suffix(".pub")


def create_key(path: Path, label: str) -> SigningKey:
    """Make a new key at ``path`` (and its ``.pub``); never replace an existing one."""
    key = SigningKey.generate(label)
    try:
        save_key(key, path)
    except FileExistsError:
        raise LedgerError(f"key file {path} already exists; it is never overwritten") from None
    public_path(path).write_text(key.public.b64 + "\n", encoding="ascii")
    return key


def load_or_create(path: Path, label: str) -> tuple[SigningKey, bool]:
    """The key at ``path``, made first if missing; ``True`` when it was made now."""
    if path.exists():
        return load_key(path), False
    return create_key(path, label), True


def find_key_file(settings: Settings, ledger: str | None, given: str) -> Path:
    """``given`` is a key file path, or a label under ``DATA_DIR/keys/LEDGER/``."""
    path = Path(given).expanduser()
    if path.is_file():
        return path
    if LABEL_RE.fullmatch(given):
        for candidate in (key_path(settings, ledger, given), key_path(settings, None, given)):
            if candidate.is_file():
                return candidate
    raise FormatError(f"no key file {given!r}: give a path, or a label kept under "
                      f"{key_dir(settings, ledger)}")


def load_signing_key(settings: Settings, ledger: str | None, given: str) -> SigningKey:
    return load_key(find_key_file(settings, ledger, given))


def read_public_key(settings: Settings, ledger: str | None,
                    given: str) -> tuple[PublicKey, str]:
    """A public key from a key file, a ``.pub`` file, a label, or base64 itself.

    Returns the key and the label the file carries ("" when there is none).
    """
    try:
        path = find_key_file(settings, ledger, given)
    except FormatError:
        path = None
    if path is None:
        return PublicKey.from_b64(given.strip()), ""
    with path.open("rb") as handle:
        raw = handle.read(KEY_FILE_BYTES_MAX + 1)
    if len(raw) > KEY_FILE_BYTES_MAX:
        raise FormatError(f"{path} is larger than a key file can be; refused")
    text = raw.decode("utf-8").strip()
    if text.startswith("{"):
        try:
            document = json.loads(text)
            return PublicKey.from_b64(document["public"]), str(document.get("label", ""))
        except (ValueError, KeyError, TypeError):
            raise FormatError(f"{path} is not a Sunledger key file") from None
    return PublicKey.from_b64(text), path.stem


def load_or_create_log_key(settings: Settings, slug: str, origin: str) -> NoteSigner:
    """The server's log key for ``slug``: reused when one for ``origin`` is already
    kept (a ledger set up again in another database), made otherwise."""
    if log_key_path(settings, slug).exists():
        signer = load_log_key(settings, slug)
        if signer.name != origin:
            raise LedgerError(f"the log key kept at {log_key_path(settings, slug)} is for origin "
                              f"{signer.name!r}, not {origin!r}; use that origin or move it away")
        return signer
    return new_log_key(settings, slug, origin)
