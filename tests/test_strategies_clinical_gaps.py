"""Scenario tests for issue 12 (items 2, 3 and 8): alcohol withdrawal risk, bipolar depression
and the specific gaps (pregnancy, psychosis, sleep apnoea, nightmares, eating disorder, WHO-5,
PHQ-9 headings). Same style as ``test_strategies_scenarios.py``: read the plan as a clinician.

Numbers from the clinical brief (stepped-care.md §5-§7, §11): R-SC10 (AUDIT-C >= 10 means a
withdrawal assessment before any cut-down step; never advise abrupt stopping), R-SC11 (bipolar:
no sleep restriction, no antidepressant-only plan, mood-elevation monitoring), R-SC13
(nightmares: IRT via a clinician).
"""

from __future__ import annotations

import re
from typing import Any

import pytest

from plan_helpers import all_objectives, all_steps
from test_strategies_scenarios import assessment, excluded, plan_for, problem, step_ids

SEVERE_ISI = [3, 3, 3, 3, 2, 3, 3]  # 20
MODERATE_PHQ9 = [2, 1, 2, 2, 1, 2, 1, 1, 0]  # 12
SEVERE_PHQ9 = [3, 2, 2, 3, 2, 2, 2, 1, 0]  # 17, item 9 not endorsed

# -- item 2: alcohol withdrawal risk (R-SC10) ---------------------------------------------------

#: Steps whose text advises changing drinking: each must wait for the withdrawal-risk assessment.
CUT_DOWN_WORDS = re.compile(
    r"alcohol-free period|avoid alcohol|alcohol low|cut down|personal goal|drink no alcohol",
    re.IGNORECASE,
)
WITHDRAWAL_STEP = "alcohol-withdrawal-risk-assessment"

WITHDRAWAL_RISK = {
    # AUDIT-C 10-12: about 75 % (men) / 88 % (women) probability of dependence [S11]
    "audit-c-11-man": dict(responses={"audit-c": [4, 4, 3]}, sex="male"),
    "audit-c-10-woman": dict(responses={"audit-c": [4, 3, 3]}, sex="female"),
    "substance-use-disorder": dict(
        responses={"audit-c": [2, 1, 1]}, sex="male", conditions=["substance-use-disorder"]
    ),
    "seizure-disorder-positive-audit-c": dict(
        responses={"audit-c": [2, 1, 0]}, sex="female", conditions=["seizure-disorder"]
    ),
}


def _case(name: str, **more: Any) -> Any:
    spec = dict(WITHDRAWAL_RISK[name])
    responses = {**spec.pop("responses"), "isi": SEVERE_ISI, **more.pop("responses", {})}
    return assessment(responses, **spec, **more)


def _text(step: dict[str, Any]) -> str:
    return " ".join([step["title"], step["description"], *step.get("steps", [])])


@pytest.mark.parametrize("name", sorted(WITHDRAWAL_RISK))
def test_withdrawal_risk_assessment_comes_first_and_is_urgent(engine, name) -> None:
    data = plan_for(engine, _case(name, concerns=["lifestyle"]))
    routine = [p for p in data["problems"] if p["area"] != "safety"]
    assert routine[0]["area"] == "alcohol"  # ranked right after safety
    alcohol = routine[0]
    assert alcohol["interventions"][0]["id"] == WITHDRAWAL_STEP
    first = alcohol["objectives"][0]
    assert first["id"] == WITHDRAWAL_STEP and first["urgent"] is True
    assert first["due_date"] == "2026-11-25"  # at this visit
    text = _text(alcohol["interventions"][0])
    for needed in ("SADQ", "seizures", "delirium tremens", "assisted withdrawal", "not to stop"):
        assert needed in text
    # the fuller assessment is part of it, and comes first: not listed twice
    assert excluded(data)["alcohol-further-assessment"]["rule"].startswith("contraindication.")


@pytest.mark.parametrize("name", sorted(WITHDRAWAL_RISK))
def test_no_step_advises_changing_drinking_before_the_withdrawal_assessment(engine, name) -> None:
    data = plan_for(engine, _case(name, concerns=["lifestyle"]))
    steps = {s["id"]: s for s in all_steps(data)}
    gated = 0
    for step in steps.values():
        if step["id"] == WITHDRAWAL_STEP or not CUT_DOWN_WORDS.search(_text(step)):
            continue
        waits = WITHDRAWAL_STEP in step.get("requires", []) or any(
            note.startswith("Caution (withdrawal-risk-first)") for note in step["notes"]
        )
        assert waits, step["id"]
        gated += 1
    assert gated
    brief = steps["alcohol-brief-intervention"]
    assert brief["requires"] == [WITHDRAWAL_STEP]
    for step_id in ("sleep-alcohol-and-sleep", "sleep-sleep-hygiene", "lifestyle-regular-meals"):
        assert steps[step_id]["status"] == "caution"
        assert "after the withdrawal-risk assessment" in " ".join(steps[step_id]["notes"])
    # the sleep hygiene and meal advice no longer tell the patient to cut alcohol themselves
    assert not re.search(r"avoid alcohol|alcohol low", _text(steps["sleep-sleep-hygiene"]))
    assert not re.search(r"avoid alcohol|alcohol low", _text(steps["lifestyle-regular-meals"]))
    target = next(o for o in all_objectives(data) if o["id"] == "alcohol-audit-c-below-cutoff")
    assert "never by stopping suddenly" in target["statement"]


def test_without_withdrawal_risk_the_brief_intervention_starts_at_once(engine) -> None:
    data = plan_for(engine, assessment({"audit-c": [3, 2, 2], "isi": SEVERE_ISI}, sex="male"))  # 7
    steps = {s["id"]: s for s in all_steps(data)}
    assert WITHDRAWAL_STEP not in steps
    assert "requires" not in steps["alcohol-brief-intervention"]
    assert "alcohol-further-assessment" in steps
    assert steps["sleep-alcohol-and-sleep"]["status"] == "active"
    assert "avoid alcohol" in _text(steps["sleep-sleep-hygiene"])


def test_a_substance_use_disorder_without_an_alcohol_problem_adds_no_alcohol_step(engine) -> None:
    data = plan_for(engine, assessment({"isi": SEVERE_ISI}, conditions=["substance-use-disorder"]))
    assert "alcohol" not in {p["area"] for p in data["problems"]}
    hygiene = next(s for s in all_steps(data) if s["id"] == "sleep-sleep-hygiene")
    assert hygiene["status"] == "active"


def test_in_pregnancy_with_withdrawal_risk_there_is_no_stop_now_advice(engine) -> None:
    data = plan_for(engine, _case("audit-c-10-woman", conditions=["pregnancy"]))
    target = next(o for o in all_objectives(data) if o["id"] == "alcohol-audit-c-below-cutoff")
    assert not target["statement"].startswith("From now on")
    assert "withdrawal-risk assessment" in target["statement"]
    assert "midwife or obstetric team" in target["statement"]
    assert "never by stopping suddenly" in target["statement"]


# -- item 8: sleep gaps ------------------------------------------------------------------------------


def test_sleep_restriction_in_pregnancy_is_cautioned(engine) -> None:
    data = plan_for(engine, assessment({"isi": SEVERE_ISI}, conditions=["pregnancy"]))
    steps = {s["id"]: s for s in all_steps(data)}
    for step_id in ("sleep-sleep-restriction", "sleep-cbti-referral"):
        assert steps[step_id]["status"] == "caution"
        notes = " ".join(steps[step_id]["notes"])
        assert "Caution (pregnancy)" in notes and "midwife or obstetric team" in notes


def test_documented_sleep_apnoea_is_referred_for_treatment_before_or_alongside_cbti(engine) -> None:
    data = plan_for(engine, assessment({"isi": SEVERE_ISI}, conditions=["sleep-apnoea"]))
    sleep = problem(data, "sleep")
    ids = [s["id"] for s in sleep["interventions"]]
    assert "sleep-apnoea-treatment-referral" in ids
    assert ids.index("sleep-apnoea-treatment-referral") < ids.index("sleep-cbti-referral")
    referral = sleep["interventions"][ids.index("sleep-apnoea-treatment-referral")]
    assert referral["delivery"] == "referral" and "alongside CBT-I" in referral["description"]
    assert "sleep-sleep-restriction" in excluded(data)
    without = plan_for(engine, assessment({"isi": SEVERE_ISI}))
    assert "sleep-apnoea-treatment-referral" not in step_ids(without)
