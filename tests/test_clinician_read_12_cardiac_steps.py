"""Scenario tests for clinician read 12, S5: under the cardiac caution the plan's own sub-steps
of progressive muscle relaxation say release only, as the copy does. Each fails without its fix.

lifestyle-stress-cardiac's appendix listed "Tense one muscle group for about 5-7 seconds" while
the clearance goal held the step and the caution asked for gentle tension or release only. A
caution's ``steps.replace`` (the clinician-side twin of ``patient.replace``) rewrites them.
"""

from __future__ import annotations

import copy
from pathlib import Path

import yaml

from plan_helpers import example_plan, steps_by_id
from planengine.strategies._validation import check_strategy_document, semantic_problem

PMR = "progressive-muscle-relaxation"


def _pmr(plan) -> dict:
    return next(step for key, step in steps_by_id(plan.to_dict()).items() if key.endswith(PMR))


def test_the_cardiac_plan_lists_no_tensing(engine) -> None:
    step = _pmr(example_plan(engine, "lifestyle-stress-cardiac.yaml"))
    # held while the risk question never asked is asked today (read 16, M1); the caution stays
    assert step["status"] == "held"
    assert any(n.startswith("Caution (cardiac-condition)") for n in step["notes"])
    assert not any("Tense one muscle group" in text for text in step["steps"])
    assert step["steps"][0].startswith("Muscle release only (no tensing) unless the cardiac team")
    # the copy keeps its own wording, rewritten from the sub-steps as written
    assert step["patient_steps"][0].startswith("Tense each muscle group only gently")
    assert step["patient_steps"][-1].startswith("Your clinician will check with your heart team")


def test_without_the_caution_the_steps_stay_as_written(engine) -> None:
    step = _pmr(example_plan(engine, "moderate-phq9-gad7-isi.yaml"))
    assert step["status"] != "caution"
    assert step["steps"][0].startswith("Tense one muscle group for about 5-7 seconds")


_RELAXATION = Path(__file__).parents[1] / "plugins/planengine_builtins/strategies/relaxation.yaml"


def test_a_rewrite_of_a_sub_step_the_step_does_not_have_is_refused() -> None:
    data = yaml.safe_load(_RELAXATION.read_text())
    check_strategy_document(data)  # as shipped: valid
    broken = copy.deepcopy(data)
    pmr = next(i for i in broken["interventions"] if i["id"] == "progressive-muscle-relaxation")
    cardiac = next(c for c in pmr["contraindications"] if c.get("condition") == "cardiac-condition")
    cardiac["steps"]["replace"] = {"Tense for ten seconds.": "Release only."}
    where, message = semantic_problem(broken)
    assert where.endswith(".contraindications[0].steps.replace")
    assert "is not one of the step's sub-steps" in message
