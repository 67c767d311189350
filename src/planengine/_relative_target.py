"""A goal's target stated relative to its baseline ("one drink a week fewer", "half as many
panic attacks"), read the same way by ``planengine validate`` and ``planengine review``.

A goal file's ``measure.target`` holds either an absolute ``value`` or a change from the baseline,
in the measure's unit (``change: -1``) or as a share of the baseline (``change_percent: -50``),
with an optional comparator (``docs/goal-files.md``). The target it stands for is the baseline
plus the change: with a baseline of 10 drinks a week, ``change: -1`` is the target ``<= 9`` and
``change_percent: -50`` the target ``<= 5``. Without a baseline (none yet, or a pending one whose
first progress entry has not come) there is no target to judge by.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from planengine._values import read_number

__all__ = [
    "RELATIVE_KEYS",
    "absolute_target",
    "apply_change",
    "describe_change",
    "is_relative",
    "read_change",
    "relative_comparator",
]

#: The keys that make a target relative to the baseline (a target has one of them or ``value``).
RELATIVE_KEYS = ("change", "change_percent")


def is_relative(target: Mapping[str, Any] | None) -> bool:
    """Whether ``target`` is stated as a change from the baseline (and has no absolute value)."""
    return (
        isinstance(target, Mapping)
        and "value" not in target
        and any(key in target for key in RELATIVE_KEYS)
    )


def read_change(target: Mapping[str, Any]) -> tuple[float, bool] | None:
    """The change and whether it is a percentage; ``None`` when neither is a usable number."""
    for key, percent in (("change", False), ("change_percent", True)):
        value = read_number(target.get(key))
        if value is not None:
            return value, percent
    return None


def relative_comparator(target: Mapping[str, Any]) -> str | None:
    """The comparator of a relative target: its own, else the direction of the change (fewer:
    ``<=``, more: ``>=``); ``None`` for no change or no usable change."""
    comparator = target.get("comparator")
    if isinstance(comparator, str):
        return comparator
    change = read_change(target)
    if change is None or change[0] == 0:
        return None
    return "<=" if change[0] < 0 else ">="


def absolute_target(target: Mapping[str, Any], baseline: float | None) -> float | None:
    """The target value a relative target stands for at ``baseline``; ``None`` without a
    baseline or a usable change."""
    return apply_change(read_change(target), baseline)


def apply_change(change: tuple[float, bool] | None, baseline: float | None) -> float | None:
    """The value a change (:func:`read_change`: the amount, and whether it is a percentage)
    stands for at ``baseline``; ``None`` without a baseline or a change."""
    if baseline is None or change is None:
        return None
    amount, percent = change
    return baseline * (1 + amount / 100) if percent else baseline + amount


def describe_change(target: Mapping[str, Any]) -> str:
    """The change as a message quotes it: ``change -1``, ``change_percent -50``."""
    for key in RELATIVE_KEYS:
        if key in target:
            return f"{key} {target[key]!r}"
    return "a change"
