"""Once a risk question left blank or never given has been asked and "no" recorded (the
clinician's disposition ``assessed-no-current-risk-identified``), the plan made again with that
record does not ask it "today" again (clinician read 20): the safety step and its objective ask
it again at the flag's next review, the PHQ-9 task says only that an endorsed item 9 makes the
plan again, the step does not record a PHQ-9 given today as the answer, and the patient copy says
the clinician has asked and will ask again."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from plan_helpers import EXAMPLE_AS_OF, all_objectives, steps_by_id
from planengine.render._plan import render_patient
from planengine.render._words import patient_text
from test_clinician_read_17_same_visit import RISK_UNKNOWN, _disposed, _plan, _raw

NO_RISK = "assessed-no-current-risk-identified"
NO_RECORD_WORDS = "that their assessment did not identify a current risk"
NEXT_REVIEW = EXAMPLE_AS_OF + dt.timedelta(days=14)


def _objective(plan: dict[str, Any], key: str) -> dict[str, Any]:
    return next(o for o in all_objectives(plan) if o["id"] == key)


@pytest.mark.parametrize("name", RISK_UNKNOWN)
def test_after_a_recorded_no_the_question_is_asked_again_at_the_next_review(
    engine, name: str
) -> None:
    before = _plan(engine, _raw(name)).to_dict()
    after = _plan(engine, _disposed(name, NO_RISK)).to_dict()
    asked_before, asked_after = (_objective(p, "safety-risk-asked") for p in (before, after))
    assert "at this visit" in asked_before["statement"]
    assert asked_before["due_date"] == EXAMPLE_AS_OF.isoformat()
    assert "again at the next review" in asked_after["statement"]
    assert "at this visit" not in asked_after["statement"]
    assert asked_after["due_date"] == NEXT_REVIEW.isoformat()
    # the clinician's outcome in words, never its code (clinician read 23, M1)
    assert NO_RECORD_WORDS in asked_after["rationale"] and NO_RISK not in asked_after["rationale"]
    step = steps_by_id(after)["safety-risk-assessment"]
    assert step["title"] == "Risk question asked and recorded: ask it again at the next review"
    assert "today" not in step["title"]
    assert "Record the answer today" not in step["description"]
    assert "answers the risk question; record it once" not in step["description"]
    assert NO_RECORD_WORDS in step["description"] and NO_RISK not in step["description"]
    # the safety step stays first, and the flag stays on record
    assert after["problems"][0]["area"] == "safety"
    assert after["risk"]["flags"]


@pytest.mark.parametrize(
    "name",
    [n for n in RISK_UNKNOWN if n != "missing-item9.json"],  # a PHQ-9 given in it already
)
def test_after_a_recorded_no_the_phq9_task_replans_only_on_an_endorsed_item(
    engine, name: str
) -> None:
    before = _plan(engine, _raw(name)).to_dict()
    after = _plan(engine, _disposed(name, NO_RISK)).to_dict()

    def methods(plan: dict[str, Any]) -> list[str]:
        return [
            o["measure"]["method"]
            for o in all_objectives(plan)
            if o.get("replans_on_risk_item")
        ]

    assert any("whatever it is" in m for m in methods(before))
    assert methods(after), "the PHQ-9 task still makes the plan again on an endorsed item 9"
    for method in methods(after):
        assert "whatever it is" not in method
        assert "held steps start" not in method
        assert "item 9 is 1 or more, the plan is made again with it" in method


@pytest.mark.parametrize("name", RISK_UNKNOWN)
def test_after_a_recorded_no_the_copy_says_the_clinician_asked(engine, name: str) -> None:
    before = render_patient(_plan(engine, _raw(name)))
    after = render_patient(_plan(engine, _disposed(name, NO_RISK)))
    assert patient_text("safety_ask_today") in before
    assert patient_text("safety_ask_today") not in after
    assert patient_text("safety_asked") in after


@pytest.mark.parametrize(
    "outcome", ["assessed-referred-for-urgent-care", "assessed-safety-plan-in-place"]
)
def test_other_outcomes_keep_their_own_wording(engine, outcome: str) -> None:
    """Only a recorded "no" to the question asks it again at the review: any other outcome
    keeps the assessment's wording (a reported risk or an urgent referral)."""
    plan = _plan(engine, _disposed("screens-and-wellbeing.yaml", outcome)).to_dict()
    step = steps_by_id(plan)["safety-risk-assessment"]
    assert step["title"] != "Risk question asked and recorded: ask it again at the next review"
