"""A participant's own data: everything they wrote (worksheet answers and every plan version)
downloads as JSON and as PDF (accents kept), and is deleted on request; both audit-logged with
ids and counts only; another participant's data is never in it or touched."""

from __future__ import annotations

import io
import json

from tests.conftest import Account, shipped_version

MODULE = "cravings-and-urge-surfing"


def call(client, method: str, path: str, account: Account, body=None, accept: str | None = None):  # type: ignore[no-untyped-def]
    headers = {**account.headers, **({"Accept": accept} if accept else {})}
    return getattr(client.http, method)(
        path, headers=headers, body=json.dumps(body) if body is not None else None
    )


def write_things(client, account: Account, helper: str, reason: str) -> None:  # type: ignore[no-untyped-def]
    saved = call(
        client,
        "put",
        f"/me/worksheets/{MODULE}",
        account,
        {"version": shipped_version(MODULE), "answers": {"urge-helpers": [helper]}},
    )
    assert saved.status_code == 200
    assert (
        call(
            client, "put", "/me/plan", account, {"sections": {"reasons": [{"text": reason}]}}
        ).status_code
        == 200
    )
    plan = json.loads(call(client, "get", "/me/plan", account).body)
    assert (
        call(
            client,
            "put",
            "/me/plan",
            account,
            {
                "based_on": plan["version"],
                "sections": {"reasons": [{"text": reason}, {"text": "Mañana empiezo de nuevo"}]},
            },
        ).status_code
        == 200
    )


def test_download_everything_as_json_and_pdf_then_delete_it(
    client, published, participant, other_participant, service
):
    import pypdf

    write_things(client, participant, "Caminar con música", "Mi hija Lucía")
    write_things(client, other_participant, "Someone else's helper", "Someone else's reason")

    response = call(client, "get", "/me/data/download", participant)
    assert response.status_code == 200
    assert response.headers["Content-Disposition"].startswith('attachment; filename="my-data-')
    data = json.loads(response.body)
    assert [a["value"] for a in data["worksheets"][0]["answers"]] == [["Caminar con música"]]
    assert [v["version"] for v in data["plan_versions"]] == [1, 2]
    assert data["plan_versions"][1]["sections"]["reasons"][1]["text"] == "Mañana empiezo de nuevo"
    assert "Someone else" not in response.body.decode()

    pdf = call(
        client,
        "get",
        "/me/data/download?format=pdf&locale=es",
        participant,
        accept="application/pdf",
    )
    assert pdf.status_code == 200 and pdf.headers["Content-Type"] == "application/pdf"
    text = " ".join(p.extract_text() for p in pypdf.PdfReader(io.BytesIO(pdf.body)).pages)
    for words in (
        "Todo lo que escribí",
        "Caminar con música",
        "Mi hija Lucía",
        "Mañana empiezo de nuevo",
        "Mis razones para mi recuperación",
    ):
        assert words in text, words
    assert "Someone else" not in text

    response = call(client, "delete", "/me/data", participant)
    assert response.status_code == 200
    assert json.loads(response.body) == {"worksheets": 1, "plan_versions": 2}
    after = json.loads(call(client, "get", "/me/data/download", participant).body)
    assert after["worksheets"] == [] and after["plan_versions"] == []
    assert json.loads(call(client, "get", "/me/plan", participant).body)["version"] is None
    # The other participant's data is untouched.
    other = json.loads(call(client, "get", "/me/data/download", other_participant).body)
    assert len(other["plan_versions"]) == 2 and other["worksheets"]

    entries = [e for e in service.audit.page()[0] if e["actor_id"] == participant.id]
    actions = [e["action"] for e in entries]  # newest first
    assert actions[:4] == ["data.export", "data.delete", "data.export", "data.export"]
    assert all(e["participant_ids"] == [participant.id] for e in entries)
    assert "Caminar" not in json.dumps(entries, default=str) and "Lucía" not in json.dumps(
        entries, default=str
    )


def test_delete_only_the_plan(client, published, participant):
    write_things(client, participant, "Walk with music", "My daughter")
    assert call(client, "delete", "/me/plan", participant).status_code == 204
    assert json.loads(call(client, "get", "/me/plan/versions", participant).body)["versions"] == []
    # The worksheet answers stay, and feed the plan again.
    plan = json.loads(call(client, "get", "/me/plan", participant).body)
    assert plan["version"] is None
    assert [i["text"] for s in plan["sections"] for i in s["items"]] == ["Walk with music"]


def test_a_bad_format_is_a_400(client, published, participant):
    assert call(client, "get", "/me/data/download?format=xml", participant).status_code == 400
