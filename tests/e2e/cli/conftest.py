"""The command line against a live server uses the in-process CLI fixtures."""

from tests.integration.cli.conftest import cli, slug, town  # noqa: F401
