"""Your data with a long plan history: every saved version of the plan is kept, with no limit on
how many, each up to 60,000 characters, and AWS Lambda answers at most 6 MB (more is a 502 from
API Gateway: the participant got nothing). The JSON download holds the newest versions that fit
in ``RESPONSE_BUDGET`` and names the rest (``plan_versions_left_out``); the pages of older
versions (``GET /me/data/plan-versions?before=``, one Query each) hold them, each within the
budget, until version 1; the web page "Your data" links a file for each. A few long versions,
written in Arabic (a letter the response escapes as six bytes, \u0623), pass the budget:
moto's Query reads the whole table, so the table stays small."""

from __future__ import annotations

import json
import re

import pytest

from chalicelib.identity import Caller
from chalicelib.my_data import RESPONSE_BUDGET, sent_size
from chalicelib.records.plans import PlanVersion
from tests.conftest import Account

# Thirty items of 2,000 characters: the longest plan (``plan.MAX_PLAN_CHARS``), in Arabic.
WORDS = "أتصل بأمي ثم أمشي في الحديقة بعد الاجتماع "
ITEM = (WORDS * 60)[:2000]
ITEMS = 30
# Each version takes about 320 KB of the response: 13 fill the budget; about 9 fill one of
# DynamoDB's 1 MB Query pages (two bytes a letter stored).
VERSIONS = 16


def call(client, path: str, account: Account):  # type: ignore[no-untyped-def]
    return client.http.get(path, headers=account.headers)


def save_versions(service, account: Account, count: int = VERSIONS) -> None:  # type: ignore[no-untyped-def]
    for n in range(1, count + 1):
        items = [{"text": f"{n}.{i} {ITEM}"[:2000], "source": None} for i in range(ITEMS)]
        service.plans.records.put(
            PlanVersion(
                account.id, n, f"2026-11-{1 + n % 28:02d}T12:00:00Z", "es", {"reasons": items}
            )
        )


def versions_of(body: dict) -> list[int]:
    return [v["version"] for v in body["plan_versions"]]


def test_a_long_history_downloads_within_the_budget_and_says_what_it_left_out(
    client, published, participant
):
    """Before: every version in one body of about 6 MB as Lambda sends it (a 502 in AWS), with
    nothing saying so."""
    save_versions(client_service(client), participant)
    response = call(client, "/me/data/download", participant)
    assert response.status_code == 200
    text = response.body.decode("utf-8")
    assert sent_size(text) <= RESPONSE_BUDGET
    data = json.loads(text)
    kept = versions_of(data)
    assert kept == list(range(kept[0], VERSIONS + 1)) and 1 < kept[0]  # the newest, in order
    assert data["plan_versions_left_out"] == {
        "count": kept[0] - 1,
        "before": kept[0],
        "next": f"/me/data/plan-versions?before={kept[0]}",
    }
    # Each one in full.
    newest = data["plan_versions"][-1]["sections"]["reasons"]
    assert len(newest) == ITEMS and newest[0]["text"] == f"{VERSIONS}.0 {ITEM}"[:2000]
    # The plan as it stands is there too, as My plan shows it.
    assert data["plan"]["version"] == VERSIONS


def client_service(client):  # type: ignore[no-untyped-def]
    from chalicelib import services

    return services.current()


def follow(client, account: Account, address: str | None) -> list[dict]:  # type: ignore[no-untyped-def]
    pages = []
    while address:
        response = call(client, address, account)
        assert response.status_code == 200, response.body
        assert response.headers["Content-Type"].startswith("application/json")
        text = response.body.decode("utf-8")
        assert sent_size(text) <= RESPONSE_BUDGET
        page = json.loads(text)
        pages.append(page)
        left = page["plan_versions_left_out"]
        address = left["next"] if left else None
    return pages


def test_following_the_pages_gives_every_version_once_in_order(
    client, published, participant, aws_calls
):
    service = client_service(client)
    save_versions(service, participant)
    data = json.loads(call(client, "/me/data/download", participant).body)
    aws_calls.reset()
    pages = follow(client, participant, data["plan_versions_left_out"]["next"])
    # One Query a page (newest first, within the plan's keys), and the audit entry.
    assert sorted(aws_calls.names) == sorted(
        ["DynamoDB.Query", "DynamoDB.TransactWriteItems"] * len(pages)
    )
    # The download's versions, then each page's, newest first: every version once, oldest
    # first within each.
    seen = versions_of(data)
    for page in pages:
        assert versions_of(page) == sorted(versions_of(page)) and versions_of(page)
        assert versions_of(page)[-1] == seen[0] - 1  # right below the ones before it
        seen = versions_of(page) + seen
    assert seen == list(range(1, VERSIONS + 1))
    assert pages[-1]["plan_versions_left_out"] is None
    # Each version as saved.
    for page in pages:
        for v in page["plan_versions"]:
            assert v["sections"]["reasons"][0]["text"].startswith(f"{v['version']}.0 ")
            assert len(v["sections"]["reasons"]) == ITEMS
    # Without ``before``: from the newest.
    first = json.loads(call(client, "/me/data/plan-versions", participant).body)
    assert versions_of(first)[-1] == VERSIONS


def test_every_page_is_audit_logged_with_counts_only(client, published, participant, service):
    save_versions(service, participant, 3)
    page = json.loads(call(client, "/me/data/plan-versions?before=3", participant).body)
    assert versions_of(page) == [1, 2] and page["plan_versions_left_out"] is None
    entry = service.audit.page()[0][0]
    assert (entry["action"], entry["actor_id"], entry["participant_ids"]) == (
        "data.export",
        participant.id,
        [participant.id],
    )
    assert WORDS[:4] not in json.dumps(entry, default=str, ensure_ascii=False)


@pytest.mark.parametrize(
    "before", ["0", "-1", "abc", "", "1.5", "10000000", "99999999999", "%C2%B2", "1e3", " 2"]
)
def test_a_bad_before_is_a_400_json_error_and_no_query(
    client, published, participant, aws_calls, before
):
    aws_calls.reset()
    response = call(client, f"/me/data/plan-versions?before={before}", participant)
    assert response.status_code == 400, (before, response.body)
    error = json.loads(response.body)["error"]
    assert error["code"] in ("invalid_before", "invalid_parameter", "bad_request"), error
    assert error["message"]
    assert "DynamoDB.Query" not in aws_calls.names


def test_before_one_or_with_no_versions_is_an_empty_page(client, published, participant):
    for address in ("/me/data/plan-versions?before=1", "/me/data/plan-versions"):
        body = json.loads(call(client, address, participant).body)
        assert body["plan_versions"] == [] and body["plan_versions_left_out"] is None


def test_another_participant_never_gets_them(
    client, published, participant, other_participant, service
):
    save_versions(service, participant, 3)
    for address in ("/me/data/plan-versions?before=4", "/me/data/plan-versions"):
        body = json.loads(call(client, address, other_participant).body)
        assert body["plan_versions"] == []
        assert WORDS[:4] not in call(client, address, other_participant).body.decode()
    mine = json.loads(call(client, "/me/data/plan-versions", participant).body)
    assert versions_of(mine) == [1, 2, 3]


def test_a_short_history_is_whole_in_the_download(client, published, participant, service):
    save_versions(service, participant, 2)
    data = json.loads(call(client, "/me/data/download", participant).body)
    assert versions_of(data) == [1, 2] and data["plan_versions_left_out"] is None


def test_the_download_reads_only_the_versions_that_fit(participant, service, aws_calls):
    """Newest first, one Query per 1 MB DynamoDB returns, only as far as they fit: the
    download's 7 Queries and a second of versions, not every version."""
    save_versions(service, participant)
    me = Caller(participant.id, frozenset({"participants"}))
    aws_calls.reset()
    data = service.my_data.export(me, budget=RESPONSE_BUDGET)
    assert data.plan_versions_left_out > 0
    assert sorted(aws_calls.names) == ["DynamoDB.BatchGetItem"] + ["DynamoDB.Query"] * 8 + [
        "DynamoDB.TransactWriteItems"
    ]


def test_the_web_page_links_a_file_for_every_version(client, published, participant, service):
    from tests.functional.web_client import download, signed_in

    save_versions(service, participant)
    browser = signed_in(client, participant)
    page = browser.get("/account/data")
    assert page.status == 200
    links = re.findall(
        r'href="(/account/data/plan-versions\?before=\d+)">Versions? (\d+)', page.body
    )
    assert links and links[0][0] == f"/account/data/plan-versions?before={VERSIONS + 1}"
    seen: list[int] = []
    for address, _first in links:
        file = download(browser, address)
        assert file.status == 200
        assert file.headers["content-disposition"].startswith('attachment; filename="my-data-')
        text = file.body.decode("utf-8")
        assert sent_size(text) <= RESPONSE_BUDGET
        body = json.loads(text)
        seen = versions_of(body) + seen
        left = body["plan_versions_left_out"]
        if left:  # the next file is the next link
            assert left["next"].startswith("/account/data/plan-versions?before=")
    assert seen == list(range(1, VERSIONS + 1))
    # The web download names the web app's files for what it leaves out.
    whole = json.loads(download(browser, "/account/data/download?format=json").body)
    assert whole["plan_versions_left_out"]["next"].startswith("/account/data/plan-versions?")
    spanish = browser.get("/account/data?locale=es")
    assert "Cada versión guardada de su plan" in spanish.body
    assert re.search(r">Versiones \d+ a \d+<", spanish.body)


def test_the_web_page_shows_no_files_without_a_saved_version(client, published, participant):
    from tests.functional.web_client import signed_in

    browser = signed_in(client, participant)
    page = browser.get("/account/data")
    assert page.status == 200 and "plan-versions" not in page.body


def test_past_the_files_listed_a_link_lists_the_older_ones(
    client, published, participant, service, monkeypatch
):
    """One Query a file listed, ``FILES_LISTED`` at most: then "Older versions" lists the next
    ones on the same page, without JavaScript."""
    from chalicelib import my_data
    from tests.functional.web_client import signed_in

    monkeypatch.setattr(my_data, "FILES_LISTED", 1)
    save_versions(service, participant)
    browser = signed_in(client, participant)
    listed: list[str] = []
    address: str | None = "/account/data"
    while address:
        page = browser.get(address)
        assert page.status == 200
        files = re.findall(r'href="/account/data/plan-versions\?before=(\d+)"', page.body)
        assert len(files) == 1
        listed += files
        more = re.search(r'href="(/account/data\?before=\d+)">Older versions<', page.body)
        address = more.group(1) if more else None
    assert len(listed) > 1 and listed[0] == str(VERSIONS + 1)
    assert [int(b) for b in listed] == sorted((int(b) for b in listed), reverse=True)
    # A before that is not a version number lists from the newest, as a page passes over an
    # unknown locale.
    assert f"before={VERSIONS + 1}" in browser.get("/account/data?before=x").body
