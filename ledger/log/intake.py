"""Residents' questions taken in by the server (质询): the one way a question that
nobody signed reaches the log, whether it came from the API or the web form.

``ask`` checks the question, loads the server's intake key for the ledger
(``ledger.keystore.intake_keys``: made on first use, and it must be registered
by the ledger's admin, else ``intake-not-registered``), puts only the keyed
hash of a contact in the statement, signs ``question.asked`` and appends it
through the appender. A refused question leaves nothing on the log; the
contact itself is never stored anywhere.
"""

from __future__ import annotations

import asyncio
import base64
import secrets
from typing import Any

from ledger.client import Signer
from ledger.domain import confidential, fields, policy
from ledger.domain.questions import receipt_hash
from ledger.format.keys import SigningKey
from ledger.format.statements import SignedStatement
from ledger.keystore import intake_keys
from ledger.log.appender import Appender
from ledger.log import sealed_reports
from ledger.log.application import Receipt

contact_bytes_max = 200


def new_receipt_code() -> str:
    """A code the asker keeps to rate the answer later: 80 random bits in groups of
    four base32 letters (no account, nothing that names the asker)."""
    letters = base64.b32encode(secrets.token_bytes(10)).decode("ascii")
    return "-".join(letters[i:i + 4] for i in range(0, 16, 4))


def question_body(about: Any, text: Any, contact: Any = None) -> tuple[dict[str, Any], str]:
    """The statement body a question becomes (without the contact hash), and the
    contact ("" if none), checked. ``about`` is checked by the ledger's rules."""
    given = {"about": about, "text": text, "contact": contact}
    # fields.text holds the one text rule (no control or bidi characters: unsafe-text).
    fields.text(given, "text", bytes_max=policy.question_text_bytes_max)
    contact_text = fields.text(given, "contact", bytes_max=contact_bytes_max, required=False)
    return {"about": about, "text": text}, contact_text


class QuestionIntake:
    """Signs residents' questions with each ledger's intake key and appends them."""

    def __init__(self, appender: Appender) -> None:
        self.appender = appender
        self.app = appender.app

    def ask(self, slug: str, about: Any, text: Any, contact: Any = None,
            receipt_code: str = "") -> Receipt:
        """Put a resident's question on ``slug``'s log; its Receipt, or the refusal.
        With a ``receipt_code`` (``new_receipt_code``), the asker may rate the answer."""
        return self.appender.append_and_wait(
            self.signed_question(slug, about, text, contact, receipt_code))

    async def ask_async(self, slug: str, about: Any, text: Any, contact: Any = None,
                        receipt_code: str = "") -> Receipt:
        """As ``ask``, for an event loop (key files and state are read on a thread)."""
        signed = await asyncio.to_thread(self.signed_question, slug, about, text, contact,
                                         receipt_code)
        return await self.appender.append_async(signed)

    def signed_question(self, slug: str, about: Any, text: Any, contact: Any = None,
                        receipt_code: str = "") -> SignedStatement:
        body, contact_text = question_body(about, text, contact)
        key = self.registered_key(slug)
        if contact_text:
            body["contact_hash"] = intake_keys.contact_hash(key, slug, contact_text)
        if receipt_code:
            body["receipt_sha256"] = receipt_hash(receipt_code)
        return Signer(key, slug).sign("question.asked", body)

    async def rate_async(self, slug: str, question: Any, rating: Any,
                         receipt_code: Any) -> Receipt:
        """Relay the asker's satisfaction with a closed question (the ledger checks the
        receipt code against the question's ``receipt_sha256``)."""
        body = {"question": question, "rating": rating, "receipt_code": receipt_code}
        key = await asyncio.to_thread(self.registered_key, slug)
        return await self.appender.append_async(Signer(key, slug).sign("question.rated", body))

    async def file_report_async(self, slug: str, text: Any) -> Receipt:
        """Seal a confidential report to the ledger's supervisors and auditors, keep the
        sealed bundle privately, and put only its hash and readers on the log."""
        fields.text({"text": text}, "text", bytes_max=sealed_reports.report_text_bytes_max)
        key = await asyncio.to_thread(self.registered_key, slug)
        state = self.app.state(slug)
        readers = confidential.reader_key_ids(state)
        bundle, sealed_sha256 = sealed_reports.seal(
            slug, text, sealed_reports.readers_of(state, readers))
        signed = Signer(key, slug).sign("confidential.filed", {
            "sealed_sha256": sealed_sha256, "recipients": readers})
        # Kept before the entry exists: a report on the log always has its bundle; a
        # refused report takes its bundle back, so a refusal leaves no file behind.
        await asyncio.to_thread(sealed_reports.keep_bundle, self.app.settings, slug, bundle,
                                sealed_sha256)
        try:
            return await self.appender.append_async(signed)
        except BaseException:
            sealed_reports.bundle_path(self.app.settings, slug, sealed_sha256).unlink(
                missing_ok=True)
            raise

    def registered_key(self, slug: str) -> SigningKey:
        """The server's intake key for ``slug`` (made on first use), which the ledger's
        admin must have registered (``intake-not-registered`` until then)."""
        key, _ = intake_keys.load_or_create_intake_key(self.app.settings, slug)
        intake_keys.require_registered(self.app.state(slug), key)
        return key
