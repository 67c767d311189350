"""SMART rules, A (achievable): a target already met at baseline, a target that asks for
deterioration, and a change larger than the time allows."""

from __future__ import annotations

from collections.abc import Iterator

from planengine._values import COMPARATORS, compare, read_number
from planengine.smart._model import GoalContext, Hit
from planengine.smart._rules_shared import fmt, on_instrument_scale

__all__ = ["check_harmful_direction", "check_met_at_baseline", "check_plausible_change"]


def check_met_at_baseline(ctx: GoalContext) -> Iterator[Hit]:
    baseline, target = ctx.baseline, ctx.target
    if baseline is None or target is None:
        return
    start, goal = read_number(baseline.get("value")), read_number(target.get("value"))
    comparator = target.get("comparator", "<=" if _lower_is_better(ctx) else ">=")
    if start is None or goal is None or not isinstance(comparator, str):
        return
    if "comparator" not in target and _worse(ctx, start, goal):
        return  # "from 12 to 18" on PHQ-9 asks for deterioration: A302 says so, not this
    if comparator in COMPARATORS and compare(start, comparator, goal):
        yield Hit(
            ("measure", "target"),
            f"the baseline {fmt(start)} already meets the target {comparator} {fmt(goal)}",
        )


def _lower_is_better(ctx: GoalContext) -> bool:
    instrument = on_instrument_scale(ctx)
    direction = getattr(instrument, "direction", "higher-is-worse") if instrument else None
    if direction is not None:
        return bool(direction == "higher-is-worse")
    baseline, target = ctx.baseline, ctx.target
    start = read_number((baseline or {}).get("value"))
    goal = read_number((target or {}).get("value"))
    return start is not None and goal is not None and goal < start


def _worse(ctx: GoalContext, start: float, goal: float) -> bool:
    """Whether ``goal`` is worse than ``start`` in the direction of the goal's instrument (``False``
    when the values are not on an instrument's scale or its direction is unknown)."""
    direction = getattr(on_instrument_scale(ctx), "direction", None)
    if direction == "higher-is-worse":
        return goal > start
    if direction == "higher-is-better":
        return goal < start
    return False


def check_harmful_direction(ctx: GoalContext) -> Iterator[Hit]:
    instrument = on_instrument_scale(ctx)
    target = ctx.target
    if instrument is None or target is None:
        return
    direction = getattr(instrument, "direction", None)
    if direction not in ("higher-is-worse", "higher-is-better"):
        return
    worse_up = direction == "higher-is-worse"
    comparator = target.get("comparator")
    goal = read_number(target.get("value"))
    start = read_number((ctx.baseline or {}).get("value"))
    name = ctx.measure.get("instrument")
    if comparator in ((">=", ">") if worse_up else ("<=", "<")):
        yield Hit(
            ("measure", "target", "comparator"),
            f"on {name} {direction.replace('-', ' ')}, so a target of {comparator} "
            f"{fmt(goal) if goal is not None else '?'} asks for deterioration",
        )
    elif (
        start is not None
        and goal is not None
        and (goal > start if worse_up else goal < start)
        # With no comparator the target value is where the goal heads ("PHQ-9 from 12 to 18");
        # with one the baseline may already meet it ("PHQ-9 <= 18" from 12), which is A301.
        and not (comparator in COMPARATORS and compare(start, comparator, goal))
    ):
        yield Hit(
            ("measure", "target", "value"),
            f"on {name} {direction.replace('-', ' ')}; moving from {fmt(start)} to {fmt(goal)} "
            "is deterioration",
        )


def check_plausible_change(ctx: GoalContext) -> Iterator[Hit]:
    instrument = on_instrument_scale(ctx)
    baseline, target = ctx.baseline, ctx.target
    if instrument is None or baseline is None or target is None:
        return
    change = getattr(instrument, "change", None)
    if getattr(change, "scale", "total") != "total":
        return  # thresholds in percent points (WHO-5) are not comparable with totals
    step = read_number(getattr(change, "reliable_change_points", None)) or read_number(
        getattr(change, "mcid", None)
    )
    start, goal = read_number(baseline.get("value")), read_number(target.get("value"))
    begin, due = ctx.start, ctx.date("due_date")
    if not step or start is None or goal is None or begin is None or due is None:
        return
    weeks = max(0, (due - begin).days) / 7  # no time at all still allows one reliable change
    per = ctx.settings.plausible_weeks_per_reliable_change
    plausible = step * max(1.0, weeks / per)
    wanted = abs(goal - start)
    if wanted > plausible:
        yield Hit(
            ("measure", "target", "value"),
            f"a change of {fmt(wanted)} points in {weeks:.0f} weeks exceeds about {fmt(plausible)}"
            f" (one reliable change of {fmt(step)} per {fmt(per)} weeks)",
        )
