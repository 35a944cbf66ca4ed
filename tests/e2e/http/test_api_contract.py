"""The API keeps its published contract (``/openapi.json``), checked by schemathesis.

schemathesis runs in process against the app (ASGI) on a SQLite store holding the
small community's year of books and a signed checkpoint, so routes answer with real
data. It generates requests the schema allows and requests it forbids, through its
examples, coverage and fuzzing phases, and every check runs: no server error, every
status, content type, header and body as declared, schema-valid requests taken,
schema-invalid ones refused, undeclared methods answered 405 with ``Allow``, missing
credentials refused. The run must end with no failure.

One widening, and why: a request can match its schema and still be refused, because no
schema can say "signed by a registered key", "the nonce is new", "the entry that
question is about exists" (the four POSTs), "seq < size <= the log's size", "from <=
to" (the proofs) or "these bytes hash to the named SHA-256, which an entry names, and
are a kept kind" (the document upload). For these seven, ``positive_data_acceptance``
also takes the rules' answers (400, 422; 413 and 415 for a document); everything else
about them is checked as for any route.
"""

from __future__ import annotations

import uuid
from typing import Any

import pytest
import schemathesis
from schemathesis.engine import Status, events, from_schema

from api.app import ApiOptions, create_app
from api.routers.governance import question_buckets
from ledger.keystore import intake_keys
from ledger.keystore.intake_keys import load_or_create_intake_key
from ledger.log.application import LedgerApplication
from ledger.log.tokens import issue_token
from ledger.settings import Settings
from projections.worker import catch_up
from tests.builders.books import a_year_of_books
from tests.builders.community import Community
from tests.builders.server import keep_log_key

EXAMPLES_PER_OPERATION = 10
# What positive_data_acceptance takes by default, and the rules' answers (400, 422).
RULES_ANSWERS = ["2xx", "3xx", "400", "401", "403", "404", "409", "422", "429"]
WRITES = ("/statements", "/batches", "/checkpoint/cosignatures", "/questions")


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    """The app over a SQLite store with a year of books, a checkpoint (with figures) and
    a registered intake key, so every route can answer 200."""
    where = tmp_path_factory.mktemp("contract")
    settings = Settings(database_url=f"sqlite:///{where / 'ledger.sqlite3'}",
                        data_dir=where / "data")
    ledger_app = LedgerApplication(settings)
    town = Community.open(ledger_app)
    keep_log_key(settings, town)
    a_year_of_books(town)
    intake_key, _ = load_or_create_intake_key(settings, town.slug)
    town.submit(town.admin.register_key(intake_key, ["intake"], intake_keys.REGISTERED_LABEL))
    town.supervisor = town.new_key(["supervisor"], "监委会 supervisor", "supervisor")
    api = create_app(settings, application=ledger_app,
                     options=ApiOptions(public_rate_per_minute=0))
    api.state.question_limiter = question_buckets(0)  # many questions from one test client
    api.state.checkpoints.issue(town.slug)
    catch_up(ledger_app)
    yield api, town
    ledger_app.close()


def contract_config(slug: str) -> schemathesis.Config:
    writes = "|".join(WRITES).replace("/", "\\/")
    return schemathesis.Config.from_dict({
        "seed": 20261202,  # the same requests on every run: a failure reproduces
        "generation": {"max-examples": EXAMPLES_PER_OPERATION, "mode": "all"},
        "phases": {"examples": {"enabled": True}, "coverage": {"enabled": True},
                   "fuzzing": {"enabled": True}, "stateful": {"enabled": False}},
        "checks": {"enabled": True},
        "parameters": {"path.ledger": slug},
        "operations": [{
            "include-path-regex": f"({writes})$", "include-method": "POST",
            "checks": {"positive_data_acceptance": {"expected-statuses": RULES_ANSWERS}}}, {
            "include-path-regex": "/proofs/", "include-method": "GET",
            "checks": {"positive_data_acceptance": {"expected-statuses": RULES_ANSWERS}}}, {
            "include-path-regex": "/documents/", "include-method": "PUT",
            "checks": {"positive_data_acceptance": {
                "expected-statuses": [*RULES_ANSWERS, "413", "415"]}}}],
    })


def test_every_route_keeps_the_published_contract(served):
    api, town = served
    schema = schemathesis.openapi.from_asgi("/openapi.json", api,
                                            config=contract_config(town.slug))

    @schema.auth(refresh_interval=None)
    class OneRequestToken:
        """Audit views take a token good for one request: a fresh one for each."""

        def get(self, case: Any, ctx: Any) -> str:
            # Sealed reports are for the supervisors' eyes; every other view, the agent's.
            reader = town.supervisor if "/confidential/" in case.path else town.agent
            return issue_token(reader.key, town.slug)

        def set(self, case: Any, data: str, ctx: Any) -> None:
            case.headers = {**(case.headers or {}), "Authorization": f"Bearer {data}"}

    failures: list[str] = []
    answered: dict[str, set[int]] = {}
    tested = set()
    for event in from_schema(schema).execute():
        if isinstance(event, events.ScenarioFinished):
            tested.add(event.label)
            for case_id, interaction in event.recorder.interactions.items():
                if interaction.response is not None:
                    answered.setdefault(event.label, set()).add(interaction.response.status_code)
            if event.status in (Status.FAILURE, Status.ERROR):
                failures.extend(_failures(event))
        elif isinstance(event, (events.NonFatalError, events.FatalError)):
            failures.append(f"{getattr(event, 'label', '')}: {event.info.format()}"
                            if hasattr(event, "info") else repr(event))
    assert not failures, "\n\n".join(failures)
    operations = {f"{method.upper()} {path}" for path, item in api.openapi()["paths"].items()
                  for method in item}
    assert tested >= operations, operations - tested
    # The run reached the data, not only the parameter checks: every read of a whole
    # ledger answered 200, every read of one record got past the checks (200 or 404).
    whole = {op for op in operations if op.startswith("GET") and op.count("{") <= 1}
    assert not {op for op in whole if 200 not in answered.get(op, set())}
    assert not {op for op in operations - whole if op.startswith("GET")
                and not answered.get(op, set()) & {200, 404}}


def _failures(event: events.ScenarioFinished) -> list[str]:
    found = []
    for case_id, checks in event.recorder.checks.items():
        for check in checks:
            if check.status == Status.FAILURE and check.failure_info is not None:
                failure = check.failure_info.failure
                found.append(f"{event.label} [{check.name}]: {failure.title}\n"
                             f"{failure.message}\n{check.failure_info.code_sample}")
    return found or [f"{event.label}: {event.status}"]
