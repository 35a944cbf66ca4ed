"""Who may sign what, on both stores: keys, roles, signatures, nonces, ledgers, clocks."""

from __future__ import annotations

from datetime import timedelta

import pytest

from ledger.client import Signer, posting
from ledger.errors import (ClockSkew, DomainError, FormatError, LedgerExists, LedgerNotFound,
                           PolicyError, ReplayedNonce, RevokedKey, SignatureError, UnknownKey,
                           WrongLedger)
from ledger.format.keys import SigningKey, b64decode, b64encode
from ledger.format.statements import SignedStatement, Statement, utc_now
from tests.builders.community import STREET_OFFICE, Community
from tests.builders.refusals import LogView, assert_refused


def grant_statement(signer: Signer, amount: int = 1_000, **kw) -> SignedStatement:
    lines = [posting("1002", "general", "debit", amount), posting("4001", "general", "credit", amount)]
    return signer.post("2026-03-01", "grant", STREET_OFFICE, lines, **kw)


# --- keys ----------------------------------------------------------------------------------


def test_a_statement_signed_by_an_unregistered_key_is_refused(community):
    stranger = Signer(SigningKey.generate(), community.slug)
    assert_refused(community.app, community.slug, grant_statement(stranger), UnknownKey,
                   f"key {stranger.key_id} is not registered in ledger {community.slug}",
                   code="unknown-key")


def test_a_revoked_key_signs_nothing_after_its_revocation(community):
    community.app.submit(community.admin.revoke_key(community.agent.key_id, "合同到期"))
    revoked_at = community.log_size() - 1
    assert_refused(community.app, community.slug, grant_statement(community.agent), RevokedKey,
                   f"key {community.agent.key_id} was revoked at seq {revoked_at}",
                   code="revoked-key")


def test_entries_recorded_before_a_revocation_stay_and_their_retry_still_answers(community):
    first = community.grant("general", 5_000)
    community.app.submit(community.admin.revoke_key(community.agent.key_id, "left"))
    retry = community.app.submit(first.entry.signed)
    assert (retry.seq, retry.created) == (first.seq, False)


@pytest.mark.parametrize("who, build, needs", [
    ("cashier", lambda town: grant_statement(town.cashier), "agent"),
    ("agent", lambda town: town.agent.register_key(SigningKey.generate(), ["auditor"], "x"),
     "admin"),
    ("committee", lambda town: town.committee.create_fund("x1", "甲", "X"), "admin or agent"),
    ("agent", lambda town: town.agent.budget("general", 2026, 100), "committee"),
    ("admin", lambda town: grant_statement(town.admin), "agent"),
])
def test_a_key_without_the_role_for_a_statement_type_is_refused(community, who, build, needs):
    signed = build(community)
    assert_refused(community.app, community.slug, signed, PolicyError,
                   f"{signed.statement.type} needs a key with role {needs}; this key has {who}",
                   code="forbidden-role")


def test_one_key_may_not_be_both_agent_and_cashier(community):
    signed = community.admin.register_key(SigningKey.generate(), ["agent", "cashier"], "both")
    assert_refused(community.app, community.slug, signed, DomainError,
                   "one key may not hold both agent and cashier")


def test_registering_a_key_twice_is_refused(community):
    signed = community.admin.register_key(community.agent.key, ["auditor"], "again")
    assert_refused(community.app, community.slug, signed, DomainError,
                   f"key {community.agent.key_id} is already registered")


def test_unknown_roles_are_refused_listing_the_real_ones(community):
    signed = community.admin.register_key(SigningKey.generate(), ["treasurer"], "x")
    assert_refused(community.app, community.slug, signed, FormatError,
                   r"unknown roles \['treasurer'\]; roles are \['admin'")


def test_the_last_admin_key_cannot_be_revoked(community):
    signed = community.admin.revoke_key(community.admin.key_id, "leaving")
    assert_refused(community.app, community.slug, signed, DomainError,
                   "the last active admin key cannot be revoked")


def test_an_admin_can_be_revoked_while_another_admin_remains(community):
    deputy = Signer(SigningKey.generate("deputy"), community.slug)
    community.app.submit(community.admin.register_key(deputy.key, ["admin"], "deputy"))
    community.app.submit(deputy.revoke_key(community.admin.key_id, "handover"))
    assert not community.app.state(community.slug).keys[community.admin.key_id].active()
    assert_refused(community.app, community.slug, deputy.revoke_key(deputy.key_id, "bye"),
                   DomainError, "last active admin")


def test_revoking_a_key_twice_is_refused(community):
    community.app.submit(community.admin.revoke_key(community.cashier.key_id, "left"))
    assert_refused(community.app, community.slug,
                   community.admin.revoke_key(community.cashier.key_id, "again"),
                   DomainError, "was already revoked")


# --- signatures and nonces ----------------------------------------------------------------


def with_flipped_bit(signed: SignedStatement) -> SignedStatement:
    raw = bytearray(b64decode(signed.sig))
    raw[63] ^= 0x80
    return SignedStatement(signed.statement, signed.signer, b64encode(bytes(raw)))


def test_a_signature_with_one_flipped_bit_is_refused(community):
    assert_refused(community.app, community.slug, with_flipped_bit(grant_statement(community.agent)),
                   SignatureError, "signature does not verify over the statement",
                   code="bad-signature")


def test_a_statement_changed_after_signing_is_refused(community):
    signed = grant_statement(community.agent, 1_000)
    forged = Statement.from_json({**signed.statement.to_json(),
                                  "body": grant_statement(community.agent, 9_000).statement.body})
    assert_refused(community.app, community.slug,
                   SignedStatement(forged, signed.signer, signed.sig),
                   SignatureError, "does not verify")


def test_the_same_signer_and_nonce_with_another_statement_is_a_replay(community):
    first = community.app.submit(grant_statement(community.agent, 1_000, nonce="pay-0001-abc"))
    replay = grant_statement(community.agent, 2_000, nonce="pay-0001-abc")
    assert_refused(community.app, community.slug, replay, ReplayedNonce,
                   f"nonce 'pay-0001-abc' was already used by this signer at seq {first.seq}",
                   code="replayed-nonce")


def test_a_replay_that_also_breaks_a_rule_is_still_reported_as_a_replay(community):
    community.app.submit(grant_statement(community.agent, 1_000, nonce="pay-0002-abc"))
    lines = [posting("5001", "general", "debit", 10**9), posting("1002", "general", "credit", 10**9)]
    overdraw = community.agent.post("2026-03-01", "x", STREET_OFFICE, lines, nonce="pay-0002-abc")
    assert_refused(community.app, community.slug, overdraw, ReplayedNonce, "already used")


def test_another_signer_may_use_the_same_nonce(community):
    community.app.submit(community.agent.create_fund("f1", "甲", "F1", nonce="shared-nonce"))
    receipt = community.app.submit(community.admin.create_fund("f2", "乙", "F2",
                                                               nonce="shared-nonce"))
    assert receipt.created


def test_a_retry_with_a_forged_signature_of_a_stored_statement_is_refused(community):
    stored = community.grant("general", 3_000)
    assert_refused(community.app, community.slug, with_flipped_bit(stored.entry.signed),
                   SignatureError, "does not verify")


# --- ledgers --------------------------------------------------------------------------------


def test_a_statement_for_another_ledger_cannot_be_moved_into_this_one(community):
    other = Community.open(community.app)
    # The same person is the agent of both communities.
    community.app.submit(other.admin.register_key(community.agent.key, ["auditor"], "shared"))
    signed = grant_statement(community.agent)
    moved = SignedStatement(Statement.from_json({**signed.statement.to_json(),
                                                 "ledger": other.slug}),
                            signed.signer, signed.sig)
    before = LogView.of(community.app, community.slug)
    assert_refused(community.app, other.slug, moved, SignatureError, "does not verify")
    assert LogView.of(community.app, community.slug) == before


def test_a_batch_mixing_ledgers_is_refused_and_stores_nothing(community):
    other = Community.open(community.app)
    before = (LogView.of(community.app, community.slug), LogView.of(community.app, other.slug))
    with pytest.raises(WrongLedger, match="every statement of a batch must be for the same ledger"):
        community.app.submit_many([grant_statement(community.agent), grant_statement(other.agent)],
                                  all_or_nothing=False)
    assert (LogView.of(community.app, community.slug), LogView.of(community.app, other.slug)) == before


def test_a_statement_for_a_ledger_that_does_not_exist_is_refused(app):
    signer = Signer(SigningKey.generate(), "nowhere-ledger")
    with pytest.raises(LedgerNotFound, match="ledger 'nowhere-ledger' does not exist"):
        app.submit(signer.create_fund("f", "甲", "F"))
    assert "nowhere-ledger" not in app.ledgers()
    with pytest.raises(LedgerNotFound):
        app.state("nowhere-ledger")


def test_opening_a_ledger_that_exists_is_refused(community):
    usurper = Signer(SigningKey.generate(), community.slug)
    signed = usurper.open_ledger("假社区", f"sunledger.example/{community.slug}",
                                 community.log_signer.verifier().vkey)
    assert_refused(community.app, community.slug, signed, LedgerExists,
                   f"ledger '{community.slug}' already exists", code="ledger-exists")


def test_a_genesis_not_signed_by_a_key_it_declares_is_refused(app):
    declared, signer = SigningKey.generate(), SigningKey.generate()
    opener = Signer(declared, "orphan-ledger")
    genesis = opener.open_ledger("社区", "sunledger.example/orphan-ledger",
                                 "sunledger.example/orphan-ledger+00000000+AQ" + "A" * 42 + "=")
    stolen = genesis.statement.sign(signer)
    with pytest.raises(FormatError, match="must be signed by one of the keys it declares"):
        app.submit(stolen)
    assert "orphan-ledger" not in app.ledgers()


def test_an_unknown_statement_type_is_refused_listing_the_known_ones(community):
    signed = community.agent.sign("entry.deleted", {"entry": 3})
    assert_refused(community.app, community.slug, signed, FormatError,
                   r"unknown statement type 'entry.deleted'")


# --- clocks ---------------------------------------------------------------------------------


def test_a_statement_signed_too_far_in_the_future_is_refused(community):
    skew = community.app.settings.clock_skew_max_seconds
    future = utc_now() + timedelta(seconds=skew + 60)
    assert_refused(community.app, community.slug,
                   grant_statement(community.agent, signed_at=future), ClockSkew,
                   f"is more than {skew}s ahead of the server clock", code="clock-skew")


def test_a_statement_signed_a_little_in_the_future_is_accepted(community):
    soon = utc_now() + timedelta(seconds=30)
    receipt = community.app.submit(grant_statement(community.agent, signed_at=soon))
    assert receipt.entry.recorded_at < receipt.entry.statement.signed_at
