"""Personal targets for strategy objectives, from the baseline and the instrument's thresholds.

Used by :mod:`planengine.strategies._strategy`; the numbers come from the instrument data files (change
thresholds, remission, bands and cut-offs), never from the strategy code.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

from planengine._values import compare

__all__ = ["COMPARATOR_WORDS", "derive_target", "format_number", "target_for", "target_phrase"]

COMPARATOR_WORDS = {"<=": "or lower", "<": "below", ">=": "or higher", ">": "above", "==": "exactly"}


def target_phrase(comparator: str, value: float | int) -> str:
    """``"6 or lower"``, ``"below 5"``, ``"13 or higher"``, ``"above 4"``, ``"exactly 0"``."""
    number = format_number(value)
    if comparator in ("<", ">", "=="):
        return f"{COMPARATOR_WORDS[comparator]} {number}"
    return f"{number} {COMPARATOR_WORDS[comparator]}"


def format_number(value: float | int) -> str:
    return str(int(value)) if float(value).is_integer() else f"{value:g}"


def target_for(instrument: Any, score: Any, rule: Mapping[str, Any]) -> tuple[Any, str, str | None]:
    """The target for a score, or ``None`` with the reason it cannot be set.

    A score with an unanswered item has no total to move from: ``below-cutoff`` leaves the
    cut-offs every possible total meets, and a fixed target (``remission``, ``value``) holds
    when no possible total already meets it; a target moved from the baseline cannot be set.
    """
    if rule.get("rule") == "below-cutoff":
        met = [c for c in instrument.cutoffs if c.id in score.cutoffs_met]
        if not met:
            return None, "<", "the score meets none of the instrument's cut-offs"
        # Leave the most lenient cut-off met: the lowest for ">=" cut-offs, the highest for "<".
        worse_up = met[0].comparator in (">=", ">")
        cutoff = min(met, key=lambda c: c.value) if worse_up else max(met, key=lambda c: c.value)
        opposite = {">=": "<", ">": "<=", "<": ">=", "<=": ">"}[cutoff.comparator]
        return cutoff.value, opposite, None
    if score.total is None:  # an unanswered item: a fixed target only if no possible total meets it
        if rule.get("rule") not in ("remission", "value"):
            return None, "<=", "the total is unknown (an unanswered item): no baseline to move from"
        ends = [derive_target(instrument, end, rule) for end in score.total_range]
        value, comparator = ends[0]
        if value is None or ends[1][0] is None:
            return None, comparator, "a total the score can have already meets the target"
        return value, comparator, None
    value, comparator = derive_target(instrument, score.total, rule)
    if value is not None:
        return value, comparator, None
    change = instrument.change
    if rule.get("rule", "improvement") == "improvement" and not (
        change.reliable_change_points or change.mcid
    ):
        return None, comparator, (f"{instrument.name} has no published reliable-change or "
                                  "minimal-important-difference threshold to set a target from")
    return None, comparator, "the baseline already meets its target"


def derive_target(
    instrument: Any, baseline: int, rule: Mapping[str, Any]
) -> tuple[float | int | None, str]:
    """A personal target from the baseline and the instrument's change thresholds.

    Rules (``rule["rule"]``):

    * ``value``: a fixed value and comparator from the data.
    * ``remission``: the instrument's remission threshold.
    * ``improvement``: the baseline moved by a change threshold (``rule["step"]``: ``reliable``,
      the default, uses the reliable-change points else the MCID; ``mcid`` the MCID else the
      reliable-change points; ``largest`` the larger of the two), capped at the remission threshold
      when that is reached, else at the edge of the instrument's lowest-severity band (a target
      inside the normal range is not asked for), and at the instrument's range. Thresholds on a
      derived scale (WHO-5 percentage points) are converted to raw points, rounded up. With
      ``rule["out_of"]`` (a cut-off id the baseline meets) the target also leaves that
      cut-off's range: a reliable improvement and below caseness.

    :return: ``(target, comparator)``; target ``None`` when the rule cannot apply or the baseline
        already meets it.
    """
    better_high = instrument.direction == "higher-is-better"
    change = instrument.change
    kind = rule.get("rule", "improvement")
    if kind == "value":
        value, comparator = rule["value"], rule["comparator"]
        return (None if compare(baseline, comparator, value) else value), comparator
    remission_value = getattr(change, "remission_value", None)
    remission_cmp = getattr(change, "remission_comparator", None) or ("<" if not better_high else ">")
    if kind == "remission":
        if remission_value is None or compare(baseline, remission_cmp, remission_value):
            return None, remission_cmp
        return remission_value, remission_cmp
    reliable, mcid = change.reliable_change_points, change.mcid
    how = rule.get("step", "reliable")
    if how == "largest":
        step = max(reliable or 0, mcid or 0)
    elif how == "mcid":
        step = mcid or reliable
    else:
        step = reliable or mcid
    if not step:
        return None, "<=" if not better_high else ">="
    scale = getattr(change, "scale", "total")
    if scale != "total":
        factor = next((d.multiply for d in getattr(instrument, "derived", ()) if d.id == scale), 1)
        step = step / factor
    step = math.ceil(step)
    if better_high:
        target = min(baseline + step, instrument.total_max)
        comparator = ">="
    else:
        target = max(baseline - step, instrument.total_min)
        comparator = "<="
    if remission_value is not None:
        if compare(target, remission_cmp, remission_value):
            if compare(baseline, remission_cmp, remission_value):
                return None, remission_cmp
            return remission_value, remission_cmp
    else:
        normal = [b for b in instrument.bands if b.severity == 0]
        if normal and not better_high:
            edge = max(b.max for b in normal)
            if target < edge:
                target = edge
        elif normal and better_high:
            edge = min(b.min for b in normal)
            if target > edge:
                target = edge
    out_of = rule.get("out_of")
    if out_of:  # also leave a cut-off's range (recovery: below caseness)
        cutoff = next((c for c in instrument.cutoffs if c.id == out_of), None)
        if cutoff is not None and compare(baseline, cutoff.comparator, cutoff.value):
            edge = _first_outside(cutoff.comparator, cutoff.value)
            target = min(target, edge) if comparator == "<=" else max(target, edge)
    if target == baseline or compare(baseline, comparator, target):
        return None, comparator
    return target, comparator


def _first_outside(comparator: str, value: float) -> float:
    """The nearest whole score out of a cut-off's range (``>= 8``: 7; ``< 13``: 13)."""
    return {">=": value - 1, ">": value, "<=": value + 1, "<": value}[comparator]
