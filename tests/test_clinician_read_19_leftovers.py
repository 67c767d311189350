"""Clinician read 19's carried-over items, each a scenario test that fails without its fix:

* one risk question, one task (read 17 S5, read 18, read 19 S2): a risk question left blank or
  never given is asked within the structured risk assessment, not by a step of its own, and a
  PHQ-9 another problem gives today is named as the answer to it, recorded once;
"""

from __future__ import annotations

from typing import Any

import pytest

from plan_helpers import held_by_safety, steps_by_id
from planengine.render._plan import render_markdown
from test_clinician_read_17_same_visit import RECORD, RISK_UNKNOWN, _disposed, _plan, _raw, _with_phq9

#: read 17's accepted words for the one step that asks the question
ASK = (
    "a structured risk assessment (for example the C-SSRS screener), including PHQ-9 item 9 or "
    "a direct question"
)
#: the PHQ-9 another problem gives today, by example (its task's problem)
PHQ9_TODAY = {
    "trauma-pcl5-insomnia.yaml": "Trauma",
    "alcohol-anxiety-sleep.yaml": "Anxiety",
    "screens-and-wellbeing.yaml": "Depression",
    "lifestyle-stress-cardiac.yaml": "Well-being",
}


def _safety_steps(plan: Any) -> list[dict[str, Any]]:
    return list(plan.to_dict()["problems"][0]["interventions"])


@pytest.mark.parametrize("name", RISK_UNKNOWN)
def test_one_risk_question_is_one_task(engine, name: str) -> None:
    plan = _plan(engine, _raw(name))
    steps = _safety_steps(plan)
    ids = [s["id"] for s in steps]
    assert ids[0] == "safety-risk-assessment"  # the safety step stays at the top
    assert "safety-complete-risk-item" not in ids
    text = render_markdown(plan)
    assert "Ask the suicide-risk question directly now" not in text
    assert "Ask the unanswered risk question now" not in text
    assessment = steps[0]
    assert assessment["title"] == "Ask about suicidal thoughts today: a structured risk assessment"
    assert ASK in assessment["description"]
    assert RECORD in assessment["description"]  # how the hold ends, on either answer
    assert assessment["objectives"] == ["safety-risk-asked"]
    assert held_by_safety(plan)  # the hold stays until the answer is recorded


@pytest.mark.parametrize(("name", "problem"), sorted(PHQ9_TODAY.items()))
def test_a_phq9_given_today_answers_the_risk_question_once(engine, name: str, problem: str) -> None:
    plan = _plan(engine, _raw(name))
    assessment = _safety_steps(plan)[0]
    once = f"The PHQ-9 given today ({problem} task) answers the risk question; record it once."
    assert once in assessment["description"]
    # the task is that problem's, and it gives the PHQ-9 at this visit
    owner = next(p for p in plan.to_dict()["problems"] if p["title"] == problem)
    assert any(s.get("administers") == "phq9" for s in owner["interventions"])
    assert render_markdown(plan).count("answers the risk question; record it once") == 1


def test_a_blank_item_9_names_no_phq9_given_today(engine) -> None:
    assessment = _safety_steps(_plan(engine, _raw("missing-item9.json")))[0]
    assert "answers the risk question; record it once" not in assessment["description"]
    assert "A blank answer is never treated as 'not at all'" in assessment["description"]


@pytest.mark.parametrize("name", RISK_UNKNOWN)
def test_a_recorded_no_still_releases_the_hold(engine, name: str) -> None:
    plan = _plan(engine, _disposed(name, "assessed-no-current-risk-identified"))
    assert not held_by_safety(plan)
    assert _safety_steps(plan)[0]["id"] == "safety-risk-assessment"


@pytest.mark.parametrize("name", RISK_UNKNOWN)
def test_an_urgent_referral_keeps_the_hold(engine, name: str) -> None:
    assert held_by_safety(_plan(engine, _disposed(name, "assessed-referred-for-urgent-care")))


@pytest.mark.parametrize("name", [n for n in RISK_UNKNOWN if n != "missing-item9.json"])
def test_a_phq9_with_item_9_at_0_opens_no_hold(engine, name: str) -> None:
    plan = _plan(engine, _with_phq9(name, 0))
    assert not held_by_safety(plan)
    assert "safety-risk-assessment" not in steps_by_id(plan.to_dict())
