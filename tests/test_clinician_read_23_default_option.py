"""Clinician read 23, S8: a suicide-risk flag makes a course with a clinician depression's
default only until the clinician has asked and recorded "no current risk identified"; then the
default follows the score (guided self-help below PHQ-9 16, R-SC2; a course at 16 or more,
R-SC4), every option stays open and the flag stays on record (R-SC22: a flag orders the queue,
it does not gate care). A recorded safety plan or referral keeps the course with a clinician,
and its reason no longer says the options wait for an assessment already recorded."""

from __future__ import annotations

import pytest

from plan_helpers import example_plan, plan_with_records
from planengine.render._plan import render_markdown

NO_RISK = "assessed-no-current-risk-identified"
RISK_COURSE = "is on record: a course with a clinician, with the risk reviewed at every contact"
WAITS = "the options apply after the risk assessment."
RECORDED = "the clinician's assessment of it is recorded."


def _depression(plan):
    return next(p for p in plan.problems if p.area == "depression")


def _reason(plan) -> str:
    text = render_markdown(plan)
    start = text.index("**The plan follows")
    return text[start : text.index("\n", start)]


@pytest.mark.parametrize("name", ["old-item9-history.yaml", "missing-item9.json"])
def test_before_the_record_the_risk_flag_sets_a_course(engine, name: str) -> None:
    reason = _reason(example_plan(engine, name))
    assert RISK_COURSE in reason and reason.endswith(WAITS)


@pytest.mark.parametrize(
    ("name", "default"),
    [
        ("old-item9-history.yaml", "PHQ-9 11, 1 point above its cut-off of 10: guided self-help first"),
        ("missing-item9.json", "PHQ-9 11, 1 point above its cut-off of 10: guided self-help first"),
        ("severe-with-risk-flag.yaml", "PHQ-9 22, at or above its 'more severe' level of 16"),
    ],
)
def test_a_recorded_no_returns_the_default_to_the_score(engine, name: str, default: str) -> None:
    plan = plan_with_records(engine, name, NO_RISK)
    assert plan.risk_flags  # the flag stays on record
    reason = _reason(plan)
    assert RISK_COURSE not in reason and default in reason


@pytest.mark.parametrize(
    "outcome", ["assessed-safety-plan-in-place", "assessed-referred-for-urgent-care"]
)
def test_a_recorded_safety_plan_keeps_the_course_without_waiting(engine, outcome: str) -> None:
    reason = _reason(plan_with_records(engine, "old-item9-history.yaml", outcome))
    assert RISK_COURSE in reason and reason.endswith(RECORDED)
    assert WAITS not in reason
