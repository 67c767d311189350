"""Scenario tests for the clinician's read 10, smaller points: the eating-disorder liaison.

``psychosis-depression-apnoea`` documents an eating disorder and its activity scheduling carries
the eating-disorder caution, but only ``eating-disorder-lifestyle`` had a goal to agree activity
and eating steps with the eating-disorder team; the caution existed only in Appendix A. Wherever a
kept step's caution names the eating disorder, the plan now tracks the contact as a liaison goal,
listed once however many strategies propose it, and the patient's copy says it plainly.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from plan_helpers import all_objectives, all_steps, example_plan
from planengine.render._plan import render_markdown, render_patient
from test_strategies_scenarios import assessment, plan_for

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"
LIAISON_METRIC = "liaison with the eating-disorder team or GP completed"
CAUTION = "Caution (eating-disorder):"
MODERATE_PHQ9 = [2, 2, 1, 2, 1, 2, 1, 1, 0]  # 12, no item-9 answer above 0


def _liaisons(data: dict[str, Any]) -> list[dict[str, Any]]:
    return [o for o in all_objectives(data) if o["measure"].get("metric") == LIAISON_METRIC]


def _cautioned_steps(data: dict[str, Any]) -> list[str]:
    return [
        s["id"]
        for s in all_steps(data)
        if any(note.startswith(CAUTION) for note in s.get("notes") or ())
    ]


def test_the_psychosis_plan_tracks_the_eating_disorder_liaison(engine) -> None:
    plan = example_plan(engine, "psychosis-depression-apnoea.yaml")
    data = plan.to_dict()
    assert "depression-activity-scheduling" in _cautioned_steps(data)
    [liaison] = _liaisons(data)  # one goal, though behavioural activation and CBT both propose it
    assert liaison["id"] == "depression-eating-disorder-liaison"
    assert liaison["liaison"] is True and liaison["phase"] == "now"
    assert liaison["statement"].startswith(
        "Agree with the eating-disorder team or GP how activity and eating goals are set, by "
    )
    serving = [s for s in all_steps(data) if liaison["id"] in s.get("objectives", ())]
    assert [s["id"] for s in serving] == ["depression-eating-disorder-referral"]
    assert "self-esteem-eating-disorder-liaison" not in {o["id"] for o in all_objectives(data)}
    text = render_markdown(plan)
    assert (
        "**Agree with the eating-disorder team or GP how activity and eating goals are set" in text
    )
    patient = render_patient(plan)
    assert (
        "Your clinician will talk with your eating-disorder team or GP about which activities"
        in patient
    )
    # the step is the clinician's contact, not a session of the patient's
    assert "Refer activity and eating goals" not in patient


@pytest.mark.parametrize("example", sorted(p.name for p in EXAMPLES.glob("*.yaml")))
def test_a_step_cautioned_for_an_eating_disorder_comes_with_the_liaison(engine, example) -> None:
    """Invariant over the examples: a cautioned step never stands without the tracked contact."""
    data = example_plan(engine, example).to_dict()
    if _cautioned_steps(data):
        assert len(_liaisons(data)) == 1, example
    context = yaml.safe_load((EXAMPLES / example).read_text(encoding="utf-8")).get("context") or {}
    if "eating-disorder" not in (context.get("conditions") or ()):
        assert not _liaisons(data), example


@pytest.mark.parametrize(
    ("concerns", "conditions", "expected"),
    [
        ([], ["eating-disorder"], "depression-eating-disorder-liaison"),
        (["lifestyle"], ["eating-disorder"], "depression-eating-disorder-liaison"),
        (["self-esteem"], ["eating-disorder"], "depression-eating-disorder-liaison"),
        ([], [], None),
        (["lifestyle"], [], None),
    ],
)
def test_depression_with_an_eating_disorder_gets_one_liaison(
    engine, concerns: list[str], conditions: list[str], expected: str | None
) -> None:
    data = plan_for(
        engine, assessment({"phq9": MODERATE_PHQ9}, concerns=concerns, conditions=conditions)
    )
    liaisons = _liaisons(data)
    assert [o["id"] for o in liaisons] == ([expected] if expected else [])
    assert bool(_cautioned_steps(data)) == bool(expected)
    for objective in liaisons:  # a gate-like contact: outside the limit, never deferred
        assert objective["liaison"] is True and objective["phase"] == "now"
