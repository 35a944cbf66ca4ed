"""The auditor's verifier on the shared vectors and on logs built in memory (no database).

``MemoryLog`` is reused by the property and integration tamper tests.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone

import pytest

from ledger.format import merkle
from ledger.verify.bundle import verify_bundle
from ledger.format.checkpoints import Checkpoint, sign_checkpoint
from ledger.client import Signer, posting
from ledger.errors import FormatError, LedgerError
from ledger.format.keys import SigningKey
from ledger.format.notes import Signer as NoteSigner
from ledger.format.statements import ZERO_HASH, Entry, SignedStatement, format_time
from ledger.verify.run import Code, verify_entries
from ledger.verify.leaf import parse_leaf
from tests.vectors import load_json, load_text, vector_path

XINZHU = load_json("ledger-xinzhu.json")
XINZHU_LEAVES = vector_path("ledger-xinzhu.ndjson").read_bytes().splitlines()
XINZHU_CHECKPOINT = load_text("ledger-xinzhu.checkpoint")
START = datetime(2026, 3, 1, 9, 0, tzinfo=timezone.utc)


def seeded_key(label: str) -> SigningKey:
    return SigningKey(hashlib.sha256(f"verify-test/{label}".encode()).digest(), label)


@dataclass
class MemoryLog:
    """A ledger's log built by hand, exactly as the application would store it."""

    slug: str
    people: dict[str, Signer]
    log_signer: NoteSigner
    entries: list[Entry] = field(default_factory=list)

    @classmethod
    def opened(cls, slug: str = "hedong", posts: int = 4) -> MemoryLog:
        people = {role: Signer(seeded_key(f"{slug}/{role}"), slug)
                  for role in ("admin", "agent", "cashier", "committee")}
        origin = f"sunledger.example/{slug}"
        log = cls(slug, people, NoteSigner.from_seed(origin, seeded_key(f"{slug}/log").seed))
        log.append(people["admin"].open_ledger("河东社区", origin, log.log_signer.verifier().vkey))
        for role in ("agent", "cashier", "committee"):
            log.append(people["admin"].register_key(people[role].key, [role], f"{role} 记账"))
        for i in range(posts):
            log.post(100 + i)
        return log

    @property
    def leaves(self) -> list[bytes]:
        return [entry.leaf for entry in self.entries]

    def append(self, signed: SignedStatement, recorded_at: str | None = None) -> Entry:
        seq = len(self.entries)
        prev = self.entries[-1].hash if self.entries else ZERO_HASH
        moment = recorded_at or format_time(START + timedelta(seconds=seq))
        entry = Entry.build(seq, prev, moment, signed)
        self.entries.append(entry)
        return entry

    def post(self, amount: int, signer: str = "agent", **kw) -> Entry:
        lines = [posting("1002", "general", "debit", amount),
                 posting("4001", "general", "credit", amount)]
        return self.append(self.people[signer].post(
            "2026-03-01", "grant", {"kind": "organisation", "name": "街道办事处"}, lines,
            memo=f"拨款 {amount}", **kw))

    def checkpoint(self, size: int | None = None, signer: NoteSigner | None = None) -> str:
        size = len(self.entries) if size is None else size
        root = merkle.root_from_leaf_hashes([bytes.fromhex(e.hash) for e in self.entries[:size]])
        return sign_checkpoint(Checkpoint(self.log_signer.name, size, root),
                               signer or self.log_signer)

    def stored_nodes(self, leaves: list[bytes] | None = None) -> list[list[str]]:
        """What the store keeps beside each entry: the Merkle nodes it completes."""
        frontier = merkle.CompactRange()
        return [[node.hex() for node in frontier.append(merkle.leaf_hash(leaf))]
                for leaf in (self.leaves if leaves is None else leaves)]

    def rechain(self, leaves: list[bytes], start: int) -> list[bytes]:
        """Leaves with prev recomputed from ``start`` on, as a forger with DB access would."""
        out = list(leaves[:start])
        for leaf in leaves[start:]:
            entry = Entry.from_leaf(leaf)
            prev = merkle.leaf_hash(out[-1]).hex() if out else ZERO_HASH
            out.append(Entry.build(entry.seq, prev, entry.recorded_at, entry.signed).leaf)
        return out


def xinzhu_signer(role: str) -> Signer:
    return Signer(SigningKey(bytes.fromhex(XINZHU["key_seeds_hex"][role]), role), "xinzhu")


def xinzhu_entry(seq: int, signed: SignedStatement) -> bytes:
    prev = merkle.leaf_hash(XINZHU_LEAVES[seq - 1]).hex()
    return Entry.build(seq, prev, "2026-11-22T09:10:00.100000Z", signed).leaf


def with_field(leaf: bytes, name: str, value) -> bytes:
    document = json.loads(leaf)
    document[name] = value
    return json.dumps(document, ensure_ascii=False, sort_keys=True,
                      separators=(",", ":")).encode()


# --- the shared vectors ----------------------------------------------------------------


def test_the_shared_vector_log_verifies_clean_with_pinned_genesis_and_log_key():
    report = verify_entries(XINZHU_LEAVES, checkpoint_note=XINZHU_CHECKPOINT,
                            log_vkey=XINZHU["log_vkey"], genesis_hash=XINZHU["entry_hashes"][0])
    assert report.ok, report.findings
    assert report.size == 4 and report.checkpoint_size == 4
    assert report.root.hex() == XINZHU["root_hex"]


def test_without_a_given_log_key_the_checkpoint_is_checked_with_the_one_genesis_declares():
    assert verify_entries(XINZHU_LEAVES, checkpoint_note=XINZHU_CHECKPOINT).ok


def test_a_statement_signed_by_the_revoked_agent_key_after_seq_3_is_reported_at_seq_4():
    agent = xinzhu_signer("agent")
    late = agent.post("2026-11-22", "grant", {"kind": "organisation", "name": "x"},
                      [posting("1002", "general", "debit", 1),
                       posting("4001", "general", "credit", 1)])
    report = verify_entries([*XINZHU_LEAVES, xinzhu_entry(4, late)],
                            genesis_hash=XINZHU["entry_hashes"][0])
    assert [(f.seq, f.code) for f in report.findings] == [(4, Code.REVOKED_KEY)]
    assert "revoked at seq 3" in report.first().message


def test_a_checkpoint_signed_by_a_wrong_key_is_a_finding_naming_its_size():
    impostor = NoteSigner.from_seed("sunledger.example/xinzhu", b"\x07" * 32)
    forged = sign_checkpoint(Checkpoint.parse(XINZHU_CHECKPOINT.split("\n\n")[0] + "\n"), impostor)
    report = verify_entries(XINZHU_LEAVES, checkpoint_note=forged, log_vkey=XINZHU["log_vkey"])
    assert [(f.seq, f.code, f.checkpoint_size) for f in report.findings] == [
        (None, Code.BAD_CHECKPOINT, 4)]


def test_a_given_log_key_wins_over_the_one_genesis_declares():
    other = NoteSigner.from_seed("sunledger.example/xinzhu", b"\x08" * 32).verifier().vkey
    report = verify_entries(XINZHU_LEAVES, checkpoint_note=XINZHU_CHECKPOINT, log_vkey=other)
    assert report.codes() == [Code.BAD_CHECKPOINT]


def test_a_different_pinned_genesis_hash_is_reported_at_seq_0():
    report = verify_entries(XINZHU_LEAVES, genesis_hash="ab" * 32)
    assert [(f.seq, f.code) for f in report.findings] == [(0, Code.GENESIS_MISMATCH)]


# --- findings on built logs -------------------------------------------------------------


def test_a_clean_built_log_verifies_with_stored_nodes_and_its_checkpoint():
    log = MemoryLog.opened()
    report = verify_entries(log.leaves, checkpoint_note=log.checkpoint(),
                            old_checkpoint_note=log.checkpoint(5),
                            stored_nodes=log.stored_nodes())
    assert report.ok, report.findings


def test_stored_merkle_nodes_that_disagree_with_the_entries_are_named_at_their_seq():
    log = MemoryLog.opened()
    nodes = log.stored_nodes()
    nodes[7][2] = "00" * 32  # a node proofs would be built from
    nodes[5] = []
    found = [(f.seq, f.code) for f in verify_entries(log.leaves, stored_nodes=nodes).findings]
    assert found == [(5, Code.STORED_NODE_MISMATCH), (7, Code.STORED_NODE_MISMATCH)]


def test_every_problem_is_collected_with_its_seq_not_only_the_first():
    log = MemoryLog.opened(posts=6)
    leaves = log.leaves
    leaves[5] = with_field(leaves[5], "signer", log.people["cashier"].key_id)
    leaves[8] = with_field(leaves[8], "seq", 80)
    report = verify_entries(leaves)
    assert report.first().seq == 5
    assert {Code.BAD_SIGNATURE, Code.FORBIDDEN_ROLE} <= {f.code for f in report.at(5)}
    assert Code.WRONG_SEQ in {f.code for f in report.at(8)}


def test_a_signature_taken_from_another_entry_is_a_bad_signature_at_that_seq():
    log = MemoryLog.opened()
    leaves = log.leaves
    leaves[6] = with_field(leaves[6], "sig", json.loads(leaves[5])["sig"])
    assert Code.BAD_SIGNATURE in {f.code for f in verify_entries(leaves).at(6)}


def test_registry_role_table_and_nonce_rules_are_checked_per_seq():
    log = MemoryLog.opened(posts=1)
    log.post(5, signer="cashier")                                   # 5: cashier may not post
    log.append(log.people["agent"].sign("fund.dissolved", {}))      # 6: not in the role table
    stranger = Signer(seeded_key("stranger"), log.slug)
    log.append(stranger.budget("general", 2026, 1))                 # 7: never registered
    replay = log.people["agent"].post("2026-03-01", "grant", {"kind": "person", "name": "x"},
                                      [], nonce=log.entries[4].statement.nonce)
    log.append(replay)                                              # 8: nonce reused
    found = {(f.seq, f.code) for f in verify_entries(log.leaves).findings}
    assert found == {(5, Code.FORBIDDEN_ROLE), (6, Code.UNKNOWN_TYPE), (7, Code.UNKNOWN_KEY),
                     (8, Code.REPLAYED_NONCE)}


def test_recorded_at_going_back_and_a_foreign_ledger_entry_are_named():
    log = MemoryLog.opened(posts=2)
    log.append(log.people["agent"].sign("fund.created", {"code": "x"}),
               "2026-01-01T00:00:00.000000Z")
    other = Signer(log.people["agent"].key, "xidong")
    log.append(other.sign("fund.created", {"code": "y"}))
    found = {(f.seq, f.code) for f in verify_entries(log.leaves).findings}
    assert found == {(6, Code.TIME_DECREASED), (7, Code.WRONG_LEDGER)}


def test_a_log_that_does_not_open_with_a_self_signed_ledger_opened_fails_at_seq_0():
    log = MemoryLog.opened(posts=0)
    agent = log.people["agent"]
    bogus = agent.open_ledger("假社区", "sunledger.example/hedong", log.log_signer.verifier().vkey)
    forged = Entry.build(0, ZERO_HASH, log.entries[0].recorded_at,
                         SignedStatement(bogus.statement, log.people["admin"].key_id, bogus.sig))
    report = verify_entries([forged.leaf])
    assert [(f.seq, f.code) for f in report.findings] == [(0, Code.BAD_GENESIS)]
    assert "self-signed by an admin key it declares" in report.first().message
    not_genesis = verify_entries([Entry.build(0, ZERO_HASH, log.entries[0].recorded_at,
                                              agent.create_fund("x", "x", "x")).leaf])
    assert (0, Code.BAD_GENESIS) in [(f.seq, f.code) for f in not_genesis.findings]


def test_checkpoints_of_trees_after_a_log_key_rotation_need_the_new_key():
    log = MemoryLog.opened(posts=1)
    new_key = NoteSigner.from_seed(log.log_signer.name, b"\x09" * 32)
    log.append(log.people["admin"].sign("ledger.log_key_rotated",
                                        {"log_key": new_key.verifier().vkey}))
    log.post(7)
    assert verify_entries(log.leaves, checkpoint_note=log.checkpoint(signer=new_key),
                          old_checkpoint_note=log.checkpoint(5)).ok
    stale = verify_entries(log.leaves, checkpoint_note=log.checkpoint())
    assert stale.codes() == [Code.BAD_CHECKPOINT]


def test_a_checkpoint_larger_than_the_log_and_a_rewritten_prefix_name_the_checkpoint_size():
    log = MemoryLog.opened(posts=4)
    older = log.checkpoint()
    truncated = verify_entries(log.leaves[:6], old_checkpoint_note=older)
    assert [(f.code, f.checkpoint_size) for f in truncated.findings] == [
        (Code.CHECKPOINT_BEYOND_LOG, 8)]
    assert "entries 6 to 7 are missing" in truncated.first().message


def test_an_empty_log_is_a_finding():
    assert verify_entries([]).codes() == [Code.EMPTY_LOG]


def test_unreadable_leaves_are_malformed_at_their_position_and_the_chain_still_points_at_them():
    log = MemoryLog.opened(posts=3)
    leaves = log.leaves
    leaves[3] = leaves[3].replace(b'"seq":3', b'"seq": 3')  # not canonical
    report = verify_entries(leaves)
    assert report.first().seq == 3
    assert {f.code for f in report.at(3)} == {Code.MALFORMED, Code.BROKEN_CHAIN}


def test_the_pool_finds_exactly_what_the_in_process_run_finds_and_reports_progress():
    log = MemoryLog.opened(posts=2400)  # three chunks
    leaves = log.leaves
    leaves[1500] = with_field(leaves[1500], "sig", json.loads(leaves[1499])["sig"])
    leaves[2300] = with_field(leaves[2300], "recorded_at", "2026-03-01T09:40:00.000000Z")
    seen: list[tuple[int, int | None]] = []
    pooled = verify_entries(leaves, checkpoint_note=log.checkpoint(), workers=2,
                            progress=lambda done, total: seen.append((done, total)))
    alone = verify_entries(leaves, checkpoint_note=log.checkpoint(), workers=1)
    assert pooled.findings == alone.findings and pooled.root == alone.root
    assert [(f.seq, f.code) for f in pooled.findings] == [
        (1500, Code.BAD_SIGNATURE), (1500, Code.BROKEN_CHAIN),  # its hash changed with its sig
        (2300, Code.BROKEN_CHAIN), (2301, Code.TIME_DECREASED),  # moved later than the next one
        (None, Code.ROOT_MISMATCH)]
    assert seen[-1] == (len(leaves), len(leaves)) and len(seen) == 3


# --- the fast leaf parser agrees with Entry.from_leaf -----------------------------------


@pytest.mark.parametrize("change", [
    lambda d: d.update(v=True),
    lambda d: d.update(seq=2**53),
    lambda d: d.update(seq=-1),
    lambda d: d["statement"]["body"].update({"数": 1}),
    lambda d: d["statement"]["body"].update(deep=json.loads("[" * 40 + "]" * 40)),
    lambda d: d.update(recorded_at="２０２６-03-01T09:00:00.000000Z"),
    lambda d: d.update(recorded_at="2026-02-30T09:00:00.000000Z"),
    lambda d: d.update(sig=d["sig"][:-3] + "B=="),
    lambda d: d.update(ledger="other"),
])
def test_a_leaf_the_reference_parser_rejects_is_rejected_by_the_verifier_too(change):
    document = json.loads(MemoryLog.opened(posts=1).leaves[4])
    change(document)
    leaf = json.dumps(document, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode()
    with pytest.raises(FormatError):
        Entry.from_leaf(leaf)
    with pytest.raises(FormatError):
        parse_leaf(leaf)


def test_the_signing_input_cut_from_a_leaf_is_the_statements_own():
    for leaf in [*XINZHU_LEAVES, *MemoryLog.opened(posts=2).leaves]:
        parsed, entry = parse_leaf(leaf), Entry.from_leaf(leaf)
        assert parsed.message == entry.statement.signing_input()
        assert parsed.facts.seq == entry.seq and parsed.facts.prev == entry.prev


# --- bundles offline --------------------------------------------------------------------


def write_bundle(directory, leaves, note):
    directory.mkdir()
    (directory / "entries.ndjson").write_bytes(b"".join(leaf + b"\n" for leaf in leaves))
    (directory / "checkpoint").write_bytes(note.encode())
    return directory


def test_a_bundle_of_the_vectors_verifies_offline_and_against_an_older_checkpoint(tmp_path):
    log = MemoryLog.opened(posts=3)
    bundle = write_bundle(tmp_path / "b", log.leaves, log.checkpoint())
    (tmp_path / "old").write_text(log.checkpoint(4), encoding="utf-8")
    assert verify_bundle(bundle, since=tmp_path / "old").ok
    xinzhu = write_bundle(tmp_path / "x", XINZHU_LEAVES, XINZHU_CHECKPOINT)
    assert verify_bundle(xinzhu, log_vkey=XINZHU["log_vkey"],
                         genesis_hash=XINZHU["entry_hashes"][0]).ok


def test_a_bundle_whose_checkpoint_does_not_cover_every_entry_is_a_finding(tmp_path):
    log = MemoryLog.opened(posts=3)
    report = verify_bundle(write_bundle(tmp_path / "b", log.leaves, log.checkpoint(5)))
    assert [(f.code, f.checkpoint_size) for f in report.findings] == [
        (Code.CHECKPOINT_INCOMPLETE, 5)]


def test_a_bundle_missing_a_file_is_a_clear_error(tmp_path):
    bundle = write_bundle(tmp_path / "b", XINZHU_LEAVES, XINZHU_CHECKPOINT)
    (bundle / "checkpoint").unlink()
    with pytest.raises(LedgerError, match="checkpoint is missing"):
        verify_bundle(bundle)
    (bundle / "checkpoint").write_text(XINZHU_CHECKPOINT, encoding="utf-8")
    (bundle / "entries.ndjson").unlink()
    with pytest.raises(LedgerError, match="entries are missing"):
        verify_bundle(bundle)
    with pytest.raises(LedgerError, match="older checkpoint is missing"):
        verify_bundle(write_bundle(tmp_path / "c", XINZHU_LEAVES, XINZHU_CHECKPOINT),
                      since=tmp_path / "nothing-here")
