"""A goal's measure scale as the review reads it: the range its values can take, whether a target
within it can be met, and whether a progress entry's unit is the measure's."""

from __future__ import annotations

from planengine._values import ORDER_COMPARATORS, compare
from planengine.instruments._instrument import Instrument
from planengine.review._inputs import unit_scale

__all__ = ["measure_bounds", "range_hint", "reachable", "same_unit"]


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
