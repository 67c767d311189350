"""The expected path from baseline to target, where the latest value sits on it, and review dates.

The expected value rises or falls linearly from the baseline (on the start date) to the target
(on the due date). Progress is measured as a fraction of the planned change, so one tolerance
(``ReviewConfig.trajectory_tolerance``, default 10 % of the planned change) serves every scale.
A baseline that already meets the target plans no change: the position is ``unknown``.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from planengine.review._model import Measurement, Trajectory
from planengine.review._parse import ParsedGoal

__all__ = ["add_days", "expected_value", "next_review", "trajectory"]


def expected_value(
    start: dt.date, due: dt.date, baseline: float, target: float, on: dt.date
) -> float:
    """The value the linear path from ``(start, baseline)`` to ``(due, target)`` expects ``on`` a day.

    Before the start it is the baseline; after the due date, the target.
    """
    span = (due - start).days
    if span <= 0:
        return target if on >= due else baseline
    fraction = min(1.0, max(0.0, (on - start).days / span))
    return baseline + (target - baseline) * fraction


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


def trajectory(goal: ParsedGoal, as_of: dt.date, tolerance: float) -> Trajectory:
    """Place the goal's latest value against its expected linear path."""
    days_left = None if goal.due is None else (goal.due - as_of).days
    base: dict[str, Any] = {
        "days_left": days_left,
        "start": goal.start,
        "due": goal.due,
        "tolerance": tolerance,
    }
    if goal.baseline_pending is not None:
        return Trajectory("unknown", reason=goal.baseline_pending, **base)
    if not goal.has_baseline or goal.target is None or goal.start is None or goal.due is None:
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
        return Trajectory("unknown", reason=f"no {', '.join(missing)}: no expected path", **base)
    baseline = goal.measurements[0].value
    if len(goal.measurements) < 2:
        return Trajectory("unknown", reason="no measurement after the baseline yet", **base)
    latest = goal.measurements[-1]
    planned = goal.target - baseline
    expected = expected_value(goal.start, goal.due, baseline, goal.target, latest.date)
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
    actual_fraction = (latest.value - baseline) / planned
    expected_fraction = (expected - baseline) / planned
    deviation = actual_fraction - expected_fraction
    if deviation > tolerance:
        position = "ahead"
    elif deviation < -tolerance:
        position = "behind"
    else:
        position = "on-track"
    reason = (
        f"on {latest.date} the value was {latest.value:g}; the linear path from {baseline:g} to "
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
