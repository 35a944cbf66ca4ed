"""Bounds on what the verifier takes from a server or a bundle, which may be hostile.

A log that is what it claims fits well inside these; a server or a bundle that
goes past one ends the verification with a finding (``Code.TOO_LARGE``,
``Code.TOO_MANY_FINDINGS``), never a hang, a traceback or memory without end.
"""

from __future__ import annotations

import time
from typing import Any, BinaryIO, Iterator

# A log this long takes days to verify; a checkpoint claiming more is refused
# before a single entry is fetched (a claim of 10^15 would otherwise page for ever).
CHECKPOINT_SIZE_MAX = 1 << 32
# One entry: a statement (the API takes at most 64 KiB) in its envelope, with room.
LINE_BYTES_MAX = 256 * 1024
# Past this many findings the rest tells an auditor nothing more, and memory grows.
FINDINGS_MAX = 1000
# One answer, however it trickles in: a socket timeout restarts with every byte, so a
# server sending one byte a second would hold the verifier for ever. A full page of
# entries is a megabyte or two; 30 s is far more than it needs.
ANSWER_SECONDS_MAX = 30.0


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


class TooSlow(Exception):
    """An answer still arriving ANSWER_SECONDS_MAX after it began."""


class DeadlineReader:
    """``readline`` and ``read`` over a streaming HTTP answer that end with TooSlow once
    ``seconds`` have passed since the answer began, however slowly its bytes arrive:
    the answer is read a chunk at a time (``read1``: whatever has arrived) and the
    clock is checked between chunks."""

    def __init__(self, response: Any, seconds: float | None = None) -> None:
        seconds = ANSWER_SECONDS_MAX if seconds is None else seconds
        self.response = response
        self.deadline = time.monotonic() + seconds
        self.seconds = seconds
        self.buffer = b""
        self.ended = False

    def _more(self) -> bool:
        if self.ended:
            return False
        if time.monotonic() > self.deadline:
            raise TooSlow(f"the answer was still arriving after {self.seconds:g} s")
        chunk = self.response.read1(64 * 1024)
        if not chunk:
            self.ended = True
            return False
        self.buffer += chunk
        return True

    def readline(self, limit: int) -> bytes:
        while b"\n" not in self.buffer[:limit] and len(self.buffer) < limit and self._more():
            pass
        end = self.buffer.find(b"\n", 0, limit)
        cut = limit if end < 0 else end + 1
        line, self.buffer = self.buffer[:cut], self.buffer[cut:]
        return line

    def read(self, limit: int) -> bytes:
        while len(self.buffer) < limit and self._more():
            pass
        data, self.buffer = self.buffer[:limit], self.buffer[limit:]
        return data
