"""What the checks of several SMART letters read: whether a goal names a metric, whether its values
are an instrument's totals, and numbers as the messages show them."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from planengine.instruments._units import unit_scale
from planengine.smart._model import GoalContext

if TYPE_CHECKING:
    from planengine.smart._statement import Statement

__all__ = [
    "fmt",
    "has_metric",
    "on_instrument_scale",
    "read_statement",
    "record_anchored",
    "shown",
]


def on_instrument_scale(ctx: GoalContext) -> Any:
    """The instrument when the goal's values are its totals, else ``None``.

    A goal may name both a free metric (sleep onset latency, minutes) and an instrument (isi) it
    answers to; then the values are in the metric's unit and instrument checks do not apply, unless
    the unit is the instrument's total: ``points``, ``score``, or ``PHQ-9 points`` and ``phq9 score``
    (the engine's own goal files write ``PHQ-9 points``), read as the review reads it.
    """
    instrument = ctx.instrument
    if instrument is None:
        return None
    measure = ctx.record.measure
    unit = measure.unit
    if measure.metric and unit is not None:
        candidates = (
            getattr(instrument, "name", None),
            getattr(instrument, "id", None),
            measure.instrument,
        )
        names = tuple(name for name in candidates if isinstance(name, str) and name)
        if unit_scale(unit, names) != "total":
            return None
    return instrument


def has_metric(ctx: GoalContext) -> bool:
    measure = ctx.record.measure
    return bool(measure.metric or measure.instrument)


def fmt(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else f"{round(value, 1):g}"


def shown(raw: Any) -> str:
    """A JSON number as messages show it, usable or not: ``inf`` when too large for a float."""
    try:
        return fmt(float(raw))
    except OverflowError:  # an integer with hundreds of digits
        return "inf" if raw > 0 else "-inf"


def read_statement(ctx: GoalContext) -> Statement | None:
    """What the goal's statement says (``None`` when it has none). The analyser is imported here,
    on the first statement rule that runs, so that runs without one never load it."""
    text = ctx.record.statement
    if text is None or not text.strip():
        return None
    from planengine.smart._statement import analyse

    return analyse(text)


_PERCENT_UNITS = frozenset({"%", "percent", "per cent", "percentage"})


def record_anchored(ctx: GoalContext) -> bool:
    """Whether ``measure`` names a real metric with a numeric target: an instrument, or a free
    metric with a unit. A percentage of an abstract quality ("80 % increase in self-esteem") is
    not a metric: nothing says what was counted."""
    measure = ctx.record.measure
    target = measure.resolved_target
    if target is None or target.value is None:
        return False
    if measure.instrument:
        return True
    unit = measure.unit
    if not (measure.metric and unit is not None and unit.strip()):
        return False
    return unit.strip().lower() not in _PERCENT_UNITS
