"""Scenario tests for the clinician's second read (/work/clinician-read-2-copy.md), data fixes
only: each test fails without its change in plugins/*/strategy.yaml or src/planengine/data.

* N5: a seizure disorder with AUDIT-C below 10 is not a withdrawal-risk trigger (R-SC10): the
  dependence questions are asked at this visit, and the alcohol-and-sleep talk stays active.
"""

from __future__ import annotations

from typing import Any

import pytest

from plan_helpers import all_objectives, all_steps
from test_strategies_scenarios import assessment, plan_for

SEVERE_ISI = [3, 3, 3, 3, 2, 3, 3]  # 20
MODERATE_PHQ9 = [2, 1, 2, 2, 1, 2, 1, 1, 0]  # 12


def _steps(data: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {s["id"]: s for s in all_steps(data)}


def _text(step: dict[str, Any]) -> str:
    return " ".join([step["title"], step["description"], *step.get("steps", [])])


def _notes(item: dict[str, Any]) -> str:
    return " ".join(item.get("notes", []))


# -- N5: seizure disorder with AUDIT-C below 10 ---------------------------------------------------


@pytest.mark.parametrize("answers, sex", [([1, 1, 1], None), ([2, 1, 0], "female"), ([3, 3, 2], "male")])
def test_a_seizure_disorder_below_audit_c_10_is_not_possible_dependence(engine, answers, sex) -> None:
    context: dict[str, Any] = {"conditions": ["seizure-disorder"]}
    if sex:
        context["sex"] = sex
    data = plan_for(engine, assessment({"audit-c": answers, "isi": SEVERE_ISI}, **context))
    steps = _steps(data)
    assert "alcohol-withdrawal-risk-assessment" not in steps
    assert "alcohol-withdrawal-risk-assessment" not in {o["id"] for o in all_objectives(data)}
    everything = " ".join(_text(s) for s in steps.values())
    everything += " ".join(e["reason"] for e in data["excluded"])
    assert "possible dependence" not in everything
    # the dependence and withdrawal questions at this visit; referral only if they are positive
    further = _text(steps["alcohol-further-assessment"])
    for needed in ("at this visit", "full 10-item AUDIT", "past withdrawal seizures or delirium tremens",
                   "every day", "only if they are positive", "seizure trigger"):
        assert needed in further, needed
    assert "cut down gradually" in _text(steps["alcohol-brief-intervention"]).lower()
    assert "not stop suddenly" in _text(steps["alcohol-brief-intervention"])
    # a cut-down target is set as usual; the alcohol-and-sleep talk stays active
    assert "alcohol-audit-c-below-cutoff" in {o["id"] for o in all_objectives(data)}
    talk = steps["sleep-alcohol-and-sleep"]
    assert talk["status"] == "active"
    assert "seizure triggers" in talk["description"]


def test_a_seizure_disorder_with_audit_c_10_still_gets_the_withdrawal_assessment(engine) -> None:
    data = plan_for(engine, assessment({"audit-c": [4, 3, 3], "isi": SEVERE_ISI}, sex="male",
                                       conditions=["seizure-disorder"]))
    steps = _steps(data)
    assert "possible dependence" in steps["alcohol-withdrawal-risk-assessment"]["description"]
    assert steps["sleep-alcohol-and-sleep"]["status"] == "held"


