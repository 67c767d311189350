"""SMART rules, A (achievable): a target already met at baseline, a target that asks for
deterioration, a change larger than the time allows (on an instrument, A303; on a free metric,
A305), and an absolute or perfectionist target (A304)."""

from __future__ import annotations

import re
from collections.abc import Iterator

from planengine._values import COMPARATORS, compare, read_number
from planengine.goals._record import BaselineRecord, TargetRecord
from planengine.smart._model import GoalContext, Hit
from planengine.smart._rules_shared import fmt, on_instrument_scale, read_statement

__all__ = [
    "check_absolute_target",
    "check_free_metric_change",
    "check_harmful_direction",
    "check_met_at_baseline",
    "check_plausible_change",
]


def _values(ctx: GoalContext) -> tuple[BaselineRecord | None, TargetRecord | None]:
    """The goal's baseline and its target as the rules read it (a change resolved)."""
    measure = ctx.record.measure
    return measure.baseline, measure.resolved_target


def _number(record: BaselineRecord | TargetRecord | None) -> float | None:
    return read_number(record.value) if record is not None else None


def check_met_at_baseline(ctx: GoalContext) -> Iterator[Hit]:
    baseline, target = _values(ctx)
    if baseline is None or target is None:
        return
    start, goal = _number(baseline), _number(target)
    written = "comparator" in target.written
    comparator = target.comparator if written else ("<=" if _lower_is_better(ctx) else ">=")
    if start is None or goal is None or comparator is None:
        return
    if not written and _worse(ctx, start, goal):
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
    baseline, target = _values(ctx)
    start, goal = _number(baseline), _number(target)
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
    baseline, target = _values(ctx)
    if instrument is None or target is None:
        return
    direction = getattr(instrument, "direction", None)
    if direction not in ("higher-is-worse", "higher-is-better"):
        return
    worse_up = direction == "higher-is-worse"
    comparator = target.comparator
    goal, start = _number(target), _number(baseline)
    name = ctx.record.measure.instrument
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
    baseline, target = _values(ctx)
    if instrument is None or baseline is None or target is None:
        return
    change = getattr(instrument, "change", None)
    if getattr(change, "scale", "total") != "total":
        return  # thresholds in percent points (WHO-5) are not comparable with totals
    step = read_number(getattr(change, "reliable_change_points", None)) or read_number(
        getattr(change, "mcid", None)
    )
    start, goal = _number(baseline), _number(target)
    begin, due = ctx.record.start, ctx.record.due_date
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


_RATE_WORDS = ("100", "always", "every time", "all the time", "at all times", "without fail", "all day",
               "perfect")  # fmt: skip
_SPEED_WORDS = ("immediately", "uninterrupted")
_TRAINING_WORDS = ("exercis", "work", "go to the gym", "hit the gym", "train")


def _rewrite(phrase: str) -> str:
    """A suggested rewrite for an absolute target, by the kind of wording."""
    lower = phrase.lower()
    if lower.startswith(_RATE_WORDS) or re.fullmatch(r"\w+ (out )?of \w+", lower):
        return 'set a rate that allows a lapse, e.g. "in 4 of 5 situations"'
    if lower.startswith(_SPEED_WORDS):
        return 'give a realistic range, e.g. "within 10-30 minutes on most nights"'
    if lower.startswith(_TRAINING_WORDS):
        return 'allow rest days, e.g. "on 4 of 7 days a week"'
    return 'aim for a reduction from the baseline, e.g. "no more than 1 a week, down from 4"'


def check_absolute_target(ctx: GoalContext) -> Iterator[Hit]:
    """A304: "zero", "never", "100 %", "free of", "immediately" in the statement, or a free metric's
    target of 0 (or 100 %) in the record. Abstinence from a substance is not flagged."""
    statement = read_statement(ctx)
    if statement is not None and statement.absolutes:
        phrase = statement.absolutes[0]
        yield Hit(
            ("statement",),
            f"{phrase!r} asks for perfection, so one lapse fails the goal: {_rewrite(phrase)}",
        )
        return
    measure = ctx.record.measure
    target = measure.resolved_target
    if target is None or measure.instrument or not measure.metric:
        return
    goal = _number(target)
    comparator = target.comparator if "comparator" in target.written else "=="
    metric = str(measure.metric)
    unit = measure.unit or ""
    if goal == 0 and comparator in ("<=", "==") and not _substance(metric):
        yield Hit(
            ("measure", "target", "value"),
            f"a target of 0 {metric} asks for perfection: {_rewrite('zero')}",
        )
    elif goal == 100 and comparator in (">=", "==") and unit.strip().lower() in ("%", "percent"):
        yield Hit(
            ("measure", "target", "value"),
            f"a target of 100 % {metric} asks for perfection: {_rewrite('100')}",
        )


def _substance(text: str) -> bool:
    from planengine.smart._statement import patterns

    words = set(patterns()["absolute_targets"]["substance_words"])
    return any(word in words for word in text.lower().replace("-", " ").split())


def check_free_metric_change(ctx: GoalContext) -> Iterator[Hit]:
    """A305: a free metric (no instrument scale) asked to fall by more than
    plausible-change-per-week of its baseline per week (at least one week's worth), from the record
    (baseline, target, start and due date) or, without them, from the statement ("from 57 to 14
    units in 4 weeks")."""
    per_week = ctx.settings.plausible_change_per_week
    found = _record_change(ctx)
    where: tuple[str | int, ...] = ("measure", "target", "value")
    if found is None:
        statement = read_statement(ctx)
        if statement is None or statement.change is None or ctx.record.measure.instrument:
            return
        if any(name in statement.text.lower() for name in ctx.instruments):
            return  # an instrument's totals: A303 judges those
        found = statement.change
        where = ("statement",)
    start, goal, weeks = found
    if start <= 0 or goal >= start or weeks <= 0:
        return  # building up from a small count ("1 to 5 activities") is not judged by share
    wanted = abs(goal - start) / abs(start)
    allowed = min(1.0, per_week * max(1.0, weeks))
    if wanted <= allowed:
        return
    step = start + (goal - start) * allowed / wanted
    needed = wanted / per_week
    yield Hit(
        where,
        f"from {fmt(start)} to {fmt(goal)} in {weeks:.0f} weeks is a {wanted:.0%} change, more than"
        f" about {allowed:.0%} ({per_week:.0%} a week): set an intermediate target of about "
        f"{fmt(step)}, or allow about {needed:.0f} weeks",
    )


def _record_change(ctx: GoalContext) -> tuple[float, float, float] | None:
    if on_instrument_scale(ctx) is not None or ctx.record.measure.instrument:
        return None
    baseline, target = _values(ctx)
    if baseline is None or target is None:
        return None
    start, goal = _number(baseline), _number(target)
    begin, due = ctx.record.start, ctx.record.due_date
    if start is None or goal is None or begin is None or due is None:
        return None
    return start, goal, max(0, (due - begin).days) / 7
