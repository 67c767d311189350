"""Whether a value meets a goal's target (one comparator reading for status, lost targets, GAS)."""

from __future__ import annotations

from planengine._values import ORDER_COMPARATORS, compare

__all__ = ["target_met"]


def target_met(value: float, comparator: str | None, target: float) -> bool:
    """Whether ``value`` meets the target; with no comparator (or ``==``), equals it."""
    return compare(value, comparator if comparator in ORDER_COMPARATORS else "==", target)
