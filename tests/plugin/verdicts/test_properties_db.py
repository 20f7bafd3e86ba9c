"""The job page's verdicts (per-point counts from SQL, ``summarize``) and the application's
verdict (``aggregate`` over the stored scorecards) agree under the monotone bar, for random
ratings stored in the test database (SQLite, or PostgreSQL with HIRELOOP_TEST_DATABASE_URL)."""

from __future__ import annotations

import itertools
from collections.abc import Callable

from flask.testing import FlaskClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select
from sqlalchemy.orm import Session

from plugin.loops.models import Loop
from tests.plugin.verdicts.data import DATA, SPEC, make_application, make_loop

Auth = Callable[..., dict[str, str]]
JOB = "props"
COMPETENCIES = [SPEC, DATA, "product-delivery", "product-quality"]
numbers = itertools.count(1)

scorecards = st.lists(
    st.dictionaries(
        st.sampled_from(COMPETENCIES),
        st.sampled_from(["needs_focus", "on_track", "outperforming", "no_evidence"]),
        min_size=1,
        max_size=4,
    ),
    min_size=1,
    max_size=5,
)


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(cards=scorecards)
def test_the_job_page_and_the_review_agree(
    client: FlaskClient, db: Session, auth: Auth, cards: list[dict[str, str]]
) -> None:
    loop = db.scalar(select(Loop).where(Loop.job_id == JOB)) or make_loop(db, job_id=JOB)
    n = next(numbers)
    scenario = [
        (f"{n}-{i}", f"Interviewer {i}", f"Interview {i}",
         {c: (r, "" if r == "no_evidence" else "evidence") for c, r in ratings.items()})
        for i, ratings in enumerate(cards)
    ]  # fmt: skip
    application = make_application(db, loop, f"p{n}", f"Candidate {n}", scenario)
    db.commit()
    headers = auth()
    verdict = client.get(f"/api/applications/{application.id}/verdict", headers=headers)
    body = verdict.get_json()
    listing = client.get(f"/api/jobs/greenhouse/{JOB}/candidates?per_page=200", headers=headers)
    row = next(c for c in listing.get_json()["candidates"] if c["application_id"] == application.id)
    assert row["recommendation"] == body["recommendation"]
    assert row["splits"] == body["splits"] and row["borderline"] == body["borderline"]
    assert row["gaps"] == body["gaps"]
    assert row["verdicts"] == {c["id"]: c["verdict"] for c in body["competencies"]}
