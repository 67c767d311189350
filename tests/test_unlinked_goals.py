"""A patient's goal that links to no area is put to the clinician as a question (notice
``plan.unlinked-goal``), in the JSON notices and so in the Markdown; a goal in words of suicide or
self-harm still links to safety only."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from plan_helpers import assert_valid
from planengine import Assessment, Context, Engine, Response
from planengine.render._plan import render_markdown

AS_OF = dt.date(2026, 11, 25)
MODERATE_PHQ9 = Response("phq9", AS_OF, (2, 2, 1, 2, 1, 2, 1, 1, 0))


def _plan(engine: Engine, *responses: Response, **context: Any) -> dict[str, Any]:
    plan = engine.plan(Assessment(responses=responses, context=Context(**context)), as_of=AS_OF)
    data = plan.to_dict()
    assert_valid("plan", data)
    data["markdown"] = render_markdown(plan)
    return data


def _unlinked(data: dict[str, Any]) -> list[str]:
    return [n["message"] for n in data["notices"] if n["code"] == "plan.unlinked-goal"]


def test_an_unlinked_goal_is_a_question_for_the_clinician_beside_the_problems(engine) -> None:
    goals = ["Learn to play the guitar", "Sleep better", "Quit\nsmoking"]
    data = _plan(engine, MODERATE_PHQ9, patient_goals=goals)
    assert [g["linked_areas"] for g in data["patient_goals"]] == [[], ["sleep"], []]
    assert {p["area"] for p in data["problems"]} == {"depression", "sleep"}
    guitar, smoking = _unlinked(data)
    assert "“Learn to play the guitar” is not linked to any problem" in guitar
    assert "Which problem does it belong to, or is it a new one?" in guitar
    assert "“Quit smoking”" in smoking  # one line
    for message in (guitar, smoking):
        assert f"- {message}" in data["markdown"]  # a point to check before signing
        assert f"- **plan.unlinked-goal:** {message}" in data["markdown"]  # and in the appendix
    assert "- “Learn to play the guitar” (not linked to a problem yet)" in data["markdown"]
    assert "- “Sleep better” (Sleep)" in data["markdown"]


def test_a_plan_with_no_problem_names_each_unlinked_goal_too(engine) -> None:
    data = _plan(engine, patient_goals=["I want to learn to play guitar"])
    # only the safety step: no questionnaire asked the risk question (clinician read 16, M1)
    assert [p["area"] for p in data["problems"]] == ["safety"]
    assert [n["code"] for n in data["notices"]][-2:] == ["plan.safety-only", "plan.unlinked-goal"]
    assert "“I want to learn to play guitar”" in _unlinked(data)[0]


@pytest.mark.parametrize(
    "goal",
    [
        "I feel useless and want to die",  # links to safety only: linked, no question
        "He hits me",  # words of abuse: linked to safety
        "I'm useless",
    ],
)
def test_a_goal_linked_to_safety_or_an_area_raises_no_question(engine, goal: str) -> None:
    data = _plan(engine, patient_goals=[goal])
    assert data["patient_goals"][0]["linked_areas"]
    assert _unlinked(data) == []


def test_words_of_suicide_still_link_a_goal_to_safety_only(engine) -> None:
    data = _plan(engine, patient_goals=["I'm useless, I wish I could sleep and never wake up"])
    assert data["patient_goals"][0]["linked_areas"] == ["safety"]
    assert "self-esteem" not in {p["area"] for p in data["problems"]}
