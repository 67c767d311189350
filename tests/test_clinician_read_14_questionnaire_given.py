"""Scenario tests (session 29, after clinician read 14): the questionnaire a step gives is a
structured field, and the trauma plan's own PHQ-9 has a dated task. Each fails without its fix.

* The trauma strategy's "Give a PHQ-9 before trauma-focused therapy starts" had no objective:
  nothing dated it, a goal file could not track it and the copy did not say it is given today.
  It now serves the same task as the core's PHQ-9 for a plan with no depression measure (same
  words, measure and schedule), listed as a clinician task.
* Which questionnaire a step gives was found by its name in the step's words, in the planning
  stage (the "severity not yet known" standing) and in the patient's copy. A step now carries
  ``administers`` (the instrument id), and a questionnaire of another area (a PHQ-9 given under
  a trauma problem) never makes that problem "measured today".
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from plan_helpers import EXAMPLE_AS_OF, all_objectives, example_plan, steps_by_id
from planengine import Assessment
from planengine.plan.stepped_care._order import severity_of
from planengine.plan.stepped_care._rules import SteppedCareRules
from planengine.render._plan import render_markdown, render_patient

TRAUMA = "trauma-pcl5-insomnia.yaml"
_SAME = ("statement", "measure", "review_interval_days", "start_date", "due_date", "at_this_visit")


def _objective(plan: dict[str, Any], objective_id: str) -> dict[str, Any]:
    return next(o for o in all_objectives(plan) if o["id"] == objective_id)


def test_the_trauma_phq9_step_has_a_dated_task(engine) -> None:
    data = example_plan(engine, TRAUMA).to_dict()
    step = steps_by_id(data)["trauma-depression-measure"]
    assert step["administers"] == "phq9"
    assert step["objectives"] == ["trauma-phq9-at-this-visit"]
    task = _objective(data, "trauma-phq9-at-this-visit")
    assert task["at_this_visit"] is True
    assert task["due_date"] == EXAMPLE_AS_OF.isoformat()
    assert task["review_interval_days"] == 14  # the PHQ-9's recall window
    assert task["statement"] == "Give the full PHQ-9 (with item 9) at this visit, by 2026-12-07."


def test_it_is_the_same_task_as_the_cores_phq9_today(engine) -> None:
    """One meaning: the core's PHQ-9 (alcohol-anxiety-sleep has no depression measure) and the
    trauma plan's read the same, so a plan with both would list the task once."""
    core = _objective(
        example_plan(engine, "alcohol-anxiety-sleep.yaml").to_dict(), "anxiety-depression-measure"
    )
    trauma = _objective(example_plan(engine, TRAUMA).to_dict(), "trauma-phq9-at-this-visit")
    assert {k: trauma[k] for k in _SAME} == {k: core[k] for k in _SAME}


def test_the_task_is_the_clinicians_and_the_copy_says_it_is_given_today(engine) -> None:
    plan = example_plan(engine, TRAUMA)
    text = render_markdown(plan)
    summary = text.split("## 2. Trauma", 1)[1]  # after the safety step (read 16, M1).split("\n## ", 1)[0]
    tasks = summary.split("### Clinician tasks", 1)[1].split("###", 1)[0]
    assert "Give the full PHQ-9 (with item 9) at this visit, by 7 December 2026." in tasks
    copy = render_patient(plan)
    assert "short questionnaire about your mood (PHQ-9)" in copy
    assert "A questionnaire about your mood (PHQ-9): every 14 days." in copy
    assert "Give the full PHQ-9" not in copy  # not a goal of the patient's


def test_screen_follow_ups_and_the_cores_phq9_say_what_they_give(engine) -> None:
    steps = steps_by_id(example_plan(engine, "screens-and-wellbeing.yaml").to_dict())
    given = {s["id"]: s["administers"] for s in steps.values() if s.get("administers")}
    assert sorted(given.values()) == ["pcl5", "phq9"]
    sleep = steps_by_id(example_plan(engine, "suicidal-words-in-goals.yaml").to_dict())
    assert sleep["sleep-measure-insomnia"]["administers"] == "isi"


def test_the_copy_reads_the_field_not_the_steps_words(engine) -> None:
    plan = example_plan(engine, "suicidal-words-in-goals.yaml")
    step = next(s for p in plan.problems for s in p.interventions if s.administers == "isi")
    step.title = "Sleep questionnaire at this visit"  # names no instrument
    assert "short questionnaire about your sleep (ISI)" in render_patient(plan)


def test_the_standing_reads_the_field_not_the_words(engine) -> None:
    plan = example_plan(engine, "suicidal-words-in-goals.yaml")
    rules = SteppedCareRules.for_instruments(engine.instruments)
    sleep = next(p for p in plan.problems if p.area == "sleep")
    for objective in sleep.objectives:
        objective.statement = "Sleep questionnaire at this visit."  # names no instrument
    assert "the ISI is given today" in severity_of(sleep, {}, rules).text
    for step in sleep.interventions:
        step.administers = None
    assert severity_of(sleep, {}, rules).text == "not measured by a scored questionnaire"


def test_a_phq9_given_today_never_makes_trauma_measured_today(engine) -> None:
    raw = {"planengine": 1, "patient": {"id": "P-2"}, "context": {"concerns": ["trauma"]}}
    plan = engine.plan(Assessment.from_mapping(raw), as_of=dt.date(2026, 12, 7)).to_dict()
    [trauma] = [p for p in plan["problems"] if p["area"] == "trauma"]
    assert any(o.get("at_this_visit") for o in trauma["objectives"])  # the PHQ-9 today
    assert "given today" not in trauma["ordering"]["reason"]
    assert trauma["ordering"]["reason"].startswith("Not measured by a scored questionnaire")
