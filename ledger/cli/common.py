"""What every `sunledger` command shares: settings, the application, consoles,
key lookup, amounts, and the one place user errors become one red line."""

from __future__ import annotations

import os
import sys
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Annotated, Any, Callable, Iterator

import typer
from rich.console import Console
from rich.markup import escape
from rich.progress import (BarColumn, MofNCompleteColumn, Progress, TextColumn,
                           TimeElapsedColumn, TimeRemainingColumn)
from rich.segment import Segment
from rich.text import Text
from typer.core import TyperGroup

from ledger.domain.dates import LEDGER_TIME_ZONE
from ledger.domain import fields
from ledger.format import money

from ledger.keystore import keyring
from ledger.log.appender import Appender
from ledger.log.application import LedgerApplication, Receipt
from ledger.client import Signer
from ledger.errors import LedgerError
from ledger.format.statements import SignedStatement
from ledger.settings import Settings

LedgerArg = Annotated[str, typer.Argument(metavar="LEDGER",
                                          help="The ledger's slug, e.g. xinzhu.")]
WIDE_OUTPUT_COLUMNS = 160  # tables keep their rows whole when piped or captured


def out() -> Console:
    return _console(stderr=False)


def err() -> Console:
    return _console(stderr=True)


class ShownConsole(Console):
    """A console that writes every unprintable character of what it shows as a visible
    escape (\\x1b, \\u202e): a second line of defence behind the text rule, for logs
    signed before it (a memo's ESC[31m must not reach the auditor's terminal).
    Rich's own styling is added after rendering, so it is left alone."""

    def render_str(self, text: str, **kwargs: Any) -> Text:
        # Before layout, so a table sizes its columns for the escapes it will show.
        return super().render_str(fields.shown(text), **kwargs)

    def render(self, renderable, options=None):  # type: ignore[override]
        for segment in super().render(renderable, options):
            if segment.control or not fields.UNSAFE_IN_PROSE_RE.search(segment.text):
                yield segment
            else:
                yield Segment(fields.shown(segment.text), segment.style)


def _console(stderr: bool) -> Console:
    stream = sys.stderr if stderr else sys.stdout
    wide = None if (stream.isatty() or os.environ.get("COLUMNS")) else WIDE_OUTPUT_COLUMNS
    return ShownConsole(stderr=stderr, width=wide, highlight=False, emoji=False)


def one_line(message: str) -> str:
    return " ".join(str(message).split())


def report_failure(reason: str) -> None:
    """The single line a user sees when a command cannot do what was asked."""
    err().print(Text(f"error: {one_line(reason)}", style="bold red"), soft_wrap=True)


GLOBAL_OPTIONS = ("--db", "--data-dir")


def hoist_global_options(args: list[str]) -> list[str]:
    """Let ``--db`` and ``--data-dir`` follow the command too (``sunledger demo --db x``):
    they are moved in front of it, where the root command reads them."""
    front: list[str] = []
    rest: list[str] = []
    index = 0
    while index < len(args):
        arg = args[index]
        if arg == "--":
            rest.extend(args[index:])
            break
        if arg in GLOBAL_OPTIONS and index + 1 < len(args):
            front += args[index:index + 2]
            index += 2
            continue
        if arg.split("=", 1)[0] in GLOBAL_OPTIONS and "=" in arg:
            front.append(arg)
        else:
            rest.append(arg)
        index += 1
    return front + rest


class LedgerGroup(TyperGroup):
    """Turns expected failures anywhere below into one red line and exit code 1.

    Programmer errors still raise (with a traceback) so that they get fixed.
    """

    def parse_args(self, ctx: Any, args: list[str]) -> list[str]:
        if ctx.parent is None:
            args = hoist_global_options(args)
        return super().parse_args(ctx, args)

    def invoke(self, ctx: Any) -> Any:
        from eventsourcing.persistence import PersistenceError

        try:
            return super().invoke(ctx)
        except LedgerError as error:
            code = f" [{error.code}]" if error.code != LedgerError.code else ""
            report_failure(f"{error}{code}")
        except PersistenceError as error:
            report_failure(f"database: {error}")
        except UnicodeDecodeError:
            report_failure("a file given is not UTF-8 text")
        except OSError as error:
            report_failure(f"{error.strerror or error}: {error.filename or ''}".rstrip(": "))
        raise typer.Exit(1)


@dataclass
class Cli:
    """Per-invocation state: the settings, and the application (with the log's front
    door for writes, its appender) made on first use."""

    settings: Settings
    _app: LedgerApplication | None = field(default=None, repr=False)
    _appender: Appender | None = field(default=None, repr=False)

    @property
    def app(self) -> LedgerApplication:
        if self._app is None:
            self._app = LedgerApplication(self.settings)
        return self._app

    @property
    def appender(self) -> Appender:
        if self._appender is None:
            self._appender = Appender(self.app)
        return self._appender

    def submit(self, signed: SignedStatement) -> Receipt:
        """Append through the log's front door; the Receipt, or the refusal raised."""
        return self.appender.append_and_wait(signed)

    def close(self) -> None:
        if self._appender is not None:
            self._appender.close()
            self._appender = None
        if self._app is not None:
            self._app.close()
            self._app = None

    def signer(self, ledger: str, key: str) -> Signer:
        return Signer(keyring.load_signing_key(self.settings, ledger, key), ledger)

    def currency(self, ledger: str) -> str:
        return self.app.state(ledger).currency


def cli_of(ctx: typer.Context) -> Cli:
    obj = ctx.find_object(Cli)
    assert obj is not None, "the root callback sets up Cli"
    return obj


def today() -> str:
    """Today in the ledger's time zone: the business dates of the log are its days, so
    between midnight there and midnight here the machine's own date is a day behind."""
    return local_today().isoformat()


def local_today() -> date:
    return datetime.now(LEDGER_TIME_ZONE).date()


def amount_of(text: str, currency: str, what: str = "amount") -> int:
    """A positive decimal string in minor units; floats never get this far."""
    minor = money.parse_amount(text, currency)
    if minor <= 0:
        raise LedgerError(f"{what} must be more than zero, got {text!r}")
    return minor


def shown(minor: int, currency: str) -> str:
    return money.format_amount(minor, currency)


@contextmanager
def progress_bar(description: str, total: int | None = None
                 ) -> Iterator[Callable[..., None]]:
    """A Rich progress bar on stderr (when it is a terminal); yields ``update(done, total)``."""
    columns = [TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
               TimeElapsedColumn(), TimeRemainingColumn()]
    console = err()
    with Progress(*columns, console=console, disable=not console.is_terminal) as bar:
        task = bar.add_task(description, total=total)

        def update(done: int, total: int | None = None, *_: Any, **__: Any) -> None:
            if total is not None:
                bar.update(task, total=total)
            bar.update(task, completed=done)

        yield update


def nothing_to_do(what: str) -> None:
    """A command run again after it already did its work: say so, change nothing, exit 0
    (so a setup script or a README walkthrough can be run twice)."""
    out().print(f"[yellow]{escape(what)}; nothing to do[/yellow]", soft_wrap=True)


def print_receipt(receipt: Receipt, what: str) -> None:
    again = "" if receipt.created else " (already recorded: same signed statement)"
    out().print(f"{escape(what)}: seq [bold]{receipt.seq}[/bold]  hash {receipt.hash}{again}",
                soft_wrap=True)
