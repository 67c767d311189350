"""Scenario tests for clinician read 17, S1: the hold of a risk-unknown flag (a risk item left
blank, or no suicide-risk question given) ends at this visit, on either answer. Each fails
without its fix.

The plans said only that self-help is "held until a clinician reviews it"; the one route they
described ran one way (an endorsed item 9 re-makes the plan), and a clinician's recorded "no"
(a disposition of the flag) kept every step held and even asked for a safety plan today. Now the
plan says how to record the answer either way and make the plan again with it; a PHQ-9 with item
9 at 0, or a disposition ``assessed-no-current-risk-identified``, releases the held steps; an
item 9 of 1 or more, or a disposition that records a safety plan, opens the suicide-risk path.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
import yaml

from plan_helpers import EXAMPLE_AS_OF, EXAMPLES, all_objectives, all_steps, held_by_safety
from planengine import Assessment, Engine
from planengine.render._plan import render_markdown, render_patient

RISK_UNKNOWN = (
    "alcohol-anxiety-sleep.yaml",
    "lifestyle-stress-cardiac.yaml",
    "screens-and-wellbeing.yaml",
    "trauma-pcl5-insomnia.yaml",
    "missing-item9.json",
)
#: read 17's words for safety step 1, kept whole
RECORD = (
    "Record the answer today, whatever it is, and make the plan again with it: a PHQ-9 with item "
    "9 answered, or the clinician's disposition of this flag. If item 9 is 0, or the direct "
    "question is not endorsed, and the clinician has no concern, the clinician records that "
    "outcome; the held steps start today and the question is asked again at the flag's next "
    "review. If it is 1 or more, or the clinician is "
    "concerned, the plan opens the suicide-risk section with the safety plan and follow-up. "
    "Print the patient copy from the plan made again."
)
HELD_FOR_WEEKS = "(on hold for now; your clinician will tell you when it starts)"


def _raw(name: str) -> dict[str, Any]:
    return yaml.safe_load((EXAMPLES / name).read_text())


def _plan(engine: Engine, raw: dict[str, Any]) -> Any:
    return engine.plan(Assessment.from_mapping(raw), as_of=EXAMPLE_AS_OF)


def _signal(raw: dict[str, Any]) -> str:
    """The signal a disposition names: ``phq9.item9`` for a blank item 9, else the kind."""
    asked = any(r["instrument"] == "phq9" for r in raw["responses"])
    return "phq9.item9" if asked else "risk-unknown"


def _disposed(name: str, outcome: str) -> dict[str, Any]:
    """The example with the clinician's record of today's answer, as a disposition."""
    raw = _raw(name)
    raw["risk_dispositions"] = [
        {
            "signal": _signal(raw),
            "by": "Dr A. Clinician",
            "date": EXAMPLE_AS_OF.isoformat(),
            "outcome": outcome,
            "next_review": (EXAMPLE_AS_OF + dt.timedelta(days=14)).isoformat(),
        }
    ]
    return raw


def _with_phq9(name: str, item9: int) -> dict[str, Any]:
    raw = _raw(name)
    raw["responses"].append(
        {"instrument": "phq9", "date": EXAMPLE_AS_OF.isoformat(), "answers": [1] * 8 + [item9]}
    )
    return raw


@pytest.mark.parametrize("name", RISK_UNKNOWN)
def test_the_plan_says_how_the_hold_ends_today_on_either_answer(engine, name) -> None:
    plan = _plan(engine, _raw(name))
    steps = {s["id"]: s for s in all_steps(plan.to_dict())}
    assert RECORD in steps["safety-risk-assessment"]["description"]
    assert "(this opens the risk section)" not in render_markdown(plan)  # the stale words
    notices = [n["message"] for n in plan.to_dict()["notices"]]
    assert any(
        m.startswith("Ask the risk question before printing the patient copy") for m in notices
    )
    assert held_by_safety(plan)  # the hold itself stays until the answer is recorded


@pytest.mark.parametrize("name", RISK_UNKNOWN)
def test_the_patient_copy_says_held_steps_start_once_asked_today(engine, name) -> None:
    copy = render_patient(_plan(engine, _raw(name)))
    assert HELD_FOR_WEEKS not in copy
    assert "Start these when your clinician says so." not in copy
    assert "Your clinician will tell you today whether to start these now." in copy  # read 23, S1


def test_a_hold_for_another_flag_keeps_the_old_wording(engine) -> None:
    """Risk words hold self-help for a safety plan, not for one question: no "today" promise."""
    copy = render_patient(_plan(engine, _raw("suicidal-words-in-goals.yaml")))
    assert "once your clinician has asked you some questions today" not in copy


@pytest.mark.parametrize("name", RISK_UNKNOWN)
def test_a_recorded_no_releases_the_held_steps_and_asks_for_no_safety_plan(engine, name) -> None:
    plan = _plan(engine, _disposed(name, "assessed-no-current-risk-identified"))
    data = plan.to_dict()
    assert data["problems"][0]["id"] == "problem-safety"  # the flag stays on record, first
    assert not held_by_safety(plan)
    objectives = {o["id"]: o for o in all_objectives(data)}
    assert objectives["safety-plan-completed"].get("condition")  # only if concern arises
    text = render_markdown(plan)
    assert "self-help steps the flag held start today" in text
    assert "no risk" not in text.lower()
    assert "once your clinician has asked" not in render_patient(plan)


@pytest.mark.parametrize("name", RISK_UNKNOWN[:4])
def test_a_phq9_with_item9_at_0_closes_a_never_asked_flag(engine, name) -> None:
    plan = _plan(engine, _with_phq9(name, 0))
    assert not [f for f in plan.to_dict()["risk"]["flags"] if f["kind"] == "risk-unknown"]
    assert not held_by_safety(plan)


@pytest.mark.parametrize("name", RISK_UNKNOWN[:4])
def test_a_phq9_with_item9_endorsed_opens_the_risk_path(engine, name) -> None:
    plan = _plan(engine, _with_phq9(name, 1))
    data = plan.to_dict()
    kinds = {f["kind"] for f in data["risk"]["flags"]}
    assert "suicidal-ideation" in kinds and "risk-unknown" not in kinds
    objectives = {o["id"]: o for o in all_objectives(data)}
    assert objectives["safety-plan-completed"].get("condition") is None  # written today
    assert held_by_safety(plan)


@pytest.mark.parametrize("name", RISK_UNKNOWN)
def test_a_recorded_yes_keeps_the_safety_plan_and_the_hold(engine, name) -> None:
    plan = _plan(engine, _disposed(name, "assessed-safety-plan-in-place"))
    objectives = {o["id"]: o for o in all_objectives(plan.to_dict())}
    assert objectives["safety-plan-completed"].get("condition") is None
    assert held_by_safety(plan)


def test_a_no_recorded_before_a_new_blank_does_not_release(engine) -> None:
    """A blank item 9 after the record reopens the flag: held again (if in doubt, held)."""
    raw = _disposed("missing-item9.json", "assessed-no-current-risk-identified")
    raw["risk_dispositions"][0]["date"] = "2026-11-20"  # before the blank of 2026-11-23
    assert held_by_safety(_plan(engine, raw))
