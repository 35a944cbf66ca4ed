"""The server's own memory of what it signed, kept outside the database.

A database restored from an older backup has lost entries the server already
published a checkpoint for; signing a new checkpoint on it would make the
server's own key sign a split view (two trees, neither extending the other).
So after each checkpoint it signs, the server writes that note to
``DATA_DIR/checkpoints/<ledger>.checkpoint`` (atomically: a temporary file,
fsync, rename), and before signing or appending it checks that the stored tree
extends it: at least as many entries, and at the kept size the same root.

A ledger whose store is behind refuses writes (``LogBehind``, HTTP 503) until
the operator brings the newer entries back (``sunledger restore``).
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from ledger.errors import LedgerError, LogBehind
from ledger.format.checkpoints import Checkpoint
from ledger.format.notes import split_note
from ledger.log import proofs
from ledger.log.store import LogReader
from ledger.settings import Settings


def kept_path(settings: Settings, slug: str) -> Path:
    return settings.data_dir / "checkpoints" / f"{slug}.checkpoint"


def read_kept(settings: Settings, slug: str) -> Checkpoint | None:
    """The latest checkpoint this server signed for ``slug``, or None if it signed none."""
    path = kept_path(settings, slug)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return None
    try:
        return Checkpoint.parse(split_note(text)[0])
    except (LedgerError, ValueError) as exc:
        raise LogBehind(f"{path} is not a checkpoint ({exc}); this server cannot tell "
                        f"whether the database of {slug} is current", ledger=slug) from None


def keep(settings: Settings, slug: str, note: str) -> None:
    """Remember ``note`` as the latest signed checkpoint, unless a larger one is kept."""
    new = Checkpoint.parse(split_note(note)[0])
    kept = read_kept(settings, slug)
    if kept is not None and kept.size >= new.size:
        return
    path = kept_path(settings, slug)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, temporary = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(note)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temporary, path)  # readers see the old note or the new one, never half
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def check_extends_kept(settings: Settings, reader: LogReader, slug: str, size: int) -> None:
    """Raise LogBehind unless the stored tree of ``size`` entries extends the kept checkpoint."""
    kept = read_kept(settings, slug)
    if kept is None:
        return
    path = kept_path(settings, slug)
    if size < kept.size:
        raise LogBehind(
            f"the database holds {size} entries of {slug} but this server signed a checkpoint "
            f"at size {kept.size} ({path}): it was restored from an older backup. Writes are "
            f"refused until the newer entries are back: sunledger restore {slug} --bundle DIR",
            ledger=slug, size=size, signed_size=kept.size)
    if proofs.root_at(reader, slug, kept.size) != kept.root:
        raise LogBehind(
            f"the database's tree of {slug} at size {kept.size} is not the one this server "
            f"signed ({path}): its entries were replaced. Writes are refused until the "
            f"signed entries are back: sunledger restore {slug} --bundle DIR",
            ledger=slug, size=size, signed_size=kept.size)
