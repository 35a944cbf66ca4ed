"""The server's log keys: one signed-note key per ledger, named by its origin.

The seed is a secret of the server (it signs checkpoints), so it lives in a
file only its owner can read, never in the database the log is stored in.
"""

from __future__ import annotations

from pathlib import Path

from ledger.errors import FormatError, LedgerError
from ledger.format.keys import SigningKey, write_secret_file
from ledger.format.notes import Signer
from ledger.settings import Settings



def log_key_path(settings: Settings, slug: str) -> Path:
    return settings.log_key_dir / f"{slug}.skey"


def new_log_key(settings: Settings, slug: str, origin: str) -> Signer:
    """Make and save a log key for ``slug``; refuse to replace an existing one."""
    signer = Signer.from_seed(origin, SigningKey.generate().seed)
    path = log_key_path(settings, slug)
    try:
        write_secret_file(path, signer.skey + "\n")
    except FileExistsError:
        raise LedgerError(f"a log key for {slug} already exists at {path}") from None
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
