"""The expected-recovery path from baseline to target, where the latest value sits on it, review
points and review dates.

Measurement-based care expects most of the change early (front-loaded recovery curves), so the
path is not a straight line to a far due date. It runs through the brief's review points:

* ``(start, baseline)``;
* the non-response review point (``ReviewConfig.no_response_weeks`` after the start,
  [DN-review-intervals]: 8-12 weeks) expects a reliable improvement (the instrument's reliable-change threshold,
  else its MCID): without one a patient is a non-responder there ([DN-non-response], R-SC5);
* ``(due, target)``.

Between them the path is linear. Where the instrument gives no threshold (free metrics, PSS-10,
RSES), the planned change is too small, or the due date comes first, the path is the straight
line. Progress is measured as a fraction of the planned change, so one tolerance
(``ReviewConfig.trajectory_tolerance``) serves every scale. A baseline that already meets the
target plans no change: the position is ``unknown``. Design and reasons: docs/review.md.
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Sequence
from typing import Any

from planengine.review._change import reliable_step
from planengine.review._model import Measurement, ReviewConfig, Trajectory
from planengine.review._parse import ParsedGoal

__all__ = [
    "add_days",
    "expected_value",
    "next_review",
    "path_value",
    "recovery_path",
    "review_points",
    "trajectory",
]

Point = tuple[dt.date, float]


def expected_value(
    start: dt.date, due: dt.date, baseline: float, target: float, on: dt.date
) -> float:
    """The value the straight line from ``(start, baseline)`` to ``(due, target)`` expects ``on`` a
    day. Before the start it is the baseline; after the due date, the target.
    """
    return path_value(((start, baseline), (due, target)), on)


def path_value(path: Sequence[Point], on: dt.date) -> float:
    """The value a path of ``(date, value)`` vertices expects ``on`` a day (clamped at its ends)."""
    if on <= path[0][0]:
        return path[0][1]
    for (d1, v1), (d2, v2) in itertools.pairwise(path):
        if on <= d2:
            span = (d2 - d1).days
            return v2 if span <= 0 else v1 + (v2 - v1) * (on - d1).days / span
    return path[-1][1]


def recovery_path(goal: ParsedGoal, config: ReviewConfig) -> tuple[Point, ...]:
    """The expected-recovery path's vertices (see the module docstring); ``()`` without a
    baseline, target, start and due date."""
    if not goal.has_baseline or goal.target is None or goal.start is None or goal.due is None:
        return ()
    baseline, target = goal.measurements[0].value, goal.target
    straight = ((goal.start, baseline), (goal.due, target))
    step = None
    if goal.instrument is not None and goal.scale != "metric":
        found = reliable_step(goal.instrument, goal.scale)
        step = None if found is None else found[0]
    point = add_days(goal.start, config.no_response_weeks * 7)
    planned = target - baseline
    if step is None or point is None or point >= goal.due or step >= abs(planned):
        return straight
    knee = baseline + (step if planned > 0 else -step)
    if abs(knee - baseline) / abs(planned) <= (point - goal.start).days / (goal.due - goal.start).days:
        return straight  # the straight line already expects as much: never less front-loaded
    return ((goal.start, baseline), (point, knee), (goal.due, target))


def review_points(goal: ParsedGoal, config: ReviewConfig) -> tuple[tuple[dt.date, str], ...]:
    """The review points after the start: the first review, the non-response review, the due date."""
    if goal.start is None:
        return ()
    out: list[tuple[dt.date, str]] = []
    for weeks, label in (
        (config.first_review_weeks, "first review"),
        (config.no_response_weeks, "non-response review"),
    ):
        date = add_days(goal.start, weeks * 7)
        if date is not None and (goal.due is None or date < goal.due):
            out.append((date, f"{label} (week {weeks})"))
    if goal.due is not None:
        out.append((goal.due, "due date"))
    return tuple(sorted(set(out)))


def _projected(
    start: dt.date, latest: Measurement, baseline: float, target: float
) -> dt.date | None:
    elapsed = (latest.date - start).days
    done = latest.value - baseline
    planned = target - baseline
    if elapsed <= 0 or planned == 0 or done == 0 or (done > 0) != (planned > 0):
        return None
    days = elapsed * planned / done
    if days > 36500:
        return None
    return add_days(start, round(days))


def _missing(goal: ParsedGoal) -> str:
    missing = [
        name
        for name, ok in (
            ("baseline", goal.has_baseline),
            ("target", goal.target is not None),
            ("start date", goal.start is not None),
            ("due date", goal.due is not None),
        )
        if not ok
    ]
    return f"no {', '.join(missing)}: no expected path"


def trajectory(goal: ParsedGoal, as_of: dt.date, config: ReviewConfig) -> Trajectory:
    """Place the goal's latest value against its expected-recovery path."""
    tolerance = config.trajectory_tolerance
    base: dict[str, Any] = {
        "days_left": None if goal.due is None else (goal.due - as_of).days,
        "start": goal.start,
        "due": goal.due,
        "tolerance": tolerance,
        "review_points": review_points(goal, config),
    }
    if goal.baseline_pending is not None:
        return Trajectory("unknown", reason=goal.baseline_pending, **base)
    path = recovery_path(goal, config)
    if not path:
        return Trajectory("unknown", reason=_missing(goal), **base)
    assert goal.target is not None and goal.start is not None
    base["path"] = path
    baseline = goal.measurements[0].value
    if len(goal.measurements) < 2:
        return Trajectory("unknown", reason="no measurement after the baseline yet", **base)
    latest = goal.measurements[-1]
    planned = goal.target - baseline
    expected = path_value(path, latest.date)
    projected = _projected(goal.start, latest, baseline, goal.target)
    if planned == 0:
        return Trajectory(
            "unknown",
            expected_now=expected,
            actual=latest.value,
            projected_date=projected,
            reason="the target equals the baseline: no planned change",
            **base,
        )
    if (planned > 0) != (goal.direction == "higher-is-better"):
        # The baseline is already past the target (PHQ-9 3, target <= 9): the "planned change"
        # would run the worse way, and a worsening would read as ahead of it.
        return Trajectory(
            "unknown",
            expected_now=None,
            actual=latest.value,
            reason=f"the baseline {baseline:g} already meets the target {goal.comparator} "
            f"{goal.target:g}: no planned change to follow",
            **base,
        )
    actual_fraction = (latest.value - baseline) / planned + 0.0  # never -0 %
    expected_fraction = (expected - baseline) / planned + 0.0
    deviation = actual_fraction - expected_fraction
    if deviation > tolerance:
        position = "ahead"
    elif deviation < -tolerance:
        position = "behind"
    else:
        position = "on-track"
    shape = "expected-recovery path" if len(path) > 2 else "straight path"
    reason = (
        f"on {latest.date} the value was {latest.value:g}; the {shape} from {baseline:g} to "
        f"{goal.target:g} expected {expected:.1f} ({actual_fraction:.0%} of the planned change done, "
        f"{expected_fraction:.0%} expected, tolerance {tolerance:.0%})"
    )
    return Trajectory(
        position,
        expected_now=expected,
        actual=latest.value,
        deviation=deviation,
        projected_date=projected,
        reason=reason,
        **base,
    )


def next_review(goal: ParsedGoal, interval: int) -> dt.date | None:
    """The next review date: the latest measurement (or the start) plus the review interval."""
    anchor = goal.measurements[-1].date if goal.measurements else goal.start
    if goal.gas_history and (anchor is None or goal.gas_history[-1][0] > anchor):
        anchor = goal.gas_history[-1][0]
    if anchor is None:
        return None
    return add_days(anchor, interval)


def add_days(date: dt.date, days: int) -> dt.date | None:
    """``date`` plus ``days``, or ``None`` past the calendar's end (year 9999) or start."""
    try:
        return date + dt.timedelta(days=days)
    except OverflowError:
        return None
