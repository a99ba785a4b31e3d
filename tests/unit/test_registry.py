"""The one lint-rule registry: every code declared once, by one rule that reports only it,
and the table of codes in docs/authoring.md generated from it."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from steady_content import registry
from steady_content.cli import main
from steady_content.problems import Problem

ROOT = Path(__file__).resolve().parents[2]
DOC = ROOT / "docs" / "authoring.md"


def test_every_code_is_declared_by_exactly_one_rule():
    found = registry.rules()
    assert len({r.code for r in found}) == len(found)
    assert all(re.fullmatch(r"[A-Z]{2}\d{3}", r.code) for r in found)
    assert all(r.summary and r.stage in registry.STAGES for r in found)


def test_only_parse_codes_have_no_check():
    for found in registry.rules():
        assert (found.check is None) == (found.stage == "parse"), found.code


def test_codes_once_reported_by_another_rule_are_rules_of_their_own():
    codes = registry.codes()
    for code in ("FM013", "FM021", "HT002", "VB002", "VB003", "TR031", "FM005"):
        assert code in codes


def test_the_table_in_the_authoring_guide_is_the_registry():
    text = DOC.read_text(encoding="utf-8")
    assert registry.with_table(text) == text, "run: steady-content codes --write"
    for code in registry.codes():
        assert f"| {code} |" in text


def test_a_rule_reporting_a_code_it_does_not_own_is_refused():
    def check(subject: str):
        yield Problem(subject, 1, "ZZ002", "a second kind of problem")

    rogue = registry.Rule("ZZ001", "a rule for this test", "module", check)
    with pytest.raises(registry.RuleError, match="ZZ002"):
        rogue("a.md")


def test_a_code_cannot_be_registered_twice():
    taken = registry.rules("module")[0]
    with pytest.raises(registry.RuleError, match=taken.code):
        registry.register(registry.Rule(taken.code, "something else", "module", lambda s: []))


def test_a_problem_with_an_unregistered_code_is_refused():
    registry.check_registered([Problem("a.md", 1, "FM010", "fine")])
    with pytest.raises(registry.RuleError, match="ZZ999"):
        registry.check_registered([Problem("a.md", 1, "ZZ999", "not declared anywhere")])


def test_codes_prints_the_table():
    result = CliRunner().invoke(main, ["codes"])
    assert result.exit_code == 0
    assert result.output == registry.table()
    assert "| FM010 | required field missing | each module |" in result.output


def test_codes_write_rewrites_only_the_table(tmp_path):
    doc = tmp_path / "authoring.md"
    doc.write_text(
        f"# Guide\n\nBefore.\n\n{registry.TABLE_START}\n| old | table |\n"
        f"{registry.TABLE_END}\n\nAfter.\n",
        encoding="utf-8",
    )
    result = CliRunner().invoke(main, ["codes", "--write", str(doc)])
    assert result.exit_code == 0, result.output
    text = doc.read_text(encoding="utf-8")
    assert "| old | table |" not in text
    assert text.startswith("# Guide\n\nBefore.\n\n") and text.endswith("\n\nAfter.\n")
    assert registry.table() in text
    again = CliRunner().invoke(main, ["codes", "--write", str(doc)])
    assert "already up to date" in again.output


def test_codes_write_needs_the_markers(tmp_path):
    doc = tmp_path / "authoring.md"
    doc.write_text("# No table here\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["codes", "--write", str(doc)])
    assert result.exit_code == 1
    assert "markers" in result.output
