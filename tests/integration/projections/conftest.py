"""Fixtures: the community's year of books, projected, on both stores."""

from __future__ import annotations

import pytest

from projections.view import open_view
from projections.worker import catch_up
from tests.builders.books import a_year_of_books


@pytest.fixture
def books(community):
    return a_year_of_books(community)


@pytest.fixture
def view(books):
    """The finance view, caught up with the year of books."""
    catch_up(books.community.app)
    return open_view(books.community.app)
