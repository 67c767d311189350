"""Scenario tests for the clinician's second read (/work/clinician-read-2-copy.md), data fixes
only: each test fails without its change in plugins/planengine_builtins/strategies/*.yaml or src/planengine/data.

* N2: assertiveness confrontation coaching waits for a private IPV screen where the patient's own
  words name a partner or the plan has a relationships problem (clinical.md §7.6).
* N5: a seizure disorder with AUDIT-C below 10 is not a withdrawal-risk trigger (R-SC10): the
  dependence questions are asked at this visit, and the alcohol-and-sleep talk stays active.
* S4: sleep restriction and stimulus control start with a contraindication check.
* S5: trauma only in the patient's words leads to the exposure question and a screen.
* S6: psychosis cautions on sleep-shortening steps and the CBT-I referral.
* S10: the trauma readiness check asks directly about suicidal thoughts when no item 9 was given.
"""

from __future__ import annotations

from typing import Any

import pytest

from plan_helpers import all_objectives, all_steps, engine_without_cbti
from test_strategies_scenarios import RISK_ASKED, assessment, excluded, plan_for, problem, step_ids

SEVERE_ISI = [3, 3, 3, 3, 2, 3, 3]  # 20
MODERATE_PHQ9 = [2, 1, 2, 2, 1, 2, 1, 1, 0]  # 12

CONFRONTATION_STEPS = [
    "assertiveness-dear-man-script", "assertiveness-role-play", "assertiveness-graded-practice",
    "assertiveness-active-listening", "assertiveness-gas-review",
]
PRACTICE_OBJECTIVES = ["assertiveness-assertive-practice", "assertiveness-active-listening"]


def _steps(data: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {s["id"]: s for s in all_steps(data)}


def _text(step: dict[str, Any]) -> str:
    return " ".join([step["title"], step["description"], *step.get("steps", [])])


def _notes(item: dict[str, Any]) -> str:
    return " ".join(item.get("notes", []))


# -- N2: no confrontation coaching before the private IPV screen --------------------------------


@pytest.mark.parametrize(
    "goals",
    [
        ["Stand up to my husband when he shouts at me"],
        ["Say no to my boyfriend"],
        ["Stop my partner controlling my money"],
        ["Speak up to my fiancé about money"],  # no relationships problem: asked in this plan
    ],
)
def test_assertiveness_practice_waits_for_a_private_screen_when_a_partner_is_named(engine, goals):
    data = plan_for(engine, assessment(concerns=["assertiveness"], patient_goals=goals))
    steps = _steps(data)
    for step_id in CONFRONTATION_STEPS:
        assert steps[step_id]["status"] == "held", step_id
        assert "private screen" in _notes(steps[step_id])
    objectives = {o["id"]: o for o in all_objectives(data)}
    for objective_id in PRACTICE_OBJECTIVES:
        assert "after-ipv-screen" in _notes(objectives[objective_id]), objective_id
    # a private screen is in the plan, and it is not held (the core's private safety assessment
    # where the patient's words already speak of harm from someone else)
    screens = [
        s
        for s in ("relationships-ipv-screen", "assertiveness-ask-privately-first", "safety-private-assessment")
        if s in steps
    ]
    assert len(screens) == 1
    assert steps[screens[0]]["status"] == "active"


def test_assertiveness_practice_with_no_partner_named_starts_at_once(engine) -> None:
    data = plan_for(engine, assessment({"phq9": RISK_ASKED}, concerns=["assertiveness"],
                                       patient_goals=["Say no to extra shifts at work"]))
    steps = _steps(data)
    assert all(steps[s]["status"] == "active" for s in CONFRONTATION_STEPS)
    assert "assertiveness-ask-privately-first" not in steps


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
    assert "alcohol-drinking-within-limit" in {o["id"] for o in all_objectives(data)}
    talk = steps["sleep-alcohol-and-sleep"]
    assert talk["status"] == "active"
    assert "seizure triggers" in talk["description"]


def test_a_seizure_disorder_with_audit_c_10_still_gets_the_withdrawal_assessment(engine) -> None:
    data = plan_for(engine, assessment({"audit-c": [4, 3, 3], "isi": SEVERE_ISI}, sex="male",
                                       conditions=["seizure-disorder"]))
    steps = _steps(data)
    assert "possible dependence" in steps["alcohol-withdrawal-risk-assessment"]["description"]
    assert steps["sleep-alcohol-and-sleep"]["status"] == "held"


# -- S4: sleep restriction starts with a contraindication check ---------------------------------


@pytest.mark.parametrize("conditions", [[], ["older-adult"]])
def test_sleep_restriction_first_asks_about_contraindications(engine, conditions) -> None:
    # a step of its own only without a CBT-I referral (read 9, M2)
    data = plan_for(engine_without_cbti(), assessment({"isi": SEVERE_ISI}, conditions=conditions))
    first = _steps(data)["sleep-sleep-restriction"]["steps"][0]
    for needed in ("Before starting", "bipolar disorder", "seizures", "driving or machinery",
                   "sleep apnoea", "parasomnia", "pregnancy", "not evidence of absence"):
        assert needed in first, needed
    control = _steps(data)["sleep-stimulus-control"]["steps"][0]
    assert control.startswith("Before starting") and "bipolar disorder" in control


# -- S5: trauma in the patient's words alone ------------------------------------------------------


@pytest.mark.parametrize("goal", ["Get over the car accident", "I was abused as a child"])
def test_trauma_in_the_patients_words_alone_asks_about_exposure_first(engine, goal) -> None:
    data = plan_for(engine, assessment(patient_goals=[goal]))
    assert data["patient_goals"][0]["linked_areas"] == ["trauma"]
    trauma = problem(data, "trauma")
    assert trauma["interventions"][0]["id"] == "trauma-exposure-question"
    assert "PC-PTSD-5 or the PCL-5" in trauma["interventions"][0]["description"]
    assert "trauma-trauma-assessment" not in {o["id"] for o in trauma["objectives"]}
    assert "trauma-trauma-assessment-referral" not in step_ids(data)
    assert "trauma-trauma-assessment" in excluded(data)


def test_a_clinician_concern_about_trauma_still_gets_the_assessment(engine) -> None:
    data = plan_for(engine, assessment(concerns=["trauma"], patient_goals=["Get over the car accident"]))
    assert "trauma-trauma-assessment-referral" in step_ids(data)
    assert "trauma-exposure-question" not in step_ids(data)


# -- S6: psychosis ---------------------------------------------------------------------------------


def test_psychosis_cautions_sleep_shortening_steps_and_the_cbti_referral(engine) -> None:
    psychosis = assessment({"isi": SEVERE_ISI}, conditions=["psychosis"])
    steps = _steps(plan_for(engine, psychosis))
    # sleep restriction is a step of its own only without a CBT-I referral (read 9, M2)
    steps["sleep-sleep-restriction"] = _steps(plan_for(engine_without_cbti(), psychosis))[
        "sleep-sleep-restriction"
    ]
    for step_id in ("sleep-stimulus-control", "sleep-sleep-restriction", "sleep-cbti-referral"):
        notes = _notes(steps[step_id])
        assert "psychosis" in notes and "relapse" in notes, step_id


# -- S10: the trauma readiness check asks about suicide when item 9 was not given --------------


def test_the_trauma_readiness_check_asks_about_suicidal_thoughts_without_phq9(engine) -> None:
    pcl5 = [3] * 15 + [0] + [3] * 4  # probable PTSD, item 16 not endorsed
    without = _steps(plan_for(engine, assessment({"pcl5": pcl5})))["trauma-readiness-check"]
    assert "asks directly about suicidal thoughts" in without["description"]
    with_phq9 = _steps(plan_for(engine, assessment({"pcl5": pcl5, "phq9": MODERATE_PHQ9})))
    assert "asks directly about suicidal thoughts" not in with_phq9["trauma-readiness-check"]["description"]
