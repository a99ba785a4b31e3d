"""Package a stage's template the way ``make package`` does, offline, for tests.

``chalice package`` downloads Linux wheels for requirements.txt (PyPI): the template does not
depend on them, only the zip does. This copies what Chalice reads (app.py, chalicelib/,
.chalice/ config and policies) into a scratch project with an empty requirements.txt, so the
packaged template is identical to ``make package``'s and no network is needed.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

from infra.template import ROOT, load

MERGE_TEMPLATE = ROOT / "infra" / "resources.yaml"


def package(stage: str, workdir: Path) -> dict:
    """Package ``stage`` into ``workdir`` and return the merged template (plain data)."""
    project = workdir / "project"
    shutil.copytree(
        ROOT / "chalicelib",
        project / "chalicelib",
        ignore=shutil.ignore_patterns("__pycache__", "*.pyc"),
    )
    (project / ".chalice").mkdir()
    for item in (ROOT / ".chalice").glob("*.json"):
        shutil.copy(item, project / ".chalice" / item.name)
    shutil.copy(ROOT / "app.py", project / "app.py")
    (project / "requirements.txt").write_text("")
    out = workdir / "out"
    chalice = Path(sys.executable).parent / "chalice"
    env = {**os.environ, "AWS_DEFAULT_REGION": os.environ.get("AWS_DEFAULT_REGION", "us-east-1")}
    subprocess.run(
        [
            str(chalice),
            "--project-dir",
            str(project),
            "package",
            "--stage",
            stage,
            "--merge-template",
            str(MERGE_TEMPLATE),
            str(out),
        ],
        check=True,
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    return load(out / "sam.yaml")


def template_path(workdir: Path) -> Path:
    return workdir / "out" / "sam.yaml"
