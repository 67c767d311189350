"""SMART rules, E (file-level): the one E-code with a check of its own, dates that are not
calendar dates (E004). The checker raises the other E-codes itself (parse, schema, version,
duplicate ids, suppressions)."""

from __future__ import annotations

from collections.abc import Iterator

from planengine.smart._model import GoalContext, Hit

__all__ = ["check_dates"]


def check_dates(ctx: GoalContext) -> Iterator[Hit]:
    for path, value in ctx.record.unreadable_dates:
        yield Hit(path, f"{value!r} is not a calendar date (YYYY-MM-DD)")
