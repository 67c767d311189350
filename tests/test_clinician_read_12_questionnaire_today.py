"""Scenario tests for clinician read 12, S4: the copy names the questionnaire given today, with
the appointments. Each fails without its fix.

alcohol-anxiety-sleep's plan gives the full PHQ-9 at this visit, but the copy's "Your next
appointment" said only "Today: you and your clinician go through this plan together", and the
questionnaire came much later, unnamed ("one more short questionnaire about mood").
"""

from __future__ import annotations

from plan_helpers import example_plan
from planengine.render._plan import render_patient


def _section(text: str, heading: str) -> str:
    return text.split(f"## {heading}", 1)[1].split("\n## ", 1)[0]


def test_the_phq9_given_today_is_named_with_the_appointments(engine) -> None:
    text = render_patient(example_plan(engine, "alcohol-anxiety-sleep.yaml"))
    appointments = _section(text, "Your next appointment")
    assert (
        "- Today: you and your clinician go through this plan together.\n- Today your clinician will also ask you to fill in a short questionnaire about your mood (PHQ-9)."
        in appointments
    )
    assert text.count("questionnaire about your mood (PHQ-9). ") == 1  # said once


def test_screen_follow_ups_are_named_by_the_questionnaire_they_ask_for(engine) -> None:
    text = render_patient(example_plan(engine, "screens-and-wellbeing.yaml"))
    appointments = _section(text, "Your next appointment")
    assert (
        "about your mood (PHQ-9) and about how stressful experiences affect you (PCL-5)"
        in appointments
    )


# The questionnaire a step gives is its ``administers`` field, not found in its words again:
# tests/test_clinician_read_14_questionnaire_given.py.
