"""``steady-content``: the authors' command line (new, lint, preview, diff, lock, publish, codes).

A thin edge: each command parses its arguments, calls the pipeline, and prints.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

import click

from chalicelib.vocabulary import DEFAULT_LOCALE, LOCALES, TOPICS
from steady_content import history, lockfile, pipeline, registry, scaffold, tracks
from steady_content.publish import REFUSED, Outcome, Publisher

CONTENT_DIR = Path("content")
AUTHORING_DOC = Path("docs/authoring.md")

content_dir_option = click.option(
    "--content-dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=CONTENT_DIR,
    show_default=True,
    help="The content folder.",
)


@click.group()
def main() -> None:
    """Write, check and publish Steady modules."""


def _utf8(_context: click.Context, _param: click.Parameter, value: str | None) -> str | None:
    # Bytes that are not UTF-8 reach Python as lone surrogates, which no file can hold.
    try:
        if value is not None:
            value.encode("utf-8")
    except UnicodeEncodeError as error:
        raise click.BadParameter("it is not UTF-8 text: type it again") from error
    return value


@main.command()
@click.argument("topic", type=click.Choice(TOPICS))
@click.argument("module_id", metavar="ID", callback=_utf8)
@click.option("--title", callback=_utf8, help="The title (default: from the id).")
@click.option(
    "--locale",
    type=click.Choice(LOCALES),
    default=DEFAULT_LOCALE,
    show_default=True,
    help="A translation (es) starts from the English original.",
)
@content_dir_option
def new(topic: str, module_id: str, title: str | None, locale: str, content_dir: Path) -> None:
    """Create content/TOPIC/ID.md with complete front matter and the house structure."""
    try:
        path = scaffold.create(content_dir, topic, module_id, locale, title)
    except scaffold.ScaffoldError as error:
        raise click.ClickException(str(error)) from error
    click.echo(f"created {path}")
    click.echo(
        "next: replace every TODO, run 'steady-content preview' and 'steady-content lint', "
        "then 'steady-content lock'"
    )


@main.command()
@click.argument("paths", nargs=-1, type=click.Path(exists=True, path_type=Path))
@content_dir_option
@click.option("--format", "output", type=click.Choice(["text", "json"]), default="text")
def lint(paths: tuple[Path, ...], content_dir: Path, output: str) -> None:
    """Check modules and tracks: one 'path:line: CODE message' per problem; exit 1 on any."""
    result = pipeline.lint(content_dir, _expand(paths) if paths else None)
    if output == "json":
        click.echo(json.dumps([p.to_dict() for p in result.problems], indent=2))
    else:
        for found in result.problems:
            click.echo(str(found))
        for shown in result.unversioned:
            click.echo(f"{shown}: fix the problems above, then lint checks the version", err=True)
        click.echo(result.summary(), err=True)
    sys.exit(0 if result.ok else 1)


@main.command()
@click.argument("module_id", metavar="ID", required=False)
@click.option("--locale", type=click.Choice(LOCALES), default=DEFAULT_LOCALE, show_default=True)
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", type=int, default=8001, show_default=True)
@content_dir_option
def preview(module_id: str | None, locale: str, host: str, port: int, content_dir: Path) -> None:
    """Serve modules as participants will see them; the page reloads when you save."""
    from steady_content.preview import make_server

    server = make_server(content_dir, host, port)
    base = f"http://{host}:{server.server_address[1]}"
    query = "" if locale == DEFAULT_LOCALE else f"?locale={locale}"
    click.echo(
        f"previewing {base}/modules/{module_id}{query}" if module_id else f"previewing {base}/"
    )
    click.echo("press Ctrl-C to stop")
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()


@main.command()
@click.argument("module_id", metavar="ID")
@click.argument("versions", nargs=-1, type=int, metavar="[V1 V2]")
@click.option("--locale", type=click.Choice(LOCALES), default=DEFAULT_LOCALE, show_default=True)
@content_dir_option
def diff(module_id: str, versions: tuple[int, ...], locale: str, content_dir: Path) -> None:
    """Show what changed between two versions (default: the last two), with the changelogs."""
    if len(versions) not in (0, 2):
        raise click.UsageError("give two versions (V1 V2), or none for the last two")
    path = next(
        (
            p
            for p in pipeline.discover(content_dir)
            if pipeline.file_locale(p.name) == (module_id, locale)
        ),
        None,
    )
    if path is None:
        raise click.ClickException(
            f"no module '{module_id}' in locale '{locale}' under {content_dir}"
        )
    old, new = versions if versions else (None, None)
    try:
        found = history.diff(path, old, new)
    except history.HistoryError as error:
        raise click.ClickException(str(error)) from error
    colours = {"+": "green", "-": "red", "@": "cyan"}
    for line in found.lines:
        text = line.rstrip("\n")
        click.secho(text, fg=None if text.startswith(("+++", "---")) else colours.get(text[:1]))
    if not found.lines:
        click.echo(f"versions {found.old.version} and {found.new.version} have the same source")
    click.echo("")
    click.echo("Changelogs:")
    for version, changelog in found.changelogs:
        click.echo(f"  version {version}: {changelog or '(no changelog)'}")


@main.command()
@content_dir_option
def lock(content_dir: Path) -> None:
    """Refresh the version lock from the modules as they are now."""
    result = pipeline.lint(content_dir)
    lockable = [p for p in result.problems if not p.code.startswith(("VB", "TR"))]
    bumps = [p for p in result.problems if p.code in ("VB001", "VB002", "VB004")]
    for found in lockable + bumps:
        click.echo(str(found), err=True)
    if lockable or bumps:
        sys.exit(1)
    path = lockfile.write(content_dir, pipeline.lock_entries(result.modules))
    click.echo(f"wrote {path} ({len(result.modules)} modules)")


@main.command()
@click.option("--stage", required=True, help="Stage whose bucket receives the modules (dev, prod).")
@click.option("--dry-run", is_flag=True, help="Show what would be published; write nothing.")
@content_dir_option
def publish(stage: str, dry_run: bool, content_dir: Path) -> None:
    """Publish every new module version and the tracks; never overwrite a published version.

    The bucket is $STEADY_CONTENT_BUCKET, or steady-STAGE-content. In prod, modules whose
    review status is not approved are refused (listed, but the run still succeeds).
    """
    from chalicelib import aws
    from chalicelib.settings import Settings

    result = pipeline.lint(content_dir)
    if not result.ok:
        for found in result.problems:
            click.echo(str(found), err=True)
        click.echo("fix these problems first (steady-content lint)", err=True)
        sys.exit(1)
    environ = {**os.environ, "STEADY_STAGE": stage}
    environ.setdefault("STEADY_CONTENT_BUCKET", f"steady-{stage}-content")
    settings = Settings.from_env(environ)
    publisher = Publisher(aws.client("s3", settings.region), settings.content_bucket)
    with click.progressbar(
        length=len(result.modules),
        label=f"{'checking' if dry_run else 'publishing'} {len(result.modules)} modules "
        f"to {settings.content_bucket}",
        file=sys.stderr,
    ) as bar:

        def advance(_outcome: Outcome) -> None:
            bar.update(1)

        report = publisher.publish(
            result.modules,
            dry_run=dry_run,
            tracks=result.tracks,
            approved_only=stage == "prod",
            on_outcome=advance,
        )
    for outcome in report.outcomes + report.tracks:
        if outcome.status == REFUSED:
            # A module refused in English and in Spanish is two lines: each names its language.
            where = f" ({outcome.locale})" if outcome.kind != "track" else ""
            click.echo(f"refused{where}: {outcome.message}", err=True)
        elif dry_run and outcome.status == "new":
            what = f"{outcome.kind} {outcome.item_id} version {outcome.version}"
            click.echo(f"would publish {what} ({outcome.locale})")
    click.echo(("dry run: " if dry_run else "") + report.summary())
    sys.exit(0 if report.ok else 1)


@main.command()
@click.option(
    "--write",
    "doc",
    is_flag=False,
    flag_value=str(AUTHORING_DOC),
    default=None,
    type=click.Path(dir_okay=False, path_type=Path),
    help=f"Rewrite the table in this file (default {AUTHORING_DOC}) instead of printing it.",
)
def codes(doc: Path | None) -> None:
    """Print every lint code as a Markdown table (the one in docs/authoring.md)."""
    if doc is None:
        click.echo(registry.table(), nl=False)
        return
    text = doc.read_text(encoding="utf-8")
    try:
        updated = registry.with_table(text)
    except registry.RuleError as error:
        raise click.ClickException(f"{doc}: {error}") from error
    if updated != text:
        doc.write_text(updated, encoding="utf-8")
    click.echo(f"{doc}: {'updated' if updated != text else 'already up to date'}")


@main.command("table")
@click.option(
    "--content-dir", type=click.Path(file_okay=False, path_type=Path), default=CONTENT_DIR
)
@click.option(
    "--readme", type=click.Path(dir_okay=False, path_type=Path), default=Path("README.md")
)
def table_command(content_dir: Path, readme: Path) -> None:
    """Rewrite the curriculum table in README.md (modules, topics, words, reading level)."""
    from steady_content import curriculum

    result = pipeline.lint(content_dir)
    changed = curriculum.write(readme, result.modules)
    click.echo(
        f"{readme}: {'updated' if changed else 'already up to date'} ({len(result.modules)} modules)"
    )


def _expand(paths: tuple[Path, ...]) -> list[Path]:
    files: list[Path] = []
    for path in paths:
        if path.is_dir():
            found = [
                *path.rglob("*.md"),
                *(p for s in tracks.SUFFIXES for p in path.rglob(f"*{s}")),
            ]
            files.extend(sorted(found))
        else:
            files.append(path)
    return files


if __name__ == "__main__":
    main()
