"""The audit trail sharded by day, admin paging across days, the per-participant copies, and
"who has seen my records" (GET /me/access)."""

from __future__ import annotations

import base64
import json

import boto3
import pytest

from chalicelib import digests
from chalicelib.records.audit import new_entry
from chalicelib.records.keys import participant_pk
from tests.conftest import REGION, make_account
from tests.functional import test_groups
from tests.functional.test_digests import CONFIG as DIGEST_CONFIG
from tests.functional.test_digests import overdue_group, ses  # noqa: F401 (fixtures)
from tests.functional.test_groups import assign, call, enrol

group = test_groups.group  # fixtures
today = test_groups.today


def test_entries_live_in_one_partition_per_day_and_admins_page_newest_first_across_days(
    client, group, leader, participant, stack, library_clock, service
):
    enrol(client, group, leader, participant)  # day 1 (2026-11-20): group.create, enrolment.add
    library_clock.advance(2 * 86400)  # day 3: nothing on day 2
    assign(client, group, leader, module_id="thinking-traps")
    call(client, "GET", f"/groups/{group}/progress", leader)
    table = boto3.client("dynamodb", region_name=REGION)
    name = service.settings.records_table
    days = {}
    for day in ("2026-11-20", "2026-11-21", "2026-11-22"):
        items = table.query(
            TableName=name,
            KeyConditionExpression="PK = :pk",
            ExpressionAttributeValues={":pk": {"S": f"AUDIT#{day}"}},
        )["Items"]
        days[day] = sorted(i["action"]["S"] for i in items)
    assert days == {
        "2026-11-20": ["enrolment.add", "group.create"],
        "2026-11-21": [],
        "2026-11-22": ["assignment.put", "group.progress.read"],
    }
    assert not table.query(
        TableName=name,
        KeyConditionExpression="PK = :pk",
        ExpressionAttributeValues={":pk": {"S": "AUDIT"}},
    )["Items"]

    admin = make_account(stack, "admin-one", "admins")
    seen, token, pages = [], None, 0
    while True:
        path = "/admin/audit?limit=3" + (f"&page_token={token}" if token else "")
        status, page = call(client, "GET", path, admin)
        assert status == 200
        seen += [e["action"] for e in page["entries"]]
        token, pages = page["next_page_token"], pages + 1
        if not token or pages > 20:
            break
    assert seen[:4] == ["group.progress.read", "assignment.put", "enrolment.add", "group.create"]
    # the admin's own reads of the audit trail are not audit entries; nothing older exists
    assert len(seen) == 4
    assert pages <= 20  # every page walks at most 31 days: bounded


def test_a_forged_admin_page_token_is_a_400(client, published, stack):
    admin = make_account(stack, "admin-one", "admins")
    for raw in (
        {"day": "2026-13-45", "sk": None},
        {"day": "2026-11-20", "sk": "2026-11-19T00:00"},
        {"day": 5, "sk": None},
        ["x"],
        {"sk": None},
    ):
        token = base64.urlsafe_b64encode(json.dumps(raw).encode()).decode().rstrip("=")
        status, body = call(client, "GET", f"/admin/audit?page_token={token}", admin)
        assert (status, body["error"]["code"]) == (400, "invalid_page_token"), raw
    status, body = call(client, "GET", "/admin/audit?page_token=%F0%9F%98%80", admin)
    assert (status, body["error"]["code"]) == (400, "invalid_page_token")


def test_a_participant_sees_who_read_their_records_by_role_group_and_date_newest_first(
    client, group, leader, participant, other_participant
):
    enrol(client, group, leader, participant)
    call(client, "GET", f"/groups/{group}/progress", leader)
    call(client, "GET", f"/groups/{group}/progress.csv", leader)
    call(client, "PATCH", f"/groups/{group}", leader, {"name": "Renamed group"})
    status, page = call(client, "GET", "/me/access?limit=2", participant)
    assert status == 200
    assert [(e["action"], e["role"], e["group_name"]) for e in page["entries"]] == [
        ("group.progress.export", "group_leader", "Renamed group"),
        ("group.progress.read", "group_leader", "Renamed group"),
    ]
    assert page["entries"][0]["at"] >= page["entries"][1]["at"]
    _, rest = call(client, "GET", f"/me/access?page_token={page['next_page_token']}", participant)
    assert [e["action"] for e in rest["entries"]] == ["enrolment.add"]
    text = json.dumps(page) + json.dumps(rest)
    assert leader.id not in text and leader.username not in text  # the role, never who
    _, others = call(client, "GET", "/me/access", other_participant)
    assert others == {"entries": [], "next_page_token": None}


def test_my_access_costs_one_query_and_one_batch_get(client, group, leader, participant, aws_calls):
    enrol(client, group, leader, participant)
    call(client, "GET", f"/groups/{group}/progress", leader)
    aws_calls.reset()
    status, _ = call(client, "GET", "/me/access", participant)
    assert status == 200
    calls = sorted(n for n in aws_calls.names if n.startswith("DynamoDB."))
    # one Query of the copies, one BatchGetItem of group names; the GetItem is the per-container
    # (cached) not-valid-before check every request makes (chalicelib.access)
    assert [c for c in calls if c != "DynamoDB.GetItem"] == [
        "DynamoDB.BatchGetItem",
        "DynamoDB.Query",
    ]
    assert calls.count("DynamoDB.GetItem") <= 1


def test_an_entry_about_more_participants_than_one_transaction_holds_is_written_in_chunks(
    service, aws_calls
):
    ids = [f"{n:08d}-0000-4000-8000-000000000000" for n in range(150)]
    entry = new_entry(
        "leader-x",
        ["leaders"],
        "group.progress.read",
        service.clock.iso(),
        group_id="0" * 32,
        participant_ids=ids,
    )
    aws_calls.reset()
    service.audit.record(entry)
    # 151 items (the entry and 150 copies): two transactions of at most 100
    writes = [n for n in aws_calls.names if n.startswith("DynamoDB.")]
    assert writes == ["DynamoDB.TransactWriteItems"] * 2
    for pid in (ids[0], ids[98], ids[99], ids[149]):
        copies, _ = service.audit.participant_page(pid, None, 10)
        assert [c["entry_id"] for c in copies] == [entry["entry_id"]], pid
        assert "actor_id" not in copies[0] and copies[0]["PK"] == participant_pk(pid)


def test_the_groups_list_names_the_group_each_participant_was_read_through(
    client, group, leader, participant, other_participant
):
    """The leader's list of groups reads every active group's participants at once: each
    participant's "who has seen my records" names their own group, not none."""
    from tests.functional.web_client import WebClient

    enrol(client, group, leader, participant)
    _, second = call(client, "POST", "/groups", leader, {"name": "Thursday group"})
    enrol(client, second["group_id"], leader, other_participant, "Jo K.")
    enrol(client, second["group_id"], leader, participant)  # in both: the first listed wins
    web = WebClient(client)
    assert web.sign_in(leader.username, authenticator=leader.authenticator).status == 303
    assert web.get("/leader").status == 200
    seen = {}
    for account in (participant, other_participant):
        _, page = call(client, "GET", "/me/access", account)
        entry = next(e for e in page["entries"] if e["action"] == "group.overview.read")
        seen[account.username] = (entry["role"], entry["group_id"], entry["group_name"])
    assert seen == {
        participant.username: ("group_leader", second["group_id"], "Thursday group"),
        other_participant.username: ("group_leader", second["group_id"], "Thursday group"),
    }


def test_an_entry_about_several_groups_names_each_participants_group_in_their_copy():
    from chalicelib.records.audit import participant_copies

    entry = new_entry(
        "leader-1",
        ["leaders"],
        "group.overview.read",
        "2026-11-20T15:00:00.000000+00:00",
        participant_ids=["p1", "p2", "p3"],
        groups_of={"p1": "g1", "p2": "g2", "elsewhere": "g9"},
    )
    assert entry["groups_of"] == {"p1": "g1", "p2": "g2"}  # only participants it concerns
    copies = {c["PK"]: c.get("group_id") for c in participant_copies(entry)}
    assert copies == {
        participant_pk("p1"): "g1",
        participant_pk("p2"): "g2",
        participant_pk("p3"): None,
    }


def _audit(client, admin, query: str) -> tuple[int, dict]:
    return call(client, "GET", f"/admin/audit?{query}", admin)


def test_admins_find_who_read_one_participants_records_with_who_did_it(
    client, group, leader, participant, other_participant, stack, aws_calls
):
    enrol(client, group, leader, participant)
    enrol(client, group, leader, other_participant)
    call(client, "GET", f"/groups/{group}/progress", leader)
    call(client, "GET", f"/groups/{group}/progress.csv", leader)
    admin = make_account(stack, "admin-one", "admins")
    aws_calls.reset()
    status, page = _audit(client, admin, f"participant={participant.username}&limit=3")
    assert status == 200
    calls = [n for n in aws_calls.names if n.startswith("DynamoDB.")]
    # the look's own entry (one TransactWriteItems), one Query of the participant's copies, one
    # BatchGetItem of the entries (and the cached per-container not-valid-before check); never
    # the days, never a Scan
    assert sorted(c for c in calls if c != "DynamoDB.GetItem") == [
        "DynamoDB.BatchGetItem",
        "DynamoDB.Query",
        "DynamoDB.TransactWriteItems",
    ]
    # Looking is itself an entry about them, written before anything is returned.
    assert [e["action"] for e in page["entries"]] == [
        "audit.participant.read",
        "group.progress.export",
        "group.progress.read",
    ]
    assert page["entries"][0]["actor_id"] == admin.id
    assert {e["actor_id"] for e in page["entries"][1:]} == {leader.id}  # who, unlike /me/access
    assert all(participant.id in e["participant_ids"] for e in page["entries"])
    _, rest = _audit(
        client,
        admin,
        f"participant={participant.username}&limit=3&page_token={page['next_page_token']}",
    )
    # their own enrolment; the other participant's enrolment is not about them
    assert [e["action"] for e in rest["entries"]] == ["enrolment.add"]
    assert rest["entries"][0]["participant_ids"] == [participant.id]
    assert rest["next_page_token"] is None
    # the participant sees that an administrator looked (the role only, never who)
    _, mine = call(client, "GET", "/me/access", participant)
    looks = [e for e in mine["entries"] if e["action"] == "audit.participant.read"]
    assert len(looks) == 2 and {e["role"] for e in looks} == {"administrator"}
    assert admin.id not in json.dumps(mine)
    _, theirs = call(client, "GET", "/me/access", other_participant)
    assert "audit.participant.read" not in json.dumps(theirs)

    _, reads = _audit(client, admin, f"participant={participant.username}&action=group.progress.r")
    assert [e["action"] for e in reads["entries"]] == ["group.progress.read"]
    # a token from the whole trail is not a token for one participant's entries
    _, whole = _audit(client, admin, "limit=1")
    status, body = _audit(
        client, admin, f"participant={participant.username}&page_token={whole['next_page_token']}"
    )
    assert (status, body["error"]["code"]) == (400, "invalid_page_token")


def test_admins_narrow_the_trail_by_action_actor_and_last_day(
    client, group, leader, participant, stack, library_clock
):
    enrol(client, group, leader, participant)  # 2026-11-20: group.create, enrolment.add
    library_clock.advance(2 * 86400)  # 2026-11-22
    assign(client, group, leader, module_id="thinking-traps")
    call(client, "GET", f"/groups/{group}/progress", leader)
    admin = make_account(stack, "admin-one", "admins")
    call(client, "POST", f"/admin/accounts/{participant.username}/disable", admin)

    _, page = _audit(client, admin, "action=group.")
    assert [e["action"] for e in page["entries"]] == ["group.progress.read", "group.create"]
    _, page = _audit(client, admin, f"actor={leader.username}")
    assert [e["action"] for e in page["entries"]] == [
        "group.progress.read",
        "assignment.put",
        "enrolment.add",
        "group.create",
    ]
    _, page = _audit(client, admin, "actor=admin-one")
    assert [e["action"] for e in page["entries"]] == ["account.disable"]
    _, page = _audit(client, admin, "until=2026-11-21")
    assert [e["action"] for e in page["entries"]] == ["enrolment.add", "group.create"]
    _, page = _audit(client, admin, f"participant={participant.username}&until=2026-11-21")
    assert [e["action"] for e in page["entries"]] == ["enrolment.add"]
    # The calendar's last day: "up to the end of it" has no next day to read up to (a 500).
    status, page = _audit(client, admin, f"participant={participant.username}&until=9999-12-31")
    assert status == 200 and "enrolment.add" in [e["action"] for e in page["entries"]]

    # a filtered page that matches more than its limit goes on after the last one shown
    _, first = _audit(client, admin, f"actor={leader.username}&limit=3")
    assert len(first["entries"]) == 3
    _, second = _audit(
        client, admin, f"actor={leader.username}&limit=3&page_token={first['next_page_token']}"
    )
    assert [e["action"] for e in second["entries"]] == ["group.create"]


@pytest.mark.parametrize(
    ("day", "inside", "outside"),
    [
        # 31 October: 21:30 in New York is 01:30 UTC on 1 November.
        ("2026-10-31", "2026-11-01T01:30:00.000000Z", "2026-11-01T04:00:00.000000Z"),
        # 1 November has 25 hours there (EDT to EST): it ends at 05:00 UTC, not 04:00.
        ("2026-11-01", "2026-11-02T04:30:00.000000Z", "2026-11-02T05:00:00.000000Z"),
        # 8 March has 23 hours (EST to EDT): it ends at 04:00 UTC, not 05:00.
        ("2026-03-08", "2026-03-09T03:59:59.999999Z", "2026-03-09T04:30:00.000000Z"),
    ],
)
def test_the_last_day_is_the_programs_day_to_its_end_daylight_saving_days_too(
    client, participant, leader, stack, service, day, inside, outside
):
    assert str(service.clock.zone) == "America/New_York"
    earlier = f"{day}T12:00:00.000000Z"
    for n, at in enumerate((earlier, inside, outside)):
        service.audit.record(
            new_entry(
                leader.id, ["leaders"], f"test.step_{n}", at, participant_ids=[participant.id]
            )
        )
    admin = make_account(stack, "admin-one", "admins")
    for query in (
        f"until={day}&action=test.",
        f"until={day}&actor={leader.username}",
        f"until={day}&participant={participant.username}&action=test.",
    ):
        _, page = _audit(client, admin, query)
        assert [e["at"] for e in page["entries"]] == [inside, earlier], query
        # One at a time: the page tokens go on below the end of the day.
        seen, token = [], None
        for _page in range(5):
            _, page = _audit(
                client, admin, f"{query}&limit=1" + (f"&page_token={token}" if token else "")
            )
            seen += [e["at"] for e in page["entries"]]
            token = page["next_page_token"]
            if not token:
                break
        assert seen == [inside, earlier], query
    # The next day has the entry at its first moment.
    following = {"2026-10-31": "2026-11-01", "2026-11-01": "2026-11-02", "2026-03-08": "2026-03-09"}
    _, page = _audit(client, admin, f"until={following[day]}&action=test.")
    assert [e["at"] for e in page["entries"]] == [outside, inside, earlier]


@pytest.mark.parametrize(
    ("query", "status", "code"),
    [
        ("until=2026-13-01", 400, "invalid_parameter"),
        ("until=yesterday", 400, "invalid_parameter"),
        ("action=DROP%20TABLE", 400, "invalid_parameter"),
        ("action=%F0%9F%98%80", 400, "invalid_parameter"),
        ("participant=nobody-here", 404, "account_not_found"),
        ("participant=leader-one&actor=leader-one", 400, "invalid_parameter"),
        ("actor=nobody-here", 404, "account_not_found"),
    ],
)
def test_a_bad_audit_filter_is_a_clear_4xx(client, published, leader, stack, query, status, code):
    admin = make_account(stack, "admin-one", "admins")
    got, body = _audit(client, admin, query)
    assert (got, body["error"]["code"]) == (status, code)
    assert body["error"]["message"]


def test_entries_are_looked_up_by_participant_only_for_a_participants_account(
    client, published, leader, stack
):
    admin = make_account(stack, "admin-one", "admins")
    status, body = _audit(client, admin, f"participant={leader.username}")
    assert (status, body["error"]["code"]) == (400, "not_a_participant")


# --- Entries whose detail holds numbers (DynamoDB reads them back as Decimal) ----------------


def _numbers_in(entries: list[dict], action: str) -> dict:
    """The detail of the newest entry with ``action``: every number in it a plain int."""
    [detail, *_] = [e["detail"] for e in entries if e["action"] == action]
    numbers = [v for v in detail.values() if isinstance(v, (int, float))]
    assert numbers and all(type(v) is int for v in numbers), detail
    return detail


def test_the_trail_and_one_participants_entries_show_a_data_export_and_its_counts(
    client, group, leader, participant, stack
):
    enrol(client, group, leader, participant)
    assert call(client, "GET", "/me/data/download?format=json", participant)[0] == 200
    admin = make_account(stack, "admin-one", "admins")

    status, page = _audit(client, admin, "")
    assert status == 200, page
    _numbers_in(page["entries"], "data.export")

    status, page = _audit(client, admin, f"participant={participant.username}")
    assert status == 200, page
    _numbers_in(page["entries"], "data.export")
    # And the participant's own "who has seen my records" lists it.
    status, mine = call(client, "GET", "/me/access", participant)
    assert status == 200, mine
    assert "data.export" in [e["action"] for e in mine["entries"]]


def test_the_trail_shows_a_groups_attention_days(client, group, leader, stack):
    path = f"/groups/{group}/attention/settings"
    assert call(client, "PUT", path, leader, {"inactive_days": 7})[0] == 200
    admin = make_account(stack, "admin-one", "admins")

    status, page = _audit(client, admin, "action=group.attention")
    assert status == 200, page
    assert _numbers_in(page["entries"], "group.attention.settings")["inactive_days"] == 7


def test_the_trail_shows_a_worksheets_export_and_its_count(client, published, participant, stack):
    assert call(client, "GET", "/me/worksheets", participant)[0] == 200
    admin = make_account(stack, "admin-one", "admins")

    status, page = _audit(client, admin, "")
    assert status == 200, page
    assert _numbers_in(page["entries"], "worksheets.export") == {"worksheets": 0}


def test_the_trail_shows_a_daily_digest_and_its_counts(client, service, ses, overdue_group, stack):  # noqa: F811
    digests.run_daily(service, ses, DIGEST_CONFIG)
    admin = make_account(stack, "admin-one", "admins")

    status, page = _audit(client, admin, "action=digest")
    assert status == 200, page
    _numbers_in(page["entries"], "digest.sent")


def test_what_a_participant_did_is_a_look_at_their_records_what_a_leader_did_is_not(
    client, group, leader, participant, stack, service
):
    enrol(client, group, leader, participant)
    status, _ = call(
        client, "PUT", f"/me/groups/{group}/share-history", participant, {"share": True}
    )
    assert status == 200
    admin = make_account(stack, "admin-one", "admins")
    status, page = _audit(client, admin, f"actor={participant.username}")
    assert status == 200
    # The participant's own entries, found by their username (written before the page: this
    # look is an entry about them, not by them, so it is not among them).
    assert page["entries"] and {e["actor_id"] for e in page["entries"]} == {participant.id}
    _, mine = call(client, "GET", "/me/access", participant)
    looks = [e for e in mine["entries"] if e["action"] == "audit.participant.read"]
    assert len(looks) == 1 and looks[0]["role"] == "administrator"
    assert admin.id not in json.dumps(mine)

    # What a leader did is not a participant's records: no entry about anyone.
    status, page = _audit(client, admin, f"actor={leader.username}")
    assert status == 200 and page["entries"]
    reads = [e for e in service.audit.page(limit=100)[0] if e["action"] == "audit.participant.read"]
    assert [e["participant_ids"] for e in reads] == [[participant.id]]

    # A leader's account that is also a participant's: what it did may be their records.
    boto3.client("cognito-idp", region_name=REGION).admin_add_user_to_group(
        UserPoolId=stack.user_pool_id, Username=leader.username, GroupName="participants"
    )
    status, _ = _audit(client, admin, f"actor={leader.username}")
    assert status == 200
    reads = [e for e in service.audit.page(limit=100)[0] if e["action"] == "audit.participant.read"]
    assert [e["participant_ids"] for e in reads] == [[leader.id], [participant.id]]
    assert {e["actor_id"] for e in reads} == {admin.id}
