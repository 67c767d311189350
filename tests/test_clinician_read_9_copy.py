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
    assert "Don't drive or use machines if you feel sleepy; tell your clinician if this happens." in copy
    assert "warn about" not in copy and "Take care" not in copy
    # the clinician's plan keeps the caution and the protocol's own sub-steps
    step = _steps(plan.to_dict())["sleep-stimulus-control"]
    assert any(n.startswith("Caution (bipolar-disorder): with bipolar disorder, keep a fixed bedtime") for n in step["notes"])
    assert "Go to bed only when sleepy, not just tired." in step["steps"]
    assert "keep a fixed bedtime" in render_markdown(plan)


def test_cardiac_relaxation_is_gentle_and_waits_for_the_heart_team_on_the_copy(engine) -> None:
    plan = _example_plan(engine, "lifestyle-stress-cardiac.yaml")
    copy = render_patient(plan)
    assert "5-7 seconds" not in copy
    assert "Tense each muscle group only gently for a few seconds (or just let go, with no tensing)" in copy
    assert "Your clinician will check with your heart team before you start; until then, practise the slow breathing only." in copy
    assert "Avoid strong or sustained tensing" not in copy
    step = _steps(plan.to_dict())["stress-progressive-muscle-relaxation"]
    assert step["status"] == "caution" and any("Caution (cardiac-condition)" in n for n in step["notes"])


def test_a_plan_without_the_condition_keeps_the_protocols_own_wording(engine) -> None:
    copy = render_patient(_example_plan(engine, "moderate-phq9-gad7-isi.yaml"))
    steps = _steps(_example_plan(engine, "moderate-phq9-gad7-isi.yaml").to_dict())
    assert all("patient_steps" not in s for s in steps.values())
    assert "Go to bed only when sleepy, not just tired." in copy or "sleep-stimulus-control" not in steps


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


@pytest.mark.parametrize(("file", "step_id", "rules"), _cautions(), ids=lambda x: x if isinstance(x, str) else "")
def test_a_steps_cautions_are_worded_for_the_patient_all_or_none(file: str, step_id: str, rules: list[dict[str, Any]]) -> None:
    # the copy prints the worded ones only, so one unworded caution beside a worded one would be lost
    worded = {bool(rule.get("patient")) for rule in rules}
    assert len(worded) == 1, f"{file} {step_id}: word every caution for the patient, or none"


def test_a_rewrite_of_a_sub_step_the_step_does_not_have_is_refused() -> None:
    data = {
        "areas": ["sleep"],
        "references": {},
        "objectives": [],
        "interventions": [{
            "id": "x",
            "steps": ["Go to bed only when sleepy."],
            "contraindications": [{
                "condition": "pregnancy", "action": "caution", "reason": "r",
                "patient": {"replace": {"Go to bed when sleepy.": "Go to bed at your agreed time."}},
            }],
        }],
    }
    problem = semantic_problem(data)
    assert problem is not None and problem[0] == "$.interventions[0].contraindications[0].patient.replace"
    data["interventions"][0]["contraindications"][0]["patient"]["replace"] = {
        "Go to bed only when sleepy.": "Go to bed at your agreed time."
    }
    assert semantic_problem(data) is None
