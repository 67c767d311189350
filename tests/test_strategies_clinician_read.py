"""Scenario tests for the clinician's read of the issue 12 example plans
(/work/clinician-read-copy.md): each test fails without its data fix.

* M4: the alcohol withdrawal-risk assessment gives the full AUDIT and the SADQ or LDQ, asks about
  past withdrawal seizures or delirium tremens and units a day, refers the same week for
  assessment for medically assisted withdrawal, and sets no cut-down target before it (R-SC10,
  NICE CG115 [S9]); a seizure disorder raises the danger of withdrawal, it does not point to
  dependence.
* M6: nightmares in the patient's words are a sleep problem, not trauma (R-SC13 [S6]).
* M7: bipolar disorder: no sleep restriction or compression, also in the CBT-I referral (R-SC11).
* The trauma referral's open-flag caution fits any flag kind; assertiveness with documented
  intimate-partner violence; dependence questions before cut-down advice; psychosis liaison holds
  thought challenging.
"""

from __future__ import annotations

from typing import Any

import pytest

from plan_helpers import all_objectives, all_steps, engine_without_cbti
from test_strategies_scenarios import RISK_ASKED, assessment, excluded, plan_for, problem, step_ids

SEVERE_ISI = [3, 3, 3, 3, 2, 3, 3]  # 20
MODERATE_PHQ9 = [2, 1, 2, 2, 1, 2, 1, 1, 0]  # 12
DEPENDENT = {"audit-c": [4, 4, 3]}  # 11: possible dependence (R-SC10)


def _steps(data: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {s["id"]: s for s in all_steps(data)}


def _text(step: dict[str, Any]) -> str:
    return " ".join([step["title"], step["description"], *step.get("steps", [])])


# -- M4: alcohol dependence ------------------------------------------------------------------------


def test_withdrawal_assessment_refers_for_assisted_withdrawal_with_the_full_questions(engine) -> None:
    data = plan_for(engine, assessment({**DEPENDENT, "isi": SEVERE_ISI}, sex="male"))
    step = _steps(data)["alcohol-withdrawal-risk-assessment"]
    text = _text(step)
    for needed in ("full 10-item AUDIT", "SADQ or the LDQ", "morning drinking", "shakes",
                   "past withdrawal seizures or delirium tremens", "units a day",
                   "Refer the same week to the GP or a specialist alcohol service",
                   "medically assisted withdrawal", "not to stop"):
        assert needed in text, needed
    assert "plans a safe withdrawal" not in text  # a therapist does not plan it alone
    assert "75 % probability in men, 88 % in women" in step["description"]
    # the left-out fuller assessment says what the kept step really covers
    reason = excluded(data)["alcohol-further-assessment"]["reason"]
    assert "SADQ or LDQ" in reason and "refers the same week" in reason


def test_no_cut_down_target_before_the_withdrawal_assessment_and_the_diary_is_kept(engine) -> None:
    data = plan_for(engine, assessment({**DEPENDENT, "isi": SEVERE_ISI, "phq9": MODERATE_PHQ9},
                                       sex="male"))
    ids = {o["id"] for o in all_objectives(data)}
    assert "alcohol-drinking-within-limit" not in ids
    assert "NICE CG115 favours abstinence" in excluded(data)["alcohol-drinking-within-limit"]["reason"]
    # the drinks diary (units a day, for the withdrawal decision) is not the objective deferred
    assert "alcohol-drinks-diary" in ids
    assert "alcohol-drinks-diary" in step_ids(data)


def test_a_seizure_disorder_is_not_called_a_sign_of_dependence(engine) -> None:
    data = plan_for(engine, assessment({"audit-c": [2, 1, 0], "isi": SEVERE_ISI}, sex="female",
                                       conditions=["seizure-disorder"]))
    # Below AUDIT-C 10 the seizure disorder is not a withdrawal-risk trigger (clinician read 2,
    # N5): the dependence questions are asked at this visit instead.
    assert "alcohol-withdrawal-risk-assessment" not in _steps(data)
    step = _steps(data)["alcohol-further-assessment"]
    assert "does not point to dependence" in step["description"]
    assert "withdrawal seizures" in step["description"]
    for plan_step in all_steps(data):
        assert "seizure disorder with a positive AUDIT-C points" not in _text(plan_step)


def test_sleep_restriction_is_held_until_the_withdrawal_assessment(engine) -> None:
    dependent = assessment({**DEPENDENT, "isi": SEVERE_ISI}, sex="male")
    # a step of its own only without a CBT-I referral (read 9, M2): there it is held
    restriction = _steps(plan_for(engine_without_cbti(), dependent))["sleep-sleep-restriction"]
    assert restriction["status"] == "held"
    assert any(n.startswith("Held (withdrawal-risk-first)") for n in restriction["notes"])
    # with the referral, the hold goes to the CBT-I provider
    referral = _steps(plan_for(engine, dependent))["sleep-cbti-referral"]
    assert any(n.startswith("Caution (withdrawal-risk-first)") for n in referral["notes"])


def test_dependence_questions_come_before_cut_down_advice_below_the_trigger(engine) -> None:
    # AUDIT-C 7: no withdrawal-risk assessment, but the dependence and withdrawal questions still
    # come first, before the brief intervention's cut-down advice.
    data = plan_for(engine, assessment({"audit-c": [3, 2, 2], "gad7": [2, 2, 2, 1, 1, 1, 1]},
                                       sex="male"))
    alcohol = problem(data, "alcohol")
    ids = [s["id"] for s in alcohol["interventions"]]
    assert ids.index("alcohol-further-assessment") < ids.index("alcohol-brief-intervention")
    brief = alcohol["interventions"][ids.index("alcohol-brief-intervention")]
    assert brief["steps"][0].startswith("First ask about morning drinking, shakes")


# -- M6: nightmares are not trauma -----------------------------------------------------------------


def test_nightmares_alone_link_to_sleep_and_ask_about_trauma_exposure(engine) -> None:
    data = plan_for(engine, assessment({"isi": SEVERE_ISI}, conditions=["pregnancy"],
                                       patient_goals=["Stop the nightmares that wake me every night"]))
    assert "trauma" not in {p["area"] for p in data["problems"]}
    ids = step_ids(data)
    assert not {"trauma-trauma-assessment-referral", "trauma-trauma-psychoeducation"} & ids
    question = _steps(data)["sleep-trauma-exposure-question"]
    assert question["delivery"] == "clinician-led"
    assert "PC-PTSD-5 or the PCL-5" in question["description"]
    assert {"sleep-nightmare-log", "sleep-imagery-rehearsal-referral"} <= ids


def test_with_probable_ptsd_the_nightmare_goal_is_kept_and_irt_goes_with_trauma_care(engine) -> None:
    pcl5 = [3, 3, 2, 3, 2, 3, 3, 1, 2, 2, 3, 2, 2, 2, 2, 0, 3, 3, 2, 3]
    data = plan_for(engine, assessment({"pc-ptsd-5": [1, 1, 1, 1, 0], "pcl5": pcl5, "isi": SEVERE_ISI},
                                       concerns=["emotional-awareness"],
                                       patient_goals=["Stop the nightmares so I can sleep"]))
    trauma = problem(data, "trauma")
    # the patient's nightmare goal is kept, as imagery rehearsal within the trauma therapy; it
    # waits with its step, since the therapy starts only once the referral is taken up (read 6)
    nightmares = {o["id"]: o for o in trauma["objectives"]}["trauma-nightmare-treatment"]
    assert "with the trauma therapist" in nightmares["statement"]
    assert nightmares["phase"] == "next"
    steps = _steps(data)
    assert "sleep-trauma-exposure-question" not in steps  # trauma is established by the PCL-5
    # one service: no separate IRT referral or assessment appointment beside the trauma referral
    assert "sleep-imagery-rehearsal-referral" not in steps
    assert "sleep-nightmare-treatment" not in {o["id"] for o in problem(data, "sleep")["objectives"]}
    irt = steps["trauma-imagery-rehearsal"]
    assert (irt["phase"], irt["phasing"]["rule"]) == ("next", "stepped-care.after-referral")
    assert irt["intensity"] == "low" and irt["delivery"] == "clinician-led"
    assert steps["trauma-trauma-therapy-referral"]["phase"] == "now"
    assert "sleep-nightmare-log" in steps  # the count starts now, as the baseline


def test_nightmares_with_a_trauma_concern_only_are_raised_at_the_trauma_assessment(engine) -> None:
    data = plan_for(engine, assessment({"isi": SEVERE_ISI}, concerns=["trauma"],
                                       patient_goals=["Stop the nightmares so I can sleep"]))
    steps = _steps(data)
    irt = steps["trauma-imagery-rehearsal"]
    assert irt["title"] == "Raise the nightmares at the trauma assessment"
    assert irt["phase"] == "now"
    assert "sleep-imagery-rehearsal-referral" not in steps


def test_flashbacks_still_link_to_trauma(engine) -> None:
    data = plan_for(engine, assessment(patient_goals=["Stop the flashbacks"]))
    assert "trauma" in {p["area"] for p in data["problems"]}


# -- M7: bipolar disorder and stimulus control -------------------------------------------------------


def test_bipolar_cbti_referral_allows_no_sleep_restriction(engine) -> None:
    data = plan_for(engine, assessment({"isi": SEVERE_ISI}, conditions=["bipolar-disorder"]))
    referral = _steps(data)["sleep-cbti-referral"]
    assert "sleep restriction" not in referral["description"].replace("no sleep restriction", "")
    notes = " ".join(referral["notes"])
    assert "no sleep restriction or compression" in notes
    assert "prescriber or bipolar service" in notes
    assert "higher time-in-bed floor" not in notes


@pytest.mark.parametrize(("condition", "words"), [
    ("bipolar-disorder", "fixed bedtime and a minimum time in bed"),
    ("hazardous-occupation", "no driving or machinery when sleepy"),
    ("pregnancy", "risk of falls"),
])
def test_stimulus_control_is_cautioned(engine, condition, words) -> None:
    data = plan_for(engine, assessment({"isi": SEVERE_ISI, "phq9": RISK_ASKED}, conditions=[condition]))
    step = _steps(data)["sleep-stimulus-control"]
    assert step["status"] == "caution"
    assert words in " ".join(step["notes"])


# -- trauma referral with an open flag of any kind ------------------------------------------------------


def test_trauma_referral_open_flag_caution_fits_any_flag_kind(engine) -> None:
    pcl5 = [3, 3, 2, 3, 2, 3, 3, 1, 2, 2, 3, 2, 2, 2, 2, 2, 3, 3, 2, 3]  # item 16 endorsed
    data = plan_for(engine, assessment({"pcl5": pcl5}))
    notes = " ".join(_steps(data)["trauma-trauma-therapy-referral"]["notes"])
    assert "review the open risk flag (suicide risk, self-destructive behaviour or abuse)" in notes
    assert "plan for suicide risk" not in notes
    readiness = _steps(data)["trauma-readiness-check"]["description"]
    assert "open risk flag (suicide risk, self-destructive behaviour or abuse)" in readiness


# -- assertiveness with intimate-partner violence ---------------------------------------------------


def test_assertiveness_with_ipv_agrees_goals_after_the_safety_assessment(engine) -> None:
    data = plan_for(engine, assessment(concerns=["assertiveness"],
                                       conditions=["intimate-partner-violence"],
                                       patient_goals=["Say no to my partner"]))
    ids = step_ids(data)
    assert "assertiveness-gas-review" not in ids  # nothing to review: every objective is left out
    assert "assertiveness-gas-review" in excluded(data)
    step = _steps(data)["assertiveness-after-safety-assessment"]
    assert step["delivery"] == "clinician-led"
    without = plan_for(engine, assessment(concerns=["assertiveness"]))
    assert "assertiveness-gas-review" in step_ids(without)
    assert "assertiveness-after-safety-assessment" not in step_ids(without)


# -- psychosis: liaison before thought challenging ------------------------------------------------------


def test_thought_challenging_is_held_until_the_psychosis_liaison(engine) -> None:
    data = plan_for(engine, assessment({"phq9": MODERATE_PHQ9}, conditions=["psychosis"],
                                       concerns=["self-esteem"]))
    steps = _steps(data)
    gated = [s for s in steps.values() if any("psychosis team" in n for n in s.get("notes", []))]
    assert any(s["id"].endswith("catch-automatic-thoughts") for s in gated)
    for step in gated:
        assert step["status"] == "held", step["id"]
        assert any(n.startswith("Held (psychosis)") for n in step["notes"])
    assert any(s["id"].endswith("psychosis-team-liaison") for s in steps.values())
