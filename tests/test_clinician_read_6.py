"""Scenario tests for the clinician's read 6 of the example plans: each fails without its fix.

* Imagery rehearsal for nightmares, with probable PTSD, is part of the trauma therapy and starts
  once that therapy has (``stepped-care.after-referral``): one service, not an IRT assessment
  appointment beside the trauma referral (in tests/test_strategies_clinician_read.py).
* A step done in the sessions of another (``in_sessions_of``) adds no appointment while that
  runs: problem-solving avoidance in each BA session, self-esteem work in the depression care.
* Goals that wait for their steps, or are held, carry no date on either copy.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from plan_helpers import example_plan as _example_plan
from plan_helpers import steps_by_id as _steps
from planengine import Assessment
from planengine.render._plan import render_patient
from test_strategies_scenarios import assessment, plan_for, problem

SEVERE_PHQ9 = [3, 3, 2, 3, 2, 2, 2, 2, 0]  # 19
MODERATE_PHQ9 = [2, 1, 2, 2, 1, 2, 1, 1, 0]  # 12
EXAMPLES = Path(__file__).resolve().parents[1] / "examples"
AS_OF = dt.date(2026, 12, 7)


def test_problem_solving_in_ba_sessions_adds_no_contact(engine) -> None:
    data = plan_for(engine, assessment({"phq9": SEVERE_PHQ9}))
    steps = _steps(data)
    assert steps["depression-ba-sessions"]["phase"] == "now"
    assert steps["depression-avoidance-problem-solving"]["in_sessions_of"] == ["depression-ba-sessions"]
    # one weekly BA session, not a second weekly appointment for problem-solving
    assert data["burden"]["now"]["clinician_contacts_per_week"] == 1


def test_self_esteem_work_within_depression_care_adds_no_contact(engine) -> None:
    data = plan_for(engine, assessment({"phq9": MODERATE_PHQ9}, concerns=["self-esteem"]))
    within = _steps(data)["self-esteem-restructuring-sessions"]
    assert within["title"] == "Self-esteem work within the depression care"
    assert within["in_sessions_of"] == ["area:depression"]
    without = plan_for(engine, assessment({"phq9": MODERATE_PHQ9}))
    # self-esteem adds its steps to the queue, but no appointment of its own
    assert (data["burden"]["next"]["clinician_contacts_per_week"]
            == without["burden"]["next"]["clinician_contacts_per_week"])


def test_patient_copy_lists_a_hosted_step_as_part_of_its_host(engine) -> None:
    raw = {"planengine": 1, "responses": [{"instrument": "phq9", "date": "2026-11-30",
                                           "answers": SEVERE_PHQ9}]}
    plan = engine.plan(Assessment.from_mapping(raw), as_of=AS_OF)
    text = render_patient(plan)
    line = next(x for x in text.splitlines() if "Solve the problems that stop you" in x)
    assert "not an extra appointment" in line and "once a week" not in line


@pytest.mark.parametrize(
    ("example", "later"),
    # (the trauma plan's waiting imagery-rehearsal goal is the therapist's, off the copy since
    # read 8, S4: tests/test_clinician_read_8_sequencing.py)
    [("trauma-pcl5-insomnia.yaml", None),
     ("severe-with-risk-flag.yaml", None)],
)
def test_a_goal_that_waits_or_is_held_has_no_date_on_the_patient_copy(engine, example, later) -> None:
    plan = _example_plan(engine, example)
    data = plan.to_dict()
    text = render_patient(plan)
    for p in data["problems"]:
        for o in p["objectives"]:
            if o.get("held") or o.get("phase") != "now":
                first = o["statement"].split(" by ")[0]
                for line in text.splitlines():
                    if line.startswith(f"- {first}"):
                        assert "202" not in line, line  # no date
    if later:
        assert any(line.startswith(f"- {later}") and "later, once its sessions start" in line
                   for line in text.splitlines())


def test_trauma_waiting_goal_has_no_review_date_on_the_clinician_plan(engine) -> None:
    data = plan_for(engine, assessment(
        {"pcl5": [3, 3, 2, 3, 2, 3, 3, 1, 2, 2, 3, 2, 2, 2, 2, 0, 3, 3, 2, 3]},
        patient_goals=["Stop the nightmares"]))
    assert {o["id"]: o["phase"] for o in problem(data, "trauma")["objectives"]}[
        "trauma-nightmare-treatment"] == "next"


@pytest.mark.parametrize(
    ("scores", "area"),
    [({"phq9": SEVERE_PHQ9}, "depression"),  # the depression plan takes the goal
     ({}, "wellbeing")],  # no depression in the plan: well-being opens, and asks for a PHQ-9
)
def test_feel_like_myself_again_is_the_depression_plans_goal_when_depression_is_measured(
    engine, scores, area
) -> None:
    data = plan_for(engine, assessment(scores, patient_goals=["I just want to feel like myself again"]))
    assert data["patient_goals"][0]["linked_areas"] == [area]
    assert {p["area"] for p in data["problems"]} - {"safety"} == {area}


def test_with_a_private_flag_the_crisis_box_asks_for_general_numbers_and_offers_to_keep_the_copy(
    engine,
) -> None:
    text = render_patient(_example_plan(engine, "relationships-with-ipv.yaml"))
    assert "general crisis numbers only" in text
    assert "leave this copy with your clinician" in text
    assert "abuse" not in text.lower() and "violence" not in text.lower()
    # without a private flag, neither line
    text = render_patient(_example_plan(engine, "severe-with-risk-flag.yaml"))
    assert "general crisis numbers only" not in text and "leave this copy" not in text


# -- read 7 ------------------------------------------------------------------------------------


def test_the_ipv_copy_names_no_problem_and_quotes_no_words(engine) -> None:
    text = render_patient(_example_plan(engine, "relationships-with-ipv.yaml"))
    assert "Say no without being afraid" not in text and "Assertiveness" not in text
    assert "We'll come back to the other things we talked about" in text


def test_possible_dependence_tracks_that_the_patient_is_seen_and_names_only_what_fired(engine) -> None:
    plan = _example_plan(engine, "alcohol-dependence-insomnia.yaml")
    data = plan.to_dict()
    alcohol = problem(data, "alcohol")
    objectives = {o["id"]: o for o in alcohol["objectives"]}
    seen = objectives["alcohol-seen-for-withdrawal-assessment"]
    assert seen["phase"] == "now" and seen["review_interval_days"] == 7
    rationale = objectives["alcohol-withdrawal-risk-assessment"]["rationale"]
    assert "AUDIT-C of 10 or more" in rationale
    assert "substance use disorder" not in rationale and "seizure" not in rationale  # not documented
    depression = problem(data, "depression")
    assert "whatever the drinking" in depression["phasing"]["entry"]
    copy = render_patient(plan)
    assert "seeing or hearing things that are not there, or a fit" in copy
    assert "medically assisted withdrawal" not in copy  # the goals in plain words


@pytest.mark.parametrize(
    ("scores", "primary", "cbti_phase"),
    [({"pcl5": [3, 3, 2, 3, 2, 3, 3, 1, 2, 2, 3, 2, 2, 2, 2, 0, 3, 3, 2, 3]}, "trauma", "next"),
     # R-SC12: alongside depression's low-intensity care (beside its own course it waits too:
     # read 8, S3, tests/test_clinician_read_8_sequencing.py)
     ({"phq9": MODERATE_PHQ9}, "depression", "now")],
)
def test_a_cbti_course_waits_beside_a_trauma_course_but_runs_beside_depression(
    engine, scores, primary, cbti_phase
) -> None:
    data = plan_for(engine, assessment({**scores, "isi": [3, 3, 3, 3, 2, 3, 3]}))
    steps = _steps(data)
    assert problem(data, "sleep")["phase"] == "now"  # the sleep self-help starts at once
    assert steps["sleep-cbti-referral"]["phase"] == cbti_phase
    assert data["burden"]["now"]["courses"] == 1  # the trauma course, or CBT-I on its own


def test_words_that_opened_a_risk_flag_stay_off_the_patients_copy(engine) -> None:
    text = render_patient(_example_plan(engine, "suicidal-words-in-goals.yaml"))
    assert "kill myself" not in text and "be here anymore" not in text
    assert "“Sleep better”" in text  # the other words are still theirs
    assert "written in your clinical record rather than on this copy" in text


def test_the_follow_up_call_has_a_date_and_a_name_line_and_is_the_only_near_promise(engine) -> None:
    text = render_patient(_example_plan(engine, "severe-with-risk-flag.yaml"))
    line = next(x for x in text.splitlines() if "will contact you" in x)
    assert "by 10 December 2026 (within 72 hours)" in line and "name: ____" in line
    review = next(x for x in text.splitlines() if x.startswith("- Next review"))
    assert "8 December" not in review  # the daily safety check is the clinician's, not a review


def test_a_caution_for_the_patients_condition_reaches_the_copy(engine) -> None:
    plan = _example_plan(engine, "lifestyle-stress-cardiac.yaml")
    # in the patient's words, rewriting the step (read 9, M1 replaced read 6's appended note);
    # the muscle relaxation now waits for the heart team (read 10, N-M1), so the rewritten
    # sub-steps are the step's own, for when it starts, and today's copy has the breathing only
    pmr = _steps(plan.to_dict())["stress-progressive-muscle-relaxation"]
    assert any("Tense each muscle group only gently" in s for s in pmr["patient_steps"])
    assert any("check with your heart team before you start" in s for s in pmr["patient_steps"])
    text = render_patient(plan)
    assert "gentle muscle relaxation is added once the heart team agrees" in text
    assert "Caution (" not in text  # no condition ids on the copy


def test_an_eating_disorder_liaison_is_tracked_and_the_copy_says_no_diet_before_it(engine) -> None:
    plan = _example_plan(engine, "eating-disorder-lifestyle.yaml")
    data = plan.to_dict()
    liaison = {o["id"]: o for o in problem(data, "lifestyle")["objectives"]}["lifestyle-eating-disorder-liaison"]
    assert liaison["phase"] == "now" and liaison["review_interval_days"] == 7
    steps = _steps(data)
    assert "lifestyle-eating-disorder-liaison" in steps["lifestyle-eating-disorder-referral"]["objectives"]
    text = render_patient(plan)
    assert "Please don't start a new diet or exercise plan before then." in text


def test_an_objective_whose_treatment_waits_waits_even_with_its_log_started(engine) -> None:
    """Read 8: "Attend an assessment for IRT by 18 January" was due while its referral waited
    (the nightmare log alone started)."""
    data = _example_plan(engine, "pregnancy-insomnia-nightmares.yaml").to_dict()
    steps = _steps(data)
    assert steps["sleep-imagery-rehearsal-referral"]["phase"] != "now"
    assert steps["sleep-nightmare-log"]["phase"] == "now"
    nightmares = {o["id"]: o for o in problem(data, "sleep")["objectives"]}["sleep-nightmare-treatment"]
    assert nightmares["phase"] == "next"


@pytest.mark.parametrize("name", ["severe-with-risk-flag.yaml", "moderate-phq9-gad7-isi.yaml",
                                  "relationships-with-ipv.yaml", "suicidal-words-in-goals.yaml"])
def test_the_help_box_is_printed_once(engine, name) -> None:
    text = render_patient(_example_plan(engine, name))
    assert text.count("If you feel unsafe or think of harming yourself") == 1


@pytest.mark.parametrize("name", ["relationships-with-ipv.yaml", "eating-disorder-lifestyle.yaml"])
def test_a_waiting_problem_is_not_gated_on_a_problem_under_active_monitoring(engine, name) -> None:
    """Read 8, N8: "Relationships | Next | Start when Depression has improved" while depression
    (PHQ-9 8) was on active monitoring."""
    data = _example_plan(engine, name).to_dict()
    later = [p for p in data["problems"] if p["phase"] == "later"]
    waiting = [p for p in data["problems"] if p["phase"] == "next"]
    assert later and waiting
    entry = waiting[0]["phasing"]["entry"]
    assert "has improved" not in entry and "is on active monitoring, not in treatment" in entry
