"""The server's log keys: one signed-note key per ledger, named by its origin.

The seed is a secret of the server (it signs checkpoints), so it lives in a
file only its owner can read, never in the database the log is stored in.
"""

from __future__ import annotations

import os
from pathlib import Path

from ledger.errors import FormatError, LedgerError
from ledger.keys import SigningKey
from ledger.notes import Signer
from ledger.settings import Settings

FILE_MODE = 0o600


def log_key_path(settings: Settings, slug: str) -> Path:
    return settings.log_key_dir / f"{slug}.skey"


def new_log_key(settings: Settings, slug: str, origin: str) -> Signer:
    """Make and save a log key for ``slug``; refuse to replace an existing one."""
    signer = Signer.from_seed(origin, SigningKey.generate().seed)
    path = log_key_path(settings, slug)
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, FILE_MODE)
    except FileExistsError:
        raise LedgerError(f"a log key for {slug} already exists at {path}") from None
    with os.fdopen(fd, "w", encoding="ascii") as handle:
        handle.write(signer.skey + "\n")
    return signer


def load_log_key(settings: Settings, slug: str) -> Signer:
    path = log_key_path(settings, slug)
    try:
        return Signer.parse(path.read_text(encoding="ascii").strip())
    except FileNotFoundError:
        raise LedgerError(f"no log key for ledger {slug} at {path}; this server cannot sign "
                          "its checkpoints") from None
    except (UnicodeError, FormatError) as exc:
        raise LedgerError(f"{path} is not a log key: {exc}") from None
