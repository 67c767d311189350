"""SMART rules, S (specific): vague wording with nothing to pin it down, and one statement naming
several behaviours. Both read the statement through :mod:`planengine.smart._statement`."""

from __future__ import annotations

from collections.abc import Iterator

from planengine._values import read_number
from planengine.smart._model import GoalContext, Hit
from planengine.smart._rules_shared import read_statement, record_anchored

__all__ = ["check_multiple_behaviours", "check_vague"]


def check_vague(ctx: GoalContext) -> Iterator[Hit]:
    """S101: vague wording in the main clause, unless a real metric with a target pins it down
    (in the statement, or ``measure`` with a target). The due date is T501's, not this rule's."""
    statement = read_statement(ctx)
    if statement is None or not statement.vague:
        return
    if statement.anchored or record_anchored(ctx):
        return
    quoted = ", ".join(repr(phrase) for phrase in statement.vague[:2])
    yield Hit(
        ("statement",),
        f"vague wording {quoted}: name what the person will do, or pin it down with a metric and "
        "a target",
    )


def check_multiple_behaviours(ctx: GoalContext) -> Iterator[Hit]:
    """S102: two or more behaviours joined after one subject ("Client will A, B and C")."""
    statement = read_statement(ctx)
    if statement is None or len(statement.behaviours) < 2 or _one_off_task(ctx):
        return
    listed = "; ".join(repr(part[:40]) for part in statement.behaviours[:3])
    yield Hit(
        ("statement",), f"the statement names {len(statement.behaviours)} behaviours ({listed})"
    )


def _one_off_task(ctx: GoalContext) -> bool:
    """A task measured by its completion (target 1 from 0: "complete a PCL-5 and refer for an
    assessment"): it is met when all its steps are done, so its steps need no tracking apart."""
    measure = ctx.record.measure
    target = measure.resolved_target
    if target is None or read_number(target.value) != 1:
        return False
    baseline = measure.baseline
    start = read_number(baseline.value) if baseline is not None else None
    comparator = target.comparator if "comparator" in target.written else ">="
    return start in (None, 0) and comparator in (">=", "==")
