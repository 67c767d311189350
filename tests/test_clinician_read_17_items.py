"""Scenario tests for clinician read 17, S3 and S4. Each fails without its fix.

* S3: the cardiac plan's PHQ-9 (low WHO-5, no depression measure) was due next week with a
  weekly review, although the safety step asks the risk question today: it is now given at this
  visit, a one-off task whose item 9 answers that question.
* S4: the CBT-I caution under an open risk flag waited for a safety plan that, after a "no" to
  the risk question, is never written: it now waits for the risk assessment and, only if one is
  needed, the safety plan.
"""

from __future__ import annotations

from plan_helpers import EXAMPLE_AS_OF, all_objectives, all_steps, example_plan
from planengine.render._plan import render_markdown, render_patient

CARDIAC = "lifestyle-stress-cardiac.yaml"


def test_the_cardiac_plan_gives_the_phq9_today(engine) -> None:
    plan = example_plan(engine, CARDIAC)
    task = next(o for o in all_objectives(plan.to_dict()) if o["id"] == "wellbeing-phq9-assessment")
    assert task["due_date"] == EXAMPLE_AS_OF.isoformat()
    assert task["statement"] == "Give the full PHQ-9 (with item 9) at this visit, by 2026-12-07."
    text = render_markdown(plan)
    assert "Due 7 December 2026 (at this visit); checked at the next review." in text
    copy = render_patient(plan)
    assert (
        "Today your clinician will also ask you to fill in a short questionnaire about your mood "
        "(PHQ-9)." in copy
    )
    assert "This week your clinician will ask you" not in copy


def test_the_cbti_caution_waits_for_a_safety_plan_only_if_one_is_needed(engine) -> None:
    plan = example_plan(engine, "trauma-pcl5-insomnia.yaml")
    cautions = [
        c
        for step in all_steps(plan.to_dict())
        for c in step.get("notes", ())
        if "sleep restriction waits until the clinician's risk assessment" in str(c)
    ]
    assert cautions
    for caution in cautions:
        assert "risk assessment is done and, if one is needed, the safety plan is written" in str(
            caution
        )
    assert "risk assessment and safety plan are done" not in render_markdown(plan)


def _front_pages(text: str) -> str:
    return text.split("## Appendix A", 1)[0]


def test_held_objectives_are_marked_held_on_the_front_pages(engine) -> None:
    """S2: the front pages a clinician signs mark a held objective, as the appendix does."""
    front = _front_pages(render_markdown(example_plan(engine, "trauma-pcl5-insomnia.yaml")))
    line = next(
        x for x in front.splitlines() if "Fill in a sleep diary on at least 6 mornings" in x
    )
    assert line.endswith(
        "(Held until the risk question is asked today and answered 'not at all' with no clinician "
        "concern (if it is endorsed, until the clinician's risk assessment is recorded); then these "
        "dates apply.)"
    )


def test_a_hold_for_another_flag_names_the_clinician_review(engine) -> None:
    plan = example_plan(engine, "severe-with-risk-flag.yaml")
    held = [
        o
        for o in all_objectives(plan.to_dict())
        if o.get("held") and o.get("phase", "now") == "now"
    ]
    front = _front_pages(render_markdown(plan))
    assert "asked today; then these dates apply" not in front
    assert held
    # a reported risk: until today's assessment is recorded (read 18, N1)
    assert "(Held until today's risk assessment is recorded; then these dates apply.)" in front
