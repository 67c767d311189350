"""Scenario tests for clinician read 12, S2: the glance's contacts tell the sessions at a
referred service apart from the appointment with this plan's clinician. Each fails without its
fix.

psychosis-depression-apnoea read "Next | 1 | 2 a week", which the reader took for a review
counted on top of the guided self-help check-ins. It is not: the review is held in the check-in
appointment (the own clinician's contacts are the larger of the two, never their sum), and the
second contact is the weekly CBT-I course at the sleep service the patient is referred to. The
row now says so.
"""

from __future__ import annotations

import pytest

from plan_helpers import EXAMPLES, example_plan
from planengine.render._plan import render_markdown

EXAMPLE_NAMES = sorted(p.name for p in [*EXAMPLES.glob("*.yaml"), *EXAMPLES.glob("*.json")])


def test_psychosis_next_is_one_referred_course_and_one_own_appointment(engine) -> None:
    plan = example_plan(engine, "psychosis-depression-apnoea.yaml")
    load = plan.to_dict()["burden"]["next"]
    assert load["clinician_contacts_per_week"] == 2
    assert load["referred_contacts_per_week"] == 1  # the CBT-I course at the sleep service
    referred = [
        step
        for problem in plan.problems
        for step in problem.interventions
        if step.phase == "next" and step.delivery == "referral" and step.intensity == "high"
    ]
    assert [step.id for step in referred] == ["sleep-cbti-referral"]
    text = render_markdown(plan)
    # where each contact is held (read 13, S3: the cell names both places itself)
    assert "| Next | 1 | 2 a week (1 here, 1 at the referred service) |" in text
    # the note under the table says that a review is no extra contact
    assert "where the check-ins and reviews of every problem that runs are held" in text


@pytest.mark.parametrize("name", EXAMPLE_NAMES)
def test_referred_contacts_are_part_of_the_total(engine, name) -> None:
    burden = example_plan(engine, name).to_dict().get("burden") or {}
    for phase in ("now", "next", "later"):
        if phase in burden:
            load = burden[phase]
            referred = load.get("referred_contacts_per_week", 0)
            assert 0 <= referred <= load["clinician_contacts_per_week"]


def test_a_phase_with_no_referral_keeps_its_plain_count(engine) -> None:
    plan = example_plan(engine, "psychosis-depression-apnoea.yaml")
    assert "referred_contacts_per_week" not in plan.to_dict()["burden"]["later"]
    assert "| Later (at a review) | 1 | 1 a week |" in render_markdown(plan)
