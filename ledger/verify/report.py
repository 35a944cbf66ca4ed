"""What the verifier finds: every problem as a value with its seq (or checkpoint size).

Codes are stable and public (the CLI prints them, scripts match on them).
Where an application error with the same meaning exists, its code is reused.
"""

from __future__ import annotations

from dataclasses import dataclass, field


class Code:
    MALFORMED = "malformed"                  # not a canonical FORMAT.md entry
    WRONG_SEQ = "wrong-seq"                  # seq is not its position in the log
    BROKEN_CHAIN = "broken-chain"            # prev is not the hash of the entry before
    WRONG_LEDGER = "wrong-ledger"            # entry of another ledger
    TIME_DECREASED = "time-decreased"        # recorded_at earlier than the entry before
    BAD_GENESIS = "bad-genesis"              # seq 0 is not a well-formed, self-signed ledger.opened
    GENESIS_MISMATCH = "genesis-mismatch"    # entry 0 is not the pinned genesis
    UNKNOWN_TYPE = "unknown-type"            # statement type not in the role table
    UNKNOWN_KEY = "unknown-key"              # signer not registered at that seq
    REVOKED_KEY = "revoked-key"              # signer revoked before that seq
    FORBIDDEN_ROLE = "forbidden-role"        # signer's roles may not sign this type
    BAD_REGISTRY = "bad-registry"            # key statement that cannot take effect
    BAD_SIGNATURE = "bad-signature"          # sig does not verify over the statement
    REPLAYED_NONCE = "replayed-nonce"        # (signer, nonce) seen at an earlier seq
    STORED_NODE_MISMATCH = "stored-node-mismatch"  # stored hashes beside an entry disagree with it
    EMPTY_LOG = "empty-log"
    BAD_CHECKPOINT = "bad-checkpoint"        # unreadable, or not signed by the log key
    WRONG_ORIGIN = "wrong-origin"            # checkpoint origin is not genesis origin
    CHECKPOINT_BEYOND_LOG = "checkpoint-beyond-log"  # signed size larger than the log
    ROOT_MISMATCH = "root-mismatch"          # entries do not hash to the checkpoint root
    INCONSISTENT = "inconsistent"            # older checkpoint's root no longer matches: rewrite
    CHECKPOINT_INCOMPLETE = "checkpoint-incomplete"  # bundle checkpoint does not cover all entries
    BAD_PROOF = "bad-proof"                  # server proof does not verify (live verification)
    FIGURES_MISMATCH = "figures-mismatch"    # a figures note the entries do not give (section 10)
    TOO_LARGE = "too-large"                  # an answer or a bundle past a bound: verification stopped
    TOO_MANY_FINDINGS = "too-many-findings"  # stopped after limits.FINDINGS_MAX findings
    BAD_ANSWER = "bad-answer"                # the server failed or broke off mid-way: stopped


@dataclass(frozen=True)
class Finding:
    seq: int | None
    code: str
    message: str
    checkpoint_size: int | None = None

    def __str__(self) -> str:
        where = (f"seq {self.seq}" if self.seq is not None
                 else f"checkpoint size {self.checkpoint_size}" if self.checkpoint_size is not None
                 else "log")
        return f"{where}: {self.code}: {self.message}"

    def sort_key(self) -> tuple[int, int]:
        # Entries first, in seq order; checkpoint-level findings after them.
        return (0, self.seq) if self.seq is not None else (1, self.checkpoint_size or 0)


@dataclass
class Report:
    findings: list[Finding] = field(default_factory=list)
    size: int = 0                     # entries read
    root: bytes = b""                 # Merkle root of all of them
    checkpoint_size: int | None = None  # size of the checkpoint checked, if any
    figures: dict[int, dict] = field(default_factory=dict)  # recomputed documents, by size

    @property
    def ok(self) -> bool:
        return not self.findings

    def first(self) -> Finding | None:
        """The finding an auditor should look at first: the lowest seq."""
        return self.findings[0] if self.findings else None

    def codes(self) -> list[str]:
        return [finding.code for finding in self.findings]

    def at(self, seq: int) -> list[Finding]:
        return [finding for finding in self.findings if finding.seq == seq]

    def sort(self) -> None:
        # Stable: findings at one seq keep the order they were found in.
        self.findings.sort(key=Finding.sort_key)
