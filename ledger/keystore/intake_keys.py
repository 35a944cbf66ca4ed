"""The server's question-intake key per ledger (质询): it signs ``question.asked``
for residents who ask through the public API without signing in.

Kept like the log key: a key file only its owner can read,
``DATA_DIR/intake-keys/LEDGER.key`` (mode 0600, with its ``.pub``), made on
first use by whichever comes first (the API's first question, or
``sunledger intake-key LEDGER``). The server holds no admin key, so the
ledger's admin registers it with the role ``intake`` (``sunledger intake-key
LEDGER`` signs that ``key.registered`` with the admin key); until then the API
refuses questions for that ledger with 503 ``intake-not-registered``.

Contact details never reach the log or the read tables: the API puts only
``contact_hash`` on the log, an HMAC-SHA256 of the normalised contact keyed by
a secret derived from the intake key's seed, so nobody without the server's
key can test a phone number against it, while the server can later tell
whether a resident's "that was my question" matches.
"""

from __future__ import annotations

import hashlib
import hmac
from pathlib import Path

from ledger.keystore import keyring
from ledger.errors import LedgerError
from ledger.format.keys import SigningKey
from ledger.settings import Settings
from ledger.domain.state import LedgerState

LABEL = "intake"
REGISTERED_LABEL = "intake: server question intake 质询受理"
CONTACT_HASH_CONTEXT = b"sunledger question contact v1\x00"


class IntakeNotRegistered(LedgerError):
    """The ledger's admin has not registered this server's intake key yet."""

    code = "intake-not-registered"
    status = 503


def intake_key_path(settings: Settings, slug: str) -> Path:
    return settings.data_dir / "intake-keys" / f"{slug}.key"


def load_or_create_intake_key(settings: Settings, slug: str) -> tuple[SigningKey, bool]:
    """The server's intake key for ``slug``; ``True`` when it was made now."""
    path = intake_key_path(settings, slug)
    path.parent.mkdir(parents=True, exist_ok=True)
    return keyring.load_or_create(path, LABEL)


def is_registered(state: LedgerState, key: SigningKey) -> bool:
    record = state.keys.get(key.key_id)
    return record is not None and record.active() and "intake" in record.roles


def require_registered(state: LedgerState, key: SigningKey) -> None:
    if not is_registered(state, key):
        raise IntakeNotRegistered(
            f"ledger {state.slug} does not take questions yet: its admin registers this "
            f"server's intake key {key.key_id} with `sunledger intake-key {state.slug}`",
            ledger=state.slug, key_id=key.key_id)


def contact_hash(key: SigningKey, ledger: str, contact: str) -> str:
    """The keyed hash of a contact (spacing and case ignored) for ``contact_hash``."""
    secret = hashlib.sha256(CONTACT_HASH_CONTEXT + key.seed).digest()
    normal = " ".join(contact.split()).lower()
    return hmac.new(secret, f"{ledger}\x00{normal}".encode("utf-8"), hashlib.sha256).hexdigest()
