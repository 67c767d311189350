"""Scenario tests for the clinician's read 9 of the example plans (S1, S3, S4): each fails
without its fix.

* S1: a positive PHQ-2 or PC-PTSD-5 asks for the full questionnaire at this visit (self-report;
  the PHQ-2 has no item 9); trauma readiness and psychoeducation wait for the PCL-5, whose
  cut-off comes from the data; the copy says so in one sentence and names no therapist.
* S3: stabilisation skills are never offered as guided self-help for probable PTSD.
* S4: with the risk question asked today, the copy commits no course before it; a step inside a
  course's own sessions is not listed beside it.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest
import yaml

from plan_helpers import assert_valid
from planengine import Assessment
from planengine.render._plan import plan_to_goal_document, render_patient
from planengine.review import review_goals

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"
AS_OF = dt.date(2026, 12, 7)
COURSE_TODAY = (
    "Sessions with your clinician: how many and how often we agree today, after the questions "
    "about how you are feeling."
)


def _plan(engine, name: str, **changes: Any):
    path = EXAMPLES / name
    raw = (
        json.loads(path.read_text()) if path.suffix == ".json" else yaml.safe_load(path.read_text())
    )
    raw.update(changes)
    return engine.plan(Assessment.from_mapping(raw), as_of=AS_OF)


def _steps(data: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {s["id"]: s for p in data["problems"] for s in p["interventions"]}


def _objectives(data: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {o["id"]: o for p in data["problems"] for o in p["objectives"]}


def _sessions(copy: str) -> str:
    return copy.split("## Your sessions", 1)[1].split("\n## ", 1)[0]


def test_screen_follow_ups_are_given_at_this_visit(engine) -> None:
    data = _plan(engine, "screens-and-wellbeing.yaml").to_dict()
    objectives = _objectives(data)
    phq9, pcl5 = objectives["depression-next-step-1"], objectives["trauma-next-step-1"]
    assert phq9["due_date"] == pcl5["due_date"] == AS_OF.isoformat()
    assert "Give the full PHQ-9 (with item 9) at this visit" in phq9["statement"]
    assert pcl5["statement"].startswith("Give the PCL-5 at this visit; if it is 31 or more, refer")
    # the referral waits for the result: the step is the clinician's own at this visit
    assert _steps(data)["trauma-next-step-1"]["delivery"] == "clinician-led"
    # the AUDIT-C's clinician review is no questionnaire: it keeps the follow-up days
    assert objectives["alcohol-next-step-1"]["due_date"] == "2026-12-14"


def test_the_referral_threshold_is_the_configured_pcl5_cut_off(engine) -> None:
    from planengine import Engine, EngineConfig

    config = EngineConfig(instrument_overrides={"pcl5": {"cutoffs": {"pcl5.provisional": 33}}})
    other = Engine(config=config)
    raw = yaml.safe_load((EXAMPLES / "screens-and-wellbeing.yaml").read_text())
    data = other.plan(Assessment.from_mapping(raw), as_of=AS_OF).to_dict()
    assert "if it is 33 or more" in _objectives(data)["trauma-next-step-1"]["statement"]


def test_trauma_readiness_and_psychoeducation_wait_for_the_pcl5(engine) -> None:
    data = _plan(engine, "screens-and-wellbeing.yaml").to_dict()
    steps = _steps(data)
    assert "trauma-readiness-check" not in steps
    assert "trauma-trauma-psychoeducation" not in steps
    left_out = {e["id"]: e["reason"] for e in data["excluded"]}
    assert "PCL-5 given at this visit" in left_out["trauma-readiness-check"]
    # with probable PTSD both stay
    trauma = _steps(_plan(engine, "trauma-pcl5-insomnia.yaml").to_dict())
    assert {"trauma-readiness-check", "trauma-trauma-psychoeducation"} <= set(trauma)


def test_the_copy_names_the_questionnaires_and_no_therapist(engine) -> None:
    copy = render_patient(_plan(engine, "screens-and-wellbeing.yaml"))
    assert (
        "Today your clinician will also ask you to fill in two short questionnaires about your mood (PHQ-9) "
        "and about how stressful experiences affect you (PCL-5). Once both questionnaires are scored today, we agree which problem "
        "comes first."  # depression waits behind trauma until then (read 10, S1)
    ) in copy
    assert "therapist" not in copy
    assert "trauma therapy" not in _sessions(copy)


@pytest.mark.parametrize("example", ["trauma-pcl5-insomnia.yaml", "all-instruments.yaml"])
def test_stabilisation_skills_are_no_option_for_ptsd(engine, example) -> None:
    data = _plan(engine, example).to_dict()
    trauma = next(c for c in data["choices"] if c["area"] == "trauma")
    assert "guided-self-help" not in [o["id"] for o in trauma["options"]]
    # the skills stay in the plan, beside the referral
    steps = _steps(data)
    assert steps["trauma-grounding"]["phase"] == "now"
    assert steps["trauma-grounding"]["category"] == "stabilisation"


@pytest.mark.parametrize("example", ["missing-item9.json", "old-item9-history.yaml"])
def test_no_course_is_committed_before_the_risk_questions(engine, example) -> None:
    plan = _plan(engine, example)
    sessions = _sessions(render_patient(plan))
    assert COURSE_TODAY in sessions
    assert "16 weeks" not in sessions
    assert "Guided self-help check-ins" not in sessions
    # the plan itself keeps the course, for the clinician to shape today
    assert any(s.get("intensity") == "high" for s in _steps(plan.to_dict()).values())


def test_current_suicidal_words_keep_the_course_on_the_copy(engine) -> None:
    sessions = _sessions(render_patient(_plan(engine, "suicidal-words-in-goals.yaml")))
    assert COURSE_TODAY not in sessions
    assert "once a week, 50 min each, for 16 weeks" in sessions
    assert "Guided self-help check-ins" not in sessions  # part of the course's own sessions


def test_the_screen_follow_ups_open_no_risk_flag_when_their_goal_file_is_reviewed(engine) -> None:
    document = plan_to_goal_document(_plan(engine, "screens-and-wellbeing.yaml"))
    assert_valid("goal", document)
    # the statement names item 9, not its subject: goal statements are screened for risk words
    review = review_goals(document, as_of=AS_OF)
    # only the plan's own flag of a risk question never given, carried in x-risk-flags (attack
    # s30, 2): no statement opens a flag of words
    assert [f.kind for f in review.open_flags] == ["risk-unknown"]
    assert document["x-risk-flags"][0]["kind"] == "risk-unknown"
