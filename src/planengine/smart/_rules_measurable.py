"""SMART rules, M (measurable): a metric (or a statement that is measurable by itself), its unit,
a dated baseline and a target, a known instrument, and values inside the instrument's range."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from planengine._relative_target import describe_change, is_relative
from planengine._values import is_number, read_number
from planengine.smart._model import GoalContext, Hit
from planengine.smart._rules_shared import (
    fmt,
    has_metric,
    on_instrument_scale,
    read_statement,
    shown,
)

__all__ = [
    "check_baseline_date",
    "check_measure_only_in_statement",
    "check_no_baseline",
    "check_no_metric",
    "check_no_target",
    "check_no_unit",
    "check_out_of_range",
    "check_unknown_instrument",
]


def _has_gas_scale(ctx: GoalContext) -> bool:
    """Goal Attainment Scaling with a written expected (0) level is a measure in itself ([DN-gas])."""
    gas = ctx.goal.get("gas")
    levels = gas.get("levels") if isinstance(gas, dict) else None
    if not isinstance(levels, dict):
        return False
    expected = levels.get("0", levels.get(0))
    return isinstance(expected, str) and bool(expected.strip())


def check_no_metric(ctx: GoalContext) -> Iterator[Hit]:
    """M201: nothing to measure, in the record or in the statement. A statement that counts or
    rates something is M208's; a discrete task that is done or not done is measurable as such."""
    if has_metric(ctx) or _has_gas_scale(ctx):
        return
    statement = read_statement(ctx)
    if statement is not None and statement.measurable:
        return
    yield Hit(("measure",) if "measure" in ctx.goal else ())


def check_measure_only_in_statement(ctx: GoalContext) -> Iterator[Hit]:
    """M208: the statement counts or rates something ("3 times per week"), the record does not."""
    if has_metric(ctx) or _has_gas_scale(ctx):
        return
    statement = read_statement(ctx)
    if statement is None or not statement.measurable:
        return
    quoted = statement.quantity or statement.negated_behaviour
    if quoted is None:
        return  # a done/not-done task ("complete the questionnaires") is its own measure
    yield Hit(
        ("measure",) if "measure" in ctx.goal else (),
        f"the statement says {quoted!r}: add measure.metric, unit and target so that progress "
        "can be recorded",
    )


def check_no_unit(ctx: GoalContext) -> Iterator[Hit]:
    measure = ctx.measure
    if measure.get("metric") and not measure.get("instrument") and not measure.get("unit"):
        yield Hit(("measure",), f"metric {measure['metric']!r} has no unit")


def check_no_baseline(ctx: GoalContext) -> Iterator[Hit]:
    if not has_metric(ctx):
        return
    baseline = ctx.baseline
    relative = is_relative(ctx.measure.get("target"))
    if baseline is None:
        method = ctx.measure.get("method")
        source = (
            f"the first measurement by its method ({_quoted(method)})"
            if isinstance(method, str) and method.strip()
            else "the first week of a log or the first questionnaire"
        )
        needed = (
            f"no baseline, and the target ({describe_change(ctx.measure['target'])}) is relative "
            "to it: there is no target until it is recorded"
            if relative
            else "no baseline yet"
        )
        yield Hit(
            ("measure",),
            f"{needed}: record measure.baseline, or say where it will come from, e.g. "
            f"{{pending: {source}, by: YYYY-MM-DD}}",
        )
        return
    # A baseline recorded from the first week of a log is accepted until its date, then it is
    # missing like any other (a date that is no date is E004's).
    by = ctx.date("measure", "baseline", "by")
    if "pending" in baseline and by is not None and ctx.as_of is not None and ctx.as_of > by:
        yield Hit(
            ("measure", "baseline"),
            f"no baseline: it was to be {_quoted(baseline['pending'])} by {by}, and is still "
            "pending",
        )


def check_baseline_date(ctx: GoalContext) -> Iterator[Hit]:
    baseline = ctx.baseline
    if baseline is not None and "date" not in baseline and "pending" not in baseline:
        yield Hit(("measure", "baseline"))


def _quoted(value: Any) -> str:
    """Text from the file as a message quotes it: one line, at most 120 characters."""
    text = " ".join(str(value).split())
    return text if len(text) <= 120 else text[:119] + "…"


def check_no_target(ctx: GoalContext) -> Iterator[Hit]:
    if has_metric(ctx) and ctx.target is None:
        statement = read_statement(ctx)
        if statement is not None and statement.quantity:
            yield Hit(
                ("measure",),
                f"no target; the statement says {statement.quantity!r}: add measure.target",
            )
            return
        yield Hit(("measure",))


def check_unknown_instrument(ctx: GoalContext) -> Iterator[Hit]:
    name = ctx.measure.get("instrument")
    if isinstance(name, str) and name not in ctx.instruments:
        known = ", ".join(sorted(ctx.instruments)) or "none loaded"
        yield Hit(("measure", "instrument"), f"unknown instrument {name!r} (known: {known})")


def check_out_of_range(ctx: GoalContext) -> Iterator[Hit]:
    instrument = on_instrument_scale(ctx)
    if instrument is None:
        return
    low = read_number(getattr(instrument, "total_min", None))
    high = read_number(getattr(instrument, "total_max", None))
    if low is None or high is None:
        return
    # A unit naming a derived score (WHO-5 "percent" = raw x 4) puts the values on that scale.
    unit = ctx.measure.get("unit")
    for derived in getattr(instrument, "derived", ()):
        if derived.id == unit:
            low, high = low * derived.multiply, high * derived.multiply
    places: list[tuple[tuple[str | int, ...], Any]] = [
        (("measure", "baseline", "value"), (ctx.baseline or {}).get("value")),
        (("measure", "target", "value"), (ctx.target or {}).get("value")),
    ]
    progress = ctx.goal.get("progress")
    if isinstance(progress, list):
        for index, entry in enumerate(progress):
            if isinstance(entry, dict):
                places.append((("progress", index, "value"), entry.get("value")))
    name = ctx.measure.get("instrument")
    for path, raw in places:
        value = read_number(raw)  # one too large to use (or NaN) is outside any range
        if is_number(raw) and (value is None or not low <= value <= high):
            yield Hit(path, f"{shown(raw)} is outside the {name} range {fmt(low)}-{fmt(high)}")
