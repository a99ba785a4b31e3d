"""Walk 17, items 5, 7, 8, 9 and 10: names nobody can see or that turn the text around them,
forms of an assignment sent from a stale tab, "Create a new account" sent again for someone
already in the group, the group name's limit, and a rename to the same name."""

from __future__ import annotations

import json
import re
from html import unescape

import pytest

from tests.functional.test_groups import call
from tests.functional.test_leader_pages import (  # noqa: F401 (with_tracks: a fixture)
    assignment_ids,
    enrol,
    field_value,
    new_group,
    summary_links,
    with_tracks,
)
from tests.functional.web_client import WebClient, signed_in

INVISIBLE = "A group name needs at least one letter or digit you can see."
DIRECTION = (
    "A group name holds hidden text-direction characters (they come with text pasted from some "
    "chat apps and PDFs): type the name instead of pasting it."
)
GONE = (
    "That assignment is no longer there (it was unassigned, maybe in another tab or by a "
    "co-leader). Nothing was changed."
)


def actions(service) -> list[str]:  # type: ignore[no-untyped-def]
    """The audit trail's changes (a leader's page view is audited too: ``group.read``)."""
    return [
        e["action"] for e in service.audit.page(limit=500)[0] if not e["action"].endswith(".read")
    ]


# -- 5: names ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "said"),
    [
        ("\u200b\u202e", DIRECTION),  # the walk's: a zero-width space and a right-to-left override
        ("\u200b", INVISIBLE),
        ("\u200b \u2060\ufeff", INVISIBLE),
        ("\u3164", INVISIBLE),  # a Hangul filler: a letter drawn as nothing
        ("Tuesday \u2067group\u2069", DIRECTION),
        ("\u202aTuesday", DIRECTION),
    ],
)
def test_a_group_name_nobody_can_see_or_with_direction_controls_is_refused(
    client, published, leader, name, said
):
    status, body = call(client, "POST", "/groups", leader, {"name": name})
    assert status == 400 and body["error"] == {"code": "invalid_name", "message": said}
    browser = signed_in(client, leader)
    page = browser.post("/leader/groups", {"csrf": browser.get("/leader").csrf(), "name": name})
    assert page.status == 400
    assert summary_links(page) == [("name", said)]
    assert call(client, "GET", "/groups", leader)[1]["groups"] == []


@pytest.mark.parametrize(
    "name",
    [
        "مجموعة الثلاثاء",  # Arabic
        "گروه سه\u200cشنبه",  # Persian, with the zero-width non-joiner it needs
        "👩\u200d👩\u200d👧 Family group",  # an emoji joined by zero-width joiners
        "Grupo de los martes",
    ],
)
def test_names_in_any_script_with_joiners_are_kept(client, published, leader, name):
    status, body = call(client, "POST", "/groups", leader, {"name": name})
    assert status == 201 and body["name"] == name


def test_a_display_name_is_held_to_the_same_rule_when_enrolling_and_renaming(
    client, published, leader, participant, service
):
    browser = signed_in(client, leader)
    group = new_group(browser)
    refused = enrol(browser, group, participant.username, "\u200b\u200b")
    assert refused.status == 400
    assert summary_links(refused) == [
        ("display_name", "A display name needs at least one letter or digit you can see.")
    ]
    refused = enrol(browser, group, participant.username, "Sam\u202e P.")
    assert summary_links(refused)[0][0] == "display_name"
    assert "A display name holds hidden text-direction characters" in summary_links(refused)[0][1]
    assert "enrolment.add" not in actions(service)

    enrol(browser, group, participant.username, "Sam P.")
    path = f"{group}/participants/{participant.id}/name"
    renamed = browser.post(path, {"csrf": browser.get(path).csrf(), "display_name": "\u2066"})
    assert renamed.status == 400
    assert summary_links(renamed)[0][0] == "display_name"
    assert "enrolment.rename" not in actions(service)
    group_id = group.rsplit("/", 1)[1]
    status, body = call(
        client,
        "POST",
        f"/groups/{group_id}/participants",
        leader,
        {"username": participant.username, "display_name": "\u200b"},
    )
    assert status == 400 and body["error"]["code"] == "invalid_name"


def test_names_are_isolated_from_the_text_around_them(client, published, leader, participant):
    """An Arabic or Hebrew name cannot turn the badge or words beside it around: each name
    typed by a leader is in a <bdi> on the leaders' pages."""
    browser = signed_in(client, leader)
    group = new_group(browser, "מפגש שלישי")
    enrol(browser, group, participant.username, "محمد ع.")
    page = browser.get(group)
    assert "<h1><bdi>מפגש שלישי</bdi>" in page.body
    assert '<span class="row-main"><bdi>محمد ع.</bdi> <span class="meta">joined' in page.body
    token = page.csrf()
    assert (
        browser.post(
            f"{group}/assignments", {"csrf": token, "item": "module:thinking-traps"}
        ).status
        == 303
    )
    grid = browser.get(f"{group}/progress")
    assert '<th scope="row" class="name"><bdi>محمد ع.</bdi>' in grid.body
    assert "<b><bdi>محمد ع.</bdi></b>" in grid.body  # the phone's list
    confirm = browser.get(f"{group}/archive")
    browser.post(f"{group}/archive", {"csrf": confirm.csrf()})
    groups = browser.get("/leader")
    assert '<bdi>מפגש שלישי</bdi></a> <span class="tag">Archived</span>' in groups.body
    # The participant's own page of who sees their records names the group the same way.
    assert "<bdi>מפגש שלישי</bdi>" in signed_in(client, participant).get("/account/privacy").body


# -- 7: an assignment gone meanwhile --------------------------------------------------------


def one_assignment(browser: WebClient, group: str, item: str) -> str:
    page = browser.get(group)
    assert browser.post(f"{group}/assignments", {"csrf": page.csrf(), "item": item}).status == 303
    (assignment,) = assignment_ids(browser.get(group))
    return assignment


def assert_gone(browser: WebClient, group: str, answer, said: str = GONE) -> None:  # type: ignore[no-untyped-def]
    assert answer.status == 303, answer.body
    assert answer.location.startswith(f"{group}?done=") and answer.location.endswith("#assignments")
    page = browser.get(answer.location)
    assert page.status == 200 and said in unescape(page.body)


def test_a_form_of_an_assignment_unassigned_meanwhile_goes_back_to_the_group_saying_so(
    client,
    published,
    leader,
    with_tracks,  # noqa: F811
    service,
):
    browser = signed_in(client, leader)
    group = new_group(browser)
    track = with_tracks[0]
    assignment = one_assignment(browser, group, f"track:{track.track_id}")
    module = track.modules[0]
    base = f"{group}/assignments/{assignment}"
    # Tab A opens the forms; tab B unassigns the track.
    dates = browser.get(f"{base}/dates")
    module_dates = browser.get(f"{base}/modules/{module}/dates")
    assert dates.status == module_dates.status == 200
    confirm = browser.get(f"{base}/remove")
    assert browser.post(f"{base}/remove", {"csrf": confirm.csrf()}).status == 303
    written = len(actions(service))

    token = dates.csrf()
    for answer in (
        browser.post(f"{base}/dates", {"csrf": token, "due_date": "2030-05-01"}),
        browser.post(f"{base}/modules/{module}/dates", {"csrf": token, "due_date": "2030-05-01"}),
        browser.post(f"{base}/modules/{module}/leave-out", {"csrf": token, "out": "yes"}),
        browser.post(f"{base}/modules/{module}/leave-out", {"csrf": token, "out": "no"}),
        browser.get(f"{base}/dates"),
        browser.get(f"{base}/modules/{module}/dates"),
    ):
        assert_gone(browser, group, answer)
    # Unassign sent again (Back), or its confirmation opened again.
    assert_gone(
        browser, group, browser.post(f"{base}/remove", {"csrf": token}), "Already unassigned."
    )
    assert_gone(browser, group, browser.get(f"{base}/remove"), "Already unassigned.")
    assert len(actions(service)) == written  # nothing changed
    # The API keeps its 404.
    group_id = group.rsplit("/", 1)[1]
    status, body = call(client, "DELETE", f"/groups/{group_id}/assignments/{assignment}", leader)
    assert status == 404 and body["error"]["code"] == "assignment_not_found"


def test_change_dates_of_a_group_archived_meanwhile_says_so_and_links_to_unarchive(
    client,
    published,
    leader,
    with_tracks,  # noqa: F811
):
    """Tab A opens "Change dates" (the track's, and one module's); tab B archives the group.
    Saving answers 409 with what was typed, and the error summary's link goes to something
    on that page: the notice that the group is archived, with the link to the group page's
    Unarchive button (the page has no unarchive form of its own). Opened again, the page
    says so up front, its form disabled."""
    browser = signed_in(client, leader)
    group = new_group(browser)
    track = with_tracks[0]
    assignment = one_assignment(browser, group, f"track:{track.track_id}")
    base = f"{group}/assignments/{assignment}"
    pages = (f"{base}/dates", f"{base}/modules/{track.modules[1]}/dates")
    opened = [browser.get(path) for path in pages]
    assert all(page.status == 200 and 'id="unarchive"' not in page.body for page in opened)
    assert browser.post(f"{group}/archive", {"csrf": opened[0].csrf()}).status == 303

    notice = f'<a href="{group}#unarchive">Unarchive the group on its page</a>'
    for path, form in zip(pages, opened, strict=True):
        page = browser.post(
            path, {"csrf": form.csrf(), "due_date": "2030-05-01", "session_date": "2030-05-08"}
        )
        assert page.status == 409, page.body
        assert summary_links(page) == [("unarchive", "This group is archived. Unarchive it first.")]
        assert '<p class="notice" id="unarchive" tabindex="-1">' in page.body
        assert notice in page.body
        assert field_value(page, "due_date") == "2030-05-01"  # as typed
        assert field_value(page, "session_date") == "2030-05-08"
        assert "<fieldset disabled" in page.body
        again = browser.get(path)
        assert again.status == 200 and 'class="error-summary"' not in again.body
        assert notice in again.body and "<fieldset disabled" in again.body


def test_another_leaders_assignment_stays_not_found(client, published, leader, stack):
    from tests.conftest import make_account

    browser = signed_in(client, leader)
    group = new_group(browser)
    assignment = one_assignment(browser, group, "module:thinking-traps")
    other = signed_in(client, make_account(stack, "leader-other", "leaders"))
    assert other.get(f"{group}/assignments/{assignment}/dates").status == 404
    token = other.get("/leader").csrf()
    assert other.post(f"{group}/assignments/{assignment}/remove", {"csrf": token}).status == 404


# -- 8: "Create a new account" sent again ----------------------------------------------------


def test_create_account_sent_again_for_someone_in_the_group_says_they_are_in_it(
    client, published, leader, service
):
    browser = signed_in(client, leader)
    group = new_group(browser)
    form = {"username": "lnguyen-tran", "display_name": "Linh Nguyen-Tran", "create": "yes"}
    first = browser.post(f"{group}/participants", {"csrf": browser.get(group).csrf(), **form})
    assert first.status == 303 and "#handout-" in first.location
    # Back, and the same form sent again (a page with a new one-time key).
    page = browser.get(group)
    again = browser.post(
        f"{group}/participants",
        {
            "csrf": page.csrf(),
            "key": re.search(r'name="key" value="([0-9a-f]{32})"', page.body)[1],
            **form,
        },
    )
    assert again.status == 303, again.body
    assert "done=already_enrolled" in again.location
    shown = unescape(browser.get(again.location).body)
    assert "<bdi>Linh Nguyen-Tran</bdi> is already in this group." in shown
    assert "already has an account" not in shown
    assert actions(service).count("enrolment.add") == 1


# -- 9: the group name's limit ----------------------------------------------------------------


def test_the_group_name_field_says_its_limit_and_a_longer_name_is_refused(
    client, published, leader
):
    browser = signed_in(client, leader)
    page = browser.get("/leader")
    assert "Participants see this name. Up to 80 characters." in page.body
    refused = browser.post("/leader/groups", {"csrf": page.csrf(), "name": "x" * 81})
    assert refused.status == 400
    assert summary_links(refused) == [("name", "A group name is 1 to 80 characters.")]
    group = new_group(browser, "y" * 80)
    assert "Participants see this name. Up to 80 characters." in browser.get(group).body
    renamed = browser.post(f"{group}/name", {"csrf": page.csrf(), "name": "z" * 81})
    assert renamed.status == 400
    assert summary_links(renamed) == [("name", "A group name is 1 to 80 characters.")]


# -- 10: a rename to the same name ----------------------------------------------------------


def test_a_rename_to_the_same_name_says_so_and_writes_nothing(
    client, published, leader, participant, service
):
    browser = signed_in(client, leader)
    group = new_group(browser, "Tuesday evening")
    enrol(browser, group, participant.username, "Sam P.")
    token = browser.get(group).csrf()
    written = len(actions(service))
    same = browser.post(f"{group}/name", {"csrf": token, "name": " Tuesday evening "})
    assert same.status == 303
    page = unescape(browser.get(same.location).body)
    assert "The name is unchanged." in page and "Group renamed." not in page

    path = f"{group}/participants/{participant.id}/name"
    same = browser.post(path, {"csrf": token, "display_name": "Sam P. "})
    assert same.status == 303 and same.location.endswith(f"#p-{participant.id}")
    page = unescape(browser.get(same.location).body)
    assert "The name is unchanged." in page and "Name changed." not in page
    # Said in the Participants section, where the page opens (at the row), not at the top.
    assert page.index('<h2 id="participants"') < page.index("The name is unchanged.")
    assert field_value(browser.get(path), "display_name") == "Sam P."
    assert "group.rename" not in actions(service)
    assert "enrolment.rename" not in actions(service)
    assert len(actions(service)) == written

    renamed = browser.post(f"{group}/name", {"csrf": token, "name": "Wednesday evening"})
    assert "Group renamed." in browser.get(renamed.location).body
    assert actions(service).count("group.rename") == 1
    # The API: the same name answers as before, and writes nothing either.
    group_id = group.rsplit("/", 1)[1]
    status, body = call(
        client, "PATCH", f"/groups/{group_id}", leader, {"name": "Wednesday evening"}
    )
    assert status == 200 and body["name"] == "Wednesday evening", body
    assert actions(service).count("group.rename") == 1
    assert json.dumps(body)
