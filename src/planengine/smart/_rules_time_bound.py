"""SMART rules, T (time-bound): a due date after the start and not passed, a horizon of at most a
year, and a review interval within the maximum."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

from planengine._values import is_number
from planengine.smart._model import GoalContext, Hit
from planengine.smart._rules_shared import shown

__all__ = [
    "check_due_before_start",
    "check_due_passed",
    "check_horizon",
    "check_no_due_date",
    "check_no_review",
    "check_review_interval",
]


def check_no_due_date(ctx: GoalContext) -> Iterator[Hit]:
    if "due_date" not in ctx.goal:
        yield Hit()


def check_due_before_start(ctx: GoalContext) -> Iterator[Hit]:
    start, due = ctx.start, ctx.date("due_date")
    if start is not None and due is not None and due < start:
        yield Hit(("due_date",), f"due date {due} is before the start {start}")


def check_due_passed(ctx: GoalContext) -> Iterator[Hit]:
    due = ctx.date("due_date")
    if ctx.as_of is not None and due is not None and due < ctx.as_of:
        yield Hit(("due_date",), f"due date {due} has passed (as of {ctx.as_of})")


def check_horizon(ctx: GoalContext) -> Iterator[Hit]:
    start, due = ctx.start, ctx.date("due_date")
    if start is not None and due is not None and due > _one_year_after(start):
        yield Hit(("due_date",), f"the goal spans {(due - start).days} days, more than a year")


def _one_year_after(day: dt.date) -> dt.date:
    """The same date a year later (29 February: 28 February, so a year is never over-counted)."""
    try:
        return day.replace(year=day.year + 1)
    except ValueError:  # 29 February, or the calendar's last year
        return day.replace(year=day.year + 1, day=28) if day.year < dt.MAXYEAR else dt.date.max


def check_no_review(ctx: GoalContext) -> Iterator[Hit]:
    if "review_interval_days" not in ctx.goal:
        yield Hit()


def check_review_interval(ctx: GoalContext) -> Iterator[Hit]:
    days = ctx.goal.get("review_interval_days")  # 365.0 is the integer 365 in the schema
    limit = ctx.settings.max_review_interval_days
    if is_number(days) and days > limit:  # one too large to use is too long too
        yield Hit(
            ("review_interval_days",),
            f"review every {shown(days)} days is longer than the maximum of {limit} days",
        )
