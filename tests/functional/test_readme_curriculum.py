"""The README's curriculum table is generated from content/ and must not drift from it."""

from __future__ import annotations

from steady_content import curriculum
from tests.conftest import ROOT


def test_readme_table_matches_the_shipped_content(shipped_modules):
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    expected = curriculum.replace_in(readme, curriculum.table(shipped_modules))
    assert readme == expected, "run 'steady-content table' and commit README.md"
    assert readme.count("| addiction |") >= 12
