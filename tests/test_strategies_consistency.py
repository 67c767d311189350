"""Plans that tell one story (issue 13 item 7): no step outlives the course it belongs to, no
assessment is asked for that is already on file, severe depression aims at a real response, and
drinking is followed by what changes week to week."""

from __future__ import annotations

from plan_helpers import all_objectives
from planengine import Engine
from test_strategies_scenarios import assessment, excluded, plan_for, problem, step_ids

MODERATE_PHQ9 = [2, 1, 2, 2, 1, 2, 1, 1, 0]  # 12
COGNITIVE = ("cbt-psychoeducation", "catch-automatic-thoughts", "thought-record",
             "balanced-self-statements")


# -- (b) the CBT course's parts go with it --------------------------------------------------------


def test_with_behavioural_activation_as_the_course_no_cbt_homework_is_left_in_depression(engine) -> None:
    data = plan_for(engine, assessment({"phq9": MODERATE_PHQ9}))
    gone = excluded(data)
    assert gone["depression-restructuring-sessions"]["rule"] == "assembly.conflict"
    for step in COGNITIVE:
        assert f"depression-{step}" not in step_ids(data)
        assert gone[f"depression-{step}"]["rule"] == "assembly.requires", step
    assert "depression-restructuring-sessions" in gone["depression-thought-record"]["reason"]
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
        "Self-esteem work within the depression course"
    )
    assert {"self-esteem-thought-record", "self-esteem-catch-automatic-thoughts"} <= set(steps)
    records = next(o for o in esteem["objectives"] if o["id"] == "self-esteem-thought-records")
    assert "depression course" in records["rationale"]
