"""The log's question intake (ledger/log/intake.py) on both stores: it signs residents'
questions with the ledger's registered intake key and appends them through the
appender; a refused question leaves nothing on the log, and a contact only ever
reaches it as its keyed hash."""

from __future__ import annotations

import pytest

from ledger.errors import LedgerError
from ledger.keystore import intake_keys
from ledger.log.appender import Appender
from ledger.log.intake import QuestionIntake
from tests.builders.community import Community


@pytest.fixture
def intake(app):
    appender = Appender(app)
    yield QuestionIntake(appender)
    appender.close()


def register_intake_key(town: Community, settings) -> None:
    key, _ = intake_keys.load_or_create_intake_key(settings, town.slug)
    town.app.submit(town.admin.register_key(key, ["intake"], intake_keys.REGISTERED_LABEL))


def test_a_question_is_signed_by_the_intake_key_with_only_a_hash_of_the_contact(
        app, settings, intake):
    town = Community.open(app)
    register_intake_key(town, settings)
    receipt = intake.ask(town.slug, {"kind": "entry", "ref": 1}, "账本什么时候开的?",
                         "  Phone 138 0000 ")
    key, _ = intake_keys.load_or_create_intake_key(settings, town.slug)
    body = receipt.entry.statement.body
    assert receipt.created and receipt.entry.signed.signer == key.key_id
    assert body == {"about": {"kind": "entry", "ref": 1}, "text": "账本什么时候开的?",
                    "contact_hash": intake_keys.contact_hash(key, town.slug, "phone 138 0000")}
    leaf = receipt.entry.leaf.decode("utf-8")
    # The number itself, not "138": three digits turn up by chance in hashes and times.
    assert "138 0000" not in leaf and "1380000" not in leaf and "Phone" not in leaf


@pytest.mark.parametrize("about, text, contact, code", [
    ({"kind": "entry", "ref": 1}, "", None, "malformed"),
    ({"kind": "entry", "ref": 1}, "ok?\x00", None, "unsafe-text"),
    ({"kind": "entry", "ref": 1}, "ok?\u202e1200", None, "unsafe-text"),
    ({"kind": [], "ref": 1}, "ok?", None, "malformed"),  # was a TypeError: a 500
    ({"kind": "entry", "ref": 1}, "ok?", "x" * 201, "malformed"),
    ({"kind": "entry", "ref": 999}, "ok?", None, "not-found"),  # by the ledger's rules
])
def test_a_refused_question_leaves_nothing_on_the_log(app, settings, intake, about, text,
                                                      contact, code):
    town = Community.open(app)
    register_intake_key(town, settings)
    before = app.reader.size(town.slug)
    with pytest.raises(LedgerError) as refused:
        intake.ask(town.slug, about, text, contact)
    assert refused.value.code == code
    assert app.reader.size(town.slug) == before


def test_until_the_admin_registers_the_intake_key_questions_are_refused(app, intake):
    town = Community.open(app)
    before = app.reader.size(town.slug)
    with pytest.raises(intake_keys.IntakeNotRegistered):
        intake.ask(town.slug, {"kind": "entry", "ref": 1}, "ok?")
    assert app.reader.size(town.slug) == before
