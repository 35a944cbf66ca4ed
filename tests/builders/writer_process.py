"""One writer process: its own LedgerApplication and Appender, many client threads.

Run as ``python -m tests.builders.writer_process JOB.json`` (or with ``STARTS``
after it: only start up that many times, as a server does, and exit). The job names the
database, the statements (signed by the test) and how many client threads send
them; the process builds its application (schema setup included), writes
``JOB.json.ready``, waits for ``JOB.json.go`` so all processes start at once,
then writes one JSON line per statement to ``JOB.json.out``: its receipt (seq,
hash, created) or its refusal (error class and message).
"""

from __future__ import annotations

import json
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from ledger.errors import LedgerError
from ledger.format.statements import SignedStatement
from ledger.log.appender import Appender
from ledger.log.application import LedgerApplication
from ledger.settings import Settings


def write_job(path: Path, settings: Settings, statements: list[SignedStatement],
              clients: int) -> Path:
    path.write_text(json.dumps({"database_url": settings.database_url,
                                "data_dir": str(settings.data_dir), "clients": clients,
                                "statements": [s.to_json() for s in statements]}))
    return path


def outcome(appender: Appender, signed: SignedStatement) -> dict:
    try:
        receipt = appender.append_and_wait(signed)
    except LedgerError as error:
        return {"nonce": signed.statement.nonce, "error": type(error).__name__,
                "message": str(error)}
    return {"nonce": signed.statement.nonce, "seq": receipt.seq, "hash": receipt.hash,
            "created": receipt.created}


def main(job_path: Path) -> None:
    job = json.loads(job_path.read_text())
    settings = Settings(database_url=job["database_url"], data_dir=Path(job["data_dir"]))
    statements = [SignedStatement.from_json(item) for item in job["statements"]]
    app = LedgerApplication(settings)
    appender = Appender(app)
    try:
        app.state(statements[0].statement.ledger)  # cached now: later appends must catch up
        Path(f"{job_path}.ready").touch()
        go = Path(f"{job_path}.go")
        while not go.exists():
            time.sleep(0.005)
        with ThreadPoolExecutor(job["clients"]) as clients:
            outcomes = list(clients.map(lambda s: outcome(appender, s), statements))
        Path(f"{job_path}.out").write_text("".join(json.dumps(o) + "\n" for o in outcomes))
    finally:
        appender.close()
        app.close()




def start_servers(job_path: Path, starts: int) -> None:
    """What ``sunledger serve`` does at start, ``starts`` times: the application (the
    log's tables) and the finance view (its tables and indexes)."""
    from projections.view import open_view

    job = json.loads(job_path.read_text())
    settings = Settings(database_url=job["database_url"], data_dir=Path(job["data_dir"]))
    for _ in range(starts):
        app = LedgerApplication(settings)
        try:
            open_view(app)
        finally:
            app.close()


if __name__ == "__main__":
    if len(sys.argv) > 2:  # JOB.json STARTS
        start_servers(Path(sys.argv[1]), int(sys.argv[2]))
    else:
        main(Path(sys.argv[1]))
