"""The version lock: ``content/modules.lock.json`` maps id → locale → {version, sha256}.

It is committed, so a pull request that changes a module's text without bumping its version
fails lint (VB001), and a bump shows up in review as a one-line lock change.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

LOCK_NAME = "modules.lock.json"


def read(content_dir: Path) -> dict[str, dict[str, dict[str, Any]]]:
    path = content_dir / LOCK_NAME
    if not path.exists():
        return {}
    modules: dict[str, dict[str, dict[str, Any]]] = json.loads(
        path.read_text(encoding="utf-8")
    ).get("modules", {})
    return modules


def write(content_dir: Path, entries: dict[str, dict[str, dict[str, Any]]]) -> Path:
    path = content_dir / LOCK_NAME
    ordered = {k: dict(sorted(entries[k].items())) for k in sorted(entries)}
    path.write_text(json.dumps({"modules": ordered}, indent=2) + "\n", encoding="utf-8")
    return path
