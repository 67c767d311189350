"""Scenario tests for clinician read 15, S2 and S3: a questionnaire given at this visit has one
name, is said once on the patient's copy, and is filled in, not asked. Each fails without its
fix.

* S2: trauma-pcl5-insomnia's task "Give the full PHQ-9 (with item 9) at this visit" was served
  by the step "Give a PHQ-9 before trauma-focused therapy starts": two names read as two
  assessments, and "before ... starts" as one that can wait. Every step serving a task at this
  visit is named as its task is. The copy said it under "Today" and again under "Your
  sessions"; a questionnaire given today is said once, with the appointments.
* S3: "Today your clinician will also ask you a short questionnaire": a questionnaire is filled
  in; the copy says "ask you to fill in", in every sentence about one.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from plan_helpers import EXAMPLES, all_objectives, example_plan
from planengine.render._patient_words import plain_title
from planengine.render._plan import render_markdown, render_patient

NAMES = sorted(p.name for p in Path(EXAMPLES).iterdir() if p.is_file())
TRAUMA = "trauma-pcl5-insomnia.yaml"


def _sessions(copy: str) -> str:
    if "## Your sessions" not in copy:
        return ""
    return copy.split("## Your sessions", 1)[1].split("\n## ", 1)[0]


def _steps_of_tasks_today(plan: dict) -> list[tuple[dict, dict]]:
    """(step, task) for every step that serves a task at this visit."""
    tasks = {o["id"]: o for o in all_objectives(plan) if o.get("at_this_visit")}
    return [
        (step, tasks[oid])
        for problem in plan["problems"]
        for step in problem["interventions"]
        for oid in step.get("objectives", ())
        if oid in tasks
    ]


def test_the_trauma_phq9_step_is_named_as_its_task(engine) -> None:
    plan = example_plan(engine, TRAUMA)
    text = render_markdown(plan)
    assert "Give a PHQ-9 before trauma-focused therapy starts" not in text
    assert "**Give the full PHQ-9 (with item 9) at this visit:** No PHQ-9 was given." in text
    assert "Give the full PHQ-9 (with item 9) at this visit, by 7 December 2026." in text
    assert "asking item 9 directly" in text  # its text is kept


@pytest.mark.parametrize("name", NAMES)
def test_every_step_of_a_task_at_this_visit_is_named_as_its_task(engine, name) -> None:
    for step, task in _steps_of_tasks_today(example_plan(engine, name).to_dict()):
        assert task["statement"].startswith(step["title"]), (step["title"], task["statement"])


def test_every_built_in_step_of_a_task_at_this_visit_is_named_as_its_task(engine) -> None:
    """The same for every strategy's own data, whatever example reaches it."""
    checked = 0
    for strategy in engine.strategies:
        objectives = {
            o["id"]: o for o in strategy.data.get("objectives", ()) if o.get("at_this_visit")
        }
        for step in strategy.data.get("interventions", ()):
            for oid in step.get("objectives", ()):
                if oid in objectives:
                    checked += 1
                    assert objectives[oid]["statement"].startswith(step["title"]), step["id"]
    assert checked >= 2  # the ISI (sleep) and the PHQ-9 (trauma) at least


def test_the_trauma_copy_says_the_phq9_once_and_as_filled_in(engine) -> None:
    copy = render_patient(example_plan(engine, TRAUMA))
    assert (
        "- Today your clinician will also ask you to fill in a short questionnaire about your mood "
        "(PHQ-9). Then we agree together what help fits."
    ) in copy
    assert "questionnaire" not in _sessions(copy).lower()
    assert "Check you are ready to start the trauma therapy" in _sessions(copy)  # the rest stays


@pytest.mark.parametrize("name", NAMES)
def test_no_session_line_repeats_a_questionnaire_given_today(engine, name) -> None:
    plan = example_plan(engine, name)
    sessions = _sessions(render_patient(plan))
    for step, _task in _steps_of_tasks_today(plan.to_dict()):
        assert f"**{plain_title(step['title'])}:**" not in sessions, step["id"]


@pytest.mark.parametrize("name", NAMES)
def test_no_copy_asks_the_patient_a_questionnaire(engine, name) -> None:
    copy = render_patient(example_plan(engine, name))
    assert not re.search(r"ask you (a|one|two|three|four|\d+) short questionnaire", copy)
    for sentence in re.findall(r"[^.\n]*short questionnaires? about[^.\n]*\(", copy):
        if "will" in sentence:  # a sentence about what the clinician will do
            assert "ask you to fill in" in sentence, sentence
