"""Scenario tests for clinician read 16, M1: suicide risk never screened gets what a blank item 9
gets. Each fails without its fix.

Five example plans gave no suicide-risk question at all (no PHQ-9). They said, in the Risk
section only, that "a clinician should ask about it directly", with no task for what follows an
endorsed item 9 (eating-disorder-lifestyle had no task to ask at all), while missing-item9 (item
9 left blank) carried a conditional safety plan and a dated follow-up contact. Risk never asked
is risk unknown: one ``risk-unknown`` flag, on the same path as a blank item 9.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from plan_helpers import (
    EXAMPLE_AS_OF,
    EXAMPLES,
    all_objectives,
    all_steps,
    assert_valid,
    example_plan,
)
from planengine import Assessment, Engine
from planengine.instruments._data_files import load_builtin_instruments
from planengine.plan._safety_hold import HELD_DELIVERIES, RISK_HOLD_EXEMPT
from planengine.render._plan import render_markdown

UNSCREENED = (
    "alcohol-anxiety-sleep.yaml",
    "eating-disorder-lifestyle.yaml",
    "lifestyle-stress-cardiac.yaml",
    "screens-and-wellbeing.yaml",
    "trauma-pcl5-insomnia.yaml",
)
CONDITION = "if PHQ-9 item 9 is endorsed when asked today, or the clinician is concerned"
REPLAN = "if item 9 is 1 or more, the plan opens the suicide-risk section"  # read 17, S1


def _objectives(plan: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {o["id"]: o for o in all_objectives(plan)}


def _blank_item9_plan(engine: Engine) -> dict[str, Any]:
    """missing-item9, the plan whose conditional safety tasks the clinician signs."""
    return example_plan(engine, "missing-item9.json").to_dict()


@pytest.mark.parametrize("name", UNSCREENED)
def test_a_plan_with_no_risk_question_asks_today_with_the_blank_item_tasks(engine, name) -> None:
    plan = example_plan(engine, name).to_dict()
    first = plan["problems"][0]
    assert first["id"] == "problem-safety"  # the safety step is at the top
    [flag] = [f for f in plan["risk"]["flags"] if f["kind"] == "risk-unknown"]
    assert flag.get("item") is None and flag["level"] == "unknown"
    objectives = _objectives(plan)
    blank = _objectives(_blank_item9_plan(engine))
    # the same two conditional tasks, in the same words and on the same dates as missing-item9
    for key in ("safety-plan-completed", "safety-follow-up-contact"):
        assert objectives[key]["statement"] == blank[key]["statement"], key
        assert objectives[key]["condition"] == CONDITION == blank[key]["condition"]
        assert objectives[key]["due_date"] == blank[key]["due_date"]
    assert objectives["safety-follow-up-contact"]["due_date"] == "2026-12-10"
    # and the question itself is asked at this visit
    asked = objectives["safety-risk-asked"]
    assert asked["due_date"] == EXAMPLE_AS_OF.isoformat()
    assert asked["statement"].startswith("Ask the risk question (PHQ-9 item 9 or a direct question)")
    assert "again" not in asked["statement"]  # it was never asked before
    text = render_markdown(example_plan(engine, name))
    assert "If PHQ-9 item 9 is endorsed when asked today, or the clinician is concerned: write a " \
        "safety plan covering all six sections with the patient" in text
    assert "by 10 December 2026." in text
    assert "no risk" not in text.lower()


def test_the_eating_disorder_plan_now_asks_directly(engine) -> None:
    plan = example_plan(engine, "eating-disorder-lifestyle.yaml").to_dict()
    steps = {s["id"]: s for s in all_steps(plan)}
    ask = steps["safety-risk-assessment"]  # the question is asked within it (read 17, S5)
    assert ask["title"] == "Ask about suicidal thoughts today: a structured risk assessment"
    assert "safety-complete-risk-item" not in steps
    assert "thoughts of being better off dead or of self-harm" in ask["description"]
    assert ask["status"] == "active" and ask["delivery"] == "clinician-led"


@pytest.mark.parametrize("name", UNSCREENED)
def test_every_phq9_task_says_an_endorsed_item_9_makes_the_plan_again(engine, name) -> None:
    plan = example_plan(engine, name).to_dict()
    objectives = _objectives(plan)
    tasks = [
        objectives[oid]
        for step in all_steps(plan)
        if step.get("administers") == "phq9"
        for oid in step.get("objectives", ())
    ]
    for task in tasks:
        assert REPLAN in task["measure"]["method"], task["id"]
        day = "today" if task["due_date"] == EXAMPLE_AS_OF.isoformat() else "the day it is given"
        assert (
            f"item 9's answer is recorded {day}, whatever it is, and the plan is made again with it"
            in task["measure"]["method"]
        )
    if name != "eating-disorder-lifestyle.yaml":  # it has no PHQ-9 task of its own
        assert tasks


def test_the_lifestyle_phq9_task_is_marked_as_giving_the_phq9(engine) -> None:
    plan = example_plan(engine, "lifestyle-stress-cardiac.yaml").to_dict()
    step = {s["id"]: s for s in all_steps(plan)}["wellbeing-depression-assessment"]
    assert step["administers"] == "phq9"


def test_a_blank_item_9_keeps_its_own_words(engine) -> None:
    plan = _blank_item9_plan(engine)
    steps = {s["id"]: s for s in all_steps(plan)}
    assert "the item was left blank" in steps["safety-risk-assessment"]["description"]
    assert "A blank answer is never treated as 'not at all'" in steps["safety-risk-assessment"][
        "description"
    ]
    assert _objectives(plan)["safety-risk-asked"]["statement"].startswith(
        "Ask the risk question again at this visit"
    )


def test_an_answered_item_9_opens_no_flag_of_a_question_never_given(engine) -> None:
    raw = {
        "planengine": 1,
        "responses": [
            {"instrument": "gad7", "date": "2026-12-01", "answers": [2, 2, 2, 2, 1, 1, 1]},
            {"instrument": "phq9", "date": "2026-12-01", "answers": [1, 1, 1, 1, 0, 1, 0, 1, 0]},
        ],
    }
    plan = engine.plan(Assessment.from_mapping(raw), as_of=EXAMPLE_AS_OF).to_dict()
    assert not any(f["kind"] == "risk-unknown" for f in plan["risk"]["flags"])


#: instruments with no suicide-risk item: an assessment of them alone never asked the question
_INSTRUMENTS = load_builtin_instruments()
_NO_RISK_ITEM = sorted(
    instrument_id
    for instrument_id, instrument in _INSTRUMENTS.items()
    if not any(r.kind == "suicidal-ideation" for r in instrument.risk_items)
)


def _responses(draw: Any, ids: list[str]) -> list[dict[str, Any]]:
    responses = []
    for instrument_id in ids:
        instrument = _INSTRUMENTS[instrument_id]
        answers = [
            draw(st.integers(instrument.answer_min, instrument.answer_max))
            for _ in range(instrument.items)
        ]
        responses.append({"instrument": instrument_id, "date": "2026-12-01", "answers": answers})
    return responses


@st.composite
def _unscreened(draw: Any) -> dict[str, Any]:
    ids = draw(st.lists(st.sampled_from(_NO_RISK_ITEM), min_size=0, max_size=3, unique=True))
    return {"planengine": 1, "responses": _responses(draw, ids)}


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(raw=_unscreened())
def test_any_assessment_without_a_risk_question_gets_the_conditional_safety_tasks(engine, raw) -> None:
    plan = engine.plan(Assessment.from_mapping(raw), as_of=EXAMPLE_AS_OF).to_dict()
    assert_valid("plan", plan)
    assert plan["problems"][0]["id"] == "problem-safety"
    objectives = _objectives(plan)
    assert objectives["safety-risk-asked"]["due_date"] == EXAMPLE_AS_OF.isoformat()
    assert objectives["safety-plan-completed"]["condition"] == CONDITION
    assert objectives["safety-follow-up-contact"]["condition"] == CONDITION
    assert objectives["safety-follow-up-contact"]["due_date"] == (
        EXAMPLE_AS_OF + dt.timedelta(days=3)
    ).isoformat()
    assert "no risk" not in plan["risk"]["statement"].lower()
    for problem in plan["problems"][1:]:
        for step in problem["interventions"]:
            # coping skills are not held for a risk flag (clinician read 24, S3)
            if step["delivery"] in HELD_DELIVERIES and step["category"] not in RISK_HOLD_EXEMPT:
                assert step["status"] == "held", step["id"]


def test_no_plugin_removes_the_safety_step_of_a_risk_never_asked() -> None:
    from test_plugins import plugin

    def adjust_plan(plan, context):
        plan.problems[:] = [p for p in plan.problems if p.area != "safety"]
        for problem in plan.problems:
            for step in problem.interventions:
                step.status = "active"

    engine = Engine(plugins=[plugin("remover", adjust_plan=adjust_plan)])
    raw = yaml.safe_load((EXAMPLES / "eating-disorder-lifestyle.yaml").read_text())
    plan = engine.plan(Assessment.from_mapping(raw), as_of=EXAMPLE_AS_OF).to_dict()
    assert plan["problems"][0]["id"] == "problem-safety"
    assert _objectives(plan)["safety-plan-completed"]["condition"] == CONDITION
    held = [s for p in plan["problems"][1:] for s in p["interventions"] if s["delivery"] == "self-guided"]
    assert held and all(s["status"] == "held" for s in held)
