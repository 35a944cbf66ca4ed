"""Bounds on what the verifier takes from a server or a bundle, which may be hostile.

A log that is what it claims fits well inside these; a server or a bundle that
goes past one ends the verification with a finding (``Code.TOO_LARGE``,
``Code.TOO_MANY_FINDINGS``), never a hang, a traceback or memory without end.
"""

from __future__ import annotations

from typing import BinaryIO, Iterator

# A log this long takes days to verify; a checkpoint claiming more is refused
# before a single entry is fetched (a claim of 10^15 would otherwise page for ever).
CHECKPOINT_SIZE_MAX = 1 << 32
# One entry: a statement (the API takes at most 64 KiB) in its envelope, with room.
LINE_BYTES_MAX = 256 * 1024
# Past this many findings the rest tells an auditor nothing more, and memory grows.
FINDINGS_MAX = 1000


class TooLong(Exception):
    """A line longer than LINE_BYTES_MAX: what it holds is not an entry."""

    def __init__(self, line_number: int) -> None:
        super().__init__(f"line {line_number + 1} is longer than {LINE_BYTES_MAX} bytes")
        self.line_number = line_number


def capped_lines(handle: BinaryIO, *, limit: int | None = None) -> Iterator[bytes]:
    """The lines of ``handle`` without their newline, each read no further than
    LINE_BYTES_MAX + 1 bytes; ``limit``: stop after that many. Raises TooLong."""
    count = 0
    while limit is None or count < limit:
        line = handle.readline(LINE_BYTES_MAX + 2)  # the line, its newline, one byte more
        if not line:
            return
        if line.endswith(b"\n"):
            line = line[:-1]
        if len(line) > LINE_BYTES_MAX:
            raise TooLong(count)
        yield line
        count += 1
