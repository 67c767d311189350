"""A lost target: the goal was reached (or nearly), then regressed.

The latest value is a lost target when, against the values measured before it, it

* is worse than the best of them by the MCID or more (else the instrument's reliable-change
  threshold; [DN-change-measures]): PHQ-9 3 -> 8, 8 -> 13;
* no longer meets a target that a value after the baseline met: PHQ-9 8 -> 13 with target <= 9;
* is back at caseness after a value after the baseline was below it: PHQ-9 9 -> 13 against
  NHS Talking Therapies caseness >= 10 ([DN-change-measures][R37]).

FHIR calls a goal that was reached and has regressed ``in-progress`` ("also applies if the goal
was reached in the past but there has been regression", [R4-Goal]). A lost target needs
attention and a review now (R-SC5: deterioration -> review now); it is never kept
or closed. A reliable worsening is ``worsening`` instead (``_status``), which this comes after.
"""

from __future__ import annotations

from planengine._values import compare
from planengine.instruments._parts import Cutoff
from planengine.review._change import mcid_step, raw_total
from planengine.review._model import Measurement, Status
from planengine.review._parse import ParsedGoal
from planengine.review._target import target_met

__all__ = ["lost_target"]


def _better(goal: ParsedGoal, a: float, b: float) -> bool:
    """Whether ``a`` is better than ``b`` in the goal's direction."""
    return a > b if goal.direction == "higher-is-better" else a < b


def _best(goal: ParsedGoal, values: tuple[Measurement, ...]) -> Measurement:
    best = values[0]
    for m in values[1:]:
        if not _better(goal, best.value, m.value):  # the latest of equals
            best = m
    return best


def _from_best(goal: ParsedGoal, latest: Measurement, best: Measurement) -> str | None:
    if goal.instrument is None or goal.scale == "metric":
        return None
    found = mcid_step(goal.instrument, goal.scale)
    if found is None:
        return None
    step, name = found
    worse = best.value - latest.value if goal.direction == "higher-is-better" else latest.value - best.value
    if worse + 1e-9 < step:
        return None
    return f"{worse:g} worse than its best, {best.value:g} on {best.date}: {name} or more"


def _target(goal: ParsedGoal, latest: Measurement, earlier: tuple[Measurement, ...]) -> str | None:
    if goal.target is None or target_met(latest.value, goal.comparator, goal.target):
        return None
    met = [m for m in earlier if target_met(m.value, goal.comparator, goal.target)]
    if not met:
        return None
    return (
        f"the target {goal.comparator or '=='} {goal.target:g} was met on {met[-1].date} "
        f"({met[-1].value:g}) and is not met now"
    )


def _caseness(
    goal: ParsedGoal, latest: Measurement, earlier: tuple[Measurement, ...], caseness: Cutoff | None
) -> str | None:
    if caseness is None or goal.instrument is None or goal.scale == "metric":
        return None

    instrument = goal.instrument

    def case(m: Measurement) -> bool:
        raw = raw_total(instrument, m.value, goal.scale)
        return compare(raw, caseness.comparator, caseness.value)

    below = [m for m in earlier if not case(m)]
    if not below or not case(latest):
        return None
    return (
        f"back at caseness ({caseness.text}, {caseness.meaning}) after {below[-1].value:g} on "
        f"{below[-1].date} was below it"
    )


def lost_target(goal: ParsedGoal, caseness: Cutoff | None = None) -> Status | None:
    """``in-progress`` / ``status.target-lost`` when the latest value lost ground won after the
    baseline (see the module docstring); ``None`` otherwise."""
    values = goal.measurements
    if len(values) < 3:
        return None  # baseline -> latest is change from the baseline, judged there
    latest, earlier = values[-1], values[1:-1]
    best = _best(goal, earlier)
    # from a best that is no better than the baseline, the change from the baseline judges it
    gained = _better(goal, best.value, values[0].value)
    reasons = [
        why
        for why in (
            _from_best(goal, latest, best) if gained else None,
            _target(goal, latest, earlier),
            _caseness(goal, latest, earlier, caseness),
        )
        if why
    ]
    if not reasons:
        return None
    return Status(
        "in-progress",
        "status.target-lost",
        f"reached, then regressed: {latest.value:g} on {latest.date} is " + "; ".join(reasons),
    )
