"""The value a free metric (a behavioural count: walks, activities, journal entries per week) is
judged by: the rolling median of its latest values, so that no single noisy week decides.

One week of 5 after 0, 2, 0 is not a target of 5 met (median 2), and one week of 1 after seven
weeks at 4-5 is not a non-response (median 4). The median of a steady trend sits at the window's
middle date, so that is the date it is judged at. The median of a window of three ignores any one
outlier; the window is ``ReviewConfig.rolling_window`` (a design choice, docs/review.md).
Questionnaire totals are never smoothed: their thresholds are for single administrations.
"""

from __future__ import annotations

import attrs

from planengine.review._parse import ParsedGoal

__all__ = ["judged_goal"]


def _fmt(value: float) -> str:
    return f"{value:g}" if float(value).is_integer() else f"{value:.2f}".rstrip("0")


def judged_goal(goal: ParsedGoal, window: int) -> tuple[ParsedGoal, str | None]:
    """The goal as its status and trajectory read it, and a note saying how (``None``: as
    measured).

    A free metric with at least ``window`` values after the baseline is read as the rolling
    median of each full window of ``window`` values, placed at the window's middle date (where a
    median of a steady trend sits, so the path is not judged a week late); the baseline stays as
    recorded. With fewer values the goal is read as measured.
    """
    later = goal.measurements[1:]
    if goal.scale != "metric" or window < 2 or len(later) < window:
        return goal, None
    import statistics  # only for a goal read by its rolling median

    smoothed = [goal.measurements[0]]
    for end in range(window, len(later) + 1):
        values = [m.value for m in later[end - window : end]]
        middle = later[end - 1 - (window - 1) // 2]
        smoothed.append(attrs.evolve(middle, value=float(statistics.median(values))))
    last = [m.value for m in later[-window:]]
    note = (
        f"judged by the rolling median of the latest {window} values "
        f"({', '.join(_fmt(v) for v in last)}: {_fmt(smoothed[-1].value)}, placed at "
        f"{smoothed[-1].date}, the middle one's date), so that no single value decides"
    )
    return attrs.evolve(goal, measurements=tuple(smoothed)), note
