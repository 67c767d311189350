"""A goal's measure scale as the review reads it: the range its values can take, whether a target
within it can be met, and whether a progress entry's unit is the measure's."""

from __future__ import annotations

from planengine._values import ORDER_COMPARATORS, compare
from planengine.instruments._instrument import Instrument
from planengine.review._inputs import ParsedGoal, fmt_number, unit_scale

__all__ = [
    "convert_time",
    "measure_bounds",
    "metric_outside_instrument",
    "range_hint",
    "reachable",
    "same_unit",
]


def range_hint(
    instrument: Instrument | None, scale: str, value: float, bounds: tuple[float, float]
) -> str:
    if instrument is not None and scale == "total":
        for derived in instrument.derived:
            if derived.id == "percent" and value <= bounds[1] * derived.multiply:
                return f" (a {instrument.name} percent score? then set the measure's unit to 'percent')"
    return ""


def measure_bounds(instrument: Instrument | None, scale: str) -> tuple[float, float] | None:
    if instrument is None or scale == "metric":
        return None
    if scale == "percent":
        multiply = next(d.multiply for d in instrument.derived if d.id == "percent")
        return float(instrument.total_min * multiply), float(instrument.total_max * multiply)
    return float(instrument.total_min), float(instrument.total_max)


def reachable(target: float, comparator: str | None, bounds: tuple[float, float]) -> bool:
    """Whether some value within ``bounds`` meets the target (no comparator: equals it)."""
    low, high = bounds
    if comparator in ORDER_COMPARATORS:
        return compare(low, comparator, target) or compare(high, comparator, target)
    return low <= target <= high


def same_unit(
    given: object, unit: str | None, scale: str, instrument: Instrument | None
) -> bool:
    """Whether a progress entry's unit is the measure's: by meaning on an instrument's scale
    ('points', 'score' and 'PHQ-9 points' are all totals; '%' and 'percent' both percent),
    exactly otherwise."""
    if not isinstance(given, str):
        return False
    if instrument is not None and scale in ("total", "percent"):
        return unit_scale(given, (instrument.name, instrument.id)) == scale
    return given == unit


#: Plain time units, in seconds: a value in one converts exactly into another (1 hour is 60
#: minutes). Compound units ("minutes per week") and counts ("nights") never convert.
_TIME_UNITS = {
    **dict.fromkeys(("s", "sec", "secs", "second", "seconds"), 1),
    **dict.fromkeys(("min", "mins", "minute", "minutes"), 60),
    **dict.fromkeys(("h", "hr", "hrs", "hour", "hours"), 3600),
}


def convert_time(value: float, given: str, unit: str | None) -> float | None:
    """``value`` in ``given`` expressed in ``unit`` when both are plain time units (seconds,
    minutes, hours), else ``None`` (``convert_time(1, "hours", "minutes") == 60``)."""
    if unit is None:
        return None
    source = _TIME_UNITS.get(given.strip().lower())
    dest = _TIME_UNITS.get(unit.strip().lower())
    if source is None or dest is None:
        return None
    return value * source / dest


def metric_outside_instrument(goal: ParsedGoal) -> str | None:
    """Why a free metric that names an instrument (sleep onset in minutes, ``instrument: isi``)
    cannot be that instrument's scores: some of its values lie outside the instrument's range.
    ``None`` when every value fits, or the goal is not such a metric.

    A metric beside an instrument is the metric's values, read as a free metric (the instrument
    names what it answers to, docs/goal-files.md); values the instrument could never give show
    that the two disagree, which the clinician should see.
    """
    instrument = goal.instrument
    if instrument is None or goal.scale != "metric" or not goal.record.measure.metric:
        return None
    low, high = instrument.total_min, instrument.total_max
    values = [m.value for m in goal.measurements]
    values += [] if goal.target is None else [goal.target]
    outside = [v for v in values if not low <= v <= high]
    if not outside:
        return None
    shown = ", ".join(dict.fromkeys(fmt_number(v) for v in outside))
    name = instrument.name
    return (
        f"the values are {goal.record.measure.metric!r} in {goal.unit or 'no unit'!r}, and some "
        f"({shown}) lie outside the {name} range {fmt_number(low)}-{fmt_number(high)}: they are "
        f"not {name} scores. They are reviewed as a free metric; no {name} threshold (reliable "
        f"change, caseness) is applied. Record {name} scores in a goal of their own to follow them"
    )
