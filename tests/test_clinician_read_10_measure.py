"""Scenario tests for the clinician's read 10, S1 (the copy's questionnaire schedule and the
"come back to" list): each fails without its fix.

* A problem that waits is still measured: the copy lists its "Meanwhile" questionnaire with the
  interval the plan gives it, and the "come back to" list says it is still checked.
* A problem a positive screen points to is decided once today's questionnaire is scored, not at
  a later review.
* Active monitoring has one wording: the measure's own interval, reviewed within the weeks of
  the check (plan and copy alike).
"""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path
from typing import Any

import pytest
import yaml

from planengine import Assessment
from planengine.render._plan import render_markdown, render_patient

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"
AS_OF = dt.date(2026, 12, 7)
#: the plan's "Meanwhile" measure in words ("the PHQ-9 (every 14 days)")
_MEANWHILE = re.compile(r"^the (?P<name>.+) \(every (?P<days>\d+) days\)$")


def _plan(engine, name: str):
    path = EXAMPLES / name
    raw = json.loads(path.read_text()) if path.suffix == ".json" else yaml.safe_load(path.read_text())
    return engine.plan(Assessment.from_mapping(raw), as_of=AS_OF)


def _section(copy: str, heading: str) -> str:
    return copy.split(f"## {heading}\n", 1)[1].split("\n## ", 1)[0]


def _examples() -> list[str]:
    return sorted(p.name for p in EXAMPLES.iterdir() if p.suffix in {".yaml", ".json"})


@pytest.mark.parametrize("name", _examples())
def test_every_questionnaire_a_waiting_problem_is_measured_with_is_on_the_copy(engine, name: str) -> None:
    plan = _plan(engine, name)
    data: dict[str, Any] = plan.to_dict()
    if any(f["private"] for f in data["risk"]["flags"]):
        pytest.skip("a private flag hides problem names; its copy is checked in the goldens")
    copy = render_patient(plan)
    for problem in data["problems"]:
        review = (problem.get("phasing") or {}).get("review") or ""
        found = _MEANWHILE.match(review)
        if problem["phase"] == "now" or found is None:
            continue
        name_, days = found["name"], found["days"]
        assert (f"({name_}): every {days} days" in copy) or (f"({name_}) every {days} days" in copy), (
            problem["title"]
        )


def test_all_instruments_lists_phq9_and_gad7_and_says_they_are_still_checked(engine) -> None:
    copy = render_patient(_plan(engine, "all-instruments.yaml"))
    goals = _section(copy, "Your goals")
    assert "- A questionnaire about your mood (PHQ-9): every 14 days." in goals
    assert "- A questionnaire about worry and anxiety (GAD-7): every 14 days." in goals
    later = _section(copy, "Other things we talked about")
    assert "We'll come back to these at your review on 1 February 2027:" in later  # week 8, as a date (read 23, S4)
    assert "- Depression (we keep checking it with the PHQ-9 until then)" in later
    assert "- Anxiety (we keep checking it with the GAD-7 until then)" in later
    assert "- Relationships\n" in later  # not measured by a questionnaire: named alone


def test_one_questionnaire_is_one_sentence(engine) -> None:
    copy = render_patient(_plan(engine, "mild-sleep-only.yaml"))
    assert (
        "You fill in a short questionnaire about your sleep (ISI) every 14 days so you and your "
        "clinician can see how things are going."
    ) in copy
    assert "You fill in these short questionnaires" not in copy


def test_screened_problem_is_decided_once_todays_questionnaires_are_scored(engine) -> None:
    copy = render_patient(_plan(engine, "screens-and-wellbeing.yaml"))
    assert "Once both questionnaires are scored today, we agree which problem comes first." in copy
    later = _section(copy, "Other things we talked about")
    assert "Depression" not in later
    assert "- Well-being (we keep checking it with the WHO-5 until then)" in later


def test_cardiac_copy_says_the_phq9_is_given_today(engine) -> None:
    """Read 10 asked the copy to say when the PHQ-9 is given ("this week"); read 17, S3 moved it
    to this visit, and the copy says so."""
    plan = _plan(engine, "lifestyle-stress-cardiac.yaml")
    objectives = {o["id"]: o for p in plan.to_dict()["problems"] for o in p["objectives"]}
    assert objectives["wellbeing-phq9-assessment"]["statement"].endswith("by 2026-12-07.")  # today
    copy = render_patient(plan)
    assert "- Today your clinician will also ask you to fill in a short questionnaire about your mood (PHQ-9)." in copy
    assert "This week your clinician will ask you" not in copy


@pytest.mark.parametrize("name", ["pregnancy-insomnia-nightmares.yaml", "ptsd-risky-behaviour.yaml"])
def test_active_monitoring_has_one_wording_in_plan_and_copy(engine, name: str) -> None:
    plan = _plan(engine, name)
    text = render_markdown(plan)
    assert "again within" not in text
    assert "The clinician measures the PHQ-9 (every 14 days) and reviews it with the patient within 4 weeks" in text
    copy = render_patient(plan)
    assert "We'll check your mood again" not in copy
    assert "We look at your mood together again within 4 weeks, with your PHQ-9 answers." in copy
    assert "(PHQ-9): every 14 days." in copy or "(PHQ-9) every 14 days" in copy


def test_a_plain_goal_naming_a_sensitive_condition_is_not_shown(engine, monkeypatch) -> None:
    """A goal's plain words are filtered as its statement is: a clinic's plain wording that names
    a condition marked sensitive is not said at all (hypothesis found the case with the older
    clearance wording, "your GP, heart team or midwife", in a pregnancy plan)."""
    from planengine.render import _patient
    from planengine.render._words import DocumentSettings

    raw = {
        "planengine": 1,
        "patient": {"id": "P-test"},
        "responses": [],
        "context": {"concerns": ["lifestyle"], "conditions": ["pregnancy"]},
    }
    plan = engine.plan(Assessment.from_mapping(raw), as_of=AS_OF)
    wording = "Your clinician will check with your heart team first."
    original = _patient.plain_objective
    monkeypatch.setattr(
        _patient,
        "plain_objective",
        lambda key: wording if key == "lifestyle-medical-clearance" else original(key),
    )
    assert wording in render_patient(plan)
    hidden = render_patient(plan, DocumentSettings(sensitive_conditions=("cardiac-condition",)))
    assert "heart" not in hidden.lower()
