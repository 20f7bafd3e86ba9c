"""The job page's filters (recommendation, stage) and its CSV export, through the test client."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable

from flask.testing import FlaskClient
from sqlalchemy.orm import Session

from tests.plugin.home.scenario import sign_in
from tests.plugin.verdicts.data import DATA, SPEC, make_application, make_loop

Token = Callable[..., str]
JOB = "/review/jobs/greenhouse/3485"


def _arrange(db: Session) -> None:
    loop = make_loop(db)
    make_application(db, loop, "1", "Zed Split")
    outperforming = {SPEC: ("outperforming", "e"), DATA: ("outperforming", "e")}
    # Strong yes needs two ratings per must-have.
    strong = [("201", "A", "Spec", outperforming), ("202", "B", "Data", outperforming)]
    amy = make_application(db, loop, "2", "Amy Strong", strong)
    amy.current_stage_name = "Offer"
    weak = [("301", "C", "Spec", {SPEC: ("needs_focus", "e"), DATA: ("needs_focus", "e")})]
    make_application(db, loop, "3", '=HYPERLINK("x") Weak', weak)
    db.commit()


def test_filters_by_recommendation_and_stage(
    client: FlaskClient, db: Session, make_token: Token
) -> None:
    _arrange(db)
    sign_in(client, make_token("hiring_manager", "3485"))
    html = client.get(f"{JOB}?recommendation=strong_yes").get_data(as_text=True)
    assert "Amy Strong" in html and "Zed Split" not in html
    assert '<option value="strong_yes" selected>' in html
    html = client.get(f"{JOB}?stage=Onsite").get_data(as_text=True)
    assert "Zed Split" in html and "Amy Strong" not in html
    assert '<option value="Offer">Offer</option>' in html  # every stage is offered
    html = client.get(f"{JOB}?stage=Onsite&recommendation=strong_yes").get_data(as_text=True)
    assert 'id="no-match"' in html
    # Sorting keeps the filters.
    html = client.get(f"{JOB}?stage=Onsite").get_data(as_text=True)
    assert "stage=Onsite" in html.split('class="sort')[1]
    assert client.get(f"{JOB}?recommendation=maybe").status_code == 422


def test_csv_export_is_what_the_filters_show(
    client: FlaskClient, db: Session, make_token: Token
) -> None:
    _arrange(db)
    sign_in(client, make_token("recruiter"))
    html = client.get(f"{JOB}?stage=Onsite&sort=name&per_page=1").get_data(as_text=True)
    assert 'href="/review/jobs/greenhouse/3485?' in html and "format=csv" in html
    response = client.get(f"{JOB}?stage=Onsite&sort=name&order=desc&format=csv&per_page=1")
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    assert 'filename="senior-pm-payments-candidates.csv"' in response.headers["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True))))
    header, *body = rows
    assert header[:6] == [
        "Candidate",
        "Application id",
        "External id",
        "Stage",
        "Status",
        "Recommendation",
    ]
    assert "Functional Specification" in header
    # Every page of the filtered list, in the order shown; a formula is quoted as text.
    assert [r[0] for r in body] == ["Zed Split", '\'=HYPERLINK("x") Weak']
    spec = header.index("Functional Specification")
    assert body[0][spec] == "On track (split)" and body[1][spec] == "Needs focus"
    assert body[0][header.index("Splits")] == "1"
    assert body[1][5] == "Definitely not"

    sign_in(client, make_token("hiring_manager", "9999"))
    assert client.get(f"{JOB}?format=csv").status_code == 404
