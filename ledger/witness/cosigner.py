"""A witness: an independent program that cosigns a log's checkpoints only if
each one extends the last it cosigned (``sunledger witness``).

It trusts nothing from the server but what it verifies: the log signature
(against the log key it was given), and the RFC 9162 consistency proof from
its last cosigned checkpoint. Its memory (ledger.witness.memory) is a directory
with one JSON state file per log origin: the last cosigned size, root and note,
locked for the whole of a round. When the log contradicts that memory (a smaller
tree, another root for the same size, or a proof that does not verify: a split
view or rewritten history) it refuses, writes both checkpoints beside the state
file as evidence, and raises SplitView.

The log is untrusted input: every answer is read with a byte cap (streamed, so a
server that sends gigabytes is cut off), and JSON is parsed strictly (no deep
nesting, no duplicate keys).
"""

from __future__ import annotations

import base64
import json
import re
import time
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Callable, Iterable

import httpx

from ledger.format import cjson, merkle
from ledger.format.checkpoints import Checkpoint, verify_checkpoint
from ledger.errors import CheckpointError, LedgerError, SignatureError
from ledger.format.keys import SigningKey
from ledger.format.notes import COSIGNATURE_V1, Signer, Verifier, cosign, split_note
from ledger.witness import memory as memories
from ledger.witness.memory import load_state, state_file  # noqa: F401  (re-exported)

response_bytes_max = 64 * 1024  # a checkpoint or a proof is far smaller
timeout_seconds = 10.0


class SplitView(CheckpointError):
    """The log showed this witness a checkpoint that contradicts one it cosigned."""

    code = "split-view"
    status = 409


class WitnessError(LedgerError):
    """The log could not be asked, or answered with something unusable."""

    code = "witness-failed"
    status = 502


@dataclass(frozen=True)
class WitnessResult:
    origin: str
    old_size: int  # 0 if this is the first checkpoint cosigned for the origin
    size: int
    cosignature: str  # the line sent to the log, without its newline


def new_witness_signer(name: str) -> Signer:
    """A fresh witness key (tlog-cosignature/v1, key type 0x04) named ``name``."""
    return Signer.from_seed(name, SigningKey.generate().seed, COSIGNATURE_V1)


# --- evidence -------------------------------------------------------------------


def save_evidence(state_path: Path, origin: str, cosigned: str, offered: str,
                  proof: list[str] | None) -> list[Path]:
    """Both checkpoints (and the proof, if any) beside the state file."""
    stamp = datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%S%fZ")
    stem = f"evidence-{re.sub(r'[^A-Za-z0-9._-]', '_', origin)}-{stamp}"
    files = {f"{stem}-cosigned.checkpoint": cosigned, f"{stem}-offered.checkpoint": offered}
    if proof is not None:
        files[f"{stem}-consistency.json"] = json.dumps({"hashes": proof}, indent=2) + "\n"
    written = []
    for name, text in files.items():
        target = state_path.parent / name
        target.write_text(text, encoding="utf-8")
        written.append(target)
    return written


# --- talking to the log -------------------------------------------------------


def _get(client: httpx.Client, url: str, **params: Any) -> bytes:
    """The body of a 200 answer, read no further than ``response_bytes_max``."""
    try:
        with client.stream("GET", url, params=params) as response:
            body = _read_capped(response, url)
            status = response.status_code
    except httpx.HTTPError as exc:
        raise WitnessError(f"cannot reach the log at {url}: {exc}") from None
    if status != 200:
        raise WitnessError(f"GET {url} answered {status}: {_detail(body)}")
    return body


def _read_capped(response: httpx.Response, url: str) -> bytes:
    chunks, total = [], 0
    for chunk in response.iter_bytes():
        total += len(chunk)
        if total > response_bytes_max:
            raise WitnessError(f"GET {url} answered more than {response_bytes_max} bytes")
        chunks.append(chunk)
    return b"".join(chunks)


def _detail(body: bytes) -> str:
    try:
        document = cjson.loads(body)
        return str(document.get("detail", ""))[:200] if isinstance(document, dict) else ""
    except LedgerError:
        return body[:200].decode("utf-8", "replace")


def _consistency(client: httpx.Client, base: str, old: int, new: int) -> list[str]:
    raw = _get(client, f"{base}/proofs/consistency", **{"from": old, "to": new})
    try:
        body = cjson.loads(raw)
    except LedgerError as exc:
        raise WitnessError(f"the consistency proof is not JSON: {exc}") from None
    hashes = body.get("hashes") if isinstance(body, dict) else None
    if not isinstance(hashes, list) or not all(isinstance(h, str) for h in hashes):
        raise WitnessError("the consistency proof is not {\"hashes\": [base64, ...]}")
    return hashes


def _decode(hashes: list[str]) -> list[bytes] | None:
    try:
        return [base64.b64decode(h, validate=True) for h in hashes]
    except ValueError:
        return None


# --- one round ------------------------------------------------------------------


def _open(note: str, log_vkeys: Iterable[str | Verifier]) -> Checkpoint:
    errors = []
    for vkey in log_vkeys:
        try:
            return verify_checkpoint(note, vkey)
        except LedgerError as exc:
            errors.append(str(exc))
    raise SignatureError(f"the checkpoint is not signed by the log key: {'; '.join(errors)}")


def _check_extends(client: httpx.Client, base: str, memory: dict[str, Any], cp: Checkpoint,
                   note: str, state_path: Path) -> None:
    old_size, old_root = memory["size"], base64.b64decode(memory["root"])
    proof: list[str] | None = None
    if cp.size < old_size:
        reason = f"the log shrank from {old_size} to {cp.size} entries"
    elif cp.size == old_size:
        reason = "" if cp.root == old_root else f"the log signed two roots for size {cp.size}"
    else:
        proof = _consistency(client, base, old_size, cp.size)
        hashes = _decode(proof)
        ok = hashes is not None and merkle.verify_consistency(old_size, cp.size, old_root,
                                                              cp.root, hashes)
        reason = "" if ok else (f"the tree of size {cp.size} does not extend the tree of size "
                                f"{old_size} this witness cosigned (rewritten history?)")
    if reason:
        files = save_evidence(state_path, cp.origin, memory["checkpoint"], note, proof)
        raise SplitView(f"refusing to cosign {cp.origin}: {reason}; evidence kept in "
                        f"{', '.join(str(f) for f in files)}", origin=cp.origin)


def run_once(base_url: str, ledger: str, witness_signer: Signer, state_path: Path | str,
             log_vkey: str | Verifier | Iterable[str | Verifier], *,
             client: httpx.Client | None = None) -> WitnessResult:
    """Fetch the latest checkpoint, check it, cosign it and send the cosignature."""
    state_path = Path(state_path)
    vkeys = [log_vkey] if isinstance(log_vkey, (str, Verifier)) else list(log_vkey)
    base = f"{base_url.rstrip('/')}/v1/ledgers/{ledger}"
    own = client or httpx.Client(timeout=timeout_seconds)
    try:
        note = _note(_get(own, f"{base}/checkpoint"))
        cp = _open(note, vkeys)
        # The lock covers read, check, write and send: another round for this origin
        # (another process) waits, then reads what this one remembered.
        with memories.locked(state_path, cp.origin) as own_file:
            memory = memories.recall(state_path, cp.origin)
            if memory is not None:
                _check_extends(own, base, memory, cp, note, own_file)
            body = split_note(note)[0]
            line = str(cosign(body, witness_signer, int(time.time()))).rstrip("\n")
            # Remember before telling: once cosigned, never cosign a contradiction.
            memories.remember(state_path, cp.origin, {
                "size": cp.size, "root": base64.b64encode(cp.root).decode(),
                "checkpoint": note, "cosigned_at": int(time.time())})
            _post_cosignature(own, base, cp.size, line, witness_signer)
        return WitnessResult(cp.origin, memory["size"] if memory else 0, cp.size, line)
    finally:
        if client is None:
            own.close()


def _post_cosignature(client: httpx.Client, base: str, size: int, line: str,
                      witness_signer: Signer) -> None:
    payload = {"size": size, "cosignature": line, "witness_key": witness_signer.verifier().vkey}
    url = f"{base}/checkpoint/cosignatures"
    try:
        with client.stream("POST", url, json=payload) as response:
            answer = _read_capped(response, url)
            status = response.status_code
    except httpx.HTTPError as exc:
        raise WitnessError(f"cannot send the cosignature: {exc}") from None
    if status != 200:
        raise WitnessError(f"the log refused the cosignature ({status}): {_detail(answer)}")


def _note(raw: bytes) -> str:
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        raise WitnessError("the log's checkpoint is not UTF-8 text") from None


def run_forever(base_url: str, ledger: str, witness_signer: Signer, state_path: Path | str,
                log_vkey: str | Verifier | Iterable[str | Verifier], *,
                interval_seconds: float = 60.0,
                report: Callable[[WitnessResult | WitnessError], None] | None = None) -> None:
    """Cosign every ``interval_seconds``; stop (raise) at the first split view.
    ``report`` hears each round's outcome: the cosigned checkpoint, or why not."""
    with httpx.Client(timeout=timeout_seconds) as client:
        while True:
            try:
                outcome: WitnessResult | WitnessError = run_once(
                    base_url, ledger, witness_signer, state_path, log_vkey, client=client)
            except WitnessError as error:
                outcome = error  # the log may be down for a moment; try again next round
            if report is not None:
                report(outcome)
            time.sleep(interval_seconds)
