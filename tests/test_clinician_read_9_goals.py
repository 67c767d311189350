"""Scenario tests for the goal items of the clinician's read 9: each fails without its fix.

* S5: with bipolar disorder the contact with the prescriber or bipolar service is a tracked
  goal (due in 2 weeks, reviewed weekly) and a gate: the BA or IPT course and the CBT-I referral
  wait for it. A liaison goal is not counted in the per-problem objective limit, so it pushes
  no treatment goal out. With the PHQ-9 below its cut-off the step and the goal speak of the
  insomnia plan. The bipolar standing is worded by NICE CG185, never NG222's "more severe" split.
* S8: with a cardiac condition, medical clearance and activity limits are the tracked goal, the
  150-minute goal waits for them, and the clinician asks about cardiac rehabilitation.
* S6: the drinking-limit goal has a number to agree and a date; with current suicidal words it is
  held with its drinks diary, and the safety plan asks to drink less, or not at all, when low.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
import yaml

from plan_helpers import all_steps, example_plan_item9_asked
from planengine import Assessment
from planengine._model import Measure, Objective, Problem, Proposal, Provenance
from planengine.plan._assembly import RankedProposal, merge_proposals
from planengine.render._plan import render_markdown, render_patient

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"
AS_OF = dt.date(2026, 12, 7)
SOURCE = Provenance("plugin:test", ("$.responses[0]",))


def _plan(engine, name: str):
    raw = yaml.safe_load((EXAMPLES / name).read_text())
    return engine.plan(Assessment.from_mapping(raw), as_of=AS_OF)


def _steps(data: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {s["id"]: s for s in all_steps(data)}


def _objectives(data: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {o["id"]: o for p in data["problems"] for o in p["objectives"]}


# S5: the prescriber or bipolar-service liaison


def test_the_prescriber_liaison_is_a_tracked_goal_and_the_course_waits_for_it(engine) -> None:
    data = _plan(engine, "bipolar-depression.yaml").to_dict()
    liaison = _objectives(data)["depression-prescriber-liaison"]
    assert liaison["liaison"] is True and liaison["phase"] == "now"
    assert liaison["due_date"] == "2026-12-21" and liaison["review_interval_days"] == 7
    assert "agree who leads" in liaison["statement"]
    steps = _steps(data)
    assert steps["depression-bipolar-treatment-review"]["phase"] == "now"
    assert steps["depression-bipolar-treatment-review"]["objectives"] == [
        "depression-prescriber-liaison"
    ]
    for waiting in ("depression-ba-sessions", "sleep-cbti-referral"):
        assert steps[waiting]["phase"] != "now", waiting
    assert steps["depression-ba-sessions"]["phasing"]["entry"].startswith(
        "Starts once the prescriber or bipolar service has been contacted"
    )
    # monitoring that watches bipolar disorder does not wait
    assert steps["depression-mood-sleep-chart"]["phase"] == "now"
    assert steps["depression-early-warning-signs"]["phase"] == "now"


def test_a_liaison_goal_pushes_no_treatment_goal_out(engine) -> None:
    data = _plan(engine, "bipolar-depression.yaml").to_dict()
    depression = next(p for p in data["problems"] if p["area"] == "depression")
    ids = [o["id"] for o in depression["objectives"]]
    assert len(ids) == 4 and "depression-scheduled-activities" in ids
    assert not depression.get("deferred_objectives")
    psychosis = _objectives(_plan(engine, "psychosis-depression-apnoea.yaml").to_dict())
    assert psychosis["depression-psychosis-team-liaison"]["liaison"] is True
    assert "depression-scheduled-activities" in psychosis


def _objective(objective_id: str, *, liaison: bool = False) -> Objective:
    day = dt.date(2026, 12, 7)
    measure = Measure(unit="contacts", method="clinician records", target_value=1, comparator=">=",
                      baseline_value=0, baseline_date=day, metric="contact made")
    return Objective(id=objective_id, area="depression", statement=f"{objective_id}.",
                     measure=measure, start_date=day, due_date=dt.date(2026, 12, 21),
                     review_interval_days=7, addresses=[], provenance=SOURCE, liaison=liaison)


@pytest.mark.parametrize("liaison", [True, False])
def test_the_objective_limit_counts_treatment_goals_only(liaison: bool) -> None:
    # three treatment goals, then the gate goal, ranked last
    objectives = (*(_objective(f"goal-{i}") for i in (1, 2, 3)), _objective("gate", liaison=liaison))
    problem = Problem(id="problem-depression", area="depression", title="Depression", priority=0,
                      severity=None, weight=1.0, findings=[], interventions=[])
    ranked = [RankedProposal(Proposal(objectives=objectives), "plugin:test", 50, "test")]
    merge_proposals(problem, ranked, max_objectives=3)
    kept = [o.id for o in problem.objectives]
    if liaison:  # not counted: all four stay, nothing deferred
        assert kept == ["goal-1", "goal-2", "goal-3", "gate"]
        assert not problem.deferred_objectives
    else:
        assert kept == ["goal-1", "goal-2", "goal-3"]
        assert problem.deferred_objectives == ["gate"]


def test_below_its_cut_off_the_prescriber_hears_about_the_insomnia_plan(engine) -> None:
    plan = _plan(engine, "insomnia-with-conditions.yaml")
    data = plan.to_dict()
    step = _steps(data)["depression-bipolar-treatment-review"]
    assert step["title"] == "Tell the prescriber about the insomnia plan (sleep change can signal relapse)"
    liaison = _objectives(data)["depression-prescriber-liaison"]
    assert liaison["statement"].startswith("Tell the prescriber or bipolar service about the insomnia plan")
    assert _steps(data)["sleep-cbti-referral"]["phase"] != "now"
    text = render_markdown(plan)
    assert "Review the treatment of bipolar depression" not in text


def test_bipolar_wording_never_uses_the_ng222_more_severe_split(engine) -> None:
    plan = _plan(engine, "bipolar-depression.yaml")
    text = render_markdown(plan)
    assert "a high-intensity course is recommended at this level" not in text.split("ISI 17")[0]
    assert "at or above its 'more severe' level of 16" not in text
    assert "NICE CG185 applies, not the 'more severe' split of NICE NG222" in text
    assert "alongside the prescriber's treatment is recommended (NICE CG185)" in text
    # the same scores without bipolar disorder keep the NG222 wording
    raw = yaml.safe_load((EXAMPLES / "bipolar-depression.yaml").read_text())
    raw["context"]["conditions"] = [c for c in raw["context"]["conditions"] if c != "bipolar-disorder"]
    unipolar = render_markdown(engine.plan(Assessment.from_mapping(raw), as_of=AS_OF))
    assert "PHQ-9 17, at or above its 'more severe' level of 16: a high-intensity course is recommended" in unipolar


def test_the_bipolar_copy_says_the_prescriber_comes_first(engine) -> None:
    text = render_patient(_plan(engine, "bipolar-depression.yaml"))
    assert text.count("Your clinician will talk with your prescriber (or bipolar service)") == 1
    assert "Contact the prescriber" not in text


# S8: cardiac clearance


def test_cardiac_clearance_is_the_tracked_goal_and_the_activity_goal_waits(engine) -> None:
    plan = _plan(engine, "lifestyle-stress-cardiac.yaml")
    data = plan.to_dict()
    objectives = _objectives(data)
    clearance = objectives["lifestyle-medical-clearance"]
    assert clearance["phase"] == "now" and clearance["liaison"] is True
    assert clearance["statement"].startswith(
        "Confirm medical clearance, activity limits and whether gentle muscle relaxation is "
        "suitable with the GP or cardiac team by 2026-12-21"  # read 10, N-M1
    )
    assert objectives["lifestyle-activity-minutes"]["phase"] != "now"
    steps = _steps(data)
    for waiting in ("lifestyle-activity-log", "lifestyle-graded-activity"):
        assert steps[waiting]["phase"] != "now"
        assert steps[waiting]["phasing"]["entry"] == "Starts once medical clearance and activity limits are confirmed."
    clearance_step = steps["lifestyle-medical-clearance"]
    assert any("cardiac rehabilitation was offered" in s for s in clearance_step["steps"])
    assert any(c.startswith("DN-cardiac-rehab") for c in clearance_step["citations"])
    copy = render_patient(plan)
    goals = copy.split("## Your goals", 1)[1].split("##", 1)[0]
    assert "your clinician will check what is safe for you with your GP or the specialist team that looks after you" in goals
    assert "150 minutes" not in goals


# S6: the drinking-limit goal


def test_the_drinking_goal_has_a_number_to_agree_and_a_date(engine) -> None:
    # item 9 asked: the goal is not held behind the risk question (clinician read 16, M1)
    copy = render_patient(example_plan_item9_asked(engine, "alcohol-anxiety-sleep.yaml", AS_OF))
    assert (
        "Keep to ___ standard drinks a week (we agree the number today), in at least 3 of every "
        "4 weeks, counted in the drinks diary, by 1 March 2027." in copy
    )
    assert "in most weeks" not in copy


def test_with_suicidal_words_the_drinking_goal_is_held_with_its_diary(engine) -> None:
    plan = _plan(engine, "suicidal-words-in-goals.yaml")
    data = plan.to_dict()
    objectives = _objectives(data)
    assert objectives["alcohol-drinks-diary"].get("held") is True
    goal = objectives["alcohol-drinking-within-limit"]
    assert goal.get("held") is True
    assert any(n.startswith("Held: the log that measures it is held") for n in goal["notes"])
    safety_plan = next(s for s in all_steps(data) if s["id"] == "safety-plan")
    assert any("agree to drink less, or not at all, when you feel low" in s for s in safety_plan["steps"])
    copy = render_patient(plan)
    assert "agree to drink less, or not at all, when you feel low" in copy


def test_without_drinking_the_safety_plan_says_nothing_of_it(engine) -> None:
    data = _plan(engine, "severe-with-risk-flag.yaml").to_dict()
    safety = [s for s in all_steps(data) if s["area"] == "safety"]
    assert safety and not any("drink less" in " ".join(s.get("steps", [])) for s in safety)
