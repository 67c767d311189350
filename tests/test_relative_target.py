"""A target relative to the baseline (issue 20): ``measure.target: {change: -1}`` or
``{change_percent: -50}``. The schema, the SMART rules and the review read it the same way."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from planengine._relative_target import absolute_target, is_relative, relative_comparator
from planengine.review import review_goals
from planengine.smart import check_goals

AS_OF = dt.date(2026, 12, 29)

#: target as written, baseline -> the target it stands for (value, comparator)
RESOLVED = [
    ({"change": -1}, 10, (9, "<=")),
    ({"change": 2}, 3, (5, ">=")),
    ({"change_percent": -50}, 12, (6, "<=")),
    ({"change_percent": 25}, 8, (10, ">=")),
    ({"change": -1, "comparator": "<"}, 10, (9, "<")),
    ({"change_percent": -100}, 7, (0, "<=")),
    ({"change": -1}, None, (None, "<=")),  # no baseline: the direction is known, the value not
]


@pytest.mark.parametrize(("target", "baseline", "expected"), RESOLVED)
def test_a_relative_target_stands_for_baseline_plus_change(
    target: dict[str, Any], baseline: float | None, expected: tuple[float | None, str]
) -> None:
    assert is_relative(target)
    assert (absolute_target(target, baseline), relative_comparator(target)) == expected


def test_an_absolute_target_is_not_relative() -> None:
    assert not is_relative({"value": 9, "comparator": "<="})
    assert not is_relative(None)


@given(
    baseline=st.floats(min_value=-1e6, max_value=1e6),
    change=st.floats(min_value=-1e3, max_value=1e3).filter(lambda x: x != 0),
)
def test_the_default_comparator_points_the_way_of_the_change(
    baseline: float, change: float
) -> None:
    target = {"change": change}
    value = absolute_target(target, baseline)
    assert value is not None
    comparator = relative_comparator(target)
    # the change's own sign says which way is better, and the target lies that way of the baseline
    assert comparator == ("<=" if change < 0 else ">=")
    assert (value <= baseline) if change < 0 else (value >= baseline)


def _goal(
    target: dict[str, Any], baseline: Any, progress: list[tuple[str, float]]
) -> dict[str, Any]:
    measure: dict[str, Any] = {"metric": "drinks per week", "unit": "drinks", "target": target}
    if baseline is not None:
        measure["baseline"] = baseline
    return {
        "id": "g",
        "area": "alcohol",
        "statement": "Drink one drink a week fewer than at the start, counted in a drinking diary, "
        "by 2027-02-23.",
        "addresses": ["alcohol"],
        "patient_words": "cut down",
        "start_date": "2026-12-01",
        "due_date": "2027-02-23",
        "measure": measure,
        "progress": [{"date": d, "value": v} for d, v in progress],
    }


def _document(goal: dict[str, Any]) -> dict[str, Any]:
    return {"planengine": 1, "review_interval_days": 28, "goals": [goal]}


BASELINE = {"value": 10, "date": "2026-12-01"}
PENDING = {"pending": "the first week of the drinking diary", "by": "2026-12-08"}

#: target, baseline, progress -> the review's status code and the target it judged by
REVIEWED = [
    ({"change": -1}, BASELINE, [("2026-12-22", 9)], "achieved", 9),
    ({"change": -3}, BASELINE, [("2026-12-22", 9)], "improving", 7),
    ({"change_percent": -50}, BASELINE, [("2026-12-22", 5)], "achieved", 5),
    ({"change_percent": -50}, PENDING, [("2026-12-08", 8), ("2026-12-22", 4)], "achieved", 4),
    ({"change_percent": -50}, PENDING, [("2026-12-08", 8), ("2026-12-22", 7)], "improving", 4),
    ({"change": 2}, {"value": 1, "date": "2026-12-01"}, [("2026-12-22", 3)], "achieved", 3),
]


@pytest.mark.parametrize(("target", "baseline", "progress", "status", "judged"), REVIEWED)
def test_the_review_judges_progress_against_baseline_plus_change(
    target: dict[str, Any],
    baseline: Any,
    progress: list[tuple[str, float]],
    status: str,
    judged: float,
) -> None:
    review = review_goals(_document(_goal(target, baseline, progress)), as_of=AS_OF)
    (goal,) = review.goals
    assert goal.target == judged
    assert goal.status.code == status
    assert not [f for f in review.findings if f.severity == "error"]


def test_without_a_baseline_there_is_no_target_and_m203_says_so() -> None:
    goal = _goal({"change": -1}, None, [])
    found = {v.code: v for v in check_goals(_document(goal), as_of=AS_OF)}
    assert "M204" not in found  # the target is there, relative to a baseline still to come
    assert "relative" in found["M203"].message and "change -1" in found["M203"].message
    review = review_goals(_document(goal), as_of=AS_OF)
    assert review.goals[0].target is None


def test_validate_reads_the_resolved_target() -> None:
    """The SMART rules see the target a relative target stands for: ``change: -1`` from 10 gets
    the findings ``<= 9`` gets."""
    relative = {
        v.code for v in check_goals(_document(_goal({"change": -1}, BASELINE, [])), as_of=AS_OF)
    }
    absolute = {
        v.code
        for v in check_goals(
            _document(_goal({"value": 9, "comparator": "<="}, BASELINE, [])), as_of=AS_OF
        )
    }
    assert relative == absolute


@pytest.mark.parametrize(
    ("target", "valid"),
    [
        ({"change": -1}, True),
        ({"change_percent": -50, "comparator": "<="}, True),
        ({"value": 9}, True),
        ({"value": 9, "change": -1}, False),  # one target, not two
        ({"change": 0}, False),  # no change is no target
        ({"change_percent": -150}, False),  # below zero of anything
        ({"comparator": "<="}, False),
    ],
)
def test_the_schema_takes_one_kind_of_target(target: dict[str, Any], valid: bool) -> None:
    found = {v.code for v in check_goals(_document(_goal(target, BASELINE, [])), as_of=AS_OF)}
    assert ("E002" not in found) == valid


def test_a_relative_target_outside_the_instrument_range_is_an_input_error() -> None:
    goal = {
        "id": "g",
        "area": "depression",
        "statement": "Lower the PHQ-9 score by 30 points by 2027-02-23.",
        "addresses": ["depression"],
        "start_date": "2026-12-01",
        "due_date": "2027-02-23",
        "measure": {
            "instrument": "phq9",
            "baseline": {"value": 14, "date": "2026-12-01"},
            "target": {"change": -30},
        },
    }
    found = {v.code for v in check_goals(_document(goal), as_of=AS_OF)}
    assert "E012" in found
