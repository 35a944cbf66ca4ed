"""The attack suite, run against a fresh real server: ``python -m tests.attacks``
(SQLite), ``python -m tests.attacks --postgres postgresql://postgres@127.0.0.1/db``
(that database; every ledger gets a slug of its own). Prints a Markdown table
(attack | expected | answer | wrongly accepted | log changed | 5xx) and the totals;
exits 1 unless every attack was refused as expected and changed nothing.

``tests/e2e/http/test_attacks.py`` runs the same table under pytest.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

from tests.builders.attack_holding import HOLDING
from tests.builders.attack_holes import HOLES
from tests.builders.attack_processes import PROCESSES
from tests.builders.attack_target import a_served_target, settings_in
from tests.builders.attacks import markdown_table, run_attack

ATTACKS = [*HOLES, *HOLDING, *PROCESSES]

# Rows of the table that need processes, a restored database or a browser of their
# own: covered by the suite's tests named here, not by this runner.
NOT_RUN = [
    ("a second `sunledger serve` started while another takes writes (PostgreSQL)",
     "starts cleanly: tests/integration/test_writer_processes.py::"
     "test_servers_start_cleanly_while_another_process_writes_and_projects"),
    ("two server processes writing one ledger, 16 clients (PostgreSQL)",
     "0 refused, no fork: tests/integration/test_writer_processes.py::"
     "test_writer_processes_with_many_clients_each_are_never_refused_and_never_fork"),
    ("a restored older database, then an append",
     "503 log-behind-checkpoint, nothing changes: "
     "tests/e2e/http/test_a_restored_database_over_http.py, tests/integration/test_restores.py"),
    ("browser check showing a tick for an unsigned checkpoint",
     "no tick: tests/e2e/browser/test_verified_only_when_signed.py"),
]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.attacks", description=__doc__)
    parser.add_argument("--postgres", metavar="URL", help="run on this PostgreSQL database")
    args = parser.parse_args(argv)
    backend = "postgres" if args.postgres else "sqlite"
    with tempfile.TemporaryDirectory(prefix="sunledger-attacks-") as directory:
        settings = settings_in(Path(directory), args.postgres)
        rows = []
        with a_served_target(settings) as target:
            for number, attack in enumerate(ATTACKS, 1):
                if attack.backend not in ("any", backend):
                    continue
                row = run_attack(target, attack)
                rows.append(row)
                mark = "ok  " if row.passed else "FAIL"
                print(f"{mark} {number:3} {attack.name}: {row.answer.describe()}"
                      + (f" changed {', '.join(row.changes)}" if row.changes else ""),
                      file=sys.stderr, flush=True)
    print(f"## Attacks on a fresh server ({backend})\n")
    print(markdown_table(rows, NOT_RUN))
    return 0 if all(row.passed for row in rows) else 1


if __name__ == "__main__":
    sys.exit(main())
