from __future__ import annotations

import copy
import json
from collections.abc import Callable
from typing import Any

import pytest
import responses
import yaml
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from plugin.applications.models import Application
from plugin.ats.base import AtsStage
from plugin.ats.greenhouse import GreenhouseClient, GreenhouseV1Client
from plugin.ats.http import HttpClient, StaticAuth
from plugin.core.db import get_session
from plugin.frameworks.registry import registry
from plugin.loops import service
from plugin.loops.models import Loop
from scorecards.framework import Framework
from scorecards.loader import builtin_frameworks
from tests.conftest import PAYLOADS, ROOT

EXAMPLE = ROOT / "examples" / "loops" / "senior-pm-payments.yaml"
Auth = Callable[..., dict[str, str]]


@pytest.fixture
def document() -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load(EXAMPLE.read_text())
    return data


def _create(client: FlaskClient, auth: Auth, document: dict[str, Any]) -> dict[str, Any]:
    response = client.post("/api/loops", json=document, headers=auth("recruiter"))
    assert response.status_code == 201, response.get_json()
    body: dict[str, Any] = response.get_json()
    return body


def test_create_read_list_and_lint(
    client: FlaskClient, auth: Auth, document: dict[str, Any]
) -> None:
    created = _create(client, auth, document)
    assert created["lint"] == {"ok": True, "errors": [], "warnings": [], "notes": []}
    assert created["revision"] == 1 and created["job_id"] == "3485"
    loop_id = created["id"]
    got = client.get(f"/api/loops/{loop_id}", headers=auth("admin")).get_json()
    assert got["stages"] == document["stages"]
    assert got["must_have"] == document["must_have"]
    listed = client.get("/api/loops", headers=auth("recruiter")).get_json()["loops"]
    assert [(item["id"], item["name"]) for item in listed] == [(loop_id, "Senior PM, Payments")]
    filtered = client.get("/api/loops?job_id=999", headers=auth("recruiter")).get_json()
    assert filtered == {"loops": []}


def test_a_second_loop_for_the_same_job_conflicts(
    client: FlaskClient, auth: Auth, document: dict[str, Any]
) -> None:
    created = _create(client, auth, document)
    response = client.post("/api/loops", json=document, headers=auth("recruiter"))
    assert response.status_code == 409
    assert response.get_json()["error"]["fields"] == {"job_id": f"has loop {created['id']}"}
    assert response.get_json()["error"]["code"] == "conflict"


def test_errors_are_reported_with_their_place_and_the_stored_loop_is_unchanged(
    client: FlaskClient, auth: Auth, document: dict[str, Any], db: Session
) -> None:
    created = _create(client, auth, document)
    before = db.get(Loop, created["id"])
    assert before is not None
    stored = copy.deepcopy(before.definition)
    db.rollback()

    once = copy.deepcopy(document)
    once["stages"][0]["interviews"][3]["competencies"].remove("fluency-with-data")
    response = client.put(f"/api/loops/{created['id']}", json=once, headers=auth("recruiter"))
    assert response.status_code == 422
    error = response.get_json()["error"]
    assert error["code"] == "loop_invalid"
    assert "Fluency with Data" in error["message"] and "Product sense" in error["message"]
    assert "stages[0].interviews[0].competencies" in error["fields"]

    six = copy.deepcopy(document)
    six["stages"][0]["interviews"][1]["competencies"] = [
        "functional-specification",
        "product-quality",
        "product-delivery",
        "stakeholder-inclusion",
        "managing-up",
        "strategic-impact",
    ]
    response = client.put(f"/api/loops/{created['id']}", json=six, headers=auth("recruiter"))
    assert response.status_code == 422
    message = response.get_json()["error"]["message"]
    assert "Spec writing exercise" in message and "Onsite" in message and "managing-up" in message

    unknown = copy.deepcopy(document)
    unknown["stages"][0]["interviews"][0]["competencies"][0] = "user-experience-desgn"
    response = client.put(f"/api/loops/{created['id']}", json=unknown, headers=auth("recruiter"))
    assert response.status_code == 422
    fields = response.get_json()["error"]["fields"]
    assert (
        "did you mean 'user-experience-design'" in fields["stages[0].interviews[0].competencies[0]"]
    )

    db.expire_all()
    after = db.get(Loop, created["id"])
    assert after is not None and after.definition == stored and after.revision == 1


def test_put_updates_and_bumps_the_revision(
    client: FlaskClient, auth: Auth, document: dict[str, Any]
) -> None:
    created = _create(client, auth, document)
    changed = dict(created)  # GET/POST output is accepted back: read-only fields are ignored
    changed["name"] = "Senior PM, Payments (EU)"
    response = client.put(f"/api/loops/{created['id']}", json=changed, headers=auth("recruiter"))
    assert response.status_code == 200, response.get_json()
    body = response.get_json()
    assert body["revision"] == 2 and body["name"] == "Senior PM, Payments (EU)"
    same = client.put(f"/api/loops/{created['id']}", json=changed, headers=auth("recruiter"))
    assert same.get_json()["revision"] == 2  # nothing changed, no new revision


def test_validate_reports_without_saving(
    client: FlaskClient, auth: Auth, document: dict[str, Any], db: Session
) -> None:
    document["stages"][0]["interviews"][0]["competencies"] = [
        "User Experience Design",
        "voice-of-the-customer",
        "Business Outcomes",
        "fluency-with-data",
    ]
    document["stages"][0]["interviews"][2]["competencies"].remove("managing-up")
    response = client.post("/api/loops/validate", json=document, headers=auth("recruiter"))
    assert response.status_code == 200
    body = response.get_json()
    assert body["ok"] is True and body["errors"] == []
    assert [(w["code"], w["competency"]) for w in body["warnings"]] == [
        ("not_assessed", "managing-up")
    ]
    assert {n["competency"] for n in body["notes"]} == {
        "user-experience-design",
        "business-outcome-ownership",
    }
    assert body["loop"]["stages"][0]["interviews"][0]["competencies"][2] == (
        "business-outcome-ownership"
    )
    broken = client.post("/api/loops/validate", json={"name": "x"}, headers=auth("recruiter"))
    assert broken.status_code == 200 and broken.get_json()["ok"] is False
    assert db.scalar(select(Loop)) is None


def test_suggest(client: FlaskClient, auth: Auth) -> None:
    body = {
        "level": "senior-pm",
        "stages": [
            {
                "name": "Onsite",
                "ats_stage_id": "71416",
                "interviews": [
                    {"name": "Analytics case study", "ats_interview_id": "1"},
                    {"name": "Cultural Fit Interview", "questions": ["Is this person a good fit?"]},
                ],
            }
        ],
    }
    response = client.post("/api/loops/suggest", json=body, headers=auth("recruiter"))
    assert response.status_code == 200
    analytics, culture = response.get_json()["stages"][0]["interviews"]
    assert analytics["format"] == "analytics-case"
    assert analytics["competencies"] == ["fluency-with-data"]
    assert analytics["suggestion"]["confidence"] > 0.8 and analytics["suggestion"]["reason"]
    assert culture["format"] is None and culture["competencies"] == []
    bad = client.post("/api/loops/suggest", json={"stages": "x"}, headers=auth("recruiter"))
    assert bad.status_code == 422 and "stages" in bad.get_json()["error"]["fields"]


def test_guides_in_three_formats(client: FlaskClient, auth: Auth, document: dict[str, Any]) -> None:
    loop_id = _create(client, auth, document)["id"]
    headers = auth("recruiter")
    as_json = client.get(f"/api/loops/{loop_id}/guides/113101", headers=headers)
    assert as_json.status_code == 200
    guide = as_json.get_json()
    assert guide["opening"]["text"] == "Tell me about a product that you love."
    assert len(guide["opening"]["follow_ups"]) == 4
    assert set(guide["opening"]["rubric"]) == {"needs_focus", "on_track", "outperforming"}
    question = guide["competencies"][0]["questions"][0]
    assert question["levels"]["min"] and question["levels"]["max"] and question["minutes"] > 0
    assert set(question["rubric"]) == {"needs_focus", "on_track", "outperforming"}
    assert guide["competencies"][0]["flags"]["red"]
    assert set(guide["before_you_start"]) == {"biases", "do_not_ask", "accommodations"}
    assert sum(item["minutes"] for item in guide["agenda"]) == guide["planned_minutes"] == 45
    markdown = client.get(f"/api/loops/{loop_id}/guides/Product sense?format=md", headers=headers)
    assert markdown.mimetype == "text/markdown"
    assert "Tell me about a product that you love." in markdown.get_data(as_text=True)
    html = client.get(f"/api/loops/{loop_id}/guides/113102?format=html", headers=headers)
    assert html.mimetype == "text/html" and "<!doctype html>" in html.get_data(as_text=True)
    missing = client.get(f"/api/loops/{loop_id}/guides/nope", headers=headers)
    assert missing.status_code == 404
    assert missing.get_json()["error"]["fields"] == {"interview": "unknown"}
    wrong = client.get(f"/api/loops/{loop_id}/guides/113101?format=pdf", headers=headers)
    assert wrong.status_code == 422 and "format" in wrong.get_json()["error"]["fields"]


def test_roles_and_job_scope(client: FlaskClient, auth: Auth, document: dict[str, Any]) -> None:
    loop_id = _create(client, auth, document)["id"]
    assert client.get("/api/loops").status_code == 401
    assert client.get("/api/loops", headers=auth("hiring_manager")).status_code == 403
    assert client.get(f"/api/loops/{loop_id}", headers=auth("recruiter", "3485")).status_code == 200
    other = auth("recruiter", "9999")
    assert client.get(f"/api/loops/{loop_id}", headers=other).status_code == 404
    assert client.get("/api/loops", headers=other).get_json() == {"loops": []}
    response = client.post("/api/loops", json={**document, "job_id": "1"}, headers=other)
    assert response.status_code == 403
    assert client.delete(f"/api/loops/{loop_id}", headers=other).status_code == 404


def test_delete(client: FlaskClient, auth: Auth, document: dict[str, Any], db: Session) -> None:
    loop_id = _create(client, auth, document)["id"]
    db.add(Application(ats="greenhouse", external_id="1", job_id="3485", loop_id=loop_id))
    db.commit()
    in_use = client.delete(f"/api/loops/{loop_id}", headers=auth("recruiter"))
    assert in_use.status_code == 409
    assert in_use.get_json()["error"] == {
        "code": "conflict",
        "message": "1 application(s) use this loop; it cannot be deleted.",
        "fields": {"id": "in use"},
    }
    db.query(Application).delete()
    db.commit()
    assert client.delete(f"/api/loops/{loop_id}", headers=auth("recruiter")).status_code == 204
    assert client.get(f"/api/loops/{loop_id}", headers=auth("recruiter")).status_code == 404


def test_service_lookups(
    app: Flask, client: FlaskClient, auth: Auth, document: dict[str, Any]
) -> None:
    loop_id = _create(client, auth, document)["id"]
    with app.app_context():
        session = get_session()
        for ref in (str(loop_id), "3485", "Senior PM, Payments", "senior pm, payments"):
            found = service.find_loop(session, ref)
            assert found is not None and found.id == loop_id
        assert service.find_loop(session, "nothing") is None
        row = service.loop_for_job(session, "greenhouse", "3485")
        assert row is not None
        spec = service.get_loop_spec(session, row)
        assert spec.find_interview("113101") is not None
        assert service.loop_for_job(session, "lever", "3485") is None
        # save_loop refuses a loop with errors and leaves the row as it was.
        bad = copy.deepcopy(document)
        bad["must_have"] = ["strategic-impact"]
        with pytest.raises(service.LoopRejected) as caught:
            service.save_loop(session, bad, registry())
        assert caught.value.report.errors[0].competency == "strategic-impact"
        session.rollback()
        assert service.get_loop_spec(session, row).must_have == (
            "functional-specification",
            "fluency-with-data",
        )


def _greenhouse() -> GreenhouseClient:
    http = HttpClient(
        "https://harvest.greenhouse.io",
        ats="greenhouse",
        auth=StaticAuth({"Authorization": "Basic dGVzdDo="}),
        limiter=None,
        read_retries=0,
    )
    return GreenhouseV1Client(http)


@pytest.fixture(scope="module")
def pm() -> Framework:
    return next(f for f in builtin_frameworks() if f.id == "pm")


@responses.activate
def test_seed_a_loop_from_greenhouse_job_stages(pm: Framework) -> None:
    stage = json.loads((PAYLOADS / "greenhouse" / "harvest_v1_job_stage_object.json").read_text())
    spec_stage = copy.deepcopy(stage)
    spec_stage.update(id=72201, name="Onsite", priority=1)
    spec_stage["interviews"][0].update(id=6003, name="Spec writing exercise")
    spec_stage["interviews"][1].update(id=6004, name="Analytics case study")
    responses.get(
        "https://harvest.greenhouse.io/v1/jobs/98765/stages",
        json=[stage, spec_stage],
    )
    document = service.seed_loop_from_ats(_greenhouse(), "98765", pm, "senior-pm", name="PM")
    assert document["ats"] == "greenhouse" and document["job_id"] == "98765"
    face, onsite = document["stages"]
    assert (face["name"], face["ats_stage_id"]) == ("Face to Face", "72200")
    culture, executive = face["interviews"]
    assert (culture["name"], culture["ats_interview_id"]) == ("Cultural Fit Interview", "6001")
    # Nothing in "Cultural Fit" or "Executive Interview" (or their kits) points to a format.
    assert culture["format"] is None and culture["competencies"] == []
    assert executive["format"] is None and executive["competencies"] == []
    spec, analytics = onsite["interviews"]
    assert (spec["ats_interview_id"], spec["format"], spec["competencies"]) == (
        "6003",
        "spec-writing",
        ["functional-specification"],
    )
    assert analytics["competencies"] == ["fluency-with-data"]
    assert "Basic" in responses.calls[0].request.headers["Authorization"]


def test_seed_skips_stages_without_interviews(pm: Framework) -> None:
    document = service.seed_loop_from_stages(
        [AtsStage("1", "Application Review"), AtsStage("2", "Offer")], pm, "pm", job_id="5"
    )
    assert document["stages"] == []


def test_interview_minutes_over_the_api(
    client: FlaskClient, auth: Auth, document: dict[str, Any]
) -> None:
    document["stages"][0]["interviews"][0]["minutes"] = 30
    refused = client.post("/api/loops", json=document, headers=auth("recruiter"))
    assert refused.status_code == 422
    assert "stages[0].interviews[0].minutes" in refused.get_json()["error"]["fields"]
    checked = client.post("/api/loops/validate", json=document, headers=auth("recruiter"))
    (error,) = checked.get_json()["errors"]
    assert error["code"] == "over_time" and error["interview"] == "Product sense"
    document["stages"][0]["interviews"][0]["minutes"] = 60
    created = _create(client, auth, document)
    assert created["stages"][0]["interviews"][0]["minutes"] == 60
    assert "minutes" not in created["stages"][0]["interviews"][1]
    guide = client.get(
        f"/api/loops/{created['id']}/guides/113101", headers=auth("recruiter")
    ).get_json()
    assert guide["planned_minutes"] == 60 == sum(item["minutes"] for item in guide["agenda"])
