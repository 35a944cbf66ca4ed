"""A community with supervisors on both real stores (the governance fixtures)."""

from tests.integration.governance.conftest import town  # noqa: F401
