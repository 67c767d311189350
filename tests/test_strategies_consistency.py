"""Plans that tell one story (issue 13 item 7): no step outlives the course it belongs to, no
assessment is asked for that is already on file, severe depression aims at a real response, and
drinking is followed by what changes week to week."""

from __future__ import annotations

import pytest

from plan_helpers import all_objectives, all_steps
from planengine import Engine
from test_strategies_scenarios import assessment, excluded, plan_for, problem, step_ids

MODERATE_PHQ9 = [2, 1, 2, 2, 1, 2, 1, 1, 0]  # 12
COGNITIVE = ("cbt-psychoeducation", "catch-automatic-thoughts", "thought-record",
             "balanced-self-statements")


# -- (b) the CBT course's parts go with it --------------------------------------------------------


def test_with_behavioural_activation_as_the_course_no_cbt_homework_is_left_in_depression(engine) -> None:
    data = plan_for(engine, assessment({"phq9": MODERATE_PHQ9}))
    gone = excluded(data)
    # the CBT course is the alternative option, and its homework goes with it
    assert gone["depression-restructuring-sessions"]["rule"] == "stepped-care.option"
    for step in COGNITIVE:
        assert f"depression-{step}" not in step_ids(data)
        assert gone[f"depression-{step}"]["rule"] == "stepped-care.option", step
    assert not [o for o in all_objectives(data) if "thought-record" in o["id"]]
    # nothing in the depression problem is left without the course it serves
    depression = problem(data, "depression")
    assert {s["provenance"]["strategy"].split("@")[0] for s in depression["interventions"]
            if s["provenance"]["strategy"]} <= {"behavioural-activation"}


def test_without_behavioural_activation_the_cbt_course_keeps_its_homework() -> None:
    data = plan_for(Engine(strict=True, block=["ba"]), assessment({"phq9": MODERATE_PHQ9}))
    ids = step_ids(data)
    assert {"depression-restructuring-sessions", *(f"depression-{s}" for s in COGNITIVE)} <= ids


def test_self_esteem_work_keeps_its_thought_records_inside_the_depression_course(engine) -> None:
    data = plan_for(engine, assessment({"phq9": MODERATE_PHQ9}, concerns=["self-esteem"]))
    esteem = problem(data, "self-esteem")
    steps = {s["id"]: s for s in esteem["interventions"]}
    assert steps["self-esteem-restructuring-sessions"]["title"] == (
        "Self-esteem work within the depression care"
    )
    assert {"self-esteem-thought-record", "self-esteem-catch-automatic-thoughts"} <= set(steps)
    records = next(o for o in esteem["objectives"] if o["id"] == "self-esteem-thought-records")
    assert "depression course" in records["rationale"]


# -- (c) no "assess for depression" with a PHQ-9 on file -------------------------------------------

LOW_WHO5 = [1, 1, 1, 1, 1]  # raw 5: poor well-being
ASK_FOR_PHQ9 = ("Assess for depression with a PHQ-9", "Measure depression with a PHQ-9",
                "Check for depression and risk first", "Complete a full PHQ-9",
                "Give the full PHQ-9")


@pytest.mark.parametrize("phq9", [
    [0, 0, 0, 0, 0, 0, 0, 0, 0], [1, 1, 0, 0, 1, 0, 0, 0, 0], MODERATE_PHQ9,
    [3, 3, 3, 3, 3, 3, 2, 2, 0],
], ids=["minimal", "mild", "moderate", "severe"])
def test_low_well_being_asks_for_no_phq9_given_the_same_day(engine, phq9) -> None:
    data = plan_for(engine, assessment({"who5": LOW_WHO5, "phq9": phq9},
                                       concerns=["self-esteem", "depression"]))
    asks = [s["id"] for s in all_steps(data) if s["title"].startswith(ASK_FOR_PHQ9)]
    assert asks == []
    assert not [o for o in all_objectives(data) if "PHQ-9" in o["statement"]
                and o["statement"].startswith("Complete")]


def test_an_incomplete_phq9_is_completed_not_given_again(engine) -> None:
    data = plan_for(engine, assessment({"who5": LOW_WHO5, "phq9": [1, 1, None, 0, 1, 0, 0, 0, 0]}))
    assert "wellbeing-depression-assessment" not in step_ids(data)
    assert any("item 3 unanswered" in s["description"] for s in all_steps(data))


def test_without_a_phq9_low_well_being_asks_for_one_once(engine) -> None:
    data = plan_for(engine, assessment({"who5": LOW_WHO5}))
    asks = [s["id"] for s in all_steps(data) if s["title"].startswith(ASK_FOR_PHQ9)]
    assert asks == ["wellbeing-depression-assessment"]


# -- (e) more severe depression aims below 16, with the course checked at the week-8 review ----


def _phq9(total: int) -> list[int]:
    """Answers adding up to ``total``, item 9 at 0."""
    answers = [0] * 9
    for index in range(total):
        answers[index % 8] += 1
    assert max(answers) <= 3
    return answers


@pytest.mark.parametrize("block", [(), ("ba",)], ids=["ba", "cbt"])
@pytest.mark.parametrize("total", range(16, 25))
def test_more_severe_depression_aims_out_of_the_more_severe_range(total, block) -> None:
    engine = Engine(strict=True, block=list(block))
    data = plan_for(engine, assessment({"phq9": _phq9(total)}))
    objective = next(o for o in problem(data, "depression")["objectives"]
                     if o["id"] == "depression-phq9-improvement")
    target = objective["measure"]["target"]
    assert target["comparator"] == "<=" and target["value"] <= 15  # NICE NG222: below 16
    assert total - target["value"] >= 6  # at least a reliable improvement
    review = next(s for s in all_steps(data) if s["id"] == "depression-non-response-review")
    assert review["title"] == "Course check at the week-8 review"  # the step up is at week 4
    # the reviews fall on week 8, and the plan runs past it
    assert 56 % objective["review_interval_days"] == 0
    assert objective["due_date"] > "2027-01-20"  # 8 weeks after the planning date


def test_less_severe_depression_has_no_non_response_step(engine) -> None:
    data = plan_for(engine, assessment({"phq9": _phq9(15)}))
    assert "depression-non-response-review" not in step_ids(data)
