"""Scenario tests for the clinician's read 10, N-M1: each fails without its fix.

* With a cardiac condition, progressive muscle relaxation waits behind the medical clearance
  (the ``medical-clearance`` gate's ``with_conditions`` in data/stepped-care.yaml): slow breathing
  starts now, and the relaxation goal counts only the breathing. The clearance goal asks whether
  gentle muscle relaxation is suitable; the copy names no midwife.
* Without a cardiac condition (pregnancy, or anxiety alone) muscle relaxation starts now and the
  relaxation goal keeps its 20-minute practice.

S3 (a PHQ-9 for ``alcohol-anxiety-sleep``) is not built: see the session report.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
import yaml

from plan_helpers import all_objectives, all_steps
from planengine import Assessment
from planengine.render._plan import render_patient

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"
AS_OF = dt.date(2026, 12, 7)
CARDIAC_ENTRY = (
    "Starts once the cardiac team has agreed gentle muscle relaxation (gentle tension or release "
    "only), with the clearance goal; until then, slow breathing only."
)


def _example(engine, name: str):
    raw = yaml.safe_load((EXAMPLES / name).read_text())
    return engine.plan(Assessment.from_mapping(raw), as_of=AS_OF)


def _scenario(engine, conditions: list[str], concerns: list[str]):
    return engine.plan(Assessment.from_mapping({
        "planengine": 1,
        "patient": {"id": "P-read10"},
        "responses": [],
        "context": {"concerns": concerns, "conditions": conditions},
    }), as_of=AS_OF)


def _by_id(items: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    return {item["id"]: item for item in items}


def test_cardiac_muscle_relaxation_waits_for_the_clearance_and_breathing_starts_now(engine) -> None:
    plan = _example(engine, "lifestyle-stress-cardiac.yaml")
    data = plan.to_dict()
    steps = _by_id(all_steps(data))
    pmr = steps["stress-progressive-muscle-relaxation"]
    assert pmr["phase"] == "next"
    assert pmr["phasing"]["entry"] == CARDIAC_ENTRY
    assert "Medical clearance" in pmr["phasing"]["reason"]
    assert steps["stress-paced-breathing"]["phase"] == "now"
    objectives = _by_id(all_objectives(data))
    practice = objectives["stress-relaxation-practice"]
    assert practice["statement"].startswith(
        "Practise slow breathing when calm for 5 minutes on at least 5 days a week by"
    )
    assert practice["statement"].endswith(
        "; gentle muscle relaxation is added once the heart team agrees."
    )
    assert practice["frequency"]["duration_minutes"] == steps["stress-paced-breathing"]["duration_minutes"]
    assert "whether gentle muscle relaxation is suitable" in (
        objectives["lifestyle-medical-clearance"]["statement"]
    )
    copy = render_patient(plan)
    assert "midwife" not in copy
    assert "tense and relax your muscles" not in copy.lower()
    assert "| Slow breathing |" in copy


@pytest.mark.parametrize(
    ("conditions", "concerns"),
    [
        (["pregnancy"], ["stress", "lifestyle"]),  # the clearance gate, but no cardiac condition
        ([], ["stress", "lifestyle"]),
    ],
)
def test_without_a_cardiac_condition_muscle_relaxation_starts_now(engine, conditions, concerns) -> None:
    data = _scenario(engine, conditions, concerns).to_dict()
    steps = _by_id(all_steps(data))
    assert ("lifestyle-medical-clearance" in steps) == bool(conditions)
    assert steps["stress-progressive-muscle-relaxation"]["phase"] == "now"
    practice = _by_id(all_objectives(data))["stress-relaxation-practice"]
    assert practice["frequency"]["duration_minutes"] == 20
    assert "muscle relaxation, then paced breathing" in practice["statement"]
    if conditions:
        clearance = _by_id(all_objectives(data))["lifestyle-medical-clearance"]
        assert "midwife" in clearance["statement"]
        assert "muscle relaxation" not in clearance["statement"]


def test_cardiac_clearance_without_relaxation_does_not_ask_about_it(engine) -> None:
    data = _scenario(engine, ["cardiac-condition"], ["lifestyle"]).to_dict()
    clearance = _by_id(all_objectives(data))["lifestyle-medical-clearance"]
    assert clearance["statement"].startswith("Confirm medical clearance and activity limits")
