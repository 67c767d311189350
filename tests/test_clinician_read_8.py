"""Scenario tests for the clinician's read 8 of the example plans (N6, S7, N4 and the remainders of
M1, M2 and S1): each fails without its fix.

* N6: the plan's contact count holds the reviews with the patient (the weekly review that chases
  a referral is a contact) and guided self-help's check-ins, not only therapy sessions.
* M1, M2, S1: the dependence plan's waiting problems are revisited at the week-4 re-measure;
  "we will ask your GP"; the brief intervention is interim until the alcohol service takes over.
* S7: rationales name pregnancy and withdrawal only when they apply; worry time is staggered
  after relaxation; the copy names the heading the habits are under.
* N4: the patient's frequency words against AUDIT-C item 1, a data table, both ways.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
import yaml

from plan_helpers import all_objectives, all_steps, example_plan_item9_asked
from plan_helpers import example_plan as _example_plan
from plan_helpers import steps_by_id as _steps
from planengine.plan._word_checks import load_word_checks
from planengine.render._clinician_parts import contacts_text
from planengine.render._plan import render_goals, render_markdown, render_patient
from test_strategies_scenarios import assessment, plan_for

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"
AS_OF = dt.date(2026, 12, 7)
MODERATE_GAD7 = [2, 2, 2, 1, 1, 2, 2]  # 12
HAZARDOUS_AUDIT_C = [2, 2, 1]  # 5: positive, below possible dependence


# -- N6: contact counts ------------------------------------------------------------------------


def test_weekly_chasing_of_a_referral_counts_as_a_weekly_contact(engine) -> None:
    data = _example_plan(engine, "alcohol-dependence-insomnia.yaml").to_dict()
    # the brief intervention alone is about 1 a month; the weekly review is the real load
    assert data["burden"]["now"]["clinician_contacts_per_week"] == 1


def test_a_plan_with_reviews_but_no_course_shows_contacts(engine) -> None:
    data = _example_plan(engine, "lifestyle-stress-cardiac.yaml").to_dict()
    assert data["burden"]["now"]["clinician_contacts_per_week"] > 0


def test_the_moderate_count_holds_both_weekly_appointments_of_its_copy(engine) -> None:
    plan = _example_plan(engine, "moderate-phq9-gad7-isi.yaml")
    text = render_patient(plan)
    sessions = text.split("## Your sessions")[1].split("\n## ")[0]
    with_times = [
        line for line in sessions.splitlines() if "a week" in line or "weeks (about" in line
    ]
    assert len(with_times) == 2  # the sleep course and the check-ins
    assert plan.to_dict()["burden"]["now"]["clinician_contacts_per_week"] > 1.5


def test_anxiety_guided_self_help_has_check_ins_of_20_to_30_minutes_from_cg113(engine) -> None:
    data = plan_for(engine, assessment({"gad7": MODERATE_GAD7}))
    check_ins = _steps(data)["anxiety-guided-self-help-check-ins"]
    assert check_ins["phase"] == "now" and check_ins["delivery"] == "clinician-led"
    assert "one every 1-2 weeks, 20-30 minutes each" in check_ins["description"]
    assert any(c.startswith("S3: NICE CG113") for c in check_ins["citations"])
    assert data["burden"]["now"]["clinician_contacts_per_week"] >= 0.69
    # a course of CBT takes them over: chosen, they add no appointment beside it
    chosen = plan_for(
        engine, assessment({"gad7": MODERATE_GAD7}), choices={"anxiety": "cbt-anxiety-referral"}
    )
    assert (
        "anxiety-cbt-anxiety-referral"
        in _steps(chosen)["anxiety-guided-self-help-check-ins"]["in_sessions_of"]
    )


def test_a_daily_safety_check_is_no_weekly_contact(engine) -> None:
    data = _example_plan(engine, "severe-with-risk-flag.yaml").to_dict()
    assert data["burden"]["now"]["clinician_contacts_per_week"] < 7


@pytest.mark.parametrize(
    ("per_week", "text"),
    [
        (1.5, "1 to 2 a week"),
        (1.69, "1 to 2 a week"),
        (1.23, "about 1 a week"),
        (1.8, "about 2 a week"),
        (2, "2 a week"),
    ],
)
def test_a_count_half_way_between_two_weeks_says_so(per_week, text) -> None:
    assert contacts_text(per_week) == text


# -- M1 and M2: alcohol dependence -------------------------------------------------------------


def test_dependence_waiting_problems_are_revisited_at_the_week_4_re_measure(engine) -> None:
    """M1(c): the heading said "revisit at the week-8 review" beside a PHQ-9 re-measure at the
    week-4 review."""
    plan = _example_plan(engine, "alcohol-dependence-insomnia.yaml")
    data = plan.to_dict()
    depression = next(p for p in data["problems"] if p["area"] == "depression")
    assert depression["phasing"]["review_week"] == 4
    assert "## Also noted – revisit at the week-4 review (4 January 2027)" in render_markdown(plan)
    assert "We'll come back to these at your review on 4 January 2027:" in render_patient(plan)


def test_a_problem_waiting_for_the_primary_to_improve_is_still_revisited_at_week_8(engine) -> None:
    plan = _example_plan(engine, "moderate-phq9-gad7-isi.yaml")
    assert "revisit at the week-8 review" in render_markdown(plan)


def test_the_copy_says_we_will_ask_the_gp_this_week(engine) -> None:
    text = render_patient(_example_plan(engine, "alcohol-dependence-insomnia.yaml"))
    assert "This week we will ask your GP or an alcohol service to see you." in text
    assert "ask your GP or an alcohol service to see you this week" not in text


def test_the_brief_intervention_is_interim_until_the_alcohol_service_takes_over(engine) -> None:
    """S1: with possible dependence the brief intervention is not justified as the response to
    hazardous drinking, but as interim care."""
    steps = _steps(_example_plan(engine, "alcohol-dependence-insomnia.yaml").to_dict())
    rationale = steps["alcohol-brief-intervention"]["rationale"]
    assert "interim, until the alcohol service takes over" in rationale
    hazardous = _steps(plan_for(engine, assessment({"audit-c": HAZARDOUS_AUDIT_C})))
    assert "interim" not in hazardous["alcohol-brief-intervention"]["rationale"]


# -- S7: alcohol and anxiety -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("conditions", "pregnancy", "withdrawal"),
    [([], False, False), (["pregnancy"], True, False)],
)
def test_the_drinking_goal_says_pregnancy_only_when_it_applies(
    engine, conditions, pregnancy, withdrawal
) -> None:
    data = plan_for(engine, assessment({"audit-c": HAZARDOUS_AUDIT_C}, conditions=conditions))
    goal = {o["id"]: o for o in all_objectives(data)}["alcohol-drinking-within-limit"]
    assert ("pregnancy" in goal["rationale"]) is pregnancy
    assert ("withdrawal" in goal["rationale"].lower()) is withdrawal


def test_the_copy_names_the_heading_the_sleep_habits_are_under(engine) -> None:
    # item 9 asked: the habits are not held behind the risk question (clinician read 16, M1)
    text = render_patient(example_plan_item9_asked(engine, "alcohol-anxiety-sleep.yaml"))
    # the habits ask no set-aside minutes, so they start now (clinician read 11, S5 and S2)
    assert "The habits are under “Rules to follow”" in text
    assert "### Rules to follow\n" in text


def test_worry_time_starts_after_relaxation_and_keeps_its_place_before_other_habits(engine) -> None:
    data = _example_plan(engine, "alcohol-anxiety-sleep.yaml").to_dict()
    steps = _steps(data)
    relax, worry = steps["anxiety-progressive-muscle-relaxation"], steps["anxiety-worry-time"]
    assert relax["phase"] == "now" and not (relax.get("phasing") or {}).get("start_week")
    # staggered, but not pushed out by the below-cut-off sleep problem's habits
    assert worry["phase"] == "now" and worry["phasing"]["start_week"] == 3
    # the sleep habits ask no set-aside minutes (clinician read 11, S5): they start now beside
    # it, taking no week of the budget from it
    assert steps["sleep-sleep-hygiene"]["phase"] == "now"
    assert data["burden"]["now"]["homework_minutes_per_week"] <= 210


# -- N4: the patient's words against the screen ------------------------------------------------


def test_all_instruments_names_the_daily_drinking_words_against_audit_c_item_1(engine) -> None:
    plan = _example_plan(engine, "all-instruments.yaml")
    checks = [n for n in plan.to_dict()["notices"] if n["code"] == "plan.words-contradict-screen"]
    assert len(checks) == 1
    assert "“Stop drinking every night” suggest daily drinking" in checks[0]["message"]
    assert "AUDIT-C item 1 says 2-4 times a month (answer 2)" in checks[0]["message"]
    text = render_markdown(plan)
    points = text.split("## Points to check before signing")[1].split("\n## ")[0]
    assert "before any brief intervention" in points


@pytest.mark.parametrize(
    ("goal", "item_1", "contradicts"),
    [
        ("Stop drinking every night", 2, True),
        ("Stop drinking every night", 4, False),  # 4 or more times a week: the words agree
        ("Cut down the wine I have most evenings", 2, True),
        ("Cut down the wine I have most evenings", 3, False),
        ("Stop waking every night", 1, False),  # not about drinking
        ("Drink less at weekends", 1, False),  # no frequency word it checks
        ("Stop DRINKING  every   day", 0, True),
    ],
)
def test_frequency_words_are_checked_against_the_answer_both_ways(
    engine, goal, item_1, contradicts
) -> None:
    data = plan_for(engine, assessment({"audit-c": [item_1, 2, 1]}, patient_goals=[goal]))
    found = [n for n in data["notices"] if n["code"] == "plan.words-contradict-screen"]
    assert bool(found) is contradicts


def test_an_unanswered_item_is_not_compared(engine) -> None:
    data = plan_for(
        engine, assessment({"audit-c": [None, 2, 1]}, patient_goals=["Stop drinking every night"])
    )
    assert not [n for n in data["notices"] if n["code"] == "plan.words-contradict-screen"]


def test_every_checked_answer_is_a_possible_answer_of_its_instrument(engine) -> None:
    for check in load_word_checks():
        instrument = engine.instruments[check.instrument]
        assert 1 <= check.item <= instrument.items
        assert set(check.answers) == set(range(instrument.answer_min, instrument.answer_max + 1))
        assert all(i.at_least in check.answers for i in check.implies)


def test_the_week_4_phq9_re_measure_is_a_tracked_goal_not_only_a_waiting_one(engine) -> None:
    """M1(b): the re-measure was only in the goal file's x-waiting-goals."""
    plan = _example_plan(engine, "alcohol-dependence-insomnia.yaml")
    data = plan.to_dict()
    remeasure = {o["id"]: o for o in all_objectives(data)}["depression-remeasure-after-alcohol"]
    assert remeasure["phase"] == "now" and remeasure["due_date"] == "2027-01-04"
    assert "PHQ-9 again at the week-4 review" in remeasure["statement"]
    goals = yaml.safe_load(render_goals(plan))
    assert "depression-remeasure-after-alcohol" in [g["id"] for g in goals["goals"]]
    assert "depression-remeasure-after-alcohol" not in [
        g["id"] for g in goals.get("x-waiting-goals", [])
    ]


def test_a_problem_behind_ordinary_primary_care_gets_no_alcohol_re_measure(engine) -> None:
    data = plan_for(
        engine, assessment({"gad7": MODERATE_GAD7, "phq9": [2, 1, 2, 2, 1, 2, 1, 1, 0]})
    )
    assert not [o for o in all_objectives(data) if o["id"].endswith("-remeasure-after-alcohol")]


def test_every_alcohol_talk_line_but_the_talk_itself_says_it_is_part_of_it(engine) -> None:
    """S7: one alcohol talk was marked, three other lines read as appointments of their own."""
    text = render_patient(_example_plan(engine, "alcohol-anxiety-sleep.yaml"))
    sessions = text.split("## Your sessions")[1].split("\n## ")[0]
    drinking = [line for line in sessions.splitlines() if "drinking" in line or "alcohol" in line]
    own = [line for line in drinking if "not an extra appointment" not in line]
    assert len(drinking) == 4
    assert own == [
        "- **Short talk about drinking:** With your clinician; once a month, 15 min each, for 12 weeks."
    ]


def test_a_risk_item_asked_at_this_visit_stays_a_step_of_its_own(engine) -> None:
    data = _example_plan(engine, "missing-item9.json").to_dict()
    today = [s for s in all_steps(data) if "item 9" in s["title"]]
    assert today and all(not s.get("in_sessions_of") for s in today)
