"""SMART rules, M (measurable): a metric (or a statement that is measurable by itself), its unit,
a dated baseline and a target, a known instrument, and values inside the instrument's range."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from planengine._values import read_number
from planengine.goals._record import Number
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
    expected = ctx.record.gas_expected_level
    return expected is not None and bool(expected.strip())


def check_no_metric(ctx: GoalContext) -> Iterator[Hit]:
    """M201: nothing to measure, in the record or in the statement. A statement that counts or
    rates something is M208's; a discrete task that is done or not done is measurable as such."""
    if has_metric(ctx) or _has_gas_scale(ctx):
        return
    statement = read_statement(ctx)
    if statement is not None and statement.measurable:
        return
    yield Hit(("measure",) if "measure" in ctx.record.written else ())


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
        ("measure",) if "measure" in ctx.record.written else (),
        f"the statement says {quoted!r}: add measure.metric, unit and target so that progress "
        "can be recorded",
    )


def check_no_unit(ctx: GoalContext) -> Iterator[Hit]:
    measure = ctx.record.measure
    if measure.metric and not measure.instrument and not measure.unit:
        yield Hit(("measure",), f"metric {measure.metric!r} has no unit")


def check_no_baseline(ctx: GoalContext) -> Iterator[Hit]:
    if not has_metric(ctx):
        return
    measure = ctx.record.measure
    baseline = measure.baseline
    change = measure.target.change if measure.target is not None else None
    if baseline is None:
        method = measure.method
        source = (
            f"the first measurement by its method ({_quoted(method)})"
            if method is not None and method.strip()
            else "the first week of a log or the first questionnaire"
        )
        needed = (
            f"no baseline, and the target ({change}) is relative "
            "to it: there is no target until it is recorded"
            if change is not None
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
    by = baseline.by
    if (
        "pending" in baseline.written
        and by is not None
        and ctx.as_of is not None
        and ctx.as_of > by
    ):
        yield Hit(
            ("measure", "baseline"),
            f"no baseline: it was to be {_quoted(baseline.pending)} by {by}, and is still pending",
        )


def check_baseline_date(ctx: GoalContext) -> Iterator[Hit]:
    baseline = ctx.record.measure.baseline
    if baseline is not None and not {"date", "pending"} & baseline.written:
        yield Hit(("measure", "baseline"))


def _quoted(value: Any) -> str:
    """Text from the file as a message quotes it: one line, at most 120 characters."""
    text = " ".join(str(value).split())
    return text if len(text) <= 120 else text[:119] + "…"


def check_no_target(ctx: GoalContext) -> Iterator[Hit]:
    if has_metric(ctx) and ctx.record.measure.target is None:
        statement = read_statement(ctx)
        if statement is not None and statement.quantity:
            yield Hit(
                ("measure",),
                f"no target; the statement says {statement.quantity!r}: add measure.target",
            )
            return
        yield Hit(("measure",))


def check_unknown_instrument(ctx: GoalContext) -> Iterator[Hit]:
    name = ctx.record.measure.instrument
    if name is not None and name not in ctx.instruments:
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
    measure = ctx.record.measure
    for derived in getattr(instrument, "derived", ()):
        if derived.id == measure.unit:
            low, high = low * derived.multiply, high * derived.multiply
    baseline, target = measure.baseline, measure.resolved_target
    places: list[tuple[tuple[str | int, ...], Number | None]] = [
        (("measure", "baseline", "value"), baseline.value if baseline is not None else None),
        (("measure", "target", "value"), target.value if target is not None else None),
    ]
    for index, entry in enumerate(ctx.record.progress):
        if entry is not None:
            places.append((("progress", index, "value"), entry.value))
    name = measure.instrument
    for path, raw in places:
        value = read_number(raw)  # one too large to use (or NaN) is outside any range
        if raw is not None and (value is None or not low <= value <= high):
            yield Hit(path, f"{shown(raw)} is outside the {name} range {fmt(low)}-{fmt(high)}")
