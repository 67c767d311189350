"""Scenario tests for the clinician's read 11, S2 (alcohol-anxiety-sleep): each fails without its
fix.

* (a) An anxiety or drinking problem above a cut-off, with no PHQ-9 or PHQ-2 on file, gets the
  full PHQ-9 (item 9 asked directly) at this visit: a dated clinician task and its step, listed
  once however many problems propose it, repeated every 14 days if it is given; the copy says
  so. Not with a depression measure on file, nor where a trauma or well-being plan gives its
  own PHQ-9; configurable (an empty list turns it off).
* (b) Habits kept through the day (sleep hygiene, regular meals) add no homework minutes, so
  they start now instead of waiting for the budget: "avoid alcohol near bedtime" (his own goal)
  no longer waits until week 7 while the copy says sleep is checked at week 4.
"""

from __future__ import annotations

import copy
import datetime as dt
from typing import Any

import pytest
import yaml

from plan_helpers import (
    EXAMPLES,
    all_objectives,
    example_plan,
    example_plan_item9_asked,
    steps_by_id,
)
from planengine import Assessment, Engine, EngineConfig
from planengine.io._plan_config import engine_config_from_mapping
from planengine.plan.stepped_care._dose import homework_minutes
from planengine.render._plan import render_markdown, render_patient

NAME = "alcohol-anxiety-sleep.yaml"
AS_OF = dt.date(2026, 12, 7)
TASK = "Give the full PHQ-9 (with item 9) at this visit, by 2026-12-07."


def _raw(name: str = NAME) -> dict[str, Any]:
    return yaml.safe_load((EXAMPLES / name).read_text())


def _plan_of(engine: Engine, raw: dict[str, Any]) -> Any:
    return engine.plan(Assessment.from_mapping(raw), as_of=AS_OF)


def _tasks(plan: dict[str, Any]) -> list[dict[str, Any]]:
    return [
        o for o in all_objectives(plan)
        if o["provenance"]["source"] == "rule:findings.depression-measure"
    ]


def test_anxiety_and_drinking_without_a_phq9_give_one_today(engine) -> None:
    plan = example_plan(engine, NAME)
    data = plan.to_dict()
    tasks = _tasks(data)
    assert len(tasks) == 1  # proposed by anxiety and alcohol, listed once
    task = tasks[0]
    assert task["due_date"] == "2026-12-07" and task["review_interval_days"] == 14
    steps = [s for s in steps_by_id(data).values() if s["title"].startswith("Give the full PHQ-9")]
    assert len(steps) == 1
    step = steps[0]
    assert step["phase"] == "now" and step["category"] == "assessment"
    assert "item 9 directly" in step["description"] and "every 14 days" in step["description"]
    assert {"R1", "R37", "S18"} <= set(step["citations"])
    # a clinician's task, not a patient goal, and it pushes no treatment goal out
    markdown = render_markdown(plan)
    assert "### Clinician tasks\n\n1. **Give the full PHQ-9 (with item 9) at this visit" in markdown
    assert {"anxiety-worry-time", "alcohol-drinks-diary"} <= {
        o["id"] for o in all_objectives(data)
    }


def test_the_copy_says_the_phq9_today_and_every_14_days(engine) -> None:
    text = render_patient(example_plan(engine, NAME))
    # named, under the appointments (read 12, S4)
    assert "Today your clinician will also ask you to fill in a short questionnaire about your mood (PHQ-9)." in text
    assert "- A questionnaire about your mood (PHQ-9): every 14 days." in text
    assert "Give the full PHQ-9" not in text  # the clinician's wording stays off the copy


@pytest.mark.parametrize(
    ("instrument", "answers"),
    [("phq9", [0, 1, 0, 1, 0, 0, 0, 0, 0]), ("phq2", [0, 1])],
)
def test_a_depression_measure_on_file_is_not_asked_again(engine, instrument, answers) -> None:
    raw = _raw()
    raw["responses"].append({"instrument": instrument, "date": "2026-11-24", "answers": answers})
    assert _tasks(_plan_of(engine, raw).to_dict()) == []


def test_below_every_cut_off_no_phq9_is_added(engine) -> None:
    raw = _raw()
    raw["responses"] = [r for r in raw["responses"] if r["instrument"] == "gad7"]
    raw["responses"][0]["answers"] = [1, 1, 1, 1, 1, 1, 1]  # GAD-7 7: below its cut-offs
    assert _tasks(_plan_of(engine, raw).to_dict()) == []


@pytest.mark.parametrize(
    ("name", "own_step"),
    [("trauma-pcl5-insomnia.yaml", "trauma-depression-measure"),
     ("lifestyle-stress-cardiac.yaml", "wellbeing-depression-assessment")],
)
def test_a_trauma_or_wellbeing_plan_keeps_its_own_phq9(engine, name, own_step) -> None:
    raw = _raw(name)
    raw["responses"] = [r for r in raw["responses"] if r["instrument"] not in ("phq9", "phq2")]
    raw["responses"].append(
        {"instrument": "gad7", "date": "2026-11-24", "answers": [2, 2, 2, 1, 2, 1, 2]}
    )
    data = _plan_of(engine, raw).to_dict()
    assert _tasks(data) == []
    assert own_step in steps_by_id(data)


def test_the_areas_are_configurable() -> None:
    off = Engine(strict=True, config=EngineConfig(depression_measure_areas=()))
    assert _tasks(_plan_of(off, _raw()).to_dict()) == []
    only_alcohol = Engine(strict=True, config=engine_config_from_mapping(
        {"plan": {"depression-measure-areas": ["alcohol"]}}
    ))
    tasks = _tasks(_plan_of(only_alcohol, _raw()).to_dict())
    assert [t["area"] for t in tasks] == ["alcohol"]


def test_sleep_habits_start_now_and_add_no_minutes(engine) -> None:
    # item 9 asked: the habits are not held behind the risk question (clinician read 16, M1)
    plan = example_plan_item9_asked(engine, NAME)
    hygiene = steps_by_id(plan.to_dict())["sleep-sleep-hygiene"]
    assert hygiene["phase"] == "now"
    assert not (hygiene.get("phasing") or {}).get("start_week")
    text = render_patient(plan)
    assert "### Rules to follow\n" in text and "from week 7" not in text
    assert "## Your sleep: start with these habits; we check in 4 weeks" in text
    assert "avoid alcohol and nicotine near bedtime" in text


def test_habits_count_no_homework_minutes(engine) -> None:
    plan = example_plan(engine, "mild-sleep-only.yaml")
    steps = plan.problems[0].interventions
    hygiene = next(s for s in steps if s.id == "sleep-sleep-hygiene")
    assert hygiene.duration_minutes and homework_minutes(hygiene) == 0
    diary = copy.copy(next(s for s in steps if s.id == "sleep-sleep-diary"))
    assert homework_minutes(diary) > 0  # a diary is time set aside
