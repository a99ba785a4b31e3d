"""GET /modules, /modules/{id}, /modules/{id}/versions, /modules/{id}/versions/{v}."""

from __future__ import annotations

import json

import pytest

from tests.conftest import STARTERS, Account, shipped_version


def get(client, path: str, account: Account) -> tuple[int, dict]:  # type: ignore[no-untyped-def]
    response = client.http.get(path, headers=account.headers)
    return response.status_code, json.loads(response.body)


def test_catalog_lists_latest_version_of_every_published_module(client, published, participant):
    status, body = get(client, "/modules", participant)
    assert status == 200
    by_id = {m["id"]: m for m in body["modules"]}
    assert set(by_id) == {m.module_id for m in published}
    entry = by_id["thinking-traps"]
    assert set(entry) == {
        "id",
        "title",
        "heading",
        "topic",
        "summary",
        "version",
        "reading_minutes",
        "tags",
        "locale",
    }
    assert entry["locale"] == "en"
    assert entry["heading"].replace("\u00ad", "") == entry["title"]
    assert entry["topic"] == "mental-health" and entry["version"] == 1
    assert entry["reading_minutes"] >= 1
    assert "html" not in entry


def test_catalog_filters_by_topic_and_tag(client, published, participant):
    _, body = get(client, "/modules?topic=addiction", participant)
    expected = sorted(m.module_id for m in published if m.meta["topic"] == "addiction")
    assert sorted(m["id"] for m in body["modules"]) == expected
    assert "cravings-and-urge-surfing" in expected
    _, body = get(client, "/modules?tag=urge-surfing", participant)
    expected = sorted(m.module_id for m in published if "urge-surfing" in m.meta["tags"])
    assert sorted(m["id"] for m in body["modules"]) == expected
    assert "cravings-and-urge-surfing" in expected
    _, body = get(client, "/modules?topic=life-skills&tag=urge-surfing", participant)
    assert body["modules"] == []


@pytest.mark.parametrize(
    ("query", "code"),
    [
        ("topic=astrology", "invalid_topic"),
        ("colour=blue", "unknown_parameter"),
        ("tag=" + "x" * 300, "invalid_parameter"),
    ],
)
def test_catalog_rejects_bad_queries(client, published, participant, query, code):
    status, body = get(client, f"/modules?{query}", participant)
    assert status == 400
    assert body["error"]["code"] == code
    assert body["error"]["message"]


def test_empty_library_is_an_empty_catalog_not_an_error(client, participant):
    status, body = get(client, "/modules", participant)
    assert (status, body) == (200, {"modules": []})


def test_module_returns_latest_version_with_html_and_sections(client, published, participant):
    status, body = get(client, "/modules/cravings-and-urge-surfing", participant)
    assert status == 200
    assert body["id"] == "cravings-and-urge-surfing"
    assert body["version"] == shipped_version("cravings-and-urge-surfing")
    assert "<h2 id=" in body["html"]
    assert 'class="admonition tip"' in body["html"]
    titles = [s["title"] for s in body["sections"]]
    assert "Key points" in titles
    assert all(s["level"] in (2, 3) for s in body["sections"])
    assert len(body["sha256"]) == 64


def test_versions_list_changelogs(client, published, participant):
    status, body = get(client, "/modules/thinking-traps/versions", participant)
    assert status == 200
    assert [v["version"] for v in body["versions"]] == [1]
    assert body["versions"][0]["changelog"] == "First version."


def test_exact_version_is_served_and_may_be_cached_privately(client, published, participant):
    response = client.http.get("/modules/thinking-traps/versions/1", headers=participant.headers)
    assert response.status_code == 200
    assert json.loads(response.body)["version"] == 1
    assert response.headers["Cache-Control"].startswith("private")


@pytest.mark.parametrize(
    ("path", "status", "code"),
    [
        ("/modules/no-such-module", 404, "module_not_found"),
        ("/modules/no-such-module/versions", 404, "module_not_found"),
        ("/modules/thinking-traps/versions/9", 404, "version_not_found"),
        ("/modules/Thinking_Traps", 400, "invalid_module_id"),
        ("/modules/%2e%2e%2fcatalog", 400, "invalid_module_id"),
        ("/modules/" + "a" * 200, 400, "invalid_module_id"),
        ("/modules/thinking-traps/versions/0", 400, "invalid_version"),
        ("/modules/thinking-traps/versions/one", 400, "invalid_version"),
        ("/modules/thinking-traps/versions/99999999999", 400, "invalid_version"),
        ("/modules/thinking-traps/versions/-1", 400, "invalid_version"),
    ],
)
def test_unknown_or_odd_ids_get_clear_4xx(client, published, participant, path, status, code):
    got_status, body = get(client, path, participant)
    assert got_status == status
    assert body["error"]["code"] == code


def test_leaders_can_read_modules_too(client, published, leader):
    status, _ = get(client, "/modules/thinking-traps", leader)
    assert status == 200


def test_responses_carry_security_headers(client, published, participant):
    response = client.http.get("/modules", headers=participant.headers)
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "no-referrer"
    assert response.headers["Content-Type"] == "application/json"


def test_knowledge_check_answers_stay_on_the_server(client, published, participant):
    status, body = get(client, "/modules/thinking-traps", participant)
    assert status == 200
    questions = body["knowledge_check"]
    assert questions, "the starter module has a knowledge check"
    assert all(set(q) == {"question", "choices"} for q in questions)
    _, exact = get(client, "/modules/thinking-traps/versions/1", participant)
    assert all(set(q) == {"question", "choices"} for q in exact["knowledge_check"])


def test_s3_unavailable_is_a_clear_503_with_retry_after(client, published, participant, s3, stack):
    from chalicelib.library import catalog_key

    # Make every read fail the way an outage does (the bucket goes away), with nothing cached.
    keys = [o["Key"] for o in s3.list_objects_v2(Bucket=stack.content_bucket)["Contents"]]
    for key in keys:
        s3.delete_object(Bucket=stack.content_bucket, Key=key)
    s3.delete_bucket(Bucket=stack.content_bucket)
    response = client.http.get("/modules/thinking-traps/versions/1", headers=participant.headers)
    assert response.status_code == 503
    assert response.headers["Retry-After"].isdigit()
    body = json.loads(response.body)
    assert body["error"]["code"] == "service_unavailable"
    assert "Traceback" not in response.body.decode()
    assert catalog_key() not in response.body.decode()


@pytest.fixture
def spanish(publisher, shipped_modules):  # type: ignore[no-untyped-def]
    """Publish the English starters plus a Spanish version of breathing-and-grounding."""
    import dataclasses

    from steady_content.frontmatter import Source
    from steady_content.pipeline import Module, source_hash

    english = [m for m in shipped_modules if m.module_id in STARTERS and m.locale == "en"]
    original = next(m for m in english if m.module_id == "breathing-and-grounding")
    meta = {**original.meta, "locale": "es", "title": "Respirar y volver al presente"}
    body = original.source.body.replace("Welcome.", "Bienvenida.", 1)
    source = dataclasses.replace(
        original.source, path=original.path.replace(".md", ".es.md"), meta=meta, body=body
    )
    translation = Module(source, original.module_id, 1, "es", source_hash(meta, body))
    assert isinstance(source, Source)
    assert publisher.publish([*english, translation]).ok
    return translation


def test_participants_read_their_language_and_fall_back_to_english(client, spanish, participant):
    spanish_headers = {**participant.headers, "Accept-Language": "es-US,es;q=0.9,en;q=0.5"}
    module = json.loads(
        client.http.get("/modules/breathing-and-grounding", headers=spanish_headers).body
    )
    assert (module["locale"], module["title"]) == ("es", "Respirar y volver al presente")
    untranslated = json.loads(
        client.http.get("/modules/thinking-traps", headers=spanish_headers).body
    )
    assert untranslated["locale"] == "en"
    english = json.loads(
        client.http.get("/modules/breathing-and-grounding?locale=en", headers=spanish_headers).body
    )
    assert english["locale"] == "en"
    catalog = json.loads(client.http.get("/modules?locale=es", headers=participant.headers).body)[
        "modules"
    ]
    by_id = {m["id"]: m["locale"] for m in catalog}
    assert by_id["breathing-and-grounding"] == "es" and by_id["thinking-traps"] == "en"
    exact = client.http.get(
        "/modules/breathing-and-grounding/versions/1?locale=es", headers=participant.headers
    )
    assert json.loads(exact.body)["title"] == "Respirar y volver al presente"
    bad = client.http.get("/modules?locale=fr", headers=participant.headers)
    assert (bad.status_code, json.loads(bad.body)["error"]["code"]) == (400, "invalid_locale")
    assert json.loads(bad.body)["error"]["message"] == (
        "locale is the language of the module: one of en, es."
    )
