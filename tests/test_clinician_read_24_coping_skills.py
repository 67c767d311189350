"""Clinician read 24, S3: coping skills (grounding, paced breathing, the sleep routine, sleep
hygiene) are not held for a risk flag: they belong in part 2 of a safety plan. Diaries, activity
scheduling and anything exposure-like stay held; a private (abuse) hold and a contraindication
hold are unchanged."""

from __future__ import annotations

from typing import Any

import pytest
import yaml

from plan_helpers import (
    EXAMPLE_AS_OF,
    EXAMPLES,
    all_steps,
    example_plan,
    held_by_safety,
    steps_by_id,
)
from planengine import Assessment, Engine
from planengine.plan._safety_hold import RISK_HOLD_EXEMPT, must_hold
from planengine.render._plan import render_markdown, render_patient

HELD = ("self-guided", "clinician-supervised")


@pytest.fixture(scope="module")
def engine() -> Engine:
    return Engine()


def _steps(plan: Any) -> dict[str, dict[str, Any]]:
    return steps_by_id(plan.to_dict())


@pytest.mark.parametrize(
    ("name", "active", "held"),
    [
        (
            "trauma-pcl5-insomnia.yaml",
            ["trauma-grounding", "trauma-paced-breathing", "trauma-sleep-routine",
             "sleep-sleep-hygiene"],
            ["sleep-sleep-diary", "sleep-nightmare-log", "sleep-stimulus-control",
             "emotional-awareness-emotion-diary"],
        ),
        (
            "ptsd-risky-behaviour.yaml",
            ["trauma-grounding", "trauma-paced-breathing", "trauma-sleep-routine"],
            ["depression-activity-monitoring", "depression-activity-scheduling"],
        ),
        (
            "screens-and-wellbeing.yaml",
            ["trauma-grounding", "trauma-paced-breathing", "trauma-sleep-routine"],
            ["alcohol-drinks-diary"],
        ),
    ],
)
def test_coping_skills_stay_active_and_diaries_stay_held(
    engine: Engine, name: str, active: list[str], held: list[str]
) -> None:
    plan = example_plan(engine, name)
    steps = _steps(plan)
    assert held_by_safety(plan), name  # a risk hold applies
    for step_id in active:
        step = steps[step_id]
        assert step["delivery"] == "self-guided" and step["category"] in RISK_HOLD_EXEMPT
        assert step["status"] == "active", step_id
        assert not any("safety.hold-self-guided" in n for n in step.get("notes", ())), step_id
    for step_id in held:
        assert steps[step_id]["status"] == "held", step_id
        assert steps[step_id]["category"] not in RISK_HOLD_EXEMPT


@pytest.mark.parametrize("name", ["trauma-pcl5-insomnia.yaml", "ptsd-risky-behaviour.yaml",
                                  "screens-and-wellbeing.yaml"])
def test_every_other_self_guided_step_is_still_held(engine: Engine, name: str) -> None:
    for step in all_steps(example_plan(engine, name).to_dict()):
        if step["delivery"] in HELD and step["category"] not in RISK_HOLD_EXEMPT:
            assert step["status"] == "held", step["id"]


def test_the_copies_say_the_coping_skills_start_now(engine: Engine) -> None:
    plan = example_plan(engine, "trauma-pcl5-insomnia.yaml")
    clinician, patient = render_markdown(plan), render_patient(plan)
    for line in clinician.splitlines():
        if line.startswith(("- Grounding", "- **Grounding", "| Grounding")):
            assert "held until" not in line.lower(), line
    assert "Calming skills: grounding, then slow breathing" in patient
    held = [line for line in patient.splitlines() if "whether to start these now" in line]
    assert held and all("grounding" not in line.lower() for line in held)
    assert all("breathing" not in line.lower() for line in held)


def test_a_private_hold_still_holds_coping_skills(engine: Engine) -> None:
    raw = yaml.safe_load((EXAMPLES / "trauma-pcl5-insomnia.yaml").read_text())
    raw["context"]["conditions"] = ["intimate-partner-violence"]
    plan = engine.plan(Assessment.from_mapping(raw), as_of=EXAMPLE_AS_OF)
    steps = _steps(plan)
    for step_id in ("trauma-grounding", "trauma-paced-breathing", "sleep-sleep-hygiene"):
        if step_id in steps:
            assert steps[step_id]["status"] == "held", step_id
            assert str(steps[step_id]["hold"]).startswith("private"), steps[step_id]["hold"]
    assert "trauma-grounding" in steps


def test_a_hook_cannot_free_a_step_by_relabelling_it() -> None:
    from planengine._model import Intervention

    plan = example_plan(Engine(), "trauma-pcl5-insomnia.yaml")
    diary = next(
        s for p in plan.problems for s in p.interventions if s.id == "sleep-sleep-diary"
    )
    assert isinstance(diary, Intervention)
    assert must_hold(diary, None, exempt=True)
    diary.category = "stabilisation"
    assert not must_hold(diary, None, exempt=True)  # the category alone decides without hooks
    assert must_hold(diary, {}, exempt=True)  # a step a hook changed or added is held
    assert must_hold(diary, None, exempt=False)  # a private hold holds it
