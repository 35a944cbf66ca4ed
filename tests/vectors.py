"""Load the shared FORMAT.md test vectors from ``../shared/vectors/``.

A missing folder is an error, never a skip: the vectors are the contract.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

REPO_ROOT = Path(__file__).resolve().parents[1]
VECTORS = REPO_ROOT.parent / "shared" / "vectors"


def vector_path(name: str) -> Path:
    path = VECTORS / name
    if not path.is_file():
        raise FileNotFoundError(f"test vector {name} not found in {VECTORS} "
                                "(the shared vectors live in ../shared/vectors/ beside the repo)")
    return path


def load_json(name: str) -> Any:
    return json.loads(vector_path(name).read_text(encoding="utf-8"))


def load_text(name: str) -> str:
    # newline="" keeps bytes exact: notes are signed byte for byte.
    with vector_path(name).open(encoding="utf-8", newline="") as f:
        return f.read()
