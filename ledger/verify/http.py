"""Verifying a live server over HTTP (FORMAT.md section 8), with the standard library only
(``ledger/`` depends on nothing web-shaped).

The server is trusted for nothing: its latest checkpoint is checked against
the log key, every entry up to the checkpoint's size is fetched and checked
exactly like a bundle, and then the server's own proofs are checked against
the checkpoint root: inclusion proofs for a sample of seqs (or all), and, given
an older checkpoint the auditor kept, the consistency proof to the new one. A
server that shows one history to ``/entries`` and another to ``/proofs`` is
caught by the proofs. The figures the server publishes at the checkpoint's size
(FORMAT.md section 10) are recomputed from the same entries.

The server may be hostile, so everything it sends is bounded (ledger.verify.limits):
a pinned log key's signature is checked before any entry is fetched; a checkpoint
claiming more than CHECKPOINT_SIZE_MAX entries is refused; every answer is read
under a byte cap and a time cap (limits.ANSWER_SECONDS_MAX), entry pages line by line
with a cap per line; JSON is parsed
strictly (depth, duplicates). A server past a bound ends the run with a finding.
"""

from __future__ import annotations

import base64
import binascii
import http.client
import urllib.error
import urllib.request
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Iterator
from urllib.parse import quote, urlencode

from ledger.errors import LedgerError
from ledger.format import cjson
from ledger.format.checkpoints import verify_checkpoint
from ledger.format.merkle import verify_consistency, verify_inclusion
from ledger.verify.limits import (CHECKPOINT_SIZE_MAX, FINDINGS_MAX, DeadlineReader, TooLong,
                                  TooSlow, capped_lines)
from ledger.verify.run import Options, Progress, run
from ledger.verify.checkpoint import NOTE_BYTES_MAX, Claim, read_claim, read_note
from ledger.verify.leaf import leaf_hash
from ledger.verify.report import Code, Finding, Report

PAGE_ENTRIES = 1000          # the server answers at most this many per request
SAMPLE_PROOFS = 16           # inclusion proofs checked by default (None: every seq)
RESPONSE_BYTES_MAX = 64 << 20
TIMEOUT_SECONDS = 30


def verify_url(base_url: str, ledger: str, *, log_vkey: str | None = None,
               genesis_hash: str | None = None, since: str | Path | None = None,
               progress: Progress | None = None, workers: int | None = None,
               proofs: int | None = SAMPLE_PROOFS) -> Report:
    """Verify ``ledger`` as served at ``base_url``; ``since`` is an older checkpoint's path."""
    server = _Server(base_url, ledger)
    claim = read_claim(server.get("checkpoint", limit=NOTE_BYTES_MAX).decode("utf-8", "replace"))
    if claim.body is None:
        raise LedgerError(f"the server's checkpoint for {ledger} is unreadable: {claim.problem}")
    older = None
    if since is not None:
        older = read_claim(read_note(Path(since), "the older checkpoint"), older=True)
    refused = _refused_before_entries(claim, log_vkey)
    if refused is not None:
        return Report([refused], checkpoint_size=claim.body.size)
    size = claim.body.size
    every = proofs is None or proofs >= size  # no set of every seq: size may be 2^32
    sampled = set() if every else set(_sample(size, proofs))
    kept: dict[int, bytes] = {}
    stopped: list[Finding] = []

    def leaves() -> Iterator[tuple[bytes, None]]:
        try:
            for seq, leaf in enumerate(server.entries(size)):
                if every or seq in sampled:
                    kept[seq] = leaf
                yield leaf, None
        except LedgerError as exc:  # an answer past a bound, or no answer: stop there
            stopped.append(Finding(None, exc.details.get("finding", Code.TOO_LARGE),
                                   f"verification stopped: {exc}", checkpoint_size=size))

    figures, missing = _figures(server, size)
    options = Options(ledger, genesis_hash, log_vkey, claim.note, older.note if older else None,
                      figures=figures)
    report = run(leaves(), options, total=size, workers=workers, progress=progress)
    report.findings.extend(stopped + missing)
    report.findings.extend(_inclusion_findings(server, kept, claim))
    if older is not None and older.body is not None:
        report.findings.extend(_consistency_findings(server, older, claim))
    report.sort()
    return report


def _refused_before_entries(claim: Claim, log_vkey: str | None) -> Finding | None:
    """Why no entry should be fetched for this checkpoint, if there is a reason."""
    size = claim.body.size
    if log_vkey is not None:
        try:
            verify_checkpoint(claim.note, log_vkey)
        except LedgerError as exc:
            return Finding(None, Code.BAD_CHECKPOINT, f"the server's checkpoint of size {size} "
                           f"is not signed by the pinned log key: {exc}; no entry was fetched",
                           checkpoint_size=size)
    if size > CHECKPOINT_SIZE_MAX:
        return Finding(None, Code.TOO_LARGE, f"the server's checkpoint claims {size} entries, "
                       f"more than the {CHECKPOINT_SIZE_MAX} this verifier takes; no entry was "
                       "fetched", checkpoint_size=size)
    return None


def _figures(server: _Server, size: int) -> tuple[tuple, list[Finding]]:
    """The server's (figures note, document) at the checkpoint's size, or why there is none."""
    try:
        answer = cjson.loads(server.get("figures", size=size))
    except LedgerError as exc:
        return (), [Finding(None, Code.FIGURES_MISMATCH, f"the server publishes no figures for "
                            f"its checkpoint of size {size}: {exc}", checkpoint_size=size)]
    if not isinstance(answer, dict) or not isinstance(answer.get("note"), str):
        return (), [Finding(None, Code.FIGURES_MISMATCH, "the server's figures answer has no "
                            "note", checkpoint_size=size)]
    return ((answer["note"], answer.get("figures")),), []


def _sample(size: int, proofs: int | None) -> list[int]:
    """Seqs whose inclusion proofs are checked: first, last and evenly between."""
    if proofs is None or proofs >= size:
        return list(range(size))
    if proofs <= 0:
        return []
    step = (size - 1) / max(1, proofs - 1)
    return sorted({round(i * step) for i in range(proofs)})


def _inclusion_findings(server: _Server, kept: dict[int, bytes], claim: Claim) -> list[Finding]:
    size, root = claim.body.size, claim.body.root
    findings = []
    for seq, leaf in sorted(kept.items()):
        if len(findings) >= FINDINGS_MAX:
            findings.append(Finding(None, Code.TOO_MANY_FINDINGS, f"stopped checking inclusion "
                                    f"proofs after {FINDINGS_MAX} failed", checkpoint_size=size))
            break
        try:
            answer = server.json("proofs/inclusion", seq=seq, size=size)
            ok = verify_inclusion(leaf_hash(leaf), seq, size, _hashes(answer), root)
        except LedgerError as exc:
            ok, why = False, str(exc)
        else:
            why = "it does not lead from this entry to the checkpoint root"
        if not ok:
            findings.append(Finding(seq, Code.BAD_PROOF, f"the server's inclusion proof of seq "
                                    f"{seq} in the tree of size {size} fails: {why}"))
    return findings


def _consistency_findings(server: _Server, older: Claim, claim: Claim) -> list[Finding]:
    old_size, size = older.body.size, claim.body.size
    if old_size == 0 or old_size >= size:
        return []  # equal sizes: the roots were compared with the entries already
    try:
        answer = server.json("proofs/consistency", **{"from": old_size, "to": size})
        ok = verify_consistency(old_size, size, older.body.root, claim.body.root, _hashes(answer))
        why = "it does not connect the older root to the current one"
    except LedgerError as exc:
        ok, why = False, str(exc)
    if ok:
        return []
    return [Finding(None, Code.INCONSISTENT, f"the server's consistency proof from size {old_size} "
                    f"to {size} fails: {why}", checkpoint_size=old_size)]


def _hashes(answer: Any) -> list[bytes]:
    hashes = answer.get("hashes") if isinstance(answer, dict) else None
    if not isinstance(hashes, list) or not all(isinstance(h, str) for h in hashes):
        raise LedgerError("the proof has no list of base64 hashes")
    try:
        return [base64.b64decode(h, validate=True) for h in hashes]
    except (binascii.Error, ValueError):
        raise LedgerError("the proof holds a hash that is not base64") from None


class _Server:
    def __init__(self, base_url: str, ledger: str) -> None:
        self.base = f"{base_url.rstrip('/')}/v1/ledgers/{quote(ledger, safe='')}"

    @contextmanager
    def open(self, path: str, **params: Any) -> Iterator[Any]:
        """The streaming answer to ``GET path?params`` (200 only)."""
        url = f"{self.base}/{path}" + (f"?{urlencode(params)}" if params else "")
        try:
            response = urllib.request.urlopen(url, timeout=TIMEOUT_SECONDS)
        except urllib.error.HTTPError as exc:
            raise LedgerError(f"GET {url} answered {exc.code}: {_problem(exc)}",
                              status=exc.code, finding=Code.BAD_ANSWER) from None
        except (urllib.error.URLError, OSError) as exc:
            reason = getattr(exc, "reason", exc)
            raise LedgerError(f"cannot reach {url}: {reason}", finding=Code.BAD_ANSWER) from None
        with response:
            yield DeadlineReader(response)

    def get(self, path: str, *, limit: int = RESPONSE_BYTES_MAX, **params: Any) -> bytes:
        with self.open(path, **params) as response:
            body = _read(response, limit + 1)
        if len(body) > limit:
            raise LedgerError(f"GET {self.base}/{path} answered more than {limit} bytes")
        return body

    def json(self, path: str, **params: Any) -> Any:
        """Strict JSON: too deep, duplicate keys or floats are a LedgerError, not a crash."""
        try:
            return cjson.loads(self.get(path, **params))
        except LedgerError as exc:
            raise LedgerError(f"{path} did not answer usable JSON: {exc}") from None

    def entries(self, size: int) -> Iterator[bytes]:
        """Leaf bytes of entries 0..size-1, page by page, line by line (each line and each
        page under a byte cap); fewer if the server runs out."""
        start = 0
        while start < size:
            limit = min(PAGE_ENTRIES, size - start)
            got = read = 0
            with self.open("entries", start=start, limit=limit) as response:
                try:
                    for line in capped_lines(response, limit=limit):
                        read += len(line) + 1
                        if read > RESPONSE_BYTES_MAX:
                            raise LedgerError(f"the page of entries from {start} is larger "
                                              f"than {RESPONSE_BYTES_MAX} bytes")
                        got += 1
                        yield line
                except TooLong as exc:
                    raise LedgerError(f"entry {start + exc.line_number}: {exc}") from None
                except TooSlow as exc:
                    raise LedgerError(f"the page of entries from {start}: {exc}",
                                      finding=Code.BAD_ANSWER) from None
                except (OSError, http.client.HTTPException) as exc:
                    raise LedgerError(f"the page of entries from {start} broke off: {exc!r}",
                                      finding=Code.BAD_ANSWER) from None
            if got < limit:
                return
            start += limit


def _read(response: Any, limit: int) -> bytes:
    try:
        return response.read(limit)
    except TooSlow as exc:
        raise LedgerError(str(exc), finding=Code.BAD_ANSWER) from None
    except (OSError, http.client.HTTPException) as exc:
        raise LedgerError(f"the answer broke off: {exc!r}", finding=Code.BAD_ANSWER) from None


def _problem(exc: urllib.error.HTTPError) -> str:
    try:
        document = cjson.loads(exc.read(64 * 1024))
        return str(document.get("detail") or document.get("title") or exc.reason)[:200]
    except (LedgerError, AttributeError, OSError):
        return str(exc.reason)
