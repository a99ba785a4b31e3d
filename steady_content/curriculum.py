"""The curriculum table in README.md: every module with its topic, words and reading level.

``steady-content table --write`` regenerates it between the markers; a test fails when the
README and the content disagree.
"""

from __future__ import annotations

from pathlib import Path

from steady_content import readability
from steady_content.pipeline import Module
from steady_content.render import count_words

START = "<!-- curriculum:start -->"
END = "<!-- curriculum:end -->"


def table(modules: list[Module]) -> str:
    rows = [
        "| Module | Topic | Language | Version | Words | Reading level |",
        "|---|---|---|---|---|---|",
    ]
    for module in sorted(
        modules, key=lambda m: (m.meta["topic"], m.meta["title"].lower(), m.locale)
    ):
        reading = readability.measure(readability.blocks(module.source), module.locale)
        level = (
            f"Fernández-Huerta {reading.fernandez_huerta:.0f}"
            if module.locale == "es"
            else f"FK {reading.flesch_kincaid:.1f}, SMOG {reading.smog:.1f}"
        )
        rows.append(
            f"| {module.meta['title']} (`{module.module_id}`) | {module.meta['topic']} | {module.locale} "
            f"| {module.version} | {count_words(module.source.body)} | {level} |"
        )
    return "\n".join(rows)


def replace_in(readme: str, new_table: str) -> str:
    """``readme`` with the text between the markers replaced by ``new_table``."""
    if START not in readme or END not in readme:
        raise ValueError(f"README.md needs the markers {START} and {END}")
    head, rest = readme.split(START, 1)
    _, tail = rest.split(END, 1)
    return f"{head}{START}\n{new_table}\n{END}{tail}"


def write(readme_path: Path, modules: list[Module]) -> bool:
    """Rewrite the table; return whether anything changed."""
    old = readme_path.read_text(encoding="utf-8")
    new = replace_in(old, table(modules))
    if new != old:
        readme_path.write_text(new, encoding="utf-8")
    return new != old
