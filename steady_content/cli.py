"""``steady-content``: the authors' command line (lint, lock, publish)."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from steady_content import lockfile, pipeline
from steady_content.publish import REFUSED, Publisher

CONTENT_DIR = Path("content")


@click.group()
def main() -> None:
    """Write, check and publish Steady modules."""


@main.command()
@click.argument("paths", nargs=-1, type=click.Path(exists=True, path_type=Path))
@click.option("--content-dir", type=click.Path(file_okay=False, path_type=Path), default=CONTENT_DIR)
@click.option("--format", "output", type=click.Choice(["text", "json"]), default="text")
def lint(paths: tuple[Path, ...], content_dir: Path, output: str) -> None:
    """Check modules; print one ``path:line: CODE message`` per problem; exit 1 on any."""
    result = pipeline.lint(content_dir, _expand(paths) if paths else None)
    if output == "json":
        click.echo(json.dumps([p.to_dict() for p in result.problems], indent=2))
    else:
        for found in result.problems:
            click.echo(str(found))
        click.echo(f"{len(result.modules)} modules checked, {len(result.problems)} problems", err=True)
    sys.exit(0 if result.ok else 1)


@main.command()
@click.option("--content-dir", type=click.Path(file_okay=False, path_type=Path), default=CONTENT_DIR)
def lock(content_dir: Path) -> None:
    """Refresh the version lock from the modules as they are now."""
    result = pipeline.lint(content_dir)
    blocking = [p for p in result.problems if not p.code.startswith("VB")]
    bumps = [p for p in result.problems if p.code in ("VB001", "VB002")]
    for found in blocking + bumps:
        click.echo(str(found), err=True)
    if blocking or bumps:
        sys.exit(1)
    path = lockfile.write(content_dir, pipeline.lock_entries(result.modules))
    click.echo(f"wrote {path} ({len(result.modules)} modules)")


@main.command()
@click.option("--stage", required=True, help="Stage whose bucket receives the modules (dev, prod).")
@click.option("--dry-run", is_flag=True, help="Show what would be published; write nothing.")
@click.option("--content-dir", type=click.Path(file_okay=False, path_type=Path), default=CONTENT_DIR)
def publish(stage: str, dry_run: bool, content_dir: Path) -> None:
    """Publish every new module version; never overwrite a published one."""
    from chalicelib import aws
    from chalicelib.settings import Settings

    result = pipeline.lint(content_dir)
    if not result.ok:
        for found in result.problems:
            click.echo(str(found), err=True)
        sys.exit(1)
    modules = result.modules
    if stage == "prod":
        unapproved = [m for m in modules if m.meta["review"]["status"] != "approved"]
        for m in unapproved:
            click.echo(f"{m.path}:{m.source.line_of('review', 'status')}: RV001 not approved: not published to prod", err=True)
        modules = [m for m in modules if m not in unapproved]
    settings = Settings.from_env()
    report = Publisher(aws.client("s3", settings.region), settings.content_bucket).publish(modules, dry_run)
    for outcome in report.outcomes:
        if outcome.status == REFUSED:
            click.echo(f"refused: {outcome.message}", err=True)
    click.echo(("dry run: " if dry_run else "") + report.summary())
    sys.exit(0 if report.ok else 1)


def _expand(paths: tuple[Path, ...]) -> list[Path]:
    files: list[Path] = []
    for path in paths:
        files.extend(sorted(path.rglob("*.md")) if path.is_dir() else [path])
    return files


if __name__ == "__main__":
    main()
