"""Scenario tests for the clinician's read 8 of the bipolar, IPV and pregnancy plans (S5, S6 and
the rest of N7): each fails without its fix.

* S5, bipolar depression: the NICE NG222 "more severe" meaning gives way to NICE CG185 in the
  scores and the PHQ-9 goal; IPT is a choice; a daily mood-elevation check with an action plan
  and an out-of-hours row on the copy; early-warning signs agreed once, not weekly for 16 weeks;
  the talk with the prescriber in the patient's words; the merged diary line asks only the mood.
* S6, IPV: the private safety assessment also tracks the offer of specialist support and a safe
  way and time to make contact, in words that name no abuse, and none of it reaches the copy.
* N7, pregnancy: the midwife or GP hears about the plan; the imagery-rehearsal goal waits for its
  referral (no due date before the step can start).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
import yaml

from plan_helpers import example_plan as _example_plan
from plan_helpers import steps_by_id as _steps
from planengine import Assessment
from planengine.render._plan import render_goals, render_markdown, render_patient
from test_strategies_scenarios import assessment, plan_for, problem

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"
AS_OF = dt.date(2026, 12, 7)
PHQ9_17 = [3, 2, 2, 3, 2, 2, 2, 1, 0]
ISI_17 = [2, 3, 2, 3, 2, 2, 3]
NG222_MEANING = "NICE NG222 'more severe' depression"


def _objectives(data: dict[str, Any], area: str) -> dict[str, dict[str, Any]]:
    return {o["id"]: o for o in problem(data, area)["objectives"]}


def _bipolar(**context: Any) -> Assessment:
    return assessment({"phq9": PHQ9_17, "isi": ISI_17}, conditions=["bipolar-disorder"], **context)


# -- S5: bipolar depression ------------------------------------------------------------------


@pytest.mark.parametrize("conditions", [["bipolar-disorder"], []])
def test_the_ng222_more_severe_meaning_gives_way_to_cg185_with_bipolar_disorder(
    engine, conditions
) -> None:
    item = assessment({"phq9": PHQ9_17}, conditions=conditions)
    data = plan_for(engine, item)
    row = data["scores"][0]
    assert "phq9.nice-more-severe" in row["cutoffs_met"]  # the score still meets it: a fact
    text = render_markdown(engine.plan(item, as_of=AS_OF))
    scores = text.split("## Scores", 1)[1].split("##", 1)[0]
    if conditions:
        assert row["cutoffs_not_applicable"] == {"phq9.nice-more-severe": "bipolar-disorder"}
        assert NG222_MEANING not in text  # neither in the body nor in the appendix's full table
        assert "NICE CG185 (bipolar disorder) applies" in scores
    else:
        assert "cutoffs_not_applicable" not in row
        assert NG222_MEANING in scores


def test_the_bipolar_phq9_goal_says_nothing_of_ng222(engine) -> None:
    data = plan_for(engine, _bipolar())
    goal = _objectives(data, "depression")["depression-phq9-improvement"]
    assert "NG222" not in goal["rationale"] and "'more severe'" not in goal["rationale"]
    assert "NICE CG185" in goal["rationale"]
    # without bipolar disorder the NICE split still explains the target
    plain = plan_for(engine, assessment({"phq9": PHQ9_17}))
    assert (
        "'more severe'"
        in _objectives(plain, "depression")["depression-phq9-improvement"]["rationale"]
    )


def test_ipt_is_a_choice_for_bipolar_depression_only(engine) -> None:
    data = plan_for(engine, _bipolar())
    choice = next(c for c in data["choices"] if c["area"] == "depression")
    options = {o["id"]: o for o in choice["options"]}
    assert "interpersonal-therapy" in options and choice["chosen"] != "interpersonal-therapy"
    chosen = plan_for(engine, _bipolar(), choices={"depression": "interpersonal-therapy"})
    ipt = _steps(chosen)["depression-ipt-sessions"]
    # it waits for the prescriber liaison (clinician read 9, S5); no session count invented
    assert ipt["phase"] == "next" and ipt.get("course_weeks") is None
    assert any(c.startswith("S12:") for c in ipt["citations"])
    unipolar = plan_for(engine, assessment({"phq9": PHQ9_17}))
    depression = next(c for c in unipolar["choices"] if c["area"] == "depression")
    assert "interpersonal-therapy" not in {o["id"] for o in depression["options"]}


def test_mania_is_monitored_by_a_daily_check_with_an_action_plan_agreed_once(engine) -> None:
    data = plan_for(engine, _bipolar())
    goal = _objectives(data, "depression")["depression-mood-elevation-monitoring"]
    assert "mood-elevation check" in goal["statement"] and "action plan" in goal["statement"]
    steps = _steps(data)
    assert "mood-elevation check" in steps["depression-mood-sleep-chart"]["description"]
    signs = steps["depression-early-warning-signs"]
    # agreed once in session and checked at each review: no 16-week weekly task
    assert signs.get("frequency") is None and signs.get("course_weeks") is None
    assert any("out of hours" in s for s in signs["steps"])


def test_the_bipolar_copy_speaks_to_the_patient_and_gives_an_out_of_hours_row(engine) -> None:
    text = render_patient(_example_plan(engine, "bipolar-depression.yaml"))
    assert "Review the treatment of bipolar depression" not in text
    assert (
        "Your clinician will talk with your prescriber (or bipolar service) about this plan"
        in text
    )
    contacts = text.split("## Who to contact", 1)[1].split("##", 1)[0]
    assert "| Out of hours, if your mood goes very high or very low |  |" in contacts
    # the diary line has the bed and wake times: the joined mood chart does not ask them again
    how = text.split("Sleep diary – includes your mood each day:**", 1)[1].split("\n- ", 1)[0]
    assert how.count("bed and wake times") == 2  # "already has ..." and the regular-times rule
    assert "note hours slept and bed and wake times" not in how
    assert "rate your mood from -5" in how
    # no out-of-hours row on a copy without the early-warning plan
    other = render_patient(_example_plan(engine, "moderate-phq9-gad7-isi.yaml"))
    assert "Out of hours" not in other


# -- S6: intimate-partner violence ------------------------------------------------------------


FOLLOW_ONS = ("safety-specialist-support-offered", "safety-safe-contact-agreed")


def test_the_private_assessment_tracks_the_specialist_offer_and_a_safe_contact(engine) -> None:
    plan = _example_plan(engine, "relationships-with-ipv.yaml")
    data = plan.to_dict()
    goals = _objectives(data, "safety")
    step = _steps(data)["safety-private-assessment"]
    for goal_id in FOLLOW_ONS:
        goal = goals[goal_id]
        assert goal["due_date"] == AS_OF.isoformat() and goal["phase"] == "now"
        assert goal_id in step["objectives"]
        # a goal file and a review may be seen by others: the words name no abuse
        assert not {"abuse", "violence", "partner"} & set(
            goal["statement"].lower().replace(",", " ").split()
        )
    assert "safe way and time to make contact" in goals[FOLLOW_ONS[1]]["statement"]
    goal_file = yaml.safe_load(render_goals(plan))
    assert set(FOLLOW_ONS) <= {g["id"] for g in goal_file["goals"]}
    copy = render_patient(plan)  # the copy stays private: none of this on it
    assert "specialist support" not in copy and "safe way" not in copy


def test_no_private_flag_no_private_follow_on_goals(engine) -> None:
    data = _example_plan(engine, "severe-with-risk-flag.yaml").to_dict()
    assert not set(FOLLOW_ONS) & {o["id"] for p in data["problems"] for o in p["objectives"]}


# -- N7: pregnancy ---------------------------------------------------------------------------


def test_in_pregnancy_the_midwife_or_gp_hears_about_the_plan(engine) -> None:
    plan = _example_plan(engine, "pregnancy-insomnia-nightmares.yaml")
    step = _steps(plan.to_dict())["sleep-pregnancy-liaison"]
    assert step["phase"] == "now" and step["delivery"] == "clinician-led"
    assert "midwife or GP" in step["title"]
    copy = render_patient(plan)
    assert "your clinician will tell your midwife or GP about this plan" in copy
    assert "Tell the midwife or GP about this plan" not in copy  # the patient takes no part
    without = plan_for(engine, assessment({"isi": ISI_17}))
    assert "sleep-pregnancy-liaison" not in _steps(without)


def test_the_pregnancy_irt_goal_is_not_due_before_its_referral_can_start(engine) -> None:
    plan = _example_plan(engine, "pregnancy-insomnia-nightmares.yaml")
    data = plan.to_dict()
    irt = _objectives(data, "sleep")["sleep-nightmare-treatment"]
    referral = _steps(data)["sleep-imagery-rehearsal-referral"]
    assert referral["phase"] == "next" and irt["phase"] == "next"
    goal_file = yaml.safe_load(render_goals(plan))
    assert "sleep-nightmare-treatment" not in {g["id"] for g in goal_file["goals"]}
    assert "sleep-nightmare-treatment" in {g["id"] for g in goal_file["x-waiting-goals"]}
