"""axe-core, the accessibility checker, for the browser tests.

It is not vendored: .ci/run installs it from the npm registry into a cache
directory (``npm install --prefix ~/.cache/sunledger/axe axe-core@4``) and the
tests read ``axe.min.js`` from there (``SUNLEDGER_AXE_DIR`` to move it).
Without it the accessibility tests skip with the command to run, except in CI,
where it is a failure.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

AXE_DIR = Path(os.environ.get("SUNLEDGER_AXE_DIR")
               or Path.home() / ".cache" / "sunledger" / "axe")
AXE_SCRIPT = AXE_DIR / "node_modules" / "axe-core" / "axe.min.js"
INSTALL = f"npm install --prefix {AXE_DIR} axe-core@4"
# What a resident cannot get past: the two impacts the tests refuse.
BLOCKING = ("serious", "critical")


def axe_unavailable() -> str | None:
    if not AXE_SCRIPT.exists():
        return f"axe-core is missing at {AXE_SCRIPT}: run `{INSTALL}`"
    return None


def blocking_violations(page: Any) -> list[dict[str, Any]]:
    """Run axe on the page as it is; the serious and critical violations, each with
    the elements it found, so a failure says what to fix."""
    if not page.evaluate("() => Boolean(window.axe)"):
        page.add_script_tag(content=AXE_SCRIPT.read_text(encoding="utf-8"))
    found = page.evaluate("async () => (await axe.run(document)).violations")
    return [{"id": v["id"], "impact": v["impact"], "help": v["help"],
             "nodes": [n["target"] for n in v["nodes"]][:5]}
            for v in found if v["impact"] in BLOCKING]
