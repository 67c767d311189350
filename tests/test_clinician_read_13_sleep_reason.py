"""Scenario tests for clinician read 13, S4: a problem with no score whose questionnaire is given
at this visit (the ISI, ``at_this_visit``) says so in its ordering reason, not "not measured by a
scored questionnaire". Each fails without its fix.
"""

from __future__ import annotations

from plan_helpers import example_plan
from planengine.render._plan import render_markdown


def _sleep(plan):
    return next(p for p in plan.problems if p.area == "sleep")


def test_suicidal_words_sleep_reason_names_the_isi_given_today(engine) -> None:
    plan = example_plan(engine, "suicidal-words-in-goals.yaml")
    sleep = _sleep(plan)
    assert any(o.at_this_visit and "ISI" in o.statement for o in sleep.objectives)
    assert sleep.ordering.reason == (
        "After Depression: severity not yet known (the ISI is given today, and the plan is made "
        "again with its score)."
    )
    text = render_markdown(plan)
    assert "| 4 | Sleep | Next | After Depression: severity not yet known (the ISI is given" in text
    # read 14: the default option's reason starts from the standing, so it says so first
    assert (
        "**The plan follows the default option.** Severity not yet known (the ISI is given today"
        in text
    )
    assert "not measured by a scored questionnaire" not in text


def test_a_problem_with_no_questionnaire_today_stays_not_measured(engine) -> None:
    """The PHQ-9 the core gives to a plan with no depression measure is about mood: it never
    makes another problem 'measured today'."""
    plan = example_plan(engine, "suicidal-words-in-goals.yaml")
    others = [
        p
        for p in plan.problems
        if p.ordering and p.ordering.reason.startswith("After ") and p.area != "sleep"
    ]
    for problem in others:
        assert "is given today" not in problem.ordering.reason
