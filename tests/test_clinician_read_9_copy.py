"""Scenario tests for the clinician's read 9 of the patient copies (M1, S7): each fails without its fix.

* M1: a caution for the patient's condition rewrites the step's sub-steps on the copy, in the
  patient's words (strategy data, ``contraindications[].patient``); the clinician's plan keeps the
  caution, and no clinician wording ("warn about", "Take care: ... the clinician") reaches the copy.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
import yaml

from plan_helpers import all_steps
from planengine import Assessment
from planengine.render._patient_parts import _how
from planengine.render._plan import render_markdown, render_patient
from planengine.strategies._validation import semantic_problem

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "examples"
STRATEGIES = ROOT / "plugins" / "planengine_builtins" / "strategies"
AS_OF = dt.date(2026, 12, 7)


def _example_plan(engine, name: str):
    raw = yaml.safe_load((EXAMPLES / name).read_text())
    return engine.plan(Assessment.from_mapping(raw), as_of=AS_OF)


def _steps(data: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {s["id"]: s for s in all_steps(data)}


# -- M1: a caution rewrites the step on the copy -------------------------------------------------


def test_bipolar_and_driving_rewrite_stimulus_control_on_the_copy(engine) -> None:
    plan = _example_plan(engine, "insomnia-with-conditions.yaml")
    copy = render_patient(plan)
    assert "only when sleepy" not in copy  # the rule the bipolar caution overrides is gone
    assert "Go to bed at your agreed bedtime, even if you don't feel sleepy." in copy
    assert "then go back to bed. Never stay up." in copy
    assert (
        "Don't drive or use machines if you feel sleepy; tell your clinician if this happens."
        in copy
    )
    assert "warn about" not in copy and "Take care" not in copy
    # the clinician's plan keeps the caution and the protocol's own sub-steps
    step = _steps(plan.to_dict())["sleep-stimulus-control"]
    assert any(
        n.startswith("Caution (bipolar-disorder): with bipolar disorder, keep a fixed bedtime")
        for n in step["notes"]
    )
    assert "Go to bed only when sleepy, not just tired." in step["steps"]
    assert "keep a fixed bedtime" in render_markdown(plan)


def test_cardiac_relaxation_is_gentle_and_waits_for_the_heart_team_on_the_copy(engine) -> None:
    plan = _example_plan(engine, "lifestyle-stress-cardiac.yaml")
    copy = render_patient(plan)
    assert "5-7 seconds" not in copy
    assert "Avoid strong or sustained tensing" not in copy
    step = _steps(plan.to_dict())["stress-progressive-muscle-relaxation"]
    # read 10, N-M1: the step now waits for the heart team, so today's copy has the breathing
    # only; its rewritten sub-steps are kept for when it starts
    assert step["phase"] == "next"
    assert (
        "Tense each muscle group only gently for a few seconds (or just let go, with no tensing), "
        "then notice the release for 30-40 seconds." in step["patient_steps"]
    )
    assert (
        "Your clinician will check with your heart team before you start; until then, practise the slow breathing only."
        in step["patient_steps"]
    )
    # held while the risk question never asked is asked today (read 16, M1); the caution stays
    assert step["status"] == "held" and any(
        "Caution (cardiac-condition)" in n for n in step["notes"]
    )


def test_a_plan_without_the_condition_keeps_the_protocols_own_wording(engine) -> None:
    copy = render_patient(_example_plan(engine, "moderate-phq9-gad7-isi.yaml"))
    steps = _steps(_example_plan(engine, "moderate-phq9-gad7-isi.yaml").to_dict())
    assert all("patient_steps" not in s for s in steps.values())
    assert (
        "Go to bed only when sleepy, not just tired." in copy
        or "sleep-stimulus-control" not in steps
    )


@pytest.mark.parametrize("name", sorted(p.name for p in EXAMPLES.glob("*.yaml")))
def test_no_clinician_caution_wording_reaches_any_example_copy(engine, name: str) -> None:
    raw = yaml.safe_load((EXAMPLES / name).read_text())
    if not isinstance(raw, dict) or "responses" not in raw:
        pytest.skip("not an assessment")
    copy = render_patient(engine.plan(Assessment.from_mapping(raw), as_of=AS_OF))
    assert "Take care:" not in copy and "warn about" not in copy
    assert "Caution (" not in copy


def test_a_caution_without_patient_wording_asks_the_patient_to_go_through_it() -> None:
    step = {
        "description": "Do the thing.",
        "steps": ["Do it daily."],
        "notes": ["Caution (pregnancy): warn about sleepiness and check with the medical team."],
    }
    text = repr(_how(step, "Task", lambda s: s))
    assert "warn about" not in text
    assert "go through how to do this safely" in text


def _cautions() -> list[tuple[str, str, list[dict[str, Any]]]]:
    found = []
    for path in sorted(STRATEGIES.glob("*.yaml")):
        for step in yaml.safe_load(path.read_text()).get("interventions") or ():
            rules = [c for c in step.get("contraindications") or () if c.get("action") == "caution"]
            if rules:
                found.append((path.name, step["id"], rules))
    return found


@pytest.mark.parametrize(
    ("file", "step_id", "rules"), _cautions(), ids=lambda x: x if isinstance(x, str) else ""
)
def test_a_steps_cautions_are_worded_for_the_patient_all_or_none(
    file: str, step_id: str, rules: list[dict[str, Any]]
) -> None:
    # the copy prints the worded ones only, so one unworded caution beside a worded one would be lost
    worded = {bool(rule.get("patient")) for rule in rules}
    assert len(worded) == 1, f"{file} {step_id}: word every caution for the patient, or none"


def test_a_rewrite_of_a_sub_step_the_step_does_not_have_is_refused() -> None:
    data = {
        "areas": ["sleep"],
        "references": {},
        "objectives": [],
        "interventions": [
            {
                "id": "x",
                "steps": ["Go to bed only when sleepy."],
                "contraindications": [
                    {
                        "condition": "pregnancy",
                        "action": "caution",
                        "reason": "r",
                        "patient": {
                            "replace": {"Go to bed when sleepy.": "Go to bed at your agreed time."}
                        },
                    }
                ],
            }
        ],
    }
    problem = semantic_problem(data)
    assert (
        problem is not None
        and problem[0] == "$.interventions[0].contraindications[0].patient.replace"
    )
    data["interventions"][0]["contraindications"][0]["patient"]["replace"] = {
        "Go to bed only when sleepy.": "Go to bed at your agreed time."
    }
    assert semantic_problem(data) is None


# -- S7: plain wording on the copy ---------------------------------------------------------------


def test_check_ins_read_every_1_to_2_weeks_with_about_how_many(engine) -> None:
    copy = render_patient(_example_plan(engine, "moderate-phq9-gad7-isi.yaml"))
    assert "a month" not in copy
    # 3 a month (the contact count's rate) over the 12-week course: about 8
    assert (
        "Guided self-help check-ins:** With your clinician; every 1-2 weeks (about 8 in all), 30 min each, for 12 weeks"
        in copy
    )
    anxiety = render_patient(_example_plan(engine, "alcohol-anxiety-sleep.yaml"))
    assert (
        "every 1-2 weeks (about 6 in all), 25 min each, for 8 weeks" in anxiety
    )  # CG113: 5-7 sessions


def test_the_contact_count_keeps_the_monthly_rate(engine) -> None:
    step = _steps(_example_plan(engine, "moderate-phq9-gad7-isi.yaml").to_dict())[
        "depression-avoidance-problem-solving"
    ]
    assert step["frequency"] == {"times": 3, "per": "month", "every_weeks": [1, 2]}


def _copy(engine, answers: list[int], goals: tuple[str, ...] = (), **context: Any) -> str:
    raw = {
        "planengine": 1,
        "patient": {"id": "P-scenario"},
        "responses": [{"instrument": "audit-c", "date": "2026-11-20", "answers": answers}],
        "context": {"patient_goals": list(goals), **context},
    }
    return render_patient(engine.plan(Assessment.from_mapping(raw), as_of=AS_OF))


@pytest.mark.parametrize(
    ("answers", "goals", "shown"),
    [
        ([2, 1, 1], (), False),  # 2-4 times a month: hazardous, no sign of daily drinking
        ([3, 2, 2], (), False),  # 2-3 times a week (alcohol-anxiety-sleep)
        (
            [3, 3, 3],
            (),
            False,
        ),  # a total of 9: below the withdrawal-assessment level of 10 (R-SC10)
        ([4, 0, 0], (), True),  # item 1 = 4: 4 or more times a week
        ([3, 4, 3], (), True),  # a total of 10: possible dependence, withdrawal-risk assessment
        ([2, 1, 1], ("Stop drinking every night",), True),  # the patient's words: daily drinking
        (
            [2, 1, 1],
            ("Sleep every night without waking",),
            False,
        ),  # "every night", not about drinking
    ],
)
def test_the_drinking_box_only_with_a_sign_of_daily_drinking_or_dependence(
    engine, answers: list[int], goals: tuple[str, ...], shown: bool
) -> None:
    copy = _copy(engine, answers, goals, sex="female")
    assert ("If you drink every day, don't stop suddenly" in copy) is shown


def test_a_documented_substance_use_disorder_shows_the_drinking_box(engine) -> None:
    copy = _copy(engine, [2, 1, 1], (), sex="female", conditions=["substance-use-disorder"])
    assert "If you drink every day, don't stop suddenly" in copy


def test_the_stress_measure_is_a_short_questionnaire_on_the_copy(engine) -> None:
    plan = _example_plan(engine, "lifestyle-stress-cardiac.yaml")
    copy = render_patient(plan)
    assert "A short stress questionnaire at each review" in copy
    assert "Perceived Stress Scale" not in copy
    assert "Perceived Stress Scale at each review, as a trend" in render_markdown(plan)


def test_the_mood_heading_names_the_row_its_habit_is_in(engine) -> None:
    copy = render_patient(_example_plan(engine, "insomnia-with-conditions.yaml"))
    mood = copy.split("## Your mood", 1)[1].split("\n## ", 1)[0]
    assert "start with these habits" not in mood
    assert "“Sleep diary – includes your mood each day”" in mood
    week = copy.split("## What to do each week", 1)[1].split("\n## ", 1)[0]
    assert "Sleep diary – includes your mood each day" in week  # the row it points to is there
