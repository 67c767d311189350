"""SMART rules, E (file-level): the one E-code with a check of its own, dates that are not
calendar dates (E004). The checker raises the other E-codes itself (parse, schema, version,
duplicate ids, suppressions)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from planengine._values import parse_date
from planengine.smart._model import GoalContext, Hit

__all__ = ["check_dates"]


def check_dates(ctx: GoalContext) -> Iterator[Hit]:
    fields: list[tuple[tuple[str | int, ...], Any]] = [
        (("start_date",), ctx.goal.get("start_date")),
        (("due_date",), ctx.goal.get("due_date")),
        (("measure", "baseline", "date"), (ctx.baseline or {}).get("date")),
        (("measure", "baseline", "by"), (ctx.baseline or {}).get("by")),
    ]
    progress = ctx.goal.get("progress")
    if isinstance(progress, list):
        for index, entry in enumerate(progress):
            if isinstance(entry, dict):
                fields.append((("progress", index, "date"), entry.get("date")))
    for path, value in fields:
        if value is not None and parse_date(value) is None:
            yield Hit(path, f"{value!r} is not a calendar date (YYYY-MM-DD)")
