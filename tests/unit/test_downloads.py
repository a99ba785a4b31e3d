"""Download file names: the progress CSV is named after its group and day
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
    ("name", "filename"),
    [
        ("Tuesday evening", "progress-tuesday-evening-2026-11-27.csv"),
        ("  Tuesday   Evening Group ", "progress-tuesday-evening-group-2026-11-27.csv"),
        ("Grupo de mañana — Sesión 2", "progress-grupo-de-manana-sesion-2-2026-11-27.csv"),
        ('Lee\'s "IOP", week 3/4', "progress-lee-s-iop-week-3-4-2026-11-27.csv"),
        ("../../etc/passwd", "progress-etc-passwd-2026-11-27.csv"),
        ("C:\\groups\\mine.csv", "progress-c-groups-mine-csv-2026-11-27.csv"),
        ("火曜日のグループ", f"progress-{GROUP_ID}-2026-11-27.csv"),
        ("💬 ✨", f"progress-{GROUP_ID}-2026-11-27.csv"),
        ("---", f"progress-{GROUP_ID}-2026-11-27.csv"),
        ("A" * 80, f"progress-{'a' * 40}-2026-11-27.csv"),
        ("Evening " + "x" * 31 + " group", f"progress-evening-{'x' * 31}-2026-11-27.csv"),
    ],
)
def test_the_progress_csv_is_named_after_the_group_and_day(name: str, filename: str) -> None:
    assert named(name) == filename


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
