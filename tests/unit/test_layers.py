"""The layer contracts in pyproject.toml name every module of the core, so a new use case
cannot slip past the rule "the core knows no Chalice, no Jinja2 and no pages"."""

import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
# The edges: Chalice's app helpers and the scheduled functions' blueprint.
EDGE_MODULES = {"chalicelib.api", "chalicelib.schedules"}


def contracts() -> dict[str, dict]:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    return {c["name"]: c for c in config["tool"]["importlinter"]["contracts"]}


def test_every_core_module_is_under_the_core_contract():
    core = contracts()["The core knows no Chalice, no Jinja2 and no pages"]
    modules = {
        f"chalicelib.{path.stem}"
        for path in (ROOT / "chalicelib").glob("*.py")
        if path.stem != "__init__"
    } | {"chalicelib.records"}
    missing = modules - EDGE_MODULES - set(core["source_modules"])
    assert not missing, (
        f"add {sorted(missing)} to the core contract in pyproject.toml (or to EDGE_MODULES)"
    )
    assert {"chalice", "jinja2", "chalicelib.web", "chalicelib.routes"} <= set(
        core["forbidden_modules"]
    )


def test_edges_may_not_reach_records_or_aws():
    edges = contracts()["Routes and web pages reach records and AWS only through the core"]
    assert set(edges["source_modules"]) == {"chalicelib.routes", "chalicelib.web"}
    assert {"chalicelib.records", "boto3", "botocore"} <= set(edges["forbidden_modules"])
