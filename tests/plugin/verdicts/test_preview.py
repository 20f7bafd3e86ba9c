"""POST /api/verdicts/preview: the hiring bar's playground, by the same code and in the same
shape as a stored application's verdict, nothing stored; and the bar's properties checked
through it, on the test database (SQLite, or PostgreSQL with HIRELOOP_TEST_DATABASE_URL)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask.testing import FlaskClient
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from plugin.jobs.models import OutboxJob
from plugin.loops.models import Loop
from plugin.verdicts.models import VerdictOverride, VerdictRecord
from tests.plugin.verdicts.data import DATA, SCENARIO, SPEC, make_application, make_loop

Auth = Callable[..., dict[str, str]]
URL = "/api/verdicts/preview"
ORDER = {r: i for i, r in enumerate(("definitely_not", "no", "no_decision", "yes", "strong_yes"))}
POINTS = ("needs_focus", "on_track", "outperforming")


def scenario_ratings() -> list[dict[str, str]]:
    return [
        {"interviewer": name, "competency": competency, "rating": rating}
        for _, name, _, ratings in SCENARIO
        for competency, (rating, _) in ratings.items()
    ]


def stored_rows(db: Session) -> tuple[int, int, int]:
    db.expire_all()
    counts = tuple(
        int(db.scalar(select(func.count()).select_from(model)) or 0)
        for model in (VerdictRecord, VerdictOverride, OutboxJob)
    )
    db.commit()
    return counts  # type: ignore[return-value]


def test_preview_has_the_verdicts_shape_and_answer_and_stores_nothing(
    client: FlaskClient, db: Session, auth: Auth
) -> None:
    loop = make_loop(db)
    application = make_application(db, loop, "1", "Ada Lovelace")
    db.commit()
    before = stored_rows(db)
    stored = client.get(f"/api/applications/{application.id}/verdict", headers=auth()).get_json()
    response = client.post(
        URL, json={"loop_id": loop.id, "ratings": scenario_ratings()}, headers=auth()
    )
    assert response.status_code == 200
    preview = response.get_json()
    assert set(preview) == set(stored)  # the same JSON shape
    for key in ("recommendation", "rule", "splits", "gaps", "borderline", "fingerprint"):
        assert preview[key] == stored[key], key
    assert [(c["id"], c["verdict"], c["count"]) for c in preview["competencies"]] == [
        (c["id"], c["verdict"], c["count"]) for c in stored["competencies"]
    ]
    assert preview["preview"] == {"loop_id": loop.id, "stored": False}
    assert preview["application"] is None and preview["amendments"] == []
    assert stored_rows(db) == before


def test_preview_names_each_invalid_field(client: FlaskClient, db: Session, auth: Auth) -> None:
    loop = make_loop(db)
    db.commit()
    bad = [
        {"interviewer": "A", "competency": "juggling", "rating": "on_track"},
        {"interviewer": "A", "competency": SPEC, "rating": "great"},
        {"interviewer": "B", "competency": DATA, "rating": "on_track"},
        {"interviewer": "B", "competency": DATA, "rating": "needs_focus"},
    ]
    response = client.post(URL, json={"loop_id": loop.id, "ratings": bad}, headers=auth())
    assert response.status_code == 422
    fields = response.get_json()["error"]["fields"]
    assert set(fields) == {"ratings[0].competency", "ratings[1].rating", "ratings[3].competency"}
    shape = client.post(URL, json={"loop_id": loop.id, "ratings": [{"x": 1}]}, headers=auth())
    assert shape.status_code == 422
    assert any(key.startswith("ratings") for key in shape.get_json()["error"]["fields"])
    missing = client.post(URL, json={"loop_id": 99999, "ratings": []}, headers=auth())
    assert missing.status_code == 404


def test_preview_is_for_admins_recruiters_and_the_jobs_hiring_managers(
    client: FlaskClient, db: Session, auth: Auth
) -> None:
    loop = make_loop(db)
    db.commit()
    body = {"loop_id": loop.id, "ratings": scenario_ratings()}
    assert client.post(URL, json=body).status_code == 401
    assert client.post(URL, json=body, headers=auth("hiring_manager", "3485")).status_code == 200
    assert client.post(URL, json=body, headers=auth("recruiter")).status_code == 200
    other_job = client.post(URL, json=body, headers=auth("hiring_manager", "1"))
    assert other_job.status_code == 404  # another job's loop is as if missing
    assert "other job" not in other_job.get_data(as_text=True)


ratings_lists = st.lists(
    st.fixed_dictionaries(
        {
            "interviewer": st.sampled_from(["A", "B", "C", "D"]),
            "competency": st.sampled_from([SPEC, DATA, "product-delivery", "product-quality"]),
            "rating": st.sampled_from([*POINTS, "no_evidence"]),
        }
    ),
    min_size=1,
    max_size=10,
    unique_by=lambda r: (r["interviewer"], r["competency"]),
)


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(ratings=ratings_lists, data=st.data())
def test_through_the_api_raising_a_rating_never_lowers_the_recommendation(
    client: FlaskClient, db: Session, auth: Auth, ratings: list[dict[str, str]], data: Any
) -> None:
    # One loop for every example (the fixtures are made once per test, not per example).
    loop = db.scalar(select(Loop).where(Loop.job_id == "prop")) or make_loop(db, job_id="prop")
    db.commit()
    headers = auth()
    raisable = [i for i, r in enumerate(ratings) if r["rating"] in POINTS[:-1]]
    assume(raisable)
    index = data.draw(st.sampled_from(raisable))
    raised = [dict(r) for r in ratings]
    raised[index]["rating"] = POINTS[POINTS.index(raised[index]["rating"]) + 1]
    with_evidence = [*ratings, {"interviewer": "E", "competency": SPEC, "rating": "no_evidence"}]
    answers = [
        client.post(URL, json={"loop_id": loop.id, "ratings": body}, headers=headers).get_json()
        for body in (ratings, raised, with_evidence)
    ]
    before, after, extra = (a["recommendation"] for a in answers)
    assert ORDER[after] >= ORDER[before]
    assert extra == before and answers[2]["fingerprint"] == answers[0]["fingerprint"]
