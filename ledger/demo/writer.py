"""Signing and appending the planned year, day by day, on the demo clock.

Each statement is signed at its day's morning by the demo clock; a week's
statements are one batch (at most ``batch``: one transaction), recorded at
the morning of the batch's last day, so ``recorded_at`` follows the business
dates within the week: the disclosure catalogue is listed in January, a month
is closed in the month after it. (A batch a day would be closer still, and
twice as slow: each transaction costs about as much as fifty statements.)
Periodic disclosures (``Spec.sheet``) published together are rendered from
the log as it stands just before them (ledger/domain/sheets.py: each sheet
names that size and head) and appended as one batch.
"""

from __future__ import annotations

from datetime import date, datetime, time, timezone
from typing import Callable

from ledger.client import Signer
from ledger.demo.governance import DemoClock
from ledger.demo.year import Spec
from ledger.domain.dates import LEDGER_TIME_ZONE
from ledger.domain.sheets import period_sheet
from ledger.errors import Conflict
from ledger.format.statements import Entry
from ledger.log.appender import Appender

MORNING = time(9, 0)


def morning_of(day: date) -> datetime:
    """9 o'clock on ``day`` in the ledger's time zone, as a UTC time."""
    return datetime.combine(day, MORNING, tzinfo=LEDGER_TIME_ZONE).astimezone(timezone.utc)


def week(day: date | None) -> tuple[int, int] | None:
    return day.isocalendar()[:2] if day is not None else None


class YearWriter:
    def __init__(self, appender: Appender, slug: str, keys: dict[str, Signer],
                 clock: DemoClock, batch: int, progress: Callable[[int, int], None] | None,
                 total: int) -> None:
        self.appender, self.slug, self.keys, self.clock = appender, slug, keys, clock
        self.batch, self.progress, self.total = batch, progress, total
        self.done = appender.app.reader.size(slug)
        # The log so far, for the sheets: what was there before, then what we append.
        self.entries: list[Entry] = appender.app.entries(slug, 0, self.done)

    def write(self, specs: list[Spec]) -> None:
        chunk: list[Spec] = []
        for spec in specs:
            if chunk and (week(spec.day) != week(chunk[0].day) or len(chunk) >= self.batch
                          or spec.sheet != chunk[0].sheet):
                self.flush(chunk)
                chunk = []
            chunk.append(spec)
        if chunk:
            self.flush(chunk)

    def flush(self, chunk: list[Spec]) -> None:
        if chunk[0].sheet:  # a day's disclosures, each sheet rendered from the log before them
            chunk = [self.rendered(spec) for spec in chunk]
        self.append(chunk)

    def append(self, chunk: list[Spec]) -> None:
        signed = []
        for spec in chunk:
            if spec.day is not None:
                self.clock.move_to(morning_of(spec.day))
            signed.append(self.keys[spec.role].sign(spec.type, spec.body,
                                                     signed_at=self.clock()))
        receipts = self.appender.append_batch(signed)
        for expected, receipt in enumerate(receipts, start=self.done):
            if receipt.seq != expected or not receipt.created:  # seqs were planned
                raise Conflict(f"another writer appended to {self.slug} while the demo was "
                               f"being built (seq {receipt.seq}, planned {expected})")
        self.done += len(chunk)
        self.entries += [receipt.entry for receipt in receipts]
        if self.progress:
            self.progress(self.done, self.total)

    def rendered(self, spec: Spec) -> Spec:
        """The disclosure with the sheet of its period and fund, rendered from the log."""
        app = self.appender.app
        body = spec.body
        sheet = period_sheet(app.state(self.slug), self.entries, period=body["period"],
                             fund=body["fund"])
        return Spec(spec.role, spec.type,
                    {**body, "sheet_sha256": sheet.sha256, "totals": sheet.totals_body()},
                    spec.day)
