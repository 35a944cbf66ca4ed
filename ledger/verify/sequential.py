"""The sequential half of the verifier: everything that depends on the entries before.

Fed chunk results in log order (see ``ledger.verify.run``): seq numbering, the
``prev`` chain, ledger slug, ``recorded_at`` order, the key registry and role
table as of each seq, nonce uniqueness, the Merkle tree and stored nodes,
the roots that checkpoints are held to, and the balances figures notes are held
to (``ledger.verify.figures``, tallied only when there is a figures note). Chain breaks are attributed to an
entry only once the whole log is seen (a break is explained by the links on
either side of it).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from ledger.errors import FormatError
from ledger.format.figures import document
from ledger.format.merkle import EMPTY_ROOT, CompactRange
from ledger.format.statements import ZERO_HASH
from ledger.verify.checkpoint import Claim, check_claim, read_claim
from ledger.verify.figures import FiguresTally, check_figures, read_figures_claim
from ledger.verify.leaf import LeafFacts, parse_leaf
from ledger.verify.registry import KeyRegistry
from ledger.verify.report import Code, Finding, Report
from ledger.verify.worker import ChunkResult, declared_keys

Progress = Callable[[int, int | None], None]
Triple = tuple[int, bytes, bytes, bytes]  # (position, public key, message, sig)


@dataclass(frozen=True)
class Options:
    ledger: str | None = None
    genesis_hash: str | None = None
    log_vkey: str | None = None
    checkpoint_note: str | None = None
    old_checkpoint_note: str | None = None
    check_nodes: bool = False
    figures: tuple[tuple[str, dict | None], ...] = ()  # (figures note, published document)


class SequentialCheck:
    """Everything that depends on the entries before: fed chunk by chunk, in order."""

    def __init__(self, options: Options) -> None:
        self.options = options
        self.findings: list[Finding] = []
        self.registry = KeyRegistry()
        self.compact = CompactRange()
        self.slug = options.ledger
        self.size = 0
        self.last_hash = ZERO_HASH
        self.last_time = ""
        self.nonces: dict[tuple[str, str], int] = {}
        self.broken: list[int] = []      # positions whose prev is not the hash before them
        self.changed: set[int] = set()   # positions whose stored leaf hash disagrees
        self.triples: list[Triple] = []  # signatures the workers could not pair with a key
        self.key_hints: dict[str, bytes] = {}
        self.claims = [read_claim(note, older=older) for note, older in (
            (options.checkpoint_note, False), (options.old_checkpoint_note, True)) if note]
        self.roots: dict[int, bytes] = {0: EMPTY_ROOT}
        self.root_sizes = {claim.size for claim in self.claims if claim.size}
        self.figures_claims = [read_figures_claim(note, doc) for note, doc in options.figures]
        self.figures_sizes = {claim.size for claim in self.figures_claims if claim.size}
        self.root_sizes |= self.figures_sizes
        self.tally = FiguresTally() if self.figures_claims else None
        self.figures_rows: dict[int, tuple] = {}

    def add(self, seq: int | None, code: str, message: str) -> None:
        self.findings.append(Finding(seq, code, message))

    def hints(self, leaves: list[bytes]) -> dict[str, bytes]:
        """Keys a worker may need for ``leaves``: every key declared so far, read ahead of the
        registry (a key id names one key whatever the seq, so early is harmless), so that
        chunks sent before the ones declaring a key was checked still find it."""
        for leaf in leaves:
            if _DECLARES_KEYS[0] in leaf or _DECLARES_KEYS[1] in leaf:
                self.key_hints.update(_declared(leaf))
        return dict(self.key_hints)

    def pop_triples(self) -> list[Triple]:
        triples, self.triples = self.triples, []
        return triples

    def report_progress(self, progress: Progress | None, total: int | None) -> None:
        if progress is not None:
            progress(self.size, total)

    def bad_signatures(self, positions: Iterable[int]) -> None:
        for position in positions:
            self.add(position, Code.BAD_SIGNATURE, "signature does not verify over the "
                     "statement under the signer's key")

    def take(self, chunk: ChunkResult, nodes: list) -> None:
        for position, reason in chunk.malformed:
            self.add(position, Code.MALFORMED, reason)
        self.bad_signatures(chunk.bad_sigs)
        deferred = {position: (message, sig) for position, message, sig in chunk.deferred}
        for offset, leaf_hash in enumerate(chunk.hashes):
            position = chunk.start + offset
            self._merkle(position, leaf_hash, nodes[offset])
            if position == 0:
                self._pinned_genesis(leaf_hash)
            raw = chunk.facts[offset]
            if raw is not None:
                self._entry(position, LeafFacts(*raw), deferred.get(position))
            if self.tally is not None:
                self._tally(position, raw)
            self.last_hash = leaf_hash.hex()

    def _tally(self, position: int, raw: tuple | None) -> None:
        money = LeafFacts(*raw).money if raw is not None else None
        if money is not None:
            self.tally.take(position, money)
        if self.size in self.figures_sizes:
            self.figures_rows[self.size] = self.tally.rows()

    def _merkle(self, position: int, leaf_hash: bytes, stored: list[str] | None) -> None:
        completed = self.compact.append(leaf_hash)
        self.size = position + 1
        if self.size in self.root_sizes:
            self.roots[self.size] = self.compact.root()
        if not self.options.check_nodes:
            return
        if not stored:
            self.changed.add(position)
            self.add(position, Code.STORED_NODE_MISMATCH, "no Merkle nodes are stored beside "
                     "this entry, so nothing vouches for its bytes")
        elif stored[0] != completed[0].hex():
            self.changed.add(position)
            self.add(position, Code.STORED_NODE_MISMATCH, "the leaf hash stored beside this "
                     "entry is not the hash of its bytes: the entry was changed after it was "
                     "written")
        elif stored != [node.hex() for node in completed]:
            self.add(position, Code.STORED_NODE_MISMATCH, "the Merkle nodes stored beside this "
                     "entry are not the ones it completes: proofs served from them are wrong")

    def _entry(self, position: int, facts: LeafFacts, deferred: tuple | None) -> None:
        if facts.seq != position:
            self.add(position, Code.WRONG_SEQ, f"entry at position {position} says seq {facts.seq}")
        if facts.prev != self.last_hash:
            self.broken.append(position)
        if self.slug is None:  # entry 0's ledger, unless the caller named it
            self.slug = facts.ledger
        if facts.ledger != self.slug:
            self.add(position, Code.WRONG_LEDGER, f"entry is for ledger {facts.ledger!r}, "
                     f"not {self.slug!r}")
        if facts.recorded_at < self.last_time:
            self.add(position, Code.TIME_DECREASED, f"recorded_at {facts.recorded_at} is before "
                     f"the previous entry's {self.last_time}")
        self.last_time = facts.recorded_at
        self._signer(position, facts, deferred)
        claim = (facts.signer, facts.nonce)
        if claim in self.nonces:
            self.add(position, Code.REPLAYED_NONCE, f"signer {facts.signer} already used nonce "
                     f"{facts.nonce!r} at seq {self.nonces[claim]}")
        else:
            self.nonces[claim] = position

    def _pinned_genesis(self, leaf_hash: bytes) -> None:
        pinned = self.options.genesis_hash
        if pinned is not None and leaf_hash.hex() != pinned.lower():
            self.add(0, Code.GENESIS_MISMATCH, f"entry 0 hashes to {leaf_hash.hex()}, not to "
                     f"the pinned genesis {pinned}")

    def _signer(self, position: int, facts: LeafFacts, deferred: tuple | None) -> None:
        problems = self.registry.check_signer(position, facts)
        if not problems and facts.body is not None:
            problems = self.registry.apply(position, facts)
        for code, message in problems:
            self.add(position, code, message)
        if deferred is not None:
            public = self.registry.public_key(facts.signer)
            if public is not None:  # else: unknown key, already reported
                self.triples.append((position, public, *deferred))

    def finish(self) -> Report:
        self._attribute_chain_breaks()
        if self.size == 0:
            self.add(None, Code.EMPTY_LOG, "the log has no entries")
        for claim in self.claims:
            self.findings.extend(check_claim(claim, roots=self.roots, log_size=self.size,
                                             registry=self.registry,
                                             log_vkey=self.options.log_vkey))
        for figures in self.figures_claims:
            self.findings.extend(check_figures(
                figures, slug=self.slug or "", rows=self.figures_rows.get(figures.size),
                root=self.roots.get(figures.size) if figures.size else None,
                log_vkey=self.options.log_vkey or self.registry.log_key_for_size(figures.size or 0)))
        report = Report(self.findings, self.size, self.compact.root(), _checked_size(self.claims),
                        figures=self._recomputed_figures())
        report.sort()
        return report

    def _recomputed_figures(self) -> dict[int, dict]:
        return {size: document(self.slug or "", size, self.roots[size], rows)
                for size, rows in self.figures_rows.items() if size in self.roots}

    def _attribute_chain_breaks(self) -> None:
        """Name the entry a broken link points at (see the module docstring)."""
        broken = set(self.broken)
        for position in self.broken:
            if position == 0:
                self.add(0, Code.BROKEN_CHAIN, "entry 0's prev is not 64 zeros")
            elif self.options.check_nodes and position - 1 not in self.changed:
                self.add(position, Code.BROKEN_CHAIN, f"prev is not the hash of entry "
                         f"{position - 1}, which matches its stored hash: this prev was changed")
            elif position + 1 in broken or position in self.changed:
                self.add(position, Code.BROKEN_CHAIN, f"prev is not the hash of entry "
                         f"{position - 1}, and entry {position + 1} does not chain to this one "
                         "either: this entry was changed, prev included")
            else:
                self.add(position - 1, Code.BROKEN_CHAIN, f"entry {position} records a prev that "
                         f"is not this entry's hash: this entry was changed after entry "
                         f"{position} was appended")


_DECLARES_KEYS = (b'"type":"ledger.opened"', b'"type":"key.registered"')


def _declared(leaf: bytes) -> list[tuple[str, bytes]]:
    try:
        facts = parse_leaf(leaf).facts
    except FormatError:
        return []
    return declared_keys(facts.type, facts.body)


def _checked_size(claims: list[Claim]) -> int | None:
    current = [claim.size for claim in claims if not claim.older]
    return current[0] if current else None
