"""The repository carries its own copies of the spec (docs/FORMAT.md) and of the shared
test vectors (tests/vectors/shared/), so a plain clone runs every test; where the
shared originals sit beside the repository, the copies must equal them byte for byte."""

from __future__ import annotations

import pytest

from tests.vectors import REPO_ROOT, SHARED, VECTORS

COPIES = [(SHARED / "FORMAT.md", REPO_ROOT / "docs" / "FORMAT.md")] + [
    (SHARED / "vectors" / path.name, path) for path in sorted(VECTORS.iterdir())]


def test_the_repository_holds_the_spec_and_every_shared_vector():
    names = {path.name for _, path in COPIES}
    assert {"FORMAT.md", "merkle.json", "signed-note.json", "ledger-xinzhu.ndjson",
            "ledger-xinzhu.checkpoint", "ledger-xinzhu.json"} <= names
    assert all(copy.stat().st_size > 0 for _, copy in COPIES)


@pytest.mark.skipif(not SHARED.is_dir(), reason="no ../shared beside this clone to compare")
def test_the_copies_equal_the_shared_originals():
    originals = {path.name for path in (SHARED / "vectors").iterdir()}
    assert originals == {path.name for path in VECTORS.iterdir()}, "a shared vector is missing"
    for original, copy in COPIES:
        assert copy.read_bytes() == original.read_bytes(), f"{copy} differs from {original}"
