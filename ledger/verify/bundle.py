"""Audit bundles (FORMAT.md section 9): export a ledger to a directory, verify one offline.

A bundle is ``entries.ndjson`` (leaf bytes + "\\n", seq order),
``checkpoint`` (a signed checkpoint covering exactly those entries), and, from
FORMAT.md v1.1, ``figures`` (the log's figures note at the checkpoint's size)
with ``figures.json`` (the document it signs, as CJSON, so that a verifier can
name the rows that differ). A bundle without ``figures`` (v1.0) still verifies. Export
writes the first ``size`` entries of the given checkpoint, so entries
appended while exporting never end up outside the checkpoint; it writes to a
temporary directory beside the target and renames it, so a failed export
leaves nothing behind.
"""

from __future__ import annotations

import os
import shutil
import stat
import tempfile
from pathlib import Path
from typing import Any, Iterator

from ledger.errors import CheckpointError, LedgerError, LedgerNotFound
from ledger.format import cjson
from ledger.format.figures import document_bytes
from ledger.verify.run import Options, Progress, run
from ledger.verify.checkpoint import read_claim, read_note
from ledger.verify.http import verify_url
from ledger.verify.limits import TooLong, capped_lines
from ledger.verify.report import Code, Finding, Report

__all__ = ["export_bundle", "verify_bundle", "verify_url", "ENTRIES_FILE", "CHECKPOINT_FILE",
           "FIGURES_FILE", "FIGURES_DOCUMENT_FILE"]

ENTRIES_FILE = "entries.ndjson"
CHECKPOINT_FILE = "checkpoint"
FIGURES_FILE = "figures"
FIGURES_DOCUMENT_FILE = "figures.json"
_READ_BLOCK_BYTES = 1 << 20
FIGURES_DOCUMENT_BYTES_MAX = 64 << 20  # a row per fund and account: far less


def export_bundle(app: Any, slug: str, directory: str | Path, checkpoint_note: str,
                  figures: tuple[str, dict] | None = None) -> int:
    """Write the bundle of ``slug`` at ``checkpoint_note``'s size; return the entries written.
    ``figures`` is (figures note, document) signed at that same size."""
    directory = Path(directory)
    claim = read_claim(checkpoint_note)
    if claim.body is None:
        raise CheckpointError(f"cannot export with this checkpoint: {claim.problem}")
    earlier = directory.exists() and directory.is_dir() and any(directory.iterdir())
    if directory.exists() and (not directory.is_dir() or (
            earlier and not _is_bundle_of(directory, claim.body.origin))):
        raise LedgerError(f"{directory} already exists and is not an empty directory or an "
                          "earlier bundle of this ledger; a bundle is written to a new or "
                          "empty one", path=str(directory))
    if app.reader.size(slug) == 0:
        raise LedgerNotFound(f"ledger {slug!r} does not exist", ledger=slug)
    if figures is not None and figures[1].get("size") != claim.body.size:
        raise CheckpointError(f"the figures are of size {figures[1].get('size')}, the "
                              f"checkpoint of size {claim.body.size}")
    directory.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{directory.name}.", dir=directory.parent))
    try:
        written = _write_entries(app, slug, staging / ENTRIES_FILE, claim.body.size)
        (staging / CHECKPOINT_FILE).write_bytes(claim.note.encode("utf-8"))
        if figures is not None:
            (staging / FIGURES_FILE).write_bytes(figures[0].encode("utf-8"))
            (staging / FIGURES_DOCUMENT_FILE).write_bytes(document_bytes(figures[1]))
        if earlier:  # the same command run again: the new bundle takes the old one's place
            retired = Path(tempfile.mkdtemp(prefix=f".{directory.name}.old.", dir=directory.parent))
            os.replace(directory, retired / directory.name)
            os.replace(staging, directory)
            shutil.rmtree(retired, ignore_errors=True)
        else:
            os.replace(staging, directory)  # an empty target directory is replaced atomically
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return written


def _is_bundle_of(directory: Path, origin: str) -> bool:
    """Only bundle files, and a checkpoint of ``origin``: an export run again may replace
    it; anything else in the directory is never touched."""
    names = {path.name for path in directory.iterdir()}
    if not names <= {ENTRIES_FILE, CHECKPOINT_FILE, FIGURES_FILE, FIGURES_DOCUMENT_FILE} or \
            any(not (directory / name).is_file() or (directory / name).is_symlink()
                for name in names):
        return False
    try:
        claim = read_claim(read_note(directory / CHECKPOINT_FILE, "the earlier checkpoint"))
    except (LedgerError, OSError, ValueError):
        return False
    return claim.body is not None and claim.body.origin == origin


def _write_entries(app: Any, slug: str, path: Path, size: int) -> int:
    written = 0
    with path.open("wb") as out:
        for stored in app.reader.stored(slug, 0, size):
            if b"\n" in stored.leaf:  # canonical JSON never holds a raw newline
                raise LedgerError(f"stored entry {stored.seq} of {slug} contains a newline, so "
                                  "it cannot be one line of a bundle; verify the ledger",
                                  seq=stored.seq)
            out.write(stored.leaf + b"\n")
            written += 1
    if written != size:
        raise LedgerError(f"the checkpoint signs {size} entries but {slug} has {written} stored",
                          size=size, stored=written)
    return written


def verify_bundle(directory: str | Path, *, log_vkey: str | None = None,
                  genesis_hash: str | None = None, since: str | Path | None = None,
                  workers: int | None = None, progress: Progress | None = None) -> Report:
    """Verify a bundle offline; ``since`` is the path of an older checkpoint the auditor kept."""
    directory = Path(directory)
    entries = directory / ENTRIES_FILE
    note = read_note(directory / CHECKPOINT_FILE, "the bundle's checkpoint")
    older = read_note(Path(since), "the older checkpoint") if since is not None else None
    total = _count_lines(entries)
    figures, unreadable = _read_figures(directory)
    options = Options(None, genesis_hash, log_vkey, note, older, figures=figures)
    stopped: list[Finding] = []
    report = run(((leaf, None) for leaf in _lines(entries, stopped)), options, total=total,
                 workers=workers, progress=progress)
    report.findings.extend(stopped + unreadable)
    report.sort()
    if report.checkpoint_size is not None and report.checkpoint_size < report.size:
        report.findings.append(Finding(None, Code.CHECKPOINT_INCOMPLETE,
                                       f"the bundle holds {report.size} entries but its checkpoint "
                                       f"covers only {report.checkpoint_size}; it must cover all",
                                       checkpoint_size=report.checkpoint_size))
        report.sort()
    return report


def _read_figures(directory: Path) -> tuple[tuple, list[Finding]]:
    """The bundle's (figures note, document) to check, if it has figures; a document that
    is not JSON is a finding of its own (the note is still checked)."""
    if not (directory / FIGURES_FILE).exists():
        return (), []
    note = read_note(directory / FIGURES_FILE, "the bundle's figures")
    path = directory / FIGURES_DOCUMENT_FILE
    if not path.exists():
        return ((note, None),), []
    try:
        with path.open("rb") as handle:
            raw = handle.read(FIGURES_DOCUMENT_BYTES_MAX + 1)
        if len(raw) > FIGURES_DOCUMENT_BYTES_MAX:
            raise LedgerError(f"it is larger than {FIGURES_DOCUMENT_BYTES_MAX} bytes")
        return ((note, cjson.loads(raw)),), []
    except (LedgerError, ValueError) as exc:
        return ((note, None),), [Finding(None, Code.FIGURES_MISMATCH, f"{FIGURES_DOCUMENT_FILE} "
                                         f"is not a JSON figures document: {exc}")]


def _open_entries(path: Path):
    try:
        handle = path.open("rb")
        if not stat.S_ISREG(os.fstat(handle.fileno()).st_mode):  # /dev/zero never ends
            handle.close()
            raise LedgerError(f"the bundle's entries {path} are not a regular file",
                              path=str(path))
        return handle
    except FileNotFoundError:
        raise LedgerError(f"the bundle's entries are missing: no file {path}",
                          path=str(path)) from None
    except OSError as exc:
        raise LedgerError(f"cannot read {path}: {exc.strerror}", path=str(path)) from None


def _count_lines(path: Path) -> int:
    """Lines in the file (a last line without its newline counts), for the progress bar."""
    count, last = 0, b"\n"
    with _open_entries(path) as handle:
        while block := handle.read(_READ_BLOCK_BYTES):
            count += block.count(b"\n")
            last = block[-1:]
    return count + (last != b"\n")


def _lines(path: Path, stopped: list[Finding]) -> Iterator[bytes]:
    """The entries' lines, none read past LINE_BYTES_MAX: a longer one (a file of one
    endless line) stops the reading with a finding instead of filling memory."""
    with _open_entries(path) as handle:
        try:
            yield from capped_lines(handle)
        except TooLong as exc:
            stopped.append(Finding(exc.line_number, Code.TOO_LARGE, f"{ENTRIES_FILE}: {exc}, "
                                   "so it is no entry; verification stopped there"))
