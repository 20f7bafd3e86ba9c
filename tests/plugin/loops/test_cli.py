from __future__ import annotations

import json
from pathlib import Path

import yaml
from click.testing import Result
from flask import Flask
from sqlalchemy import select
from sqlalchemy.orm import Session

from plugin.cli import main
from plugin.loops.models import Loop
from tests.conftest import ROOT

EXAMPLE = ROOT / "examples" / "loops" / "senior-pm-payments.yaml"


def invoke(app: Flask, *args: str) -> Result:
    return app.test_cli_runner().invoke(main, list(args))


def test_apply_creates_then_is_idempotent_by_job_id(app: Flask, db: Session) -> None:
    first = invoke(app, "loops", "apply", str(EXAMPLE))
    assert first.exit_code == 0, first.stdout + first.stderr
    assert "lint: 0 error(s), 0 warning(s), 0 note(s)" in first.stdout
    assert "created, revision 1" in first.stdout
    second = invoke(app, "loops", "apply", str(EXAMPLE))
    assert second.exit_code == 0
    assert "unchanged, revision 1" in second.stdout
    rows = db.scalars(select(Loop)).all()
    assert len(rows) == 1
    assert rows[0].job_id == "3485" and rows[0].definition["name"] == "Senior PM, Payments"


def test_apply_updates_and_prints_warnings(app: Flask, db: Session, tmp_path: Path) -> None:
    invoke(app, "loops", "apply", str(EXAMPLE))
    data = yaml.safe_load(EXAMPLE.read_text())
    data["stages"][0]["interviews"][2]["competencies"].remove("managing-up")
    changed = tmp_path / "loop.yaml"
    changed.write_text(yaml.safe_dump(data))
    result = invoke(app, "loops", "apply", str(changed))
    assert result.exit_code == 0
    assert "warning: not_assessed" in result.stdout and "managing-up" in result.stdout
    assert "updated, revision 2" in result.stdout
    row = db.scalar(select(Loop))
    assert (
        row is not None
        and "managing-up" not in row.definition["stages"][0]["interviews"][2]["competencies"]
    )


def test_apply_with_errors_changes_nothing(app: Flask, db: Session, tmp_path: Path) -> None:
    invoke(app, "loops", "apply", str(EXAMPLE))
    before = db.scalar(select(Loop))
    assert before is not None
    stored = dict(before.definition)
    db.rollback()  # end the read: SQLite writers need the database to themselves
    data = yaml.safe_load(EXAMPLE.read_text())
    data["stages"][0]["interviews"][3]["competencies"].remove("fluency-with-data")
    data["stages"][0]["interviews"][1]["competencies"] = [
        "functional-specification",
        "product-quality",
        "product-delivery",
        "stakeholder-inclusion",
        "managing-up",
        "strategic-impact",
    ]
    broken = tmp_path / "broken.yaml"
    broken.write_text(yaml.safe_dump(data))
    result = invoke(app, "loops", "apply", str(broken))
    assert result.exit_code == 1
    assert "error: must_have_once" in result.stderr
    assert "[stage 'Onsite' / interview 'Product sense' / competency 'fluency-with-data']" in (
        result.stderr
    )
    assert "error: too_many_competencies" in result.stderr
    assert "interview 'Spec writing exercise'" in result.stderr
    assert "the stored loop is unchanged" in result.stderr
    db.expire_all()
    after = db.scalar(select(Loop))
    assert after is not None and after.definition == stored and after.revision == 1


def test_apply_reports_unreadable_files(app: Flask, db: Session, tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("name: [unclosed\n")
    result = invoke(app, "loops", "apply", str(bad))
    assert result.exit_code != 0 and "bad.yaml" in result.stderr and "YAML" in result.stderr
    typo = tmp_path / "typo.yaml"
    typo.write_text(EXAMPLE.read_text().replace("user-experience-design", "user-experiance-design"))
    result = invoke(app, "loops", "apply", str(typo))
    assert result.exit_code == 1
    assert "did you mean 'user-experience-design'?" in result.stderr
    assert db.scalar(select(Loop)) is None


def test_guide_in_each_format(app: Flask, db: Session) -> None:
    invoke(app, "loops", "apply", str(EXAMPLE))
    md = invoke(app, "guide", "--loop", "3485", "--interview", "113101")
    assert md.exit_code == 0, md.stderr
    assert md.stdout.startswith("# Product sense: interview guide")
    assert "Tell me about a product that you love." in md.stdout
    as_json = invoke(
        app,
        "guide",
        "--loop",
        "Senior PM, Payments",
        "--interview",
        "Product sense",
        "--format",
        "json",
    )
    assert json.loads(as_json.stdout)["opening"]["follow_ups"][3] == (
        "How would you measure that improvement?"
    )
    html = invoke(app, "guide", "--loop", "3485", "--interview", "113102", "--format", "html")
    assert "<!doctype html>" in html.stdout and "Spec writing exercise" in html.stdout
    missing = invoke(app, "guide", "--loop", "3485", "--interview", "Lunch")
    assert missing.exit_code != 0 and "no interview 'Lunch'" in missing.stderr
    no_loop = invoke(app, "guide", "--loop", "nope", "--interview", "x")
    assert no_loop.exit_code != 0 and "no loop" in no_loop.stderr
