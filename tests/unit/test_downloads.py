"""Download file names: the progress CSV is named after its group's id and day
(chalicelib.dashboard.progress_filename), and no file name can break the Content-Disposition
header (chalicelib.api.Download)."""

from __future__ import annotations

import re
from dataclasses import dataclass

import pytest
from hypothesis import given
from hypothesis import strategies as st

from chalicelib.api import Download
from chalicelib.dashboard import progress_filename
from chalicelib.groups import GroupSummary

GROUP_ID = "0f3c2b1a9d8e7f6a5b4c3d2e1f0a9b8c"
DAY = "2026-11-27"
SAFE = re.compile(r"^[a-z0-9][a-z0-9.-]*\.csv$")


def named(name: str) -> str:
    return progress_filename(GroupSummary(GROUP_ID, name, False, "2026-11-01"), DAY)


@pytest.mark.parametrize(
    "name",
    [
        "Tuesday evening",
        "Tues eve 🌙 — Núñez & O'Brien <b>cohort</b>",
        "../../etc/passwd",
        "C:\\groups\\mine.csv",
        "火曜日のグループ",
        "A" * 80,
    ],
)
def test_the_progress_csv_is_named_after_the_group_id_never_its_name(name: str) -> None:
    """The file sits in a Downloads folder: a group's name ("Núñez & O'Brien cohort") there
    says who is in treatment where. The start of its id tells two groups' files apart."""
    assert named(name) == "progress-0f3c2b1a-2026-11-27.csv"
    long = progress_filename(GroupSummary(GROUP_ID, name, False, "2026-11-01"), DAY, "long")
    assert long == "progress-by-module-0f3c2b1a-2026-11-27.csv"


@pytest.mark.parametrize(
    ("group_id", "filename"),
    [
        ("ABC", "progress-abc-2026-11-27.csv"),
        ("a.b_c-d", "progress-a-b-c-d-2026-11-27.csv"),
        ("abcdefg-hijk", "progress-abcdefg-2026-11-27.csv"),  # no hyphen left at the end
        ("___", "progress-group-2026-11-27.csv"),
    ],
)
def test_any_group_id_gives_a_short_safe_name(group_id: str, filename: str) -> None:
    assert progress_filename(GroupSummary(group_id, "G", False, "2026-11-01"), DAY) == filename


@given(st.text(min_size=1, max_size=80))
def test_any_group_name_gives_a_safe_file_name(name: str) -> None:
    filename = named(name)
    assert SAFE.fullmatch(filename), filename
    assert filename.endswith(f"-{DAY}.csv") and "--" not in filename


@dataclass(frozen=True)
class Named:
    filename: str
    text: str = ""
    content_type: str = "text/plain"


@pytest.mark.parametrize(
    ("filename", "sent"),
    [
        ("plan-2026-11-27.pdf", "plan-2026-11-27.pdf"),
        ('a"b.csv', "a-b.csv"),
        ("a\r\nSet-Cookie: x.csv", "a--Set-Cookie--x.csv"),
        ("../secret.csv", "-secret.csv"),
        ("..\\x.csv", "-x.csv"),
        ("día.csv", "d-a.csv"),
        ("..", "download"),
    ],
)
def test_a_download_header_never_carries_unsafe_characters(filename: str, sent: str) -> None:
    header = Download(Named(filename)).headers()["Content-Disposition"]
    assert header == f'attachment; filename="{sent}"'
