from __future__ import annotations

from collections.abc import Callable

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from plugin.applications.models import Application, Assignment
from plugin.core.db import get_session
from plugin.core.links import make_link_token
from plugin.scorecards.models import Rating, Scorecard
from plugin.verdicts.models import VerdictOverride
from plugin.verdicts.service import complete_verdict, compute_verdict
from tests.plugin.verdicts.data import DATA, SPEC, make_application, make_loop

Auth = Callable[..., dict[str, str]]


def test_verdict_of_the_debrief_scenario(client: FlaskClient, db: Session, auth: Auth) -> None:
    loop = make_loop(db)
    application = make_application(db, loop, "9001", "Ada Lovelace")
    db.commit()

    response = client.get(f"/api/applications/{application.id}/verdict", headers=auth("admin"))
    assert response.status_code == 200
    body = response.get_json()
    # The split must-have is a flag for the debrief (first on the agenda), not a decision.
    assert body["recommendation"] == "yes"
    assert body["rule"].startswith("otherwise yes")
    assert body["splits"] == [SPEC] and body["borderline"] == []
    assert "product-quality" in body["gaps"]
    assert body["scorecards"] == {"submitted": 4, "expected": 4, "pending": 0}
    assert body["complete"] is True and body["provisional"] is False
    by_id = {c["id"]: c for c in body["competencies"]}
    spec = by_id[SPEC]
    assert spec["verdict"] == "on_track" and spec["count"] == 2 and spec["median"] == "on_track"
    assert spec["split"] is True and spec["borderline"] is False and spec["between"] is None
    assert spec["name"] == "Functional Specification" and spec["area"] == "product-execution"
    assert sorted(r["rating"] for r in spec["ratings"]) == ["needs_focus", "outperforming"]
    assert {r["interviewer"] for r in spec["ratings"]} == {"Grace Hopper", "Alan Turing"}
    assert all(r["source"] == "hireloop" and r["evidence"] for r in spec["ratings"])
    quality = by_id["product-quality"]
    assert quality["verdict"] == "not_assessed" and quality["count"] == 0
    assert quality["no_evidence"] == 1 and quality["ratings"][0]["rating"] == "no_evidence"
    data = by_id[DATA]
    assert (data["verdict"], data["count"], data["median"]) == ("on_track", 3, "on_track")
    assert body["agenda"][0] == {
        "competency": SPEC,
        "kind": "split",
        "text": "Functional Specification is split (needs_focus, outperforming; verdict on "
        "track): hear each interviewer's evidence.",
    }
    assert body["amendments"] == [] and body["not_held"] == [] and body["preview"] is None
    assert body["override"] is None
    assert body["application"]["candidate_name"] == "Ada Lovelace"
    assert body["review_url"] == f"http://hireloop.test/review/applications/{application.id}"
    assert len(body["fingerprint"]) == 64


def test_pending_assignment_makes_it_provisional_and_cancelled_does_not(
    client: FlaskClient, db: Session, auth: Auth
) -> None:
    loop = make_loop(db)
    application = make_application(db, loop, "9002", "Ada", pending=1)
    db.add(
        Assignment(
            application_id=application.id,
            interview_key="Gone",
            interview_name="Gone",
            interviewer_key="77",
            status="cancelled",
        )
    )
    db.commit()
    body = client.get(
        f"/api/applications/{application.id}/verdict", headers=auth("recruiter")
    ).get_json()
    assert body["scorecards"] == {"submitted": 4, "expected": 5, "pending": 1}
    assert body["provisional"] is True
    assert body["pending"][0]["interviewer"] == "Pending Person 0"


def test_draft_scorecards_do_not_count(app: Flask, db: Session) -> None:
    loop = make_loop(db)
    application = make_application(db, loop, "9003", "Ada")
    card = db.scalars(select(Scorecard).where(Scorecard.interviewer_key == "101")).one()
    card.status = "draft"
    assignment = db.get(Assignment, card.assignment_id)
    assert assignment is not None
    assignment.status = "draft"  # as saving a draft leaves it
    db.commit()
    with app.app_context():
        verdict = compute_verdict(get_session(), application.id)
    assert verdict.scorecards_submitted == 3
    assert verdict.competency(SPEC).verdict == "needs_focus"
    assert verdict.recommendation == "no"


def test_an_ats_scorecard_nobody_was_assigned_adds_ratings_but_completes_nothing(
    client: FlaskClient, db: Session, auth: Auth
) -> None:
    loop = make_loop(db)
    application = make_application(db, loop, "9005", "Ada", pending=1)
    # Entered in Greenhouse by someone hireloop did not assign (the hiring manager, say).
    extra = Scorecard(
        application_id=application.id,
        source="greenhouse",
        ats_scorecard_id="gh-extra",
        interviewer_key="555",
        interviewer_name="Hiring Manager",
        interview_name="Chat",
        status="submitted",
    )
    db.add(extra)
    db.flush()
    db.add(
        Rating(
            scorecard_id=extra.id,
            application_id=application.id,
            competency_id="managing-up",
            rating="on_track",
            evidence="e",
        )
    )
    db.commit()
    body = client.get(
        f"/api/applications/{application.id}/verdict", headers=auth("recruiter")
    ).get_json()
    assert body["scorecards"] == {"submitted": 4, "expected": 5, "pending": 1}
    assert body["provisional"] is True  # Pending Person 0 has not submitted
    by_id = {c["id"]: c for c in body["competencies"]}
    assert by_id["managing-up"]["count"] == 1  # the extra card's rating still counts
    with client.application.app_context():
        assert complete_verdict(get_session(), application.id) is None  # nothing written back


def test_hiring_managers_see_only_their_jobs_and_interviewers_never(
    app: Flask, client: FlaskClient, db: Session, auth: Auth
) -> None:
    loop = make_loop(db)
    application = make_application(db, loop, "9004", "Ada")
    db.commit()
    url = f"/api/applications/{application.id}/verdict"
    assert client.get(url, headers=auth("hiring_manager", "3485")).status_code == 200
    assert client.get(url, headers=auth("hiring_manager")).status_code == 200  # unscoped
    other = client.get(url, headers=auth("hiring_manager", "9999"))
    assert other.status_code == 404  # out of scope looks missing
    assert other.get_json()["error"]["code"] == "not_found"
    assert client.get(url).status_code == 401
    assignment = db.scalars(select(Assignment)).first()
    assert assignment is not None
    assignment_id, version = assignment.id, assignment.link_version
    db.commit()  # end the read transaction: SQLite allows one writer at a time
    with app.app_context():
        link = make_link_token(assignment_id, version)
    response = client.get(url, headers={"Authorization": f"Bearer {link}"})
    assert response.status_code == 401
    assert response.get_json()["error"]["code"] == "unauthorized"
    jobs = "/api/jobs/greenhouse/3485/candidates"
    assert client.get(jobs, headers=auth("hiring_manager", "9999")).status_code == 404
    assert client.get(jobs, headers={"Authorization": f"Bearer {link}"}).status_code == 401


def test_unknown_application_and_missing_loop(client: FlaskClient, db: Session, auth: Auth) -> None:
    response = client.get("/api/applications/424242/verdict", headers=auth())
    assert response.status_code == 404
    assert response.get_json()["error"]["fields"] == {"id": "unknown"}

    orphan = Application(ats="greenhouse", external_id="x1", job_id="nojob")
    db.add(orphan)
    db.commit()
    response = client.get(f"/api/applications/{orphan.id}/verdict", headers=auth())
    assert response.status_code == 409
    assert response.get_json()["error"]["code"] == "no_loop"


def test_override_requires_a_reason_and_sits_beside_the_verdict(
    client: FlaskClient, db: Session, auth: Auth
) -> None:
    loop = make_loop(db)
    application = make_application(db, loop, "9005", "Ada")
    db.commit()
    url = f"/api/applications/{application.id}/override"
    manager = auth("hiring_manager", "3485")

    missing = client.post(url, json={"recommendation": "yes"}, headers=manager)
    assert missing.status_code == 422
    assert "reason" in missing.get_json()["error"]["fields"]
    blank = client.post(url, json={"recommendation": "yes", "reason": "   "}, headers=manager)
    assert blank.status_code == 422
    assert "reason" in blank.get_json()["error"]["fields"]
    wrong = client.post(url, json={"recommendation": "maybe", "reason": "x"}, headers=manager)
    assert wrong.status_code == 422
    assert "recommendation" in wrong.get_json()["error"]["fields"]
    assert (
        client.post(
            url, json={"recommendation": "yes", "reason": "x"}, headers=auth("recruiter")
        ).status_code
        == 403
    )
    assert (
        client.post(
            url, json={"recommendation": "yes", "reason": "x"}, headers=auth("hiring_manager", "1")
        ).status_code
        == 404  # another job's application looks missing
    )
    assert db.scalars(select(VerdictOverride)).all() == []
    db.commit()  # end the read: SQLite has one writer at a time

    reason = "The spec split was settled in the debrief: the needs-focus came from a misread."
    response = client.post(url, json={"recommendation": "yes", "reason": reason}, headers=manager)
    assert response.status_code == 201
    body = response.get_json()
    assert body["recommendation"] == "yes"  # the mechanical verdict is unchanged
    assert body["override"]["recommendation"] == "yes"
    assert body["override"]["reason"] == reason
    assert body["override"]["actor"].startswith("hiring_manager:token-")
    stored = db.scalars(select(VerdictOverride)).one()
    assert (stored.application_id, stored.recommendation, stored.reason) == (
        application.id,
        "yes",
        reason,
    )
    db.commit()
    again = client.get(f"/api/applications/{application.id}/verdict", headers=manager).get_json()
    assert again["recommendation"] == "yes" and again["override"]["reason"] == reason


def test_job_candidates_sorted_and_paged(client: FlaskClient, db: Session, auth: Auth) -> None:
    loop = make_loop(db)
    make_application(db, loop, "1", "Zed Split")  # yes, with the split must-have flagged
    strong = [
        ("201", "A", "Spec", {SPEC: ("outperforming", "e"), DATA: ("outperforming", "e")}),
        (
            "202",
            "B",
            "Data",
            {
                DATA: ("outperforming", "e"),
                SPEC: ("outperforming", "e"),
                "product-quality": ("on_track", ""),
            },
        ),
    ]
    make_application(db, loop, "2", "Amy Strong", strong)
    weak = [("301", "C", "Spec", {SPEC: ("needs_focus", "e"), DATA: ("needs_focus", "e")})]
    make_application(db, loop, "3", "Bob Weak", weak, pending=1)
    db.commit()
    url = "/api/jobs/greenhouse/3485/candidates"
    body = client.get(url, headers=auth("hiring_manager", "3485")).get_json()
    assert body["total"] == 3 and body["page"] == 1 and body["pages"] == 1
    names = [c["candidate_name"] for c in body["candidates"]]
    assert names == ["Amy Strong", "Zed Split", "Bob Weak"]
    recs = [c["recommendation"] for c in body["candidates"]]
    assert recs == ["strong_yes", "yes", "definitely_not"]
    assert body["candidates"][1]["verdicts"][SPEC] == "on_track"
    assert body["candidates"][1]["splits"] == [SPEC]
    assert body["candidates"][2]["scorecards"] == {"submitted": 1, "expected": 2}
    assert body["candidates"][2]["provisional"] is True
    assert {c["id"] for c in body["competencies"]} >= {SPEC, DATA, "product-quality"}
    assert next(c for c in body["competencies"] if c["id"] == SPEC)["must_have"] is True

    desc = client.get(url + "?sort=name&order=desc", headers=auth()).get_json()
    assert [c["candidate_name"] for c in desc["candidates"]] == [
        "Zed Split",
        "Bob Weak",
        "Amy Strong",
    ]
    paged = client.get(url + "?sort=name&per_page=2&page=2", headers=auth()).get_json()
    assert [c["candidate_name"] for c in paged["candidates"]] == ["Zed Split"]
    assert paged["pages"] == 2
    by_data = client.get(url + f"?sort={DATA}", headers=auth()).get_json()
    assert by_data["candidates"][0]["candidate_name"] == "Amy Strong"
    bad = client.get(url + "?sort=height", headers=auth())
    assert bad.status_code == 422 and "sort" in bad.get_json()["error"]["fields"]
    assert client.get(url + "?page=0", headers=auth()).status_code == 422
    missing = client.get("/api/jobs/greenhouse/nope/candidates", headers=auth())
    assert missing.status_code == 404


def test_calibration_api_is_admin_only_and_reports(
    client: FlaskClient, db: Session, auth: Auth
) -> None:
    loop = make_loop(db)
    make_application(db, loop, "1", "One")
    make_application(db, loop, "2", "Two")
    db.commit()
    assert client.get("/api/calibration", headers=auth("hiring_manager")).status_code == 403
    response = client.get("/api/calibration", headers=auth("admin"))
    assert response.status_code == 200
    body = response.get_json()
    rows = {r["interviewer"]: r for r in body["interviewers"]}
    assert rows["103"]["name"] == "Katherine Johnson"
    assert rows["103"]["scorecards"] == 2 and rows["103"]["no_evidence"] == 2
    assert rows["103"]["no_evidence_rate"] == 0.5
    # Katherine rated data outperforming where Alan and Edsger said on_track: +1 each time.
    assert rows["103"]["leniency"] == 1.0 and rows["103"]["comparisons"] == 2
    agreement = {(a["loop_name"], a["competency"]): a for a in body["agreement"]}
    spec = agreement[("Senior PM, Payments", SPEC)]
    assert spec["units"] == 2 and spec["alpha"] is not None and spec["alpha"] < 0
    assert body["window_days"] == 180
