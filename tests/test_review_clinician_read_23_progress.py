"""Clinician read 23 of the progress reviews (``review examples/review --as-of 2027-01-20``), the
items that are not about risk: an unusable newest entry, overdue goals with no attention, status
words that contradict their numbers, the planned-change share, a rolling median that hides a
value back at baseline, an early non-response label, and things said twice. Each case is data:
a goal built here, or an example file as the clinician read it."""

from __future__ import annotations

import datetime as dt
import pathlib
from typing import Any

import pytest

from planengine.io._loader import load_document
from planengine.render._review_formats import render_review
from planengine.review import GoalReview, Review, review_goals
from planengine.review._files import ReviewRun, review_paths
from planengine.review._scales import convert_time

ROOT = pathlib.Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples" / "review"
AS_OF = dt.date(2027, 1, 20)
START = dt.date(2026, 9, 1)


def _day(n: int) -> str:
    return (START + dt.timedelta(days=n)).isoformat()


def _example(name: str) -> Review:
    return review_goals(load_document(EXAMPLES / name), as_of=AS_OF)


def _minutes_goal(progress: list[dict[str, Any]], **measure: Any) -> dict[str, Any]:
    """Sleep onset in minutes, 60 -> <= 30, reviewed every 30 days."""
    return {
        "id": "sleep",
        "area": "sleep",
        "statement": "Fall asleep within 30 minutes on most nights.",
        "measure": {
            "metric": "sleep onset latency",
            "unit": "minutes",
            "baseline": {"value": 60, "date": _day(0)},
            "target": {"value": 30, "comparator": "<="},
            **measure,
        },
        "start_date": _day(0),
        "due_date": _day(180),
        "review_interval_days": 30,
        "progress": progress,
    }


def _phq9_goal(baseline: float, values: list[tuple[int, float]]) -> dict[str, Any]:
    return {
        "id": "mood",
        "area": "depression",
        "statement": "Bring my PHQ-9 down to 9 or below.",
        "measure": {
            "instrument": "phq9",
            "baseline": {"value": baseline, "date": _day(0)},
            "target": {"value": 9, "comparator": "<="},
        },
        "start_date": _day(0),
        "due_date": _day(180),
        "review_interval_days": 30,
        "progress": [{"date": _day(d), "value": v} for d, v in values],
    }


def _review(goal: dict[str, Any], as_of_day: int) -> Review:
    return review_goals(
        {"planengine": 1, "goals": [goal]}, as_of=START + dt.timedelta(days=as_of_day)
    )


def _rules(goal: GoalReview) -> set[str]:
    return {s.rule for s in goal.suggestions}


# MUST 1: the newest entry could not be used -----------------------------------------------------

UNUSABLE_NEWEST = [
    # (progress entries, why the newest one could not be used)
    (
        [{"date": _day(30), "value": 45}, {"date": _day(60), "value": 2, "unit": "nights"}],
        "recorded in 'nights', not the measure's 'minutes'",
    ),
    (
        [{"date": _day(30), "value": 45}, {"date": _day(60), "value": 1, "unit": "hours per week"}],
        "recorded in 'hours per week', not the measure's 'minutes'",
    ),
]


@pytest.mark.parametrize(("progress", "why"), UNUSABLE_NEWEST)
def test_an_unusable_newest_entry_is_said_in_the_status_attention_and_suggestions(
    progress: list[dict[str, Any]], why: str
) -> None:
    review = _review(_minutes_goal(progress), 70)
    goal = review.goals[0]
    assert f"the entry of {_day(60)} could not be used: {why}; the status rests on {_day(30)}" in (
        goal.status.reason
    )
    assert "newest entry unusable: re-measure" in goal.attention
    assert "review.newest-unusable" in _rules(goal)
    # no decision rests on the older value
    assert not {s.action for s in goal.suggestions} & {"keep", "close-goal", "raise-target"}
    assert goal.trajectory.position not in ("on-track", "ahead")
    assert goal.to_dict()["unusable_newer"] == [
        {"date": _day(60), "why": why, "json_path": "$.goals[0].progress[1]"}
    ]
    assert review.exit_code == 2  # the entry is still an input error


def test_an_out_of_range_newest_score_is_unusable_too() -> None:
    goal = _review(_phq9_goal(16, [(30, 12), (60, 31)]), 70).goals[0]
    assert f"the entry of {_day(60)} could not be used: value 31 outside the range 0-27" in (
        goal.status.reason
    )
    assert "newest entry unusable: re-measure" in goal.attention


def test_an_unusable_entry_older_than_a_usable_one_changes_nothing() -> None:
    progress = [
        {"date": _day(30), "value": 2, "unit": "nights"},
        {"date": _day(60), "value": 45},
    ]
    goal = _review(_minutes_goal(progress), 70).goals[0]
    assert "could not be used" not in goal.status.reason
    assert "review.newest-unusable" not in _rules(goal)
    assert goal.unusable_newer == ()


CONVERSIONS = [
    (1, "hours", "minutes", 60),
    (1.5, "hour", "minutes", 90),
    (90, "seconds", "minutes", 1.5),
    (30, "min", "hours", 0.5),
    (2, "nights", "minutes", None),
    (1, "hours per week", "minutes per week", None),
    (1, "hours", None, None),
]


@pytest.mark.parametrize(("value", "given", "unit", "expected"), CONVERSIONS)
def test_only_plain_time_units_convert_and_exactly(
    value: float, given: str, unit: str | None, expected: float | None
) -> None:
    assert convert_time(value, given, unit) == expected


def test_a_converted_entry_is_used_and_shown_as_converted() -> None:
    progress = [{"date": _day(30), "value": 45}, {"date": _day(60), "value": 1, "unit": "hours"}]
    review = _review(_minutes_goal(progress), 70)
    goal = review.goals[0]
    latest = goal.measurements[-1]
    assert (latest.value, latest.converted_from) == (60, "1 hours")
    assert "unchanged (from 60 to 60)" in goal.status.reason  # back at the baseline, not "better"
    found = {(f.code, f.severity) for f in review.findings}
    assert ("input.unit-converted", "info") in found
    assert review.exit_code != 2  # no input error: the entry was used
    text = render_review(ReviewRun(review.as_of, (review,), ()), "text")
    assert f"converted: {_day(60)} recorded as 1 hours, used as 60 minutes" in text


def test_a_questionnaire_total_is_never_converted() -> None:
    goal = _phq9_goal(16, [])
    goal["progress"] = [{"date": _day(30), "value": 1, "unit": "hours"}]
    review = _review(goal, 40)
    assert "input.unit-mismatch" in {f.code for f in review.findings}
    assert len(review.goals[0].measurements) == 1


def test_the_bad_input_example_shows_both_a_converted_and_an_unusable_unit() -> None:
    review = _example("bad-input.yaml")
    sleep = review.goal("sleep-onset")
    codes = {f.code for f in review.findings if f.goal_id == "sleep-onset"}
    assert {"input.unit-converted", "input.unit-mismatch", "input.metric-not-instrument"} <= codes
    assert [m.converted_from for m in sleep.measurements] == [None, None, "1 hours"]
    assert "the entry of 2026-11-01 could not be used" in sleep.status.reason
    assert sleep.status.code != "improving"
    assert "newest entry unusable: re-measure" in sleep.attention


def test_a_metric_beside_an_instrument_out_of_its_range_is_a_finding() -> None:
    review = _review(_minutes_goal([{"date": _day(30), "value": 45}], instrument="isi"), 40)
    (finding,) = [f for f in review.findings if f.code == "input.metric-not-instrument"]
    assert finding.severity == "warning"
    assert "outside the ISI range 0-28: they are not ISI scores" in finding.message
    assert finding.json_path == "$.goals[0].measure.instrument"


def test_a_metric_beside_an_instrument_within_its_range_is_no_finding() -> None:
    goal = _minutes_goal([{"date": _day(30), "value": 15}], instrument="isi")
    goal["measure"].update(baseline={"value": 20, "date": _day(0)}, target={"value": 10})
    review = _review(goal, 40)
    assert "input.metric-not-instrument" not in {f.code for f in review.findings}


# SHOULD 2: an overdue review or a stale value always needs attention ----------------------------


@pytest.mark.parametrize(
    ("name", "goal_ids"),
    [
        ("achieved-early.yaml", ("mood", "worry")),
        ("gas.yaml", ("say-no", "journal")),
        ("stale-measurement.yaml", ("walking",)),
    ],
)
def test_an_overdue_or_stale_goal_is_never_without_attention(
    name: str, goal_ids: tuple[str, ...]
) -> None:
    review = _example(name)
    for goal_id in goal_ids:
        goal = review.goal(goal_id)
        assert goal.overdue or goal.measurement_overdue
        assert goal.attention, goal_id
    out = render_review(review_paths([EXAMPLES / name], as_of=AS_OF), "markdown")
    attention = sum(g.needs_attention for g in review.goals)
    assert attention == len(review.goals)
    assert f"{attention} need attention" in out
    assert "| - |" not in out


def test_an_overdue_and_stale_goal_says_it_in_one_attention_entry() -> None:
    mood = _example("achieved-early.yaml").goal("mood")
    assert mood.attention == ("review overdue since 2026-12-15; latest value 66 days old: re-measure",)


# SHOULD 3 and 4: status words true to direction and size ----------------------------------------

WORDING = [
    # (baseline, values, in the status, never in it)
    (16, [(98, 12)], "better by 4 points (from 16 to 12), not a reliable improvement (reliable change needs 6)", "no improvement"),
    (14, [(80, 17)], "worse by 3 points (from 14 to 17), not a reliable change (reliable change needs 6)", "no improvement"),
    (14, [(80, 14)], "unchanged (from 14 to 14)", "better"),
    (16, [(30, 15)], "better by 1 point (from 16 to 15), not a reliable improvement", "1 points"),
    (20, [(60, 14)], "better by 6 points (from 20 to 14), meeting the published reliable-change threshold (6 points)", "not a reliable"),
]


@pytest.mark.parametrize(("baseline", "values", "said", "unsaid"), WORDING)
def test_a_status_says_the_direction_and_size_of_the_change(
    baseline: float, values: list[tuple[int, float]], said: str, unsaid: str
) -> None:
    goal = _review(_phq9_goal(baseline, values), values[-1][0] + 5).goals[0]
    assert said in goal.status.reason
    assert unsaid not in goal.status.reason


def test_the_planned_change_share_is_the_share_done_not_the_threshold() -> None:
    walking = _example("on-track.yaml").goal("walking")  # 0 -> 3 of a planned 0 -> 5
    reason = walking.status.reason
    assert "better from 0 to 3 (60% of the planned change; a change counts from 10%, 0.5)" in reason
    assert "improved by 10%" not in reason and "by 10% of the planned change" not in reason


def test_a_small_metric_change_says_its_share_and_that_it_does_not_count() -> None:
    exercise = _example("behind.yaml").goal("exercise")  # 0 -> 10 of a planned 0 -> 150
    assert (
        "better from 0 to 10 (7% of the planned change), not a meaningful change (a change "
        "counts from 10%, 15)"
    ) in exercise.status.reason


# SHOULD 5: a rolling median never hides a latest value back at baseline; no early label ---------


def test_a_median_never_calls_a_count_back_at_baseline_improving() -> None:
    walking = _example("stale-measurement.yaml").goal("walking")  # 1 -> 5, 4, 1
    assert walking.status.code != "improving"
    assert walking.status.rule == "status.latest-back-at-baseline"
    assert walking.status.reason.startswith("latest value 1 (2026-11-24) is back at the baseline (1)")
    assert "rolling median" in walking.status.reason
    assert "latest value back at baseline: re-measure" in walking.attention
    assert "review.confirm-latest" in _rules(walking)
    assert walking.trajectory.position not in ("on-track", "ahead")


def test_a_week_2_value_is_too_early_for_a_non_response_label() -> None:
    mood = _example("stale-measurement.yaml").goal("mood")  # PHQ-9 16 -> 15 at week 2 only
    assert "review.likely-non-response" not in _rules(mood)
    assert not any("likely non-response" in reason for reason in mood.attention)
    due = next(s for s in mood.suggestions if s.rule == "review.review-point-due")
    assert "no value since week 2" in due.reason and "too early" in due.reason
    assert "decide about a step-up in the same session" in due.reason  # the action is kept


# NIT: each thing said once ----------------------------------------------------------------------


def test_one_review_now_per_goal() -> None:
    for name in sorted(p.name for p in EXAMPLES.glob("*.yaml")):
        for goal in _example(name).goals:
            review_now = [s for s in goal.suggestions if s.action in ("review-now", "escalate")]
            assert len(review_now) <= 1 or not goal.overdue, (name, goal.goal_id, review_now)


def test_the_reliable_change_category_is_not_printed_beside_its_parts() -> None:
    out = render_review(review_paths([EXAMPLES], as_of=AS_OF), "markdown")
    assert "reliable-change category" not in out and "Jacobson-Truax category" not in out
    assert "reliable change (points-threshold)" in out
