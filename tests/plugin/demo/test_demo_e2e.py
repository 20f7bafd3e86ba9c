"""`hireloop demo --once` end to end, as a new user runs it: a subprocess with nothing
configured, the sandbox ATS as the peer, the verdict note checked where it lands."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from plugin.demo.candidates import PIPELINE
from plugin.demo.loops import find_loop
from plugin.demo.report import render_table, verdict_report
from plugin.demo.sandbox.seed import DEMO_LOOP
from tests.conftest import ROOT


@pytest.mark.slow
def test_demo_once_prints_the_verdict_and_the_note_lands_in_the_sandbox(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("HIRELOOP_")}
    env["PYTHONIOENCODING"] = "utf-8"
    # A developer's settings must not leak into the demo: this one would point it elsewhere.
    env["HIRELOOP_DATABASE_URL"] = "sqlite:////nonexistent/folder/hireloop.db"
    result = subprocess.run(
        [sys.executable, "-m", "plugin.cli", "demo", "--once"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=300,
        check=False,
    )
    out = result.stdout
    assert result.returncode == 0, f"stdout:\n{out}\nstderr:\n{result.stderr}"
    # Progress, numbered and ticked, up to the verdict.
    assert re.search(r"^ 1\. \u2713 Fresh SQLite database", out, re.M)
    assert re.search(r"moved to Onsite: signed candidate_stage_change .* answered 200", out)
    assert len(re.findall(r"\u2713 .* submitted '", out)) == 4
    # The verdict table with every competency the loop assesses.
    assert re.search(r"Competency\s+Area\s+Verdict\s+n\s+Median\s+Ratings", out)
    loop, _ = find_loop([ROOT / "examples" / "loops"])
    assessed = {c for s in loop["stages"] for i in s["interviews"] for c in i["competencies"]}
    table = out.split("Competency", 1)[1].split("Recommendation:", 1)[0]
    assert (
        len([line for line in table.splitlines() if re.search(r"\s\d\s", line)])
        >= len(assessed) - 1
    )  # a no_evidence competency may count 0
    assert re.search(r"Recommendation: (STRONG YES|YES|NO DECISION|NO|DEFINITELY NOT)", out)
    assert "Scorecards: 4 of 4 submitted" in out
    # The note, as the sandbox ATS holds it: id, author (On-Behalf-Of), body with the review link.
    note = re.search(
        r"Sandbox ATS holds (\d+) verdict note\(s\) .*; note (\d+) by Priya Raman", out
    )
    assert note, out
    assert int(note.group(1)) == 1  # Jordan's one complete verdict, one note
    body = "\n".join(line for line in out.splitlines() if line.startswith("       | "))
    assert "/review/applications/" in body
    # The pipeline: six more candidates, each with a complete verdict and its one note.
    assert len(PIPELINE) >= 6
    assert f"{len(PIPELINE)} more candidates moved through the loop" in out
    pipeline = out.split("Candidate ", 1)[1].split("Sandbox ATS holds", 1)[0]
    for candidate in PIPELINE:
        row = next(line for line in pipeline.splitlines() if candidate.name in line)
        assert re.search(r"(strong_yes|yes|no_decision|no|definitely_not)", row), row
    everyone = len(PIPELINE) + 1
    assert (
        f"Sandbox ATS holds {everyone} verdict notes, one per complete verdict, "
        f"on {everyone} candidates" in out
    )
    # The job page and the calibration report compare them: every recommendation, splits,
    # agreement on the competencies two interviewers rate.
    assert f"Job page: {everyone} candidates side by side" in out
    spread = re.search(r"recommendations: (.*); splits to discuss: (\d+)", out)
    assert spread, out
    counts = dict(re.findall(r"(strong yes|yes|no decision|no|definitely not) (\d+)", spread[1]))
    assert set(counts) == {"strong yes", "yes", "no decision", "no", "definitely not"}
    assert all(int(n) >= 1 for n in counts.values()) and int(spread[2]) >= 2
    alphas = re.findall(
        r"^\s+(Functional Specification|Fluency with Data)\s+(-?\d\.\d\d)", out, re.M
    )
    assert {name for name, _ in alphas} == {"Functional Specification", "Fluency with Data"}
    # Jordan Avery hired: his development plan, one goal per competency left open.
    plan = re.search(r"Jordan Avery hired; his development plan has (\d+) goals", out)
    assert plan and int(plan[1]) >= 1
    assert re.search(r"by day \d\d: .*managing-up \(not_assessed\)", out)
    # The three pages a new user opens: the interviewer's, the review, the loop editor.
    assert re.search(r"\u2713 Pages answer 200: interviewer page, hiring manager's review", out)
    assert "Demo complete." in out


def test_the_verdict_table_reads_the_contract_shape() -> None:
    verdict = {
        "recommendation": "no_decision",
        "rule": "A must-have is split: the debrief must settle it.",
        "competencies": [
            {
                "id": "fluency-with-data",
                "name": "Fluency with Data",
                "area": "customer-insight",
                "verdict": "split",
                "count": 2,
                "median": "needs_focus",
                "ratings": [{"rating": "needs_focus"}, {"rating": "outperforming"}],
            },
            {
                "id": "managing-up",
                "name": "Managing Up",
                "area": "influencing-people",
                "verdict": "not_assessed",
                "count": 0,
                "median": None,
                "ratings": [],
            },
        ],
        "splits": ["fluency-with-data"],
        "gaps": [{"id": "managing-up", "name": "Managing Up"}],
        "scorecards": {"submitted": 2, "expected": 2},
    }
    text = verdict_report(verdict)
    row = next(line for line in text.splitlines() if "Fluency with Data" in line)
    assert re.search(r"split\s+2\s+needs_focus\s+needs_focus, outperforming", row)
    assert "Recommendation: NO DECISION" in text
    assert "Rule: A must-have is split" in text
    assert "Splits to discuss: fluency-with-data" in text
    assert "Gaps (nobody assessed): Managing Up" in text
    assert "Scorecards: 2 of 2 submitted" in text


def test_table_columns_line_up() -> None:
    lines = render_table([["a", "bbbb"], ["ccc", "d"]], ["H1", "H2"]).splitlines()
    assert [line.index("H2") for line in lines[:1]] == [lines[2].index("bbbb")]


def test_find_loop_prefers_the_project_example_then_the_demo_copy(tmp_path: Path) -> None:
    assert find_loop([tmp_path]) == (DEMO_LOOP, "the built-in demo loop")
    (tmp_path / "demo-senior-pm.yaml").write_text(yaml.safe_dump({**DEMO_LOOP, "name": "Mine"}))
    assert find_loop([tmp_path])[0]["name"] == "Mine"
    (tmp_path / "senior-pm-payments.yaml").write_text("name: [unfinished")
    assert find_loop([tmp_path])[0]["name"] == "Mine"  # unreadable files are skipped
    (tmp_path / "senior-pm-payments.yaml").write_text(yaml.safe_dump({**DEMO_LOOP, "name": "P"}))
    loop, source = find_loop([tmp_path])
    assert loop["name"] == "P" and source.endswith("senior-pm-payments.yaml")
