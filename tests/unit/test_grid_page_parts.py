"""The progress grid page builds its column headings and row headings in Python (2,400 cells
and their headings are too many for template loops): they are the HTML the template loops
made, escaping included, for names and titles with markup in them, several open reasons,
reasons marked as seen and no due date."""

from __future__ import annotations

import re
from zoneinfo import ZoneInfo

from jinja2 import Environment

from chalicelib.assignments import AssignedModule
from chalicelib.attention import OVERDUE_MODULES, ParticipantAttention, Reason
from chalicelib.dashboard import Grid, GridRow
from chalicelib.groups import GroupSummary
from chalicelib.statuses import COMPLETED, COMPLETED_OLDER, NOT_STARTED, OVERDUE, ModuleStatus
from chalicelib.web.leader_pages import _column_headings, _grid_cells, _phone_cards, _row_heads
from chalicelib.web.render import day, short_day

TEMPLATE_HEADINGS = (
    '{% for c in columns %}<th scope="col" class="mod" title="{{ c.title }}{{ c.due }}">'
    '<span class="clamp">{{ c.heading }}</span>{% if c.due_short %}<span class="due">'
    "{{ c.due_short }}</span>{% endif %}</th>{% endfor %}"
)
TEMPLATE_HEAD = (
    '<th scope="row" class="name"><bdi>{{ row.display_name }}</bdi>{% if a and a.needs_attention %}'
    "{% set why %}Needs attention: {% for r in a.open %}{{ r.text }}{% if not loop.last %}; "
    "{% endif %}{% endfor %}{% endset %}"
    ' <a class="flag attention" href="{{ group }}#p-{{ row.participant_id }}" title="{{ why }}"'
    ' aria-label="{{ why }} ({{ row.display_name }}): on the group page">'
    '<span aria-hidden="true">!</span><span class="vh"> {{ why }}</span></a>'
    '{% endif %}</th><td class="tot">{{ t.done }}<span class="lbl"> done</span></td>'
    '<td class="tot{% if t.overdue %} late{% endif %}">{{ t.overdue }}<span class="lbl"> '
    'overdue</span></td><td class="tot">{{ t.older }}<span class="lbl"> older version</span></td>'
)
ENV = Environment(autoescape=True)


def module(
    module_id: str, title: str, due: str | None, heading: str = "", who: str | None = None
) -> AssignedModule:
    return AssignedModule(module_id, title, 1, 1, due, None, ("a",), who, heading=heading)


def test_column_headings_are_what_the_template_made() -> None:
    modules = (
        module("m1", "Anger & <stress>", "2026-11-24"),
        module("m2", 'Say "no"', None),
        module("m3", "Sleep", "2026-12-01"),
        # The catalog's heading (soft hyphens) is the text; the plain title stays the tooltip.
        module("m4", "Depression <b>", None, "De\u00adpres\u00adsion <b>"),
    )
    columns = [
        {
            "title": m.title,
            "heading": m.heading or m.title,
            "due": f", due {day(m.due_date)}" if m.due_date else "",
            "due_short": short_day(m.due_date),
        }
        for m in modules
    ]
    expected = ENV.from_string(TEMPLATE_HEADINGS).render(columns=columns)
    assert str(_column_headings(modules, frozenset())) == expected
    assert "Anger &amp; &lt;stress&gt;" in expected
    assert 'title="Depression &lt;b&gt;"><span class="clamp">De\u00adpres\u00adsion &lt;b&gt;<' in (
        expected
    )


def test_row_heads_are_what_the_template_made() -> None:
    def cell(status: str) -> ModuleStatus:
        return ModuleStatus("m", status)

    rows = (
        GridRow("p1", "Alex <b>R.</b>", "", (cell(OVERDUE), cell(OVERDUE), cell(COMPLETED))),
        GridRow("p2", "Sam & Co", "", (cell(COMPLETED_OLDER), cell(COMPLETED), cell(COMPLETED))),
        GridRow("p3", "Kim", "", (cell(OVERDUE),)),
        GridRow("p4", "Lee", "", ()),
    )
    reasons = (
        Reason(OVERDUE_MODULES, "f1", ("m1", "m2")),
        Reason("no_activity", "f2", days=7),
        Reason("knowledge_check_missed", "f3", ("m1",), seen=True),
        Reason("worksheet_half_done", "f4", ("m2",)),
    )
    attention = {
        "p1": ParticipantAttention("p1", "Alex", reasons),
        "p2": ParticipantAttention("p2", "Sam", (reasons[2],)),  # only a seen one: no flag
        "p3": ParticipantAttention("p3", "Kim", ()),
    }
    grid = Grid(GroupSummary("g", "G", False, ""), (), rows, {}, "2026-11-25", attention=attention)
    template = ENV.from_string(TEMPLATE_HEAD)
    group = "/leader/groups/g"
    expected = [
        template.render(row=r, t=r.totals, a=attention.get(r.participant_id), group=group)
        for r in rows
    ]
    heads = [str(h) for h in _row_heads(grid, group)]
    assert heads == expected
    assert "2 overdue; Nothing completed or saved for 7 days; Worksheet left half done<" in heads[0]
    assert 'href="/leader/groups/g#p-p1" title="Needs attention: 2 overdue; ' in heads[0]
    assert 'Worksheet left half done (Alex &lt;b&gt;R.&lt;/b&gt;): on the group page"' in heads[0]
    assert "Needs attention" not in heads[1] and "Needs attention" not in heads[3]


def test_a_column_whose_dates_vary_says_the_groups_date_and_that_they_vary() -> None:
    modules = (
        module("m1", "Refusal & <skills>", "2026-12-05"),  # the group's; one participant's 4 Dec
        module("m2", "Sleep", None),  # the group's, no date; one participant has one
        module("m3", "HALT", "2026-12-04", who="p1"),  # two participants' own, different dates
        module("m4", "Anger", "2026-12-07"),  # the same date for everyone
    )
    html = str(_column_headings(modules, frozenset({"m1", "m2", "m3"})))
    headings = html.split("</th>")[:4]
    assert headings[0] == (
        '<th scope="col" class="mod" title="Refusal &amp; &lt;skills&gt;, due Sat 5 Dec 2026 for '
        'the group, other dates for some participants"><span class="clamp">Refusal &amp; '
        '&lt;skills&gt;</span><span class="due">5 Dec</span><span class="due">dates vary</span>'
    )
    assert headings[1].endswith(
        'title="Sleep, due dates vary"><span class="clamp">Sleep</span>'
        '<span class="due">dates vary</span>'
    )
    assert headings[2].endswith(
        'title="HALT, due dates vary"><span class="clamp">HALT</span>'
        '<span class="due">dates vary</span>'
    )
    assert "4 Dec" not in html
    assert headings[3].endswith(
        'title="Anger, due Mon 7 Dec 2026"><span class="clamp">Anger</span>'
        '<span class="due">7 Dec</span>'
    )


def test_a_cells_own_due_date_and_completion_day_are_the_programs() -> None:
    # Completed at 10 pm on Thu 26 Nov in New York (03:00 UTC on the 27th), in a column whose
    # dates vary: the title gives the program's day of the completion and the plain due date.
    done = ModuleStatus("m1", COMPLETED, 1, "2026-11-27T03:00:00Z")
    row = GridRow("p1", "Alex", "", (done,), {"m1": "2026-12-04"})
    (html,) = _grid_cells((row,), {"m1": "Sleep"}, "/leader/groups/g", ZoneInfo("America/New_York"))
    assert 'title="Done: version 1, Thu 26 Nov 2026; due Fri 4 Dec 2026"' in str(html)
    assert '<span class="vh st"> Done, due Fri 4 Dec 2026</span>' in str(html)


def test_a_phone_cards_line_counts_the_modules_completed_in_an_older_version() -> None:
    """Walk 20 (leader), item 4: "Lucía R. 2 of 8 done" on a phone when she had completed 3,
    one of them in a version since replaced; the table's Done and Older version columns said
    2 and 1, the phone's line only 2. It says both, in the key's words."""
    modules = tuple(module(f"m{n}", f"Module {n}", None) for n in range(1, 5))
    cells = (
        ModuleStatus("m1", COMPLETED_OLDER, 2, "2026-11-27T15:00:00Z", newer_version=3),
        ModuleStatus("m2", COMPLETED, 1, "2026-11-27T15:00:00Z"),
        ModuleStatus("m3", COMPLETED, 1, "2026-11-27T15:00:00Z"),
        ModuleStatus("m4", NOT_STARTED),
    )
    rows = (
        GridRow("p1", "Lucía R.", "", cells),
        GridRow("p2", "Kim W.", "", (cells[1], cells[2], cells[3], cells[3])),
    )
    grid = Grid(GroupSummary("g", "G", False, ""), modules, rows, {}, "2026-11-28")
    lucia, kim = (
        re.sub(r"<[^>]+>", "", str(card).split("</summary>")[0])
        for card in _phone_cards(grid, "/leader/groups/g", ZoneInfo("America/New_York"))
    )
    assert lucia == "Lucía R. 2 of 4 done, 1 completed an older version"
    assert kim == "Kim W. 2 of 4 done"  # none in an older version: nothing more said
