"""Every view table the schema creates is one a rebuild empties and a dump orders: a table
left out of TABLES keeps its rows through a rebuild, and the entries then collide."""

from __future__ import annotations

import re

from projections.schema import DDL, ORDER, TABLES


def test_every_created_view_table_is_listed_for_rebuilds_and_dumps():
    created = {match for statement in DDL
               for match in re.findall(r"CREATE TABLE IF NOT EXISTS (view_\w+)", statement)}
    # The schema's version row and the projection lock are kept across rebuilds on purpose.
    assert created - {"view_schema", "view_lock"} == set(TABLES) == set(ORDER)
