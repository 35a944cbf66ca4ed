"""Load the FORMAT.md test vectors.

The shared vectors (``../shared/vectors/`` beside the repository, where the spec
is kept) are copied into ``tests/vectors/shared/`` so that a plain clone runs
every test; ``tests/unit/test_spec_copies.py`` fails if a copy drifts from the
shared original when that is at hand. A missing vector is an error, never a skip.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

REPO_ROOT = Path(__file__).resolve().parents[1]
VECTORS = REPO_ROOT / "tests" / "vectors" / "shared"
SHARED = REPO_ROOT.parent / "shared"  # the spec's home, beside the repository (if present)


def vector_path(name: str) -> Path:
    path = VECTORS / name
    if not path.is_file():
        raise FileNotFoundError(f"test vector {name} not found in {VECTORS}")
    return path


def load_json(name: str) -> Any:
    return json.loads(vector_path(name).read_text(encoding="utf-8"))


def load_text(name: str) -> str:
    # newline="" keeps bytes exact: notes are signed byte for byte.
    with vector_path(name).open(encoding="utf-8", newline="") as f:
        return f.read()
