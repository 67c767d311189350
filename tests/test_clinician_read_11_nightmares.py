"""Scenario tests for the clinician's read 11, S5 (first bullet): each fails without its fix.

No therapist is assigned when the plan is made: the trauma-focused therapy is a referral that
has not started. The trauma plan's sleep routine (``trauma-sleep-routine`` in the trauma strategy,
each of its wordings) therefore tells the patient to tell their clinician about the nightmares,
and that the trauma therapy can work on them when it starts; never "the therapist".
"""

from __future__ import annotations

import pytest

from plan_helpers import example_plan, steps_by_id
from planengine.render._plan import render_markdown, render_patient

TELL_CLINICIAN = (
    "Tell your clinician about the nightmares; the trauma therapy can work on them when it starts."
)


@pytest.mark.parametrize(
    "name",
    ["all-instruments.yaml", "trauma-pcl5-insomnia.yaml", "ptsd-risky-behaviour.yaml"],
)
def test_the_nightmare_plan_names_the_clinician_until_the_trauma_therapy_starts(
    engine, name: str
) -> None:
    plan = example_plan(engine, name)
    data = plan.to_dict()
    steps = steps_by_id(data)
    referral = steps["trauma-trauma-therapy-referral"]
    assert referral["phase"] != "done"  # a referral, not a course that has started
    routine = steps["trauma-sleep-routine"]
    assert routine["description"].endswith(TELL_CLINICIAN)
    for text in (render_patient(plan), render_markdown(plan)):
        assert "the therapist about" not in text.lower()
        assert TELL_CLINICIAN in text


def test_a_screen_alone_still_names_the_clinician_only(engine) -> None:
    """No trauma therapy is planned on a screen alone: no promise that it will start."""
    plan = example_plan(engine, "screens-and-wellbeing.yaml")
    routine = steps_by_id(plan.to_dict())["trauma-sleep-routine"]
    assert "tell your clinician about nightmares" in routine["description"].lower()
    assert "trauma therapy" not in routine["description"]
