"""CLI fixtures: the same as the in-process CLI tests' (tests/integration/cli/conftest.py)."""

from tests.integration.cli.conftest import cli, slug, town  # noqa: F401  (fixtures)
