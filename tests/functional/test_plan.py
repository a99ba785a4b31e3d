"""My plan through the API: assembled from worksheet answers of several modules and versions,
edited (words, order, removal, own items), versioned, earlier versions readable, conflicts,
limits, downloads (text and PDF with Spanish accents), and the DynamoDB calls per operation."""

from __future__ import annotations

import io
import json

import pytest

from chalicelib.worksheets import MAX_FIELD_CHARS
from tests.conftest import Account, shipped_version

CRAVINGS = "cravings-and-urge-surfing"
PLAN_MODULE = "building-a-relapse-prevention-plan"
HELP = "asking-for-help"
HELPERS = ["Ten slow breaths by the window", "Walk to the corner store and back"]
TRIGGERS = ["Payday evenings alone", "Driving past the old bar on Fifth"]


def call(client, method: str, path: str, account: Account, body=None, headers=None):  # type: ignore[no-untyped-def]
    response = getattr(client.http, method.lower())(
        path,
        headers={**account.headers, **(headers or {})},
        body=json.dumps(body) if body is not None else None,
    )
    return response


def api(client, method: str, path: str, account: Account, body=None):  # type: ignore[no-untyped-def]
    response = call(client, method, path, account, body)
    return response.status_code, json.loads(response.body) if response.body else None


def save_ws(
    client, account: Account, module: str, answers: dict, version: int | None = None
) -> None:  # type: ignore[no-untyped-def]
    status, body = api(
        client,
        "PUT",
        f"/me/worksheets/{module}",
        account,
        {"version": version or shipped_version(module), "answers": answers},
    )
    assert status == 200, body


def section(plan: dict, section_id: str) -> list[dict]:
    return next(s for s in plan["sections"] if s["id"] == section_id)["items"]


def texts(plan: dict, section_id: str) -> list[str]:
    return [i.get("text") or i.get("name") for i in section(plan, section_id)]


def contact_field(client, account: Account) -> str:  # type: ignore[no-untyped-def]
    _, mine = api(client, "GET", f"/me/worksheets/{HELP}", account)
    return next(f["id"] for f in mine["fields"] if f.get("plan") == "people-to-call")


def test_the_plan_assembles_every_feeding_answer_from_every_module(
    client, published_all, participant, other_participant, aws_calls
):
    save_ws(client, participant, CRAVINGS, {"urge-helpers": HELPERS, "urge-start": 8})
    save_ws(
        client,
        participant,
        PLAN_MODULE,
        {
            "plan-triggers": TRIGGERS,
            "plan-if-i-slip": "Call Rosa tonight.",
            "plan-people": [
                {"name": "Rosa", "phone": "555 010 0134"},
                {"name": "My sponsor", "phone": ""},
            ],
        },
    )
    save_ws(client, other_participant, CRAVINGS, {"urge-helpers": ["Someone else's helper"]})
    aws_calls.reset()
    status, plan = api(client, "GET", "/me/plan", participant)
    assert status == 200, plan
    # The plan page: one Query of the worksheets, one of the newest version (the GetItem is the
    # sign-in's own not-valid-before check, cached per container).
    dynamodb = [n for n in aws_calls.names if n.startswith("DynamoDB.") and n != "DynamoDB.GetItem"]
    assert dynamodb == ["DynamoDB.Query", "DynamoDB.Query"], aws_calls.names
    assert plan["version"] is None and plan["new_items"] == 0
    assert [s["id"] for s in plan["sections"]] == [
        "triggers",
        "warning-signs",
        "coping-skills",
        "people-to-call",
        "reasons",
        "if-i-slip",
        "places-to-avoid",
    ]
    assert texts(plan, "triggers") == TRIGGERS
    assert texts(plan, "coping-skills") == HELPERS
    assert texts(plan, "if-i-slip") == ["Call Rosa tonight."]
    # Contacts stay names and phones; the scale (no plan section) is not there.
    people = section(plan, "people-to-call")
    assert [(p["name"], p["phone"]) for p in people] == [
        ("Rosa", "555 010 0134"),
        ("My sponsor", ""),
    ]
    assert "Someone else's helper" not in json.dumps(plan)
    assert "8" not in json.dumps(section(plan, "coping-skills"))
    assert all(
        i["source"].startswith(("cravings-and-urge-surfing/", PLAN_MODULE + "/"))
        for s in plan["sections"]
        for i in s["items"]
    )


def test_edit_reorder_remove_and_add_then_earlier_versions_stay_readable(
    client, published_all, participant, aws_calls
):
    save_ws(client, participant, CRAVINGS, {"urge-helpers": HELPERS})
    _, plan = api(client, "GET", "/me/plan", participant)
    first, second = section(plan, "coping-skills")
    edited = [
        {"text": "Walk to the corner store and back, with music", "source": second["source"]},
        {"text": "Text my sister", "source": None},
    ]
    aws_calls.reset()
    status, saved = api(
        client,
        "PUT",
        "/me/plan",
        participant,
        # ``shown``: the answers this client showed; the one left out is removed.
        {
            "based_on": None,
            "sections": {"coping-skills": edited},
            "shown": [first["source"], second["source"]],
        },
    )
    assert status == 200, saved
    # A save: the two reads of the plan, then one conditional write.
    dynamodb = [n for n in aws_calls.names if n.startswith("DynamoDB.") and n != "DynamoDB.GetItem"]
    assert dynamodb == ["DynamoDB.Query", "DynamoDB.Query", "DynamoDB.PutItem"], aws_calls.names
    assert saved["version"] == 1
    assert texts(saved, "coping-skills") == [
        "Walk to the corner store and back, with music",
        "Text my sister",
    ]

    # The removed answer does not come back; a new answer does, marked new, after the saved ones.
    save_ws(client, participant, CRAVINGS, {"urge-helpers": HELPERS + ["Cold water on my face"]})
    _, plan = api(client, "GET", "/me/plan", participant)
    assert texts(plan, "coping-skills") == [
        "Walk to the corner store and back, with music",
        "Text my sister",
        "Cold water on my face",
    ]
    assert [i["new"] for i in section(plan, "coping-skills")] == [False, False, True]
    assert plan["new_items"] == 1

    # Reorder and save again: version 2; version 1 is still there as it was.
    reordered = list(reversed(section(plan, "coping-skills")))
    status, saved = api(
        client,
        "PUT",
        "/me/plan",
        participant,
        {"based_on": 1, "sections": {"coping-skills": reordered}},
    )
    assert status == 200 and saved["version"] == 2, saved
    assert texts(saved, "coping-skills")[0] == "Cold water on my face"

    aws_calls.reset()
    status, versions = api(client, "GET", "/me/plan/versions", participant)
    assert [
        n for n in aws_calls.names if n.startswith("DynamoDB.") and n != "DynamoDB.GetItem"
    ] == ["DynamoDB.Query"]
    assert [(v["version"], v["items"]) for v in versions["versions"]] == [(2, 3), (1, 2)]
    status, one = api(client, "GET", "/me/plan/versions/1", participant)
    assert status == 200 and one["latest"] is False and one["version"] == 1
    assert texts(one, "coping-skills") == [
        "Walk to the corner store and back, with music",
        "Text my sister",
    ]
    assert first["text"] not in json.dumps(one)
    assert api(client, "GET", "/me/plan/versions/3", participant)[0] == 404


def test_a_save_removes_only_the_worksheet_answers_the_client_showed(
    client, published, participant
):
    """An answer written while the client was editing is not lost: left out of a save, it is
    removed only if ``shown`` names it (or it is in the saved version)."""
    save_ws(client, participant, CRAVINGS, {"urge-helpers": HELPERS})
    _, plan = api(client, "GET", "/me/plan", participant)
    opened = section(plan, "coping-skills")
    save_ws(client, participant, CRAVINGS, {"urge-helpers": [*HELPERS, "Cold water"]})
    # Never saved, and no ``shown``: nothing the client did not show is removed.
    body = {"sections": {"coping-skills": opened[:1]}}
    status, saved = api(client, "PUT", "/me/plan", participant, body)
    assert status == 200 and saved["version"] == 1, saved
    assert texts(saved, "coping-skills") == [HELPERS[0], HELPERS[1], "Cold water"]
    assert [i["new"] for i in section(saved, "coping-skills")] == [False, True, True]
    # ``shown`` names what the client showed: the answer shown and left out is removed; the
    # saved version's items can be removed without it.
    _, plan = api(client, "GET", "/me/plan", participant)
    cold = section(plan, "coping-skills")[2]
    save_ws(client, participant, CRAVINGS, {"urge-helpers": [*HELPERS, "Cold water", "A walk"]})
    body = {"based_on": 1, "sections": {"coping-skills": []}, "shown": [cold["source"]]}
    status, saved = api(client, "PUT", "/me/plan", participant, body)
    assert status == 200 and saved["version"] == 2, saved
    assert texts(saved, "coping-skills") == [HELPERS[1], "A walk"]
    assert all(i["new"] for i in section(saved, "coping-skills"))
    assert texts(api(client, "GET", "/me/plan", participant)[1], "coping-skills") == [
        HELPERS[1],
        "A walk",
    ]
    for shown in ("one source", [1, 2]):
        body = {"based_on": 2, "sections": {"coping-skills": []}, "shown": shown}
        status, refused = api(client, "PUT", "/me/plan", participant, body)
        assert status == 400 and refused["error"]["code"] in {"invalid_field", "invalid_shown"}


def test_a_retry_never_duplicates_and_a_stale_save_is_a_409(client, published, participant):
    body = {"based_on": None, "sections": {"triggers": [{"text": "Payday evenings"}]}}
    assert api(client, "PUT", "/me/plan", participant, body)[1]["version"] == 1
    # The same request again (a retry after a lost answer): nothing new is written.
    status, again = api(client, "PUT", "/me/plan", participant, body)
    assert status == 200 and again["version"] == 1
    assert len(api(client, "GET", "/me/plan/versions", participant)[1]["versions"]) == 1
    # Another device saved version 2 meanwhile: saving something else on top of 1 is refused.
    assert (
        api(
            client,
            "PUT",
            "/me/plan",
            participant,
            {"based_on": 1, "sections": {"triggers": [{"text": "From the phone"}]}},
        )[1]["version"]
        == 2
    )
    status, refused = api(
        client,
        "PUT",
        "/me/plan",
        participant,
        {"based_on": 1, "sections": {"triggers": [{"text": "From the laptop"}]}},
    )
    assert status == 409 and refused["error"]["code"] == "plan_changed"
    assert texts(api(client, "GET", "/me/plan", participant)[1], "triggers") == ["From the phone"]


def test_a_stale_save_of_sections_changed_only_elsewhere_is_saved_on_the_newest(
    client, published, participant
):
    """Never saved, then another device saves triggers first: reasons based on nothing are
    saved on top of it (version 2), both kept; a retry writes nothing; a save that also gives
    a section changed since is still a 409."""
    body = {"sections": {"triggers": [{"text": "Payday evenings"}]}}
    assert api(client, "PUT", "/me/plan", participant, body)[1]["version"] == 1
    late = {"based_on": None, "sections": {"reasons": [{"text": "My daughter Mia"}]}}
    status, saved = api(client, "PUT", "/me/plan", participant, late)
    assert status == 200 and saved["version"] == 2, saved
    assert texts(saved, "triggers") == ["Payday evenings"]
    assert texts(saved, "reasons") == ["My daughter Mia"]
    assert api(client, "PUT", "/me/plan", participant, late)[1]["version"] == 2  # a retry
    stale = {"based_on": 1, "sections": {"triggers": [{"text": "From the laptop"}]}}
    stale["sections"]["reasons"] = []
    status, refused = api(client, "PUT", "/me/plan", participant, stale)
    assert status == 409 and refused["error"]["code"] == "plan_changed"


@pytest.mark.parametrize(
    ("sections", "code", "named"),
    [
        ({"nonsense": []}, "unknown_plan_section", "nonsense"),
        ({"triggers": "not a list"}, "invalid_plan_item", "triggers"),
        ({"triggers": ["bare text"]}, "invalid_plan_item", "triggers.0"),
        ({"triggers": [{"text": "x" * 2001}]}, "answer_too_long", "triggers.0"),
        ({"triggers": [{"text": f"t{n}"} for n in range(51)]}, "too_many_items", "triggers"),
        (
            {"people-to-call": [{"name": "Rosa", "phone": "call me"}]},
            "invalid_contact_phone",
            "people-to-call.0",
        ),
        (
            {"people-to-call": [{"name": "Rosa"}, {"name": " ", "phone": "555 867 5309"}]},
            "contact_without_name",
            "people-to-call.1",
        ),
        ({"people-to-call": [{"text": "Rosa"}]}, "invalid_plan_item", "people-to-call.0"),
        ({"triggers": [{"text": "ok", "source": "../../etc"}]}, "invalid_plan_item", "triggers.0"),
        (
            {
                s: [{"text": "y" * 2000}] * 6
                for s in (
                    "triggers",
                    "warning-signs",
                    "coping-skills",
                    "reasons",
                    "if-i-slip",
                    "places-to-avoid",
                )
            },
            "plan_too_long",
            "60000",
        ),
    ],
)
def test_a_bad_plan_is_a_400_naming_the_section_and_nothing_is_saved(
    client, published, participant, sections, code, named
):
    status, body = api(client, "PUT", "/me/plan", participant, {"sections": sections})
    assert status == 400, body
    assert body["error"]["code"] == code and named in body["error"]["message"], body
    assert api(client, "GET", "/me/plan/versions", participant)[1]["versions"] == []


def test_a_field_renamed_in_a_new_version_still_feeds_the_plan(
    client, published, publisher, participant, tmp_path, library_clock
):
    from chalicelib.library import POINTER_TTL_SECONDS
    from tests.functional.test_worksheet_answers import _publish_renamed

    old = shipped_version(CRAVINGS)
    save_ws(client, participant, CRAVINGS, {"urge-helpers": HELPERS})
    new = _publish_renamed(publisher, tmp_path)
    library_clock.advance(POINTER_TTL_SECONDS + 1)
    save_ws(client, participant, CRAVINGS, {"ride-it-out": ["Call my sister"]}, version=new)
    _, plan = api(client, "GET", "/me/plan", participant)
    # Both versions' answers: the old field's (written in the old version) and the new one's.
    assert texts(plan, "coping-skills") == HELPERS + ["Call my sister"]
    assert old != new


def test_downloads_text_and_pdf_with_spanish_accents(client, published, participant):
    import pypdf

    spanish = [
        "Cuando me siento solo después del trabajo",
        "Mañana llamo a mi tía Begoña: ¿qué tal?",
    ]
    people = [{"name": "Rosa Ibáñez", "phone": "+1 (555) 010-0134"}]
    status, saved = api(
        client,
        "PUT",
        "/me/plan",
        participant,
        {
            "locale": "es",
            "sections": {"triggers": [{"text": t} for t in spanish], "people-to-call": people},
        },
    )
    assert status == 200, saved

    text = call(client, "GET", "/me/plan/download?format=txt&locale=es", participant)
    assert text.status_code == 200
    assert text.headers["Content-Type"].startswith("text/plain")
    disposition = text.headers["Content-Disposition"]
    assert (
        disposition.startswith("attachment;")
        and "plan-" in disposition
        and "prevention" not in disposition
    )
    body = text.body.decode("utf-8")
    assert (
        "Mis detonantes" in body and spanish[1] in body and "Rosa Ibáñez: +1 (555) 010-0134" in body
    )
    assert "988" in body and "1-800-662-4357" in body

    pdf = call(
        client,
        "GET",
        "/me/plan/download?format=pdf&locale=es",
        participant,
        headers={"Accept": "application/pdf"},
    )
    assert pdf.status_code == 200, pdf.body[:300]
    assert pdf.headers["Content-Type"] == "application/pdf"
    assert pdf.headers["Content-Disposition"].endswith('.pdf"')
    assert pdf.body.startswith(b"%PDF-")
    reader = pypdf.PdfReader(io.BytesIO(pdf.body))
    extracted = " ".join(page.extract_text() for page in reader.pages)
    for words in (*spanish, "Rosa Ibáñez", "Personas a las que puedo llamar", "señales"):
        assert words in extracted, (words, extracted[:500])
    fonts = {
        str(f["/BaseFont"]) for page in reader.pages for f in page["/Resources"]["/Font"].values()
    }
    assert any("DejaVuSans" in f for f in fonts), fonts
    links = [a.get_object()["/A"]["/URI"] for page in reader.pages for a in page.get("/Annots", [])]
    assert "tel:+15550100134" in links
    assert len(reader.pages) <= 2
    # One saved version, downloaded: also discreet.
    old = call(client, "GET", "/me/plan/download?format=txt&version=1", participant)
    assert old.status_code == 200 and spanish[0] in old.body.decode()
    bad = call(client, "GET", "/me/plan/download?format=docx", participant)
    assert bad.status_code == 400


@pytest.mark.parametrize("path", ["/me/plan/download", "/me/data/download"])
def test_a_plan_item_of_thai_as_long_as_allowed_downloads_as_a_pdf(
    client, published, participant, path
):
    """Some 1,000 characters of Thai (or Hindi) in one item made both PDFs a 500: fpdf2's bidi
    algorithm recursed once per character in a run with no direction (the boxes DejaVu prints
    for them). ``tests/unit/test_plan_pdf.py`` checks every script for lost words."""
    thai = ("ฉันต้องการโทรหาพี่สาวของฉัน" * 80)[:MAX_FIELD_CHARS]
    status, saved = api(
        client, "PUT", "/me/plan", participant, {"sections": {"coping-skills": [{"text": thai}]}}
    )
    assert status == 200, saved
    pdf = call(
        client, "GET", f"{path}?format=pdf", participant, headers={"Accept": "application/pdf"}
    )
    assert pdf.status_code == 200, pdf.body[:300]
    assert pdf.body.startswith(b"%PDF-")


def test_a_full_plan_pdf_fits_on_two_pages(client, published_all, participant):
    """A realistic, filled-in plan from the shipped worksheets (the issue's size figure)."""
    import pypdf

    full = {
        "triggers": [
            "Payday evenings alone",
            "Arguments with my ex about the kids",
            "Driving past the old bar",
            "Feeling bored on Sunday afternoons",
            "Parties where people drink",
        ],
        "warning-signs": [
            "Skipping meals and sleep",
            "Lying about small things",
            "Thinking one time will not hurt",
            "Staying away from group",
        ],
        "coping-skills": [
            "Ten slow breaths by the window",
            "Walk around the block",
            "Call my sponsor",
            "Cold water on my face",
            "Play guitar for 20 minutes",
        ],
        "reasons": [
            "My daughter Lucía",
            "Keeping my job at the garage",
            "Feeling clear in the morning",
        ],
        "if-i-slip": [
            "Stop, and call Rosa the same day. "
            "Go to a meeting the next morning and tell my counselor."
        ],
        "places-to-avoid": ["The bar on Fifth Street", "Marco's garage on Friday nights"],
    }
    sections = {k: [{"text": t} for t in v] for k, v in full.items()}
    sections["people-to-call"] = [
        {"name": "Rosa (sponsor)", "phone": "555-010-0134"},
        {"name": "My sister Ana", "phone": "+1 555 010 0178"},
        {"name": "Dr. Patel, counselor", "phone": "(555) 010-0199"},
    ]
    assert api(client, "PUT", "/me/plan", participant, {"sections": sections})[0] == 200
    pdf = call(client, "GET", "/me/plan/download", participant, headers={"Accept": "*/*"})
    assert pdf.status_code == 200
    pages = len(pypdf.PdfReader(io.BytesIO(pdf.body)).pages)
    assert 1 <= pages <= 2
    print(f"\nfull plan PDF: {len(pdf.body)} bytes, {pages} page(s)")


def test_the_pdf_library_is_not_imported_at_cold_start():
    import subprocess
    import sys

    # HarfBuzz (text shaping) and fontTools are loaded with fpdf2, when a PDF is made.
    code = (
        "import sys, app; "
        "assert not {'fpdf', 'chalicelib.plan_pdf', 'uharfbuzz', 'fontTools'} & set(sys.modules)"
    )
    subprocess.run([sys.executable, "-c", code], check=True)
